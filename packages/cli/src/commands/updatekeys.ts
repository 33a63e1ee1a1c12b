import type { KeyGroup } from '@gitops-sdk/secrets'
import { debug } from '../context.js'
import type { Command } from '../context.js'
import { UsageError } from '../errors.js'
import { booleanFlag, parseCommandArgs, stringFlag, stringListFlag } from '../flags.js'
import type { FlagSpec } from '../flags.js'
import { fileArgument, formatFlag, readInput } from './decrypt.js'
import { loadAgeIdentities, loadPgpProvider } from './options.js'

const flags = {
  'input-type': { type: 'string' },
  'age-key-file': { type: 'string', multiple: true },
  'pgp-key-file': { type: 'string', multiple: true },
  'pgp-passphrase-env': { type: 'string' },
  yes: { type: 'boolean', short: 'y', default: false },
} as const satisfies FlagSpec

/** Every key of the groups as `type:key` lines per group, for the comparison and the listing. */
function keysOf(groups: readonly KeyGroup[]): string[][] {
  return groups.map((g) => [...(g.age ?? []).map((k) => `age: ${k}`), ...Object.entries(g.other ?? {}).flatMap(([type, keys]) => keys.map((k) => `${type}: ${k}`))])
}

/** What changes, group by group, as sops updatekeys lists it before it asks. */
function changes(before: readonly KeyGroup[], after: readonly KeyGroup[]): string[] {
  const [old, next] = [keysOf(before), keysOf(after)]
  const lines: string[] = []
  for (let i = 0; i < Math.max(old.length, next.length); i++) {
    const [was, will] = [old[i] ?? [], next[i] ?? []]
    const group = [...will.filter((k) => !was.includes(k)).map((k) => `+++ ${k}`), ...was.filter((k) => !will.includes(k)).map((k) => `--- ${k}`)]
    if (group.length > 0) lines.push(`Group ${i + 1}`, ...group)
  }
  return lines
}

export const updatekeysCommand: Command = {
  name: 'updatekeys',
  summary: 'wrap a sops file’s data key for the keys .sops.yaml names now, as sops updatekeys',
  help: `gitops updatekeys: make a sops file's master keys those of its creation rule in .sops.yaml (found
as gitops encrypt finds it), as \`sops updatekeys\` does: the same data key is wrapped for the new
keys (split anew with several key groups); values, MAC and lastmodified stay as they are. The file
is decrypted first, so its MAC is verified. Lists the keys added (+++) and removed (---); writes
FILE (atomically) only with --yes.

Usage:
  gitops updatekeys FILE [-y] [--age-key-file F]... [--pgp-key-file F]...

Flags:
  -y, --yes              write the change; without it, only list it
  --age-key-file F       an age identity that opens the file; repeatable (also the sops
                         environment variables, as gitops decrypt)
  --pgp-key-file F       armored OpenPGP keys: private ones open sops.pgp entries, public ones
                         (gpg --export --armor) wrap for the rule's pgp fingerprints; repeatable
  --pgp-passphrase-env VAR  the passphrase of a protected --pgp-key-file
  --input-type T         yaml, json, dotenv, ini or binary (default: from the file extension)

Example:
  gitops updatekeys -y clusters/prod/db.enc.yaml --age-key-file ~/.config/sops/age/keys.txt
`,
  flags,
  async run({ io, argv, signal }) {
    const { values, positionals } = parseCommandArgs(argv, flags)
    const path = fileArgument(positionals, io)
    const shown = positionals[0] ?? path
    const { formatForPath, loadCreationRule, readKeyGroups, updateKeys } = await import('@gitops-sdk/secrets')
    const format = formatFlag(stringFlag(values, 'input-type'), '--input-type') ?? formatForPath(path)
    const rule = await loadCreationRule(path, { start: io.cwd ?? process.cwd(), signal })
    if (rule === undefined) {
      throw new UsageError(`${shown}: no .sops.yaml with creation_rules in the working directory or above it; updatekeys takes the keys from there`, {
        code: 'CLI_FILE_NOT_FOUND',
        details: { path: '.sops.yaml' },
      })
    }
    const input = await readInput(path, shown, signal)
    const listed = changes(readKeyGroups(input, { format, source: shown }), rule.keyGroups)
    if (listed.length === 0) {
      io.stderr.write(`${shown}: already up to date\n`)
      return 0
    }
    io.stdout.write(`The following changes will be made to the file's groups:\n${listed.join('\n')}\n`)
    if (!booleanFlag(values, 'yes')) {
      io.stderr.write(`${shown}: not written; pass --yes to write these changes\n`)
      return 0
    }
    const identities = await loadAgeIdentities(io, stringListFlag(values, 'age-key-file'), signal)
    const pgp = await loadPgpProvider(io, values, signal)
    debug(io, 'updating keys', { path: shown, config: rule.configPath })
    const text = await updateKeys(input, {
      format,
      identities,
      keyProviders: pgp === undefined ? undefined : [pgp],
      keyGroups: rule.keyGroups,
      shamirThreshold: rule.shamirThreshold,
      source: shown,
      signal,
    })
    await (await import('../writeInPlace.js')).writeInPlace(path, text, signal)
    io.stderr.write(`${shown}: keys updated\n`)
    return 0
  },
}
