import { FluxError } from './errors.js'

const unitNanos: ReadonlyMap<string, number> = new Map([
  ['ns', 1],
  ['us', 1e3],
  ['µs', 1e3],
  ['μs', 1e3],
  ['ms', 1e6],
  ['s', 1e9],
  ['m', 60e9],
  ['h', 3600e9],
])

/**
 * Parses a Go duration (`time.ParseDuration`: `90s`, `1h30m`, `1.5h`, `500ms`, `-2m`) into
 * milliseconds, as Flux reads `interval`, `timeout` and `retryInterval`.
 *
 * @throws `FLUX_DURATION_INVALID` when the text is not a Go duration; the message quotes it as Go does.
 * @example
 * ```ts
 * parseDuration('1m30s') // 90000
 * ```
 */
export function parseDuration(text: string): number {
  const invalid = (): FluxError =>
    new FluxError({ code: 'FLUX_DURATION_INVALID', message: `time: invalid duration ${JSON.stringify(text)}`, details: { value: text } })
  let rest = text
  let sign = 1
  if (rest.startsWith('-') || rest.startsWith('+')) {
    sign = rest.startsWith('-') ? -1 : 1
    rest = rest.slice(1)
  }
  if (rest === '0') return 0
  if (rest === '') throw invalid()
  let nanos = 0
  const part = /^(\d*)(?:\.(\d*))?([a-zµμ]+)/u
  while (rest !== '') {
    const match = part.exec(rest)
    if (match === null) {
      if (/^(\d+(\.\d*)?|\.\d+)$/u.test(rest)) {
        throw new FluxError({
          code: 'FLUX_DURATION_INVALID',
          message: `time: missing unit in duration ${JSON.stringify(text)}`,
          details: { value: text },
        })
      }
      throw invalid()
    }
    const [whole, int = '', frac = '', unit = ''] = match
    if (int === '' && frac === '') throw invalid()
    const scale = unitNanos.get(unit)
    if (scale === undefined) {
      throw new FluxError({
        code: 'FLUX_DURATION_INVALID',
        message: `time: unknown unit ${JSON.stringify(unit)} in duration ${JSON.stringify(text)}`,
        details: { value: text },
      })
    }
    nanos += Number(`${int === '' ? '0' : int}.${frac === '' ? '0' : frac}`) * scale
    rest = rest.slice(whole.length)
  }
  if (!Number.isFinite(nanos) || nanos > 2 ** 63 - 1) throw invalid()
  return (sign * Math.round(nanos)) / 1e6
}
