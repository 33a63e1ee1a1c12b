// Go's time layouts as Kubernetes, kustomize and sops write and read times: RFC 3339 with and without
// nanoseconds (time.RFC3339Nano is what MarshalText and encoding/json write).

/**
 * A wall-clock time with a fixed offset, as Go's `time.Time` prints it.
 *
 * @experimental For sibling packages of gitops-sdk.
 */
export interface GoTime {
  /** The year, e.g. `2024`. */
  readonly year: number
  /** The month, 1 to 12. */
  readonly month: number
  /** The day of the month, 1 to 31. */
  readonly day: number
  /** The hour, 0 to 23. */
  readonly hour: number
  /** The minute, 0 to 59. */
  readonly minute: number
  /** The second, 0 to 59. */
  readonly second: number
  /** Fraction-of-second digits, at most 9, trailing zeros removed (`''` for none). */
  readonly fraction: string
  /** Offset in minutes east of UTC. */
  readonly offset: number
}

const pad = (n: number, width = 2): string => String(n).padStart(width, '0')

function zone(offset: number): string {
  // Go's Z07:00 writes Z for a zero offset whatever the zone's name.
  if (offset === 0) return 'Z'
  const abs = Math.abs(offset)
  return `${offset < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
}

/**
 * `t.Format(time.RFC3339Nano)`, also what `MarshalText` and `json.Marshal` write: `2006-01-02T15:04:05.999999999Z07:00`.
 *
 * @experimental For sibling packages of gitops-sdk.
 */
export function formatRfc3339Nano(t: GoTime): string {
  const frac = t.fraction === '' ? '' : `.${t.fraction}`
  return `${pad(t.year, 4)}-${pad(t.month)}-${pad(t.day)}T${pad(t.hour)}:${pad(t.minute)}:${pad(t.second)}${frac}${zone(t.offset)}`
}

/**
 * `t.Format(time.RFC3339)`: seconds precision, the fraction dropped.
 *
 * @experimental For sibling packages of gitops-sdk.
 */
export function formatRfc3339(t: GoTime): string {
  return formatRfc3339Nano({ ...t, fraction: '' })
}

function daysIn(year: number, month: number): number {
  if (month === 2) return year % 4 === 0 && (year % 100 !== 0 || year % 400 === 0) ? 29 : 28
  return [4, 6, 9, 11].includes(month) ? 30 : 31
}

/**
 * The parts of a time as text, checked as time.Parse checks them (day of month, 23:59:59, offset).
 *
 * @experimental For sibling packages of gitops-sdk.
 */
export interface GoTimeText {
  /** Four digits. */
  readonly year: string
  /** Two digits, `01` to `12`. */
  readonly month: string
  /** Two digits, `01` to the month's last day. */
  readonly day: string
  /** Two digits, `00` to `23`. @defaultValue '00' */
  readonly hour?: string | undefined
  /** Two digits, `00` to `59`. @defaultValue '00' */
  readonly minute?: string | undefined
  /** Two digits, `00` to `59`. @defaultValue '00' */
  readonly second?: string | undefined
  /** The digits after the decimal point, 1 to 9 of them. */
  readonly fraction?: string | undefined
  /** `Z`, `z` or `±hh:mm`; absent for UTC. */
  readonly zone?: string | undefined
}

/**
 * Builds a {@link GoTime} from its text parts, undefined when time.Parse would reject them.
 *
 * @experimental For sibling packages of gitops-sdk.
 */
export function goTimeOf(parts: GoTimeText): GoTime | undefined {
  const year = Number(parts.year)
  const month = Number(parts.month)
  const day = Number(parts.day)
  const hour = Number(parts.hour ?? '0')
  const minute = Number(parts.minute ?? '0')
  const second = Number(parts.second ?? '0')
  if (month < 1 || month > 12 || day < 1 || day > daysIn(year, month)) return undefined
  if (hour > 23 || minute > 59 || second > 59) return undefined
  let offset = 0
  const z = parts.zone
  if (z !== undefined && z !== 'Z' && z !== 'z') {
    const m = /^([-+])(\d\d):(\d\d)$/.exec(z)
    if (m === null) return undefined
    const h = Number(m[2])
    const mm = Number(m[3])
    if (h > 23 || mm > 59) return undefined
    offset = (m[1] === '-' ? -1 : 1) * (h * 60 + mm)
  }
  const fraction = (parts.fraction ?? '').slice(0, 9).replace(/0+$/, '')
  return { year, month, day, hour, minute, second, fraction, offset }
}

const rfc3339 = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.(\d+))?([Zz]|[-+]\d{2}:\d{2})$/

/**
 * `time.Parse(time.RFC3339, text)` (which also accepts a fraction), as `UnmarshalText` reads a time.
 *
 * @experimental For sibling packages of gitops-sdk.
 */
export function parseRfc3339(text: string): GoTime | undefined {
  const m = rfc3339.exec(text)
  if (m === null) return undefined
  const [, year = '', month = '', day = '', hour, minute, second, fraction, zone] = m
  return goTimeOf({ year, month, day, hour, minute, second, fraction, zone })
}
