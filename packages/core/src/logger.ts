/**
 * The logging seam of gitops-sdk alone: `Logger`, `silentLogger` and `createStreamLogger`, the same
 * ones the main entry exports, without the rest of core, for programs that must start fast.
 *
 * @packageDocumentation
 */
/** Structured fields of a log line: refs, paths, counts; never plaintext secrets. */
export type LogFields = Readonly<Record<string, unknown>>

/** A logging seam; the SDK never writes to the console itself. */
export interface Logger {
  /** Logs detail useful when tracing a run. */
  debug(message: string, fields?: LogFields): void
  /** Logs a step of normal progress. */
  info(message: string, fields?: LogFields): void
  /** Logs something that went wrong but did not stop the operation. */
  warn(message: string, fields?: LogFields): void
  /** Logs a failure. */
  error(message: string, fields?: LogFields): void
}

/** A logger that drops everything: the default of every SDK function. */
export const silentLogger: Logger = {
  debug: () => undefined,
  info: () => undefined,
  warn: () => undefined,
  error: () => undefined,
}

/** Log levels in increasing order of severity. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error'

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error']

/**
 * A logger writing one line per message to a writable stream (such as `process.stderr`):
 * `level message key=value …`, or one JSON object per line with `json: true`.
 */
export function createStreamLogger(
  stream: { write(chunk: string): unknown },
  options: { readonly level?: LogLevel | undefined; readonly json?: boolean | undefined } = {},
): Logger {
  const min = LEVELS.indexOf(options.level ?? 'info')
  const log =
    (level: LogLevel) =>
    (message: string, fields: LogFields = {}): void => {
      if (LEVELS.indexOf(level) < min) return
      if (options.json === true) {
        stream.write(`${JSON.stringify({ level, message, ...fields })}\n`)
        return
      }
      const rest = Object.entries(fields)
        .map(([k, v]) => `${k}=${typeof v === 'string' ? v : JSON.stringify(v)}`)
        .join(' ')
      stream.write(`${level} ${message}${rest === '' ? '' : ` ${rest}`}\n`)
    }
  return { debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') }
}
