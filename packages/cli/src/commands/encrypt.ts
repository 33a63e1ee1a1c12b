import { debug } from '../context.js'
import type { Command } from '../context.js'
import { UsageError } from '../errors.js'
import { parseCommandArgs, stringFlag, stringListFlag } from '../flags.js'
import type { FlagSpec } from '../flags.js'
import { fileArgument, readInput } from './decrypt.js'

const flags = {
  age: { type: 'string', multiple: true },
  'encrypted-regex': { type: 'string' },
} as const satisfies FlagSpec

export const encryptCommand: Command = {
  name: 'encrypt',
  summary: 'encrypt a file with sops for age recipients; prints a file sops accepts',
  help: `gitops encrypt: encrypt a file with sops for age recipients and print the encrypted file to
stdout. The store follows the file extension (.yaml/.yml, .json, .env, .ini, else binary).

Usage:
  gitops encrypt FILE --age RECIPIENT[,RECIPIENT] [--encrypted-regex R]...

Flags:
  --age RECIPIENT[,RECIPIENT]   age recipients (age1…, age1pq1…, "ssh-ed25519 AAAA…"); repeatable
  --encrypted-regex R           encrypt only values under keys matching R (Go RE2 syntax)
  -o, --output text             the encrypted file is printed as it is stored, in the format of
                                FILE; json and yaml are refused rather than silently ignored

Example:
  gitops encrypt secret.yaml --age age1yt3tfqlfrwdwx0z0ynwplcr6qxcxfaqycuprpmy89nr83ltx74tqdpszlw \\
    --encrypted-regex '^(data|stringData)$' > secret.enc.yaml
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
    const recipients = stringListFlag(values, 'age')
      .flatMap((v) => v.split(','))
      .map((r) => r.trim())
      .filter((r) => r !== '')
    if (recipients.length === 0) throw new UsageError('--age RECIPIENT is required', { code: 'CLI_ARGUMENT_MISSING', details: { flag: '--age' } })
    const encryptedRegex = stringFlag(values, 'encrypted-regex')
    const { encrypt, formatForPath } = await import('@gitops-sdk/secrets')
    debug(io, 'encrypting file', { path: positionals[0], recipients: recipients.length })
    const text = await encrypt(await readInput(path, positionals[0] ?? path, signal), {
      format: formatForPath(path),
      recipients,
      rules: { encryptedRegex },
      source: positionals[0],
      signal,
    })
    io.stdout.write(text)
    return 0
  },
}
