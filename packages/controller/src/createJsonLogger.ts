import { systemClock } from '@gitops-sdk/core'
import type { Clock, LogFields, Logger, LogLevel } from '@gitops-sdk/core'

/** A {@link Logger} that can carry fields into every line (the controller, the object, the reconcile id). */
export interface ControllerLogger extends Logger {
  /** A logger adding `fields` to every line. */
  with(fields: LogFields): ControllerLogger
}

/** Options of {@link createJsonLogger}. */
export interface JsonLoggerOptions {
  /** Lowest level written. @defaultValue 'info' */
  readonly level?: LogLevel | undefined
  /** Clock of the `ts` field. @defaultValue the system clock */
  readonly clock?: Clock | undefined
  /** Fields of every line, such as `{ controller: 'widget' }`. */
  readonly fields?: LogFields | undefined
}

const LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error']
const RESERVED = new Set(['level', 'ts', 'msg'])

/**
 * A logger writing one JSON object per line, as Flux's controllers log with `--log-encoding=json`:
 * `level`, `ts` (RFC 3339), `msg`, then the carried and given fields (`controller`, `object`,
 * `reconcileID`, …). A field named `level`, `ts` or `msg` is written as `field.<name>` instead; an
 * Error is written as its message.
 *
 * @example
 * ```ts
 * const log = createJsonLogger(process.stderr, { fields: { controller: 'widget' } })
 * log.with({ object: 'apps/web', reconcileID: id }).info('reconciled')
 * ```
 */
export function createJsonLogger(stream: { write(chunk: string): unknown }, options: JsonLoggerOptions = {}): ControllerLogger {
  const min = LEVELS.indexOf(options.level ?? 'info')
  if (min < 0) throw new TypeError(`createJsonLogger: level must be one of ${LEVELS.join(', ')}`)
  const clock = options.clock ?? systemClock
  const make = (carried: LogFields): ControllerLogger => {
    const line =
      (level: LogLevel) =>
      (message: string, fields: LogFields = {}): void => {
        if (LEVELS.indexOf(level) < min) return
        const record: Record<string, unknown> = Object.create(null) as Record<string, unknown>
        record.level = level
        record.ts = clock.now().toISOString()
        record.msg = message
        for (const source of [carried, fields]) {
          for (const [key, value] of Object.entries(source)) record[RESERVED.has(key) ? `field.${key}` : key] = value instanceof Error ? value.message : value
        }
        let text: string
        try {
          text = JSON.stringify(record)
        } catch {
          text = JSON.stringify({ level, ts: record.ts, msg: message, error: 'fields could not be serialised' })
        }
        stream.write(`${text}\n`)
      }
    return { debug: line('debug'), info: line('info'), warn: line('warn'), error: line('error'), with: (more) => make({ ...carried, ...more }) }
  }
  return make(options.fields ?? {})
}
