import type { EncryptionRules, KeyGroup } from '@gitops-sdk/secrets'
import { debug } from '../context.js'
import type { CliIO, Command } from '../context.js'
import { UsageError } from '../errors.js'
import { booleanFlag, parseCommandArgs, stringFlag, stringListFlag } from '../flags.js'
import type { FlagSpec, FlagValues } from '../flags.js'
import { fileArgument, readInput } from './decrypt.js'
import { loadPgpProvider } from './options.js'

const flags = {
  age: { type: 'string', multiple: true },
  pgp: { type: 'string', multiple: true },
  'pgp-key-file': { type: 'string', multiple: true },
  'encrypted-regex': { type: 'string' },
  'unencrypted-regex': { type: 'string' },
  'encrypted-suffix': { type: 'string' },
  'unencrypted-suffix': { type: 'string' },
  'encrypted-comment-regex': { type: 'string' },
  'unencrypted-comment-regex': { type: 'string' },
  'mac-only-encrypted': { type: 'boolean', default: false },
} as const satisfies FlagSpec

/** The selector flags, by the field of EncryptionRules they set, in sops' order. */
const SELECTORS = [
  ['unencryptedSuffix', 'unencrypted-suffix'],
  ['encryptedSuffix', 'encrypted-suffix'],
  ['unencryptedRegex', 'unencrypted-regex'],
  ['encryptedRegex', 'encrypted-regex'],
  ['unencryptedCommentRegex', 'unencrypted-comment-regex'],
  ['encryptedCommentRegex', 'encrypted-comment-regex'],
] as const

/** Comma-separated keys of a repeatable flag, else of the environment variable sops reads for it. */
function keysOf(io: CliIO, values: FlagValues, source: { readonly flag: string; readonly variable: string }): string[] {
  const { flag, variable } = source
  const given = stringListFlag(values, flag)
  const raw = given.length > 0 ? given : [io.env[variable] ?? '']
  return raw.flatMap((v) => v.split(',')).map((r) => r.trim()).filter((r) => r !== '')
}

/**
 * Which values to encrypt: each selector flag wins over the creation rule's, as in sops; more than
 * one selector in the end is refused (by the encrypt call) as sops refuses it.
 */
function rulesOf(values: FlagValues, rule: EncryptionRules | undefined): EncryptionRules {
  const rules: { -readonly [K in keyof EncryptionRules]: EncryptionRules[K] } = {}
  for (const [field, flag] of SELECTORS) {
    const value = stringFlag(values, flag) ?? rule?.[field]
    if (value !== undefined && value !== '') rules[field] = value
  }
  if (booleanFlag(values, 'mac-only-encrypted') || rule?.macOnlyEncrypted === true) rules.macOnlyEncrypted = true
  return rules
}

