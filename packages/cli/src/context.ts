import type { KubeValue, LogLevel, Logger } from '@gitops-sdk/core'
import { isGitOpsError } from '@gitops-sdk/core/errors'
import { UsageError } from './errors.js'
import type { FlagSpec, OutputFormat } from './flags.js'

/** A stream the CLI writes to. */
export interface OutputStream {
  /** Writes `chunk` as is. */
  write(chunk: string): unknown
  /** Whether the stream is a terminal (progress bars and colour only then). */
  readonly isTTY?: boolean | undefined
}

/** The world the CLI runs in, injected so that tests run it in process. */
export interface CliIO {
  /** Where results go. */
  readonly stdout: OutputStream
  /** Where logs, progress and errors go. */
  readonly stderr: OutputStream
  /** The environment variables (`KUBECONFIG`, `NO_COLOR`, credentials named by flags). */
  readonly env: Readonly<Record<string, string | undefined>>
  /** What `-` reads. @defaultValue nothing: a `-` argument fails */
  readonly stdin?: AsyncIterable<Uint8Array | string> | undefined
  /** The directory relative paths start from. @defaultValue process.cwd() */
  readonly cwd?: string | undefined
  /** Cancels the operation: it stops promptly and rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined
  /**
   * Receives the error that ended a command (after its line went to stderr): for programs that
   * embed the CLI and for tests, which branch on its `code` rather than on the printed text.
   */
  readonly onError?: ((error: unknown) => void) | undefined
  /**
   * Where the commands log what each step does (`--log-level`, `--log-format`): set by `main` to
   * a logger on stderr, masked like every other line; absent means silent.
   */
  readonly logger?: Logger | undefined
  /**
   * The level `logger` writes from, when known (`main` sets it): work done only for debug lines,
   * such as describing each API request, is skipped above debug.
   */
  readonly logLevel?: LogLevel | undefined
}

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
  /** Its flags besides `-o` and `-h`, for shell completion (and its own parsing). */
  readonly flags?: FlagSpec | undefined
  /**
   * The command logs its own `gitops NAME: starting` debug line, through its own logger (the
   * controller's JSON lines carry a timestamp and Flux's field names). @defaultValue false
   */
  readonly logsOwnStart?: boolean | undefined
  /** Runs the command; resolves to the exit code (0 ok, 1 difference found, 2 error). */
  run(context: CommandContext): Promise<number>
}

/** Exit codes shared by every sub-command. */
export const EXIT_OK = 0
export const EXIT_DIFFERENCE = 1
export const EXIT_ERROR = 2

// The flag helpers live in flags.ts; these names stay importable from here for the commands that
// used them before it existed.
export { UsageError } from './errors.js'
export type { FlagSpec, FlagValues, OutputFormat } from './flags.js'
export { booleanFlag, commonOptions, outputFormat, parseCommandArgs, stringFlag, stringListFlag } from './flags.js'

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

// The YAML printer lives in core's main entry, with its YAML engine: loading it costs more than all
// of `gitops version`, so it is loaded only when a command may print YAML (see loadYamlPrinter).
let yamlPrinter: ((value: KubeValue) => string) | undefined

/**
 * Loads the printer of `-o yaml`. `main` calls it before running a command whose arguments may ask
 * for YAML; a program that calls {@link printResult} with `format: 'yaml'` itself calls it first.
 */
export async function loadYamlPrinter(): Promise<void> {
  yamlPrinter ??= (await import('@gitops-sdk/core')).stringifyValue
}

/** Prints a result in the chosen format: `text` through the command's own formatter. */
export function printResult(io: CliIO, result: CommandResult): void {
  const { format, data, text, stream = false } = result
  switch (format) {
    case 'json':
      io.stdout.write(`${JSON.stringify(data, jsonReplacer, stream ? undefined : 2)}\n`)
      return
    case 'yaml':
      if (yamlPrinter === undefined) throw new Error('printResult: -o yaml needs loadYamlPrinter() first')
      io.stdout.write(`${stream ? '---\n' : ''}${yamlPrinter(JSON.parse(JSON.stringify(data, jsonReplacer)) as KubeValue)}`)
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

/**
 * Whether a debug line would be written: a logger is set and its level (when known) is debug. Work
 * done only to describe a debug line (a path shown as the user reads it, a request's URL) is
 * skipped when it is not.
 */
export function debugging(io: CliIO): boolean {
  return io.logger !== undefined && (io.logLevel === undefined || io.logLevel === 'debug')
}

/** Logs a debug line through the io's logger, if any. */
export function debug(io: CliIO, message: string, fields?: Readonly<Record<string, unknown>>): void {
  io.logger?.debug(message, fields)
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
