// Number and time formatting exactly as Go's strconv and time packages print them, because sops
// hashes and encrypts values in Go's textual form (FORMAT.md §3) and its stores print them so.

interface Digits {
  readonly negative: boolean
  /** Shortest decimal digits that round-trip, without leading or trailing zeros. */
  readonly digits: string
  /** Decimal exponent of the first digit: value = 0.d1d2… × 10^(point). */
  readonly point: number
}

function shortestDigits(x: number): Digits {
  const negative = x < 0 || Object.is(x, -0)
  if (x === 0) return { negative, digits: '0', point: 1 }
  const [mantissa = '', exponent = '0'] = Math.abs(x).toExponential().split('e')
  return { negative, digits: mantissa.replace('.', ''), point: Number(exponent) + 1 }
}

function special(x: number, inf: string, nan: string): string | undefined {
  if (Number.isNaN(x)) return nan
  if (x === Infinity) return `+${inf}`
  if (x === -Infinity) return `-${inf}`
  return undefined
}

function fixed({ digits, point }: Digits, minDecimals = 0): string {
  let int: string
  let frac: string
  if (point <= 0) {
    int = '0'
    frac = '0'.repeat(-point) + digits
  } else if (point >= digits.length) {
    int = digits + '0'.repeat(point - digits.length)
    frac = ''
  } else {
    int = digits.slice(0, point)
    frac = digits.slice(point)
  }
  if (frac.length < minDecimals) frac += '0'.repeat(minDecimals - frac.length)
  return frac === '' ? int : `${int}.${frac}`
}

function exponential({ digits, point }: Digits, e: 'e' | 'E'): string {
  const exp = point - 1
  const mantissa = digits.length === 1 ? digits : `${digits[0] ?? ''}.${digits.slice(1)}`
  const abs = Math.abs(exp)
  return `${mantissa}${e}${exp < 0 ? '-' : '+'}${abs < 10 ? `0${abs}` : String(abs)}`
}

/** Go `strconv.FormatFloat(x, 'f', -1, 64)`: shortest digits, never an exponent. */
export function formatFloatF(x: number): string {
  const s = special(x, 'Inf', 'NaN')
  if (s !== undefined) return s
  const d = shortestDigits(x)
  return (d.negative ? '-' : '') + fixed(d)
}

/** Go `strconv.FormatFloat(x, 'g' | 'G', -1, 64)`, as `%v` prints a float64. */
export function formatFloatG(x: number, e: 'e' | 'E' = 'e'): string {
  const s = special(x, 'Inf', 'NaN')
  if (s !== undefined) return s
  const d = shortestDigits(x)
  const exp = d.point - 1
  const body = exp < -4 || exp >= 6 ? exponential(d, e) : fixed(d)
  return (d.negative ? '-' : '') + body
}

/** Go `encoding/json` for a float64 (`1e+21`, `1e-7`, otherwise plain digits). */
export function formatFloatJson(x: number): string {
  const d = shortestDigits(x)
  const abs = Math.abs(x)
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) {
    return (d.negative ? '-' : '') + exponential(d, 'e').replace(/e-0(\d)$/, 'e-$1')
  }
  return (d.negative ? '-' : '') + fixed(d)
}

/** sops' `stores.ValToString` for a float: `%G`, with at least one decimal when it looks like an int. */
export function formatFloatValToString(x: number): string {
  const g = formatFloatG(x, 'E')
  if (g.includes('.') || g.includes('E') || g.includes('Inf') || g === 'NaN') return g
  const d = shortestDigits(x)
  return (d.negative ? '-' : '') + fixed(d, 1)
}

/** Go `strconv.ParseFloat(s, 64)` for the decimal and special forms. */
export function parseGoFloat(s: string): number | undefined {
  const t = s.replace(/^[+]/, '')
  const lower = t.toLowerCase()
  if (lower === 'inf' || lower === 'infinity') return Infinity
  if (lower === '-inf' || lower === '-infinity') return -Infinity
  if (lower === 'nan') return NaN
  if (!/^-?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t)) return undefined
  return Number(t)
}

const INT64_MIN = -(2n ** 63n)
const INT64_MAX = 2n ** 63n - 1n

/** Go `strconv.Atoi` on a 64-bit platform. */
export function parseGoInt(s: string): bigint | undefined {
  if (!/^[-+]?\d+$/.test(s)) return undefined
  const v = BigInt(s)
  return v < INT64_MIN || v > INT64_MAX ? undefined : v
}

