// node:fs/promises is reached through fs.promises, when first used: loading it costs every start of
// the gitops command (its bundle runs this module's imports at start) a few milliseconds.
import { promises as fsp } from 'node:fs'
import { resolve } from 'node:path'
import { debug } from '../context.js'
import type { CliIO, Command } from '../context.js'
import { UsageError } from '../errors.js'
import { parseCommandArgs, stringFlag, stringListFlag } from '../flags.js'
import type { FlagSpec } from '../flags.js'
import { abortable, loadAgeIdentities, loadPgpProvider } from './options.js'

const flags = {
  'input-type': { type: 'string' },
  'output-type': { type: 'string' },
  'age-key-file': { type: 'string', multiple: true },
  'pgp-key-file': { type: 'string', multiple: true },
  'pgp-passphrase-env': { type: 'string' },
} as const satisfies FlagSpec

const FORMATS = ['yaml', 'json', 'dotenv', 'ini', 'binary'] as const
type Format = (typeof FORMATS)[number]

/** Checks an `--input-type`/`--output-type` value. */
export function formatFlag(value: string | undefined, flag: string): Format | undefined {
  if (value === undefined) return undefined
  const found = FORMATS.find((f) => f === value)
  if (found === undefined) throw new UsageError(`${flag} must be one of ${FORMATS.join(', ')}, not ${value}`, { code: 'CLI_FLAG_INVALID', details: { flag } })
  return found
}

/** Writes bytes to stdout: as text when they are UTF-8, else as raw bytes (binary files). */
export function writeBytes(io: CliIO, bytes: Uint8Array): void {
  let text: string
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes)
  } catch {
    // Not text: the real stdout takes bytes too, so hand them over untouched.
    ;(io.stdout as unknown as { write(chunk: Uint8Array): unknown }).write(bytes)
    return
  }
  io.stdout.write(text)
}

/** The one positional FILE of decrypt and encrypt, resolved against the CLI's working directory. */
export function fileArgument(positionals: readonly string[], io: CliIO): string {
  const [file, ...extra] = positionals
  if (file === undefined) throw new UsageError('missing FILE', { code: 'CLI_ARGUMENT_MISSING' })
  if (extra.length > 0) throw new UsageError(`expected one FILE, got ${positionals.length}`, { code: 'CLI_ARGUMENT_UNEXPECTED', details: { argument: extra[0] } })
  return resolve(io.cwd ?? process.cwd(), file)
}

/** Reads FILE (a pipe too, as `sops decrypt /dev/stdin`), following the signal; a missing one is named. */
export async function readInput(path: string, shown: string, signal: AbortSignal): Promise<Buffer> {
  return abortable(fsp.readFile(path, { signal }), signal).catch((err: unknown) => {
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ENOENT') throw new UsageError(`${shown}: no such file`, { code: 'CLI_FILE_NOT_FOUND', details: { path: shown }, cause: err })
    if (code === 'EISDIR') throw new UsageError(`${shown}: is a directory, not a file`, { code: 'CLI_FILE_NOT_FOUND', details: { path: shown }, cause: err })
    throw err
  })
}

/** `-o json|yaml` asks for the decrypted tree in that format, as `--output-type` does. */
function treeFormat(output: unknown): string | undefined {
  if (output === undefined || output === 'text') return undefined
  if (output === 'json' || output === 'yaml') return output
  throw new UsageError(`--output must be text, json or yaml, not ${typeof output === 'string' ? output : 'that'}`, { code: 'CLI_FLAG_INVALID', details: { flag: '--output' } })
}

export const decryptCommand: Command = {
  name: 'decrypt',
  summary: 'decrypt a sops file (yaml, json, dotenv, ini, binary) with age or PGP keys; MAC verified',
  help: `gitops decrypt: decrypt a sops-encrypted file and print the plaintext to stdout, as
\`sops decrypt\` does. The MAC is always verified; a tampered file is refused.

Usage:
  gitops decrypt FILE [--input-type T] [--output-type T] [--age-key-file F]... [--pgp-key-file F]...

Flags:
  --input-type T     yaml, json, dotenv, ini or binary (default: from the file extension)
  --output-type T    the same choices (default: the input type); json prints the tree as JSON
  --age-key-file F   an age identity file, passphrase-free; repeatable
  --pgp-key-file F   an armored OpenPGP private key (gpg --export-secret-keys --armor FPR) for
                     the file's sops.pgp entries, read without gpg or its agent; repeatable
  --pgp-passphrase-env VAR
                     the passphrase of a protected --pgp-key-file, from environment variable VAR
  -o, --output F     text (default): the plaintext as --output-type says; json or yaml: the
                     decrypted tree in that format (the same as --output-type json|yaml)

Keys are also read from SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, SOPS_AGE_SSH_PRIVATE_KEY_FILE,
~/.ssh/id_ed25519 and the sops keys.txt, in sops' order.

Example:
  gitops decrypt secrets/db.enc.yaml --age-key-file ~/.config/sops/age/keys.txt
`,
  flags,
  async run({ io, argv, signal }) {
    const { values, positionals } = parseCommandArgs(argv, flags)
    const path = fileArgument(positionals, io)
    const inputType = formatFlag(stringFlag(values, 'input-type'), '--input-type')
    const outputType = formatFlag(stringFlag(values, 'output-type') ?? treeFormat(values.output), '--output-type')
    const { decrypt, formatForPath } = await import('@gitops-sdk/secrets')
    const identities = await loadAgeIdentities(io, stringListFlag(values, 'age-key-file'), signal)
    const pgp = await loadPgpProvider(io, values, signal)
    const format = inputType ?? formatForPath(path)
    debug(io, 'decrypting file', { path: positionals[0], format, identities: identities.length, pgp: pgp !== undefined })
    const plain = await decrypt(await readInput(path, positionals[0] ?? path, signal), {
      format,
      outputFormat: outputType,
      identities,
      keyProviders: pgp === undefined ? undefined : [pgp],
      source: positionals[0],
      signal,
    })
    writeBytes(io, plain)
    return 0
  },
}