export const encryptCommand: Command = {
  name: 'encrypt',
  summary: 'encrypt a file with sops for age and PGP recipients (or .sops.yaml’s creation rule); prints a file sops accepts',
  help: `gitops encrypt: encrypt a file with sops and print the encrypted file to stdout, as
\`sops encrypt\` does. The store follows the file extension (.yaml/.yml, .json, .env, .ini, else
binary).

Usage:
  gitops encrypt FILE [--age RECIPIENT[,RECIPIENT]]... [--pgp FPR]... [--pgp-key-file F]...
                      [--encrypted-regex R | --unencrypted-suffix S | ...] [--mac-only-encrypted]

Keys: --age and --pgp (else SOPS_AGE_RECIPIENTS and SOPS_PGP_FP, comma-separated) name the
recipients of one key group. Without any, the creation rule of .sops.yaml is used, as sops finds
it: in the working directory or the nearest parent that has one, the first rule whose path_regex
matches FILE's path relative to it (or that has none). Its age, pgp and key_groups (merge,
shamir_threshold) become the keys, and its encrypted_regex, unencrypted_suffix, ... and
mac_only_encrypted select the values unless a flag here says otherwise. A .sops.yaml whose rules
all miss FILE fails with SOPS_CONFIG_NO_MATCHING_RULE, even with --age, as in sops.

Flags:
  --age RECIPIENT[,RECIPIENT]   age recipients (age1…, age1pq1…, "ssh-ed25519 AAAA…"); repeatable
  --pgp FPR[,FPR]               OpenPGP fingerprints; each key's public half must be in a
                                --pgp-key-file (there is no gpg keyring); repeatable
  --pgp-key-file F              armored OpenPGP keys (gpg --export --armor FPR); repeatable
  --encrypted-regex R           encrypt only values under keys matching R (Go RE2 syntax)
  --unencrypted-regex R         leave values under keys matching R in plaintext
  --encrypted-suffix S          encrypt only values under keys ending in S
  --unencrypted-suffix S        leave values under keys ending in S in plaintext (default
                                _unencrypted when nothing else selects)
  --encrypted-comment-regex R   encrypt only values after a comment matching R
  --unencrypted-comment-regex R leave values after a comment matching R in plaintext
  --mac-only-encrypted          the MAC covers only the encrypted values
  -o, --output text             the encrypted file is printed as it is stored, in the format of
                                FILE; json and yaml are refused rather than silently ignored

Example:
  gitops encrypt secret.yaml --age age1yt3tfqlfrwdwx0z0ynwplcr6qxcxfaqycuprpmy89nr83ltx74tqdpszlw \\
    --encrypted-regex '^(data|stringData)$' > secret.enc.yaml
  gitops encrypt clusters/prod/db.yaml > clusters/prod/db.enc.yaml    # keys from .sops.yaml
`,
  flags,
  async run({ io, argv, signal }) {
    const { values, positionals } = parseCommandArgs(argv, flags)
    if (values.output !== undefined && values.output !== 'text') {
      throw new UsageError(`--output ${String(values.output)}: encrypt prints the encrypted file in the format of FILE; name the file .json to get a JSON one`, {
        code: 'CLI_FLAG_INVALID',
        details: { flag: '--output' },
      })
    }
    const path = fileArgument(positionals, io)
    const age = keysOf(io, values, { flag: 'age', variable: 'SOPS_AGE_RECIPIENTS' })
    const pgp = keysOf(io, values, { flag: 'pgp', variable: 'SOPS_PGP_FP' })
    const { encrypt, formatForPath, loadCreationRule } = await import('@gitops-sdk/secrets')
    // sops reads the config for every encrypt: its selectors apply with keys from flags too.
    const rule = await loadCreationRule(path, { start: io.cwd ?? process.cwd(), signal })
    if (rule !== undefined) debug(io, 'creation rule', { config: rule.configPath, pathRegex: rule.pathRegex ?? '(any)' })
    const keyGroups: readonly KeyGroup[] | undefined = age.length > 0 || pgp.length > 0 ? [{ age, ...(pgp.length > 0 ? { other: { pgp } } : {}) }] : rule?.keyGroups
    if (keyGroups === undefined) {
      throw new UsageError('no recipients: pass --age or --pgp, set SOPS_AGE_RECIPIENTS, or add a creation rule to .sops.yaml', {
        code: 'CLI_ARGUMENT_MISSING',
        details: { flag: '--age' },
      })
    }
    const provider = await loadPgpProvider(io, values, signal)
    debug(io, 'encrypting file', { path: positionals[0], groups: keyGroups.length })
    const text = await encrypt(await readInput(path, positionals[0] ?? path, signal), {
      format: formatForPath(path),
      keyGroups,
      shamirThreshold: keyGroups === rule?.keyGroups ? rule.shamirThreshold : undefined,
      rules: rulesOf(values, rule?.rules),
      keyProviders: provider === undefined ? undefined : [provider],
      source: positionals[0],
      signal,
    })
    io.stdout.write(text)
    return 0
  },
}
