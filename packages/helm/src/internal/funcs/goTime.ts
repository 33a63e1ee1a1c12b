// Go's time.Time as templates see it: a struct printed as `2006-01-02 15:04:05.999999999 -0700 MST`,
// formatted and parsed with Go's reference layouts (Mon Jan 2 15:04:05 MST 2006), in a zone
// read from the system's TZif files as Go reads them (tzif.ts; UTC when unknown, as Sprig falls
// back), through Intl only on a machine without zoneinfo. time.Local is the render's (LocalZone):
// the zone of the `timeZone` option, UTC by default.
import { GoInt, GoStruct, type GoFunc, type GoValue, type NamedInt, type ParamType, goFunc } from '../template/values.js'
import { goDuration } from './goDuration.js'
import { stdChunkAt, zoneText } from './goLayout.js'
import { LOCAL, isDst, locationName, wallToInstant, zoneAt } from './goZone.js'
import type { LocalZone } from './localZone.js'


/** An instant with nanoseconds, and the zone it is shown in. */
export interface TimeValue {
  /** Milliseconds since the Unix epoch. */
  readonly ms: number
  /** Nanoseconds within the millisecond (0 to 999999). */
  readonly ns: number
  readonly zone: string
  /** What time.Local is in the render that made this time (what zone {@link LOCAL} means). @defaultValue {@link utcLocal} */
  readonly local?: LocalZone | undefined
}


interface Civil {
  year: number
  month: number
  day: number
  hour: number
  minute: number
  second: number
  weekday: number
  yday: number
  offset: number
  abbr: string
}

const months = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']
const days = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']
/** Date.UTC without its 0-99 → 1900s rule (Go's year 1 is year 1). */
export function utc(date: readonly [number, number, number], time: readonly [number, number, number] = [0, 0, 0]): number {
  const d = new Date(0)
  d.setUTCFullYear(date[0], date[1] - 1, date[2])
  d.setUTCHours(time[0], time[1], time[2], 0)
  return d.getTime()
}

const pad = (n: number, w = 2): string => String(Math.abs(n)).padStart(w, '0')

/** Go's time.RFC3339Nano form, which time.Time's MarshalJSON and MarshalText write. */
export function rfc3339Nano(t: TimeValue): string {
  return formatTime(t, '2006-01-02T15:04:05.999999999Z07:00')
}

function civil(t: TimeValue): Civil {
  const { offset, abbr } = zoneAt(t.zone, t.ms, t.local)
  const d = new Date(t.ms + offset * 1000)
  const start = utc([d.getUTCFullYear(), 1, 1])
  return {
    year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), hour: d.getUTCHours(), minute: d.getUTCMinutes(), second: d.getUTCSeconds(),
    weekday: d.getUTCDay(), yday: Math.floor((d.getTime() - start) / 86_400_000) + 1, offset, abbr,
  }
}

/** Nanoseconds within the second. */
function nanos(t: TimeValue): number {
  return (((t.ms % 1000) + 1000) % 1000) * 1_000_000 + t.ns
}

/** Go's t.Format(layout). */
export function formatTime(t: TimeValue, layout: string): string {
  const c = civil(t)
  let out = ''
  let literal = 0
  let i = 0
  while (i < layout.length) {
    const tok = stdChunkAt(layout, i)
    if (tok === '') {
      i++
      continue
    }
    out += layout.slice(literal, i)
    i += tok.length
    literal = i
    const h12 = c.hour % 12 === 0 ? 12 : c.hour % 12
    switch (tok) {
      case 'January': out += months[c.month - 1] ?? ''; break
      case 'Jan': out += (months[c.month - 1] ?? '').slice(0, 3); break
      case 'Monday': out += days[c.weekday] ?? ''; break
      case 'Mon': out += (days[c.weekday] ?? '').slice(0, 3); break
      case 'MST': out += c.abbr; break
      case '2006': out += pad(c.year, 4); break
      case '06': out += pad(c.year % 100); break
      case '01': out += pad(c.month); break
      case '1': out += String(c.month); break
      case '02': out += pad(c.day); break
      case '2': out += String(c.day); break
      case '_2': out += String(c.day).padStart(2, ' '); break
      case '__2': out += String(c.yday).padStart(3, ' '); break
      case '002': out += pad(c.yday, 3); break
      case '15': out += pad(c.hour); break
      case '03': out += pad(h12); break
      case '3': out += String(h12); break
      case '04': out += pad(c.minute); break
      case '4': out += String(c.minute); break
      case '05': out += pad(c.second); break
      case '5': out += String(c.second); break
      case 'PM': out += c.hour >= 12 ? 'PM' : 'AM'; break
      case 'pm': out += c.hour >= 12 ? 'pm' : 'am'; break
      default:
        if (/^[.,]/.test(tok)) {
          const digits = String(nanos(t)).padStart(9, '0').slice(0, tok.length - 1)
          if (tok[1] === '0') out += `${tok[0] ?? '.'}${digits}`
          else {
            const trimmed = digits.replace(/0+$/, '')
            if (trimmed !== '') out += `${tok[0] ?? '.'}${trimmed}`
          }
        } else out += zoneText(c.offset, tok)
    }
  }
  return out + layout.slice(literal)
}

