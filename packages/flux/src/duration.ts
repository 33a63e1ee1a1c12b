import { FluxError } from './errors.js'

const unitNanos: ReadonlyMap<string, bigint> = new Map([
  ['ns', 1n],
  ['us', 1_000n],
  ['µs', 1_000n],
  ['μs', 1_000n],
  ['ms', 1_000_000n],
  ['s', 1_000_000_000n],
  ['m', 60_000_000_000n],
  ['h', 3_600_000_000_000n],
])

const maxNanos = 2n ** 63n - 1n

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
  let nanos = 0n
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
    // As Go: the whole part exactly, the fraction through float64, truncated.
    nanos += BigInt(int === '' ? '0' : int) * scale
    if (frac !== '') nanos += BigInt(Math.trunc(Number(frac) * (Number(scale) / 10 ** frac.length)))
    if (nanos > maxNanos + (sign < 0 ? 1n : 0n)) throw invalid()
    rest = rest.slice(whole.length)
  }
  return (sign * Number(nanos)) / 1e6
}
