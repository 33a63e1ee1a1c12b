// Go's time.Duration as templates see it: an int64 of nanoseconds of the named type
// time.Duration, printed through its String() by %v and %s (`96h0m0s`) and as its number by %d,
// with Duration's methods (Hours, Minutes, Seconds, Milliseconds, Microseconds, Nanoseconds, Abs,
// Round, Truncate, String).
import { GoInt, type GoFunc, type NamedInt, goFunc } from '../template/values.js'

const minInt64 = -(2n ** 63n)
const maxInt64 = 2n ** 63n - 1n

/** An int64 clamped as Go's time package saturates durations. */
function saturate(ns: bigint): bigint {
  return ns < minInt64 ? minInt64 : ns > maxInt64 ? maxInt64 : ns
}

/** Go's Duration.String(): `1h2m3.5s`, `1.5ms`, `0s`. */
export function durationString(ns: bigint): string {
  if (ns === 0n) return '0s'
  const neg = ns < 0n
  let u = neg ? -ns : ns
  let out: string
  if (u < 1_000_000_000n) {
    const [unit, div] = u < 1000n ? ['ns', 1n] : u < 1_000_000n ? ['µs', 1000n] : ['ms', 1_000_000n]
    out = `${fraction(u, div)}${unit}`
  } else {
    const h = u / 3_600_000_000_000n
    u %= 3_600_000_000_000n
    const m = u / 60_000_000_000n
    u %= 60_000_000_000n
    out = `${h > 0n ? `${h}h` : ''}${h > 0n || m > 0n ? `${m}m` : ''}${fraction(u, 1_000_000_000n)}s`
  }
  return neg ? `-${out}` : out
}

function fraction(v: bigint, div: bigint): string {
  const whole = v / div
  const rem = v % div
  if (rem === 0n) return String(whole)
  const digits = String(div).length - 1
  return `${whole}.${String(rem).padStart(digits, '0').replace(/0+$/, '')}`
}

/** Go's float64(whole) + float64(rest)/unit, as Duration's Hours, Minutes and Seconds compute it. */
function inUnits(ns: bigint, unit: bigint): number {
  return Number(ns / unit) + Number(ns % unit) / Number(unit)
}

/** Duration.Round: halfway values away from zero, saturating. */
function roundDuration(d: bigint, m: bigint): bigint {
  if (m <= 0n) return d
  let r = d % m
  if (d < 0n) {
    r = -r
    return r + r < m ? d + r : saturate(d - m + r)
  }
  return r + r < m ? d - r : saturate(d + m - r)
}

function durationMethods(v: GoInt): ReadonlyMap<string, GoFunc> {
  const d = v.value
  const D = 'time.Duration'
  return new Map<string, GoFunc>([
    ['Hours', goFunc('Hours', [], () => inUnits(d, 3_600_000_000_000n))],
    ['Minutes', goFunc('Minutes', [], () => inUnits(d, 60_000_000_000n))],
    ['Seconds', goFunc('Seconds', [], () => inUnits(d, 1_000_000_000n))],
    ['Milliseconds', goFunc('Milliseconds', [], () => new GoInt(d / 1_000_000n, 'int64'))],
    ['Microseconds', goFunc('Microseconds', [], () => new GoInt(d / 1000n, 'int64'))],
    ['Nanoseconds', goFunc('Nanoseconds', [], () => new GoInt(d, 'int64'))],
    ['Abs', goFunc('Abs', [], () => goDuration(d === minInt64 ? maxInt64 : d < 0n ? -d : d))],
    ['Round', goFunc('Round', [D], (m) => goDuration(roundDuration(d, (m as GoInt).value)))],
    ['Truncate', goFunc('Truncate', [D], (m) => goDuration((m as GoInt).value <= 0n ? d : d - (d % (m as GoInt).value)))],
    ['String', goFunc('String', [], () => durationString(d))],
  ])
}

const durationType: NamedInt = { name: 'time.Duration', stringer: durationString, methods: durationMethods }

/** A time.Duration template value of `ns` nanoseconds (saturated to int64, as time.Sub does). */
export function goDuration(ns: bigint): GoInt {
  return new GoInt(saturate(ns), 'int64', durationType)
}