/** Go's t.String(): `2006-01-02 15:04:05.999999999 -0700 MST`. */
export function timeString(t: TimeValue): string {
  return formatTime(t, '2006-01-02 15:04:05.999999999 -0700 MST')
}

const zeroTimeMs = utc([1, 1, 1])

// time.Month and time.Weekday: ints of a named type whose String() is the English name.
const monthName = (m: bigint): string => months[Number(m) - 1] ?? `%!Month(${m})`
const weekdayName = (d: bigint): string => days[Number(d)] ?? `%!Weekday(${d})`
const monthType: NamedInt = { name: 'time.Month', stringer: monthName, castable: true, methods: (v) => new Map([['String', goFunc('String', [], () => monthName(v.value))]]) }
const weekdayType: NamedInt = { name: 'time.Weekday', stringer: weekdayName, castable: true, methods: (v) => new Map([['String', goFunc('String', [], () => weekdayName(v.value))]]) }

/** Nanoseconds since the Unix epoch. */
function epochNanos(t: TimeValue): bigint {
  return BigInt(Math.floor(t.ms)) * 1_000_000n + BigInt(t.ns)
}

/** The time `ns` nanoseconds after the epoch, shown in `zone`. */
function fromEpochNanos(ns: bigint, zone: string): TimeValue {
  const ms = ns / 1_000_000n - (ns % 1_000_000n < 0n ? 1n : 0n)
  return { ms: Number(ms), ns: Number(ns - ms * 1_000_000n), zone }
}

// Nanoseconds from Go's zero time (January 1, year 1, UTC) to the Unix epoch.
const zeroToEpochNanos = 62_135_596_800n * 1_000_000_000n

/** Time.Truncate and Time.Round: on the time since Go's zero time, not its presentation; halfway rounds up. */
function roundTime(t: TimeValue, d: bigint, round: boolean): TimeValue {
  if (d <= 0n) return t
  const since = epochNanos(t) + zeroToEpochNanos
  const r = ((since % d) + d) % d
  const shift = round && r + r >= d ? d - r : -r
  return { ...t, ...fromEpochNanos(epochNanos(t) + shift, t.zone) }
}

/** Go's time.Date in t's location: fields out of range normalise (month 13 is January of the next year). */
function dateIn(t: TimeValue, c: Civil, add: readonly [number, number, number]): TimeValue {
  const wall = utc([c.year + add[0], c.month + add[1], c.day + add[2]], [c.hour, c.minute, c.second])
  const msInSecond = (nanos(t) - t.ns) / 1_000_000
  return { ...t, ms: wallToInstant(wall, t.zone, t.local) + msInSecond }
}

const locations = new WeakMap<GoStruct, { readonly zone: string; readonly local: LocalZone | undefined }>()

/** A `*time.Location` template value: prints its name, and In takes it back. */
function locationStruct(zone: string, local: LocalZone | undefined): GoStruct {
  const name = locationName(zone, local)
  const loc = new GoStruct('*time.Location', { stringer: () => name, methods: new Map([['String', goFunc('String', [], () => name)]]) })
  locations.set(loc, { zone, local })
  return loc
}

/** Go's Time.GoString: a time.Date call naming the location. */
function goString(t: TimeValue): string {
  const c = civil(t)
  const loc = t.zone === 'UTC' || t.zone === '' ? 'time.UTC' : t.zone === LOCAL ? 'time.Local' : `time.Location(${JSON.stringify(locationName(t.zone))})`
  return `time.Date(${c.year}, time.${months[c.month - 1] ?? ''}, ${c.day}, ${c.hour}, ${c.minute}, ${c.second}, ${nanos(t)}, ${loc})`
}

// time.Time's methods of several results, which text/template refuses to call (its goodFunc).
const multiValueMethods: [string, GoFunc][] = (
  [
    ['Date', 'function Date has 3 return values; should be 1 or 2'],
    ['Clock', 'function Clock has 3 return values; should be 1 or 2'],
    ['ISOWeek', 'invalid function signature for ISOWeek: second return value should be error; is int'],
    ['Zone', 'invalid function signature for Zone: second return value should be error; is int'],
    ['ZoneBounds', 'invalid function signature for ZoneBounds: second return value should be error; is time.Time'],
  ] as const
).map(([name, signatureError]) => [name, { ...goFunc(name, [], () => null), signatureError }])