/** Go `strconv.ParseBool`. */
export function parseGoBool(s: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(s)) return true
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(s)) return false
  return undefined
}

export interface GoTime {
  readonly year: number
  readonly month: number
  readonly day: number
  readonly hour: number
  readonly minute: number
  readonly second: number
  /** Fraction digits, trailing zeros removed ('' for none). */
  readonly fraction: string
  /** Offset in minutes east of UTC. */
  readonly offset: number
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0')

function zone(offset: number): string {
  if (offset === 0) return 'Z'
  const abs = Math.abs(offset)
  return `${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
}

/** Go `time.RFC3339Nano` (what `MarshalText` and `encoding/json` write). */
export function formatTimeNano(t: GoTime): string {
  const frac = t.fraction === '' ? '' : `.${t.fraction}`
  return `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}T${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)}${frac}${zone(t.offset)}`
}

/** Go `time.RFC3339` (seconds precision). */
export function formatTimeSeconds(t: GoTime): string {
  return formatTimeNano({ ...t, fraction: '' })
}

function validDate(y: number, m: number, d: number): boolean {
  if (m < 1 || m > 12 || d < 1) return false
  const days = [31, y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
  return d <= (days[m - 1] ?? 0)
}

function build(parts: {
  y: string
  mo: string
  d: string
  h?: string | undefined
  mi?: string | undefined
  s?: string | undefined
  f?: string | undefined
  z?: string | undefined
}): GoTime | undefined {
  const year = Number(parts.y)
  const month = Number(parts.mo)
  const day = Number(parts.d)
  const hour = Number(parts.h ?? '0')
  const minute = Number(parts.mi ?? '0')
  const second = Number(parts.s ?? '0')
  if (!validDate(year, month, day) || hour > 23 || minute > 59 || second > 59) return undefined
  let offset = 0
  const z = parts.z
  if (z !== undefined && z !== 'Z' && z !== 'z') {
    const m = /^([-+])(\d\d):(\d\d)$/.exec(z)
    if (m === null) return undefined
    const h = Number(m[2])
    const mm = Number(m[3])
    if (h > 23 || mm > 59) return undefined
    offset = (m[1] === '-' ? -1 : 1) * (h * 60 + mm)
  }
  const fraction = (parts.f ?? '').slice(0, 9).replace(/0+$/, '')
  return { year, month, day, hour, minute, second, fraction, offset }
}

/** Go `time.Time.UnmarshalText` / `time.Parse(time.RFC3339, s)`. */
export function parseRfc3339(s: string): GoTime | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[-+]\d{2}:\d{2})$/.exec(s)
  if (m === null) return undefined
  return build({ y: m[1] ?? '', mo: m[2] ?? '', d: m[3] ?? '', h: m[4], mi: m[5], s: m[6], f: m[7], z: m[8] })
}

/**
 * go-yaml v3's timestamp resolution of a plain scalar: `2006-1-2`, `2006-1-2T15:4:5.999999999Z07:00`
 * (`t` also), and `2006-1-2 15:4:5.999999999` (UTC).
 */
export function parseYamlTimestamp(s: string): GoTime | undefined {
  const date = /^(\d{4})-(\d{1,2})-(\d{1,2})$/.exec(s)
  if (date !== null) return build({ y: date[1] ?? '', mo: date[2] ?? '', d: date[3] ?? '' })
  const zoned = /^(\d{4})-(\d{1,2})-(\d{1,2})[Tt](\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d+))?(Z|[-+]\d{2}:\d{2})$/.exec(s)
  if (zoned !== null) {
    return build({ y: zoned[1] ?? '', mo: zoned[2] ?? '', d: zoned[3] ?? '', h: zoned[4], mi: zoned[5], s: zoned[6], f: zoned[7], z: zoned[8] })
  }
  const spaced = /^(\d{4})-(\d{1,2})-(\d{1,2}) (\d{1,2}):(\d{1,2}):(\d{1,2})(?:\.(\d+))?$/.exec(s)
  if (spaced !== null) {
    return build({ y: spaced[1] ?? '', mo: spaced[2] ?? '', d: spaced[3] ?? '', h: spaced[4], mi: spaced[5], s: spaced[6], f: spaced[7] })
  }
  return undefined
}
