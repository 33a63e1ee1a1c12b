import { parseArgs } from 'node:util'
import type { ParseArgsConfig } from 'node:util'
import { isGitOpsError, stringifyValue } from '@gitops-sdk/core'
import type { KubeValue } from '@gitops-sdk/core'

/** A stream the CLI writes to. */
export interface OutputStream {
  /** Writes `chunk` as is. */
  write(chunk: string): unknown
  readonly isTTY?: boolean | undefined
}

/** The world the CLI runs in, injected so that tests run it in process. */
export interface CliIO {
  readonly stdout: OutputStream
  readonly stderr: OutputStream
  readonly env: Readonly<Record<string, string | undefined>>
  readonly stdin?: AsyncIterable<Uint8Array | string> | undefined
  readonly cwd?: string | undefined
  readonly signal?: AbortSignal | undefined
}

/** Output formats every sub-command accepts through `--output`. */
export type OutputFormat = 'text' | 'json' | 'yaml'

/** What a sub-command gets: its arguments, the io, and shared helpers. */
export interface CommandContext {
  readonly io: CliIO
  readonly argv: readonly string[]
  readonly signal: AbortSignal
}

/** One sub-command of `gitops`. */
export interface Command {
  readonly name: string
  /** One line for the command list. */
  readonly summary: string
  /** The full `--help` text, with at least one example. */
  readonly help: string
  /** Runs the command; resolves to the exit code (0 ok, 1 difference found, 2 error). */
  run(context: CommandContext): Promise<number>
}

/** An error in how the command was called; printed as one line, exit 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError'
}

/** Exit codes shared by every sub-command. */
export const EXIT_OK = 0
export const EXIT_DIFFERENCE = 1
export const EXIT_ERROR = 2

/** Flag definitions as `node:util` parseArgs takes them. */
export type FlagSpec = NonNullable<ParseArgsConfig['options']>

/** Parsed flag values. */
export type FlagValues = Readonly<Record<string, string | boolean | (string | boolean)[] | undefined>>

/** Options every sub-command accepts. */
export const commonOptions: FlagSpec = {
  output: { type: 'string', short: 'o', default: 'text' },
  help: { type: 'boolean', short: 'h', default: false },
}

/** Parses a sub-command's arguments strictly; unknown flags are usage errors. */
export function parseCommandArgs(argv: readonly string[], options: FlagSpec): { values: FlagValues; positionals: string[] } {
  try {
    const parsed = parseArgs({ args: [...argv], options: { ...commonOptions, ...options }, allowPositionals: true, strict: true })
    return { values: parsed.values, positionals: parsed.positionals }
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
}

/** A string flag's value, or undefined. */
export function stringFlag(values: FlagValues, name: string): string | undefined {
  const v = values[name]
  return typeof v === 'string' ? v : undefined
}

/** All values of a repeatable string flag. */
export function stringListFlag(values: FlagValues, name: string): string[] {
  const v = values[name]
  if (v === undefined) return []
  return (Array.isArray(v) ? v : [v]).filter((x): x is string => typeof x === 'string')
}

/** A boolean flag's value. */
export function booleanFlag(values: FlagValues, name: string): boolean {
  return values[name] === true
}

/** Checks an `--output` value. */
export function outputFormat(value: unknown): OutputFormat {
  if (value === 'text' || value === 'json' || value === 'yaml') return value
  throw new UsageError(`--output must be text, json or yaml, not ${String(value)}`)
}

/** A command's result: plain data for json and yaml, and a formatter for text. */
export interface CommandResult {
  readonly format: OutputFormat
  readonly data: unknown
  readonly text: () => string
  /**
   * One result of a stream (a continuous reconcile prints one per reconcile): JSON on one line
   * (a JSON Lines stream), YAML as a document starting with `---`.
   */
  readonly stream?: boolean
}

/** Prints a result in the chosen format: `text` through the command's own formatter. */
export function printResult(io: CliIO, result: CommandResult): void {
  const { format, data, text, stream = false } = result
  switch (format) {
    case 'json':
      io.stdout.write(`${JSON.stringify(data, jsonReplacer, stream ? undefined : 2)}\n`)
      return
    case 'yaml':
      io.stdout.write(`${stream ? '---\n' : ''}${stringifyValue(JSON.parse(JSON.stringify(data, jsonReplacer)) as KubeValue)}`)
      return
    case 'text': {
      const out = text()
      io.stdout.write(out.endsWith('\n') || out === '' ? out : `${out}\n`)
      return
    }
  }
}

function jsonReplacer(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value
}

/** Progress goes to stderr, one plain line each, so stdout stays machine-readable. */
export function progress(io: CliIO, message: string): void {
  io.stderr.write(`${message}\n`)
}

/** Turns any failure into one line for stderr. */
export function describeError(err: unknown): string {
  if (err instanceof UsageError) return err.message
  if (isGitOpsError(err)) return `${err.message} [${err.code}]`
  if (err instanceof Error) return err.message.split('\n')[0] ?? err.message
  return String(err)
}
