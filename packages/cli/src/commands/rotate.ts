import { debug } from '../context.js'
import type { Command } from '../context.js'
import { booleanFlag, parseCommandArgs, stringFlag, stringListFlag } from '../flags.js'
import type { FlagSpec } from '../flags.js'
import { fileArgument, formatFlag, readInput } from './decrypt.js'
import { loadAgeIdentities, loadPgpProvider } from './options.js'

const flags = {
  'input-type': { type: 'string' },
  'age-key-file': { type: 'string', multiple: true },
  'pgp-key-file': { type: 'string', multiple: true },
  'pgp-passphrase-env': { type: 'string' },
  'add-age': { type: 'string', multiple: true },
  'rm-age': { type: 'string', multiple: true },
  'in-place': { type: 'boolean', short: 'i', default: false },
} as const satisfies FlagSpec

const recipients = (values: readonly string[]): string[] =>
  values
    .flatMap((v) => v.split(','))
    .map((r) => r.trim())
    .filter((r) => r !== '')

export const rotateCommand: Command = {
  name: 'rotate',
  summary: 'give a sops file a new data key, re-encrypting every value, as sops rotate',
  help: `gitops rotate: decrypt a sops file (MAC verified), then encrypt every value again under a new
data key wrapped for all its master keys, with a new lastmodified and MAC, as \`sops rotate\` does.
Comments and the encryption rule are kept. Prints the rotated file, or replaces FILE with -i.

Usage:
  gitops rotate FILE [-i] [--age-key-file F]... [--pgp-key-file F]... [--add-age R] [--rm-age R]

Flags:
  -i, --in-place         replace FILE (atomically, its mode kept) instead of printing
  --add-age R[,R]        also wrap the new key for these age recipients (first key group)
  --rm-age R[,R]         stop wrapping it for these age recipients (every key group)
  --age-key-file F       an age identity that opens the file; repeatable (also the sops
                         environment variables, as gitops decrypt)
  --pgp-key-file F       an armored OpenPGP private key for sops.pgp entries (it wraps the new
                         key for its own fingerprint too); repeatable
  --pgp-passphrase-env VAR  the passphrase of a protected --pgp-key-file
  --input-type T         yaml, json, dotenv, ini or binary (default: from the file extension)

Example:
  gitops rotate -i clusters/prod/db.enc.yaml --age-key-file ~/.config/sops/age/keys.txt
`,
  flags,
  async run({ io, argv, signal }) {
    const { values, positionals } = parseCommandArgs(argv, flags)
    const path = fileArgument(positionals, io)
    const shown = positionals[0] ?? path
    const { formatForPath, rotate } = await import('@gitops-sdk/secrets')
    const format = formatFlag(stringFlag(values, 'input-type'), '--input-type') ?? formatForPath(path)
    const identities = await loadAgeIdentities(io, stringListFlag(values, 'age-key-file'), signal)
    const pgp = await loadPgpProvider(io, values, signal)
    debug(io, 'rotating file', { path: shown, format })
    const text = await rotate(await readInput(path, shown, signal), {
      format,
      identities,
      keyProviders: pgp === undefined ? undefined : [pgp],
      addRecipients: recipients(stringListFlag(values, 'add-age')),
      removeRecipients: recipients(stringListFlag(values, 'rm-age')),
      source: shown,
      signal,
    })
    if (!booleanFlag(values, 'in-place')) {
      io.stdout.write(text)
      return 0
    }
    await (await import('../writeInPlace.js')).writeInPlace(path, text, signal)
    io.stderr.write(`${shown}: rotated\n`)
    return 0
  },
}
