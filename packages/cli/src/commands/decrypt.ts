import { readFile } from 'node:fs/promises'
import { resolve } from 'node:path'
import { parseCommandArgs, stringFlag, stringListFlag, UsageError } from '../context.js'
import type { CliIO, Command } from '../context.js'
import { loadAgeIdentities } from './options.js'

const FORMATS = ['yaml', 'json', 'dotenv', 'ini', 'binary'] as const
type Format = (typeof FORMATS)[number]

/** Checks an `--input-type`/`--output-type` value. */
export function formatFlag(value: string | undefined, flag: string): Format | undefined {
  if (value === undefined) return undefined
  const found = FORMATS.find((f) => f === value)
  if (found === undefined) throw new UsageError(`${flag} must be one of ${FORMATS.join(', ')}, not ${value}`)
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
  if (file === undefined) throw new UsageError('missing FILE')
  if (extra.length > 0) throw new UsageError(`expected one FILE, got ${positionals.length}`)
  return resolve(io.cwd ?? process.cwd(), file)
}

/** `-o json|yaml` asks for the decrypted tree in that format, as `--output-type` does. */
function treeFormat(output: unknown): string | undefined {
  if (output === undefined || output === 'text') return undefined
  if (output === 'json' || output === 'yaml') return output
  throw new UsageError(`--output must be text, json or yaml, not ${typeof output === "string" ? output : "that"}`)
}

export const decryptCommand: Command = {
  name: 'decrypt',
  summary: 'decrypt a sops file (yaml, json, dotenv, ini, binary) with age keys; MAC verified',
  help: `gitops decrypt: decrypt a sops-encrypted file and print the plaintext to stdout, as
\`sops decrypt\` does. The MAC is always verified; a tampered file is refused.

Usage:
  gitops decrypt FILE [--input-type T] [--output-type T] [--age-key-file F]...

Flags:
  --input-type T     yaml, json, dotenv, ini or binary (default: from the file extension)
  --output-type T    the same choices (default: the input type); json prints the tree as JSON
  --age-key-file F   an age identity file, passphrase-free; repeatable
  -o, --output F     text (default): the plaintext as --output-type says; json or yaml: the
                     decrypted tree in that format (the same as --output-type json|yaml)

Keys are also read from SOPS_AGE_KEY, SOPS_AGE_KEY_FILE, SOPS_AGE_SSH_PRIVATE_KEY_FILE,
~/.ssh/id_ed25519 and the sops keys.txt, in sops' order.

Example:
  gitops decrypt secrets/db.enc.yaml --age-key-file ~/.config/sops/age/keys.txt
`,
  async run({ io, argv, signal }) {
    const { values, positionals } = parseCommandArgs(argv, {
      'input-type': { type: 'string' },
      'output-type': { type: 'string' },
      'age-key-file': { type: 'string', multiple: true },
    })
    const path = fileArgument(positionals, io)
    const inputType = formatFlag(stringFlag(values, 'input-type'), '--input-type')
    const outputType = formatFlag(stringFlag(values, 'output-type') ?? treeFormat(values.output), '--output-type')
    const { decrypt, formatForPath } = await import('@gitops-sdk/secrets')
    const identities = await loadAgeIdentities(io, stringListFlag(values, 'age-key-file'), signal)
    const format = inputType ?? formatForPath(path)
    const plain = await decrypt(await readFile(path), { format, outputFormat: outputType, identities, source: positionals[0], signal })
    writeBytes(io, plain)
    return 0
  },
}