/** The template value of a time: a `time.Time` struct with Go's String and a few methods. */
export function timeStruct(t: TimeValue): GoStruct {
  const method = (name: string, params: ParamType[], body: (...a: GoValue[]) => GoValue): [string, GoFunc] => [name, goFunc(name, params, body)]
  const other = (u: GoValue): TimeValue => timeOf(u) ?? { ms: zeroTimeMs, ns: 0, zone: 'UTC', local: t.local }
  const T = 'time.Time'
  const cmp = (u: GoValue): number => {
    const a = epochNanos(t)
    const b = epochNanos(other(u))
    return a < b ? -1 : a > b ? 1 : 0
  }
  return new GoStruct('time.Time', {
    methods: new Map([
      method('Format', ['string'], (layout) => formatTime(t, layout as string)),
      method('Unix', [], () => new GoInt(BigInt(Math.floor(t.ms / 1000)), 'int64')),
      method('UnixMilli', [], () => new GoInt(BigInt(Math.floor(t.ms)), 'int64')),
      method('UnixMicro', [], () => new GoInt(epochNanos(t) / 1000n - (epochNanos(t) % 1000n < 0n ? 1n : 0n), 'int64')),
      method('UnixNano', [], () => new GoInt(BigInt(t.ms) * 1_000_000n + BigInt(t.ns), 'int64')),
      method('UTC', [], () => goTime({ ...t, zone: 'UTC' })),
      method('Sub', [T], (u) => goDuration(epochNanos(t) - epochNanos(other(u)))),
      method('Add', ['time.Duration'], (d) => goTime({ ...t, ...fromEpochNanos(epochNanos(t) + (d as GoInt).value, t.zone) })),
      method('AddDate', ['int', 'int', 'int'], (y, m, d) => goTime(dateIn(t, civil(t), [Number((y as GoInt).value), Number((m as GoInt).value), Number((d as GoInt).value)]))),
      method('Truncate', ['time.Duration'], (d) => goTime(roundTime(t, (d as GoInt).value, false))),
      method('Round', ['time.Duration'], (d) => goTime(roundTime(t, (d as GoInt).value, true))),
      method('After', [T], (u) => cmp(u) > 0),
      method('Before', [T], (u) => cmp(u) < 0),
      method('Equal', [T], (u) => cmp(u) === 0),
      method('Compare', [T], (u) => new GoInt(BigInt(cmp(u)), 'int')),
      method('Year', [], () => new GoInt(BigInt(civil(t).year), 'int')),
      method('YearDay', [], () => new GoInt(BigInt(civil(t).yday), 'int')),
      method('Day', [], () => new GoInt(BigInt(civil(t).day), 'int')),
      method('Hour', [], () => new GoInt(BigInt(civil(t).hour), 'int')),
      method('Minute', [], () => new GoInt(BigInt(civil(t).minute), 'int')),
      method('Second', [], () => new GoInt(BigInt(civil(t).second), 'int')),
      method('Month', [], () => new GoInt(BigInt(civil(t).month), 'int', monthType)),
      method('Weekday', [], () => new GoInt(BigInt(civil(t).weekday), 'int', weekdayType)),
      method('Nanosecond', [], () => new GoInt(BigInt(nanos(t)), 'int')),
      method('Location', [], () => locationStruct(t.zone, t.local)),
      method('Local', [], () => goTime({ ...t, zone: LOCAL })),
      method('In', ['*time.Location'], (loc) => {
        const to = locations.get(loc as GoStruct)
        return goTime({ ...t, zone: to?.zone ?? 'UTC', local: to === undefined ? t.local : (to.local ?? t.local) })
      }),
      method('IsDST', [], () => isDst(t.zone, t.ms, t.local)),
      method('GoString', [], () => goString(t)),
      method('IsZero', [], () => t.ms === zeroTimeMs && t.ns === 0),
      method('String', [], () => timeString(t)),
      ...multiValueMethods,
    ]),
    stringer: () => timeString(t),
  })
}

const times = new WeakMap<GoStruct, TimeValue>()

/** A time.Time template value. */
export function goTime(t: TimeValue): GoStruct {
  const s = timeStruct(t)
  times.set(s, t)
  return s
}

/** The time behind a time.Time template value, or undefined. */
export function timeOf(v: GoValue): TimeValue | undefined {
  return v instanceof GoStruct ? times.get(v) : undefined
}
