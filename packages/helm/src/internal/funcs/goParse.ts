// Go's time.ParseInLocation (time/format.go, Go 1.24), element by element as Go reads a layout:
// the same ranges, defaults (year 0, January 1), two-digit years, day-of-year, AM/PM, fractions,
// numeric zones and zone abbreviations (a name Local does not know is a zone of that name at
// offset 0, GMT+n at n hours), and the same ParseError messages, which mustToDate prints.
import { nextStd } from './goLayout.js'
import { parseTimeZone, timeQuote } from './goParseText.js'
import { type TimeValue, utc } from './goTime.js'
import { LOCAL, fixedOffsetZone, wallToInstant } from './goZone.js'
import { type LocalZone, localOffsetNamed, localZoneAt, utcLocal } from './localZone.js'

/** A layout the value does not fit: Go's ParseError text. */
export interface TimeParseFailure {
  readonly error: string
}

const shortMonths = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec']
const longMonths = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']
const shortDays = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat']
const longDays = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday']

const isDigit = (s: string, i: number): boolean => i < s.length && s.charCodeAt(i) >= 48 && s.charCodeAt(i) <= 57

class Bad extends Error {}

function getnum(s: string, fixed: boolean): [number, string] {
  if (!isDigit(s, 0)) throw new Bad()
  if (!isDigit(s, 1)) {
    if (fixed) throw new Bad()
    return [s.charCodeAt(0) - 48, s.slice(1)]
  }
  return [(s.charCodeAt(0) - 48) * 10 + s.charCodeAt(1) - 48, s.slice(2)]
}

function getnum3(s: string, fixed: boolean): [number, string] {
  let n = 0
  let i = 0
  for (; i < 3 && isDigit(s, i); i++) n = n * 10 + s.charCodeAt(i) - 48
  if (i === 0 || (fixed && i !== 3)) throw new Bad()
  return [n, s.slice(i)]
}

/** Go's atoi: an optional sign, then digits only. */
function atoi(s: string): number {
  const m = /^([+-]?)([0-9]+)$/.exec(s)
  if (m === null) throw new Bad()
  const n = Number(m[2])
  return m[1] === '-' ? -n : n
}

function lookup(tab: readonly string[], val: string): [number, string] {
  for (const [i, v] of tab.entries()) {
    if (val.length >= v.length && val.slice(0, v.length).toLowerCase() === v.toLowerCase()) return [i, val.slice(v.length)]
  }
  throw new Bad()
}

function parseNanoseconds(value: string, nbytes: number): number {
  if (value[0] !== '.' && value[0] !== ',') throw new Bad()
  const n = Math.min(nbytes, 10)
  let ns = atoi(value.slice(1, n))
  for (let i = 0; i < 10 - n; i++) ns *= 10
  return ns
}

/** Go's skip: the value after the literal `prefix`, and whether it matched (else where it stopped). */
function skip(value: string, prefix: string): { value: string; ok: boolean } {
  while (prefix !== '') {
    if (prefix[0] === ' ') {
      if (value !== '' && value[0] !== ' ') return { value, ok: false }
      prefix = prefix.replace(/^ +/, '')
      value = value.replace(/^ +/, '')
      continue
    }
    if (value === '' || value[0] !== prefix[0]) return { value, ok: false }
    prefix = prefix.slice(1)
    value = value.slice(1)
  }
  return { value, ok: true }
}

const daysBefore = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365]
const isLeap = (y: number): boolean => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)
const daysIn = (m: number, y: number): number => (m === 2 && isLeap(y) ? 29 : (daysBefore[m] ?? 0) - (daysBefore[m - 1] ?? 0))

/** Go's time.ParseInLocation(layout, value, Local), with `local` as time.Local, as Sprig's toDate calls it. */
export function parseGoTime(layout: string, value: string, local: LocalZone = utcLocal): TimeValue | TimeParseFailure {
  const fail = (layoutElem: string, valueElem: string, message = ''): TimeParseFailure => ({
    error: message === '' ? `parsing time ${timeQuote(value)} as ${timeQuote(layout)}: cannot parse ${timeQuote(valueElem)} as ${timeQuote(layoutElem)}` : `parsing time ${timeQuote(value)}${message}`,
  })
  let year = 0
  let month = -1
  let day = -1
  let yday = -1
  let hour = 0
  let min = 0
  let sec = 0
  let nsec = 0
  let amSet = false
  let pmSet = false
  let utcZone = false
  let zoneOffset: number | undefined
  let zoneName = ''
  let rest = layout
  let v = value
  for (;;) {
    const { prefix, std } = nextStd(rest)
    const skipped = skip(v, prefix)
    if (!skipped.ok) return fail(prefix, skipped.value)
    v = skipped.value
    if (std === '') {
      if (v !== '') return fail('', v, `: extra text: ${timeQuote(v)}`)
      break
    }
    rest = rest.slice(prefix.length + std.length)
    const hold = v
    let range = ''
    try {
      switch (std) {
        case '06': {
          if (v.length < 2) throw new Bad()
          year = atoi(v.slice(0, 2))
          v = v.slice(2)
          year += year >= 69 ? 1900 : 2000
          break
        }
        case '2006':
          if (v.length < 4 || !isDigit(v, 0)) throw new Bad()
          year = atoi(v.slice(0, 4))
          v = v.slice(4)
          break
        case 'Jan':
        case 'January': {
          const [i, r] = lookup(std === 'Jan' ? shortMonths : longMonths, v)
          month = i + 1
          v = r
          break
        }
        case '1':
        case '01':
          ;[month, v] = getnum(v, std === '01')
          if (month <= 0 || month > 12) range = 'month'
          break
        case 'Mon':
        case 'Monday':
          v = lookup(std === 'Mon' ? shortDays : longDays, v)[1]
          break
        case '2':
        case '_2':
        case '02':
          if (std === '_2' && v[0] === ' ') v = v.slice(1)
          ;[day, v] = getnum(v, std === '02')
          break
        case '__2':
        case '002':
          for (let i = 0; i < 2; i++) if (std === '__2' && v[0] === ' ') v = v.slice(1)
          ;[yday, v] = getnum3(v, std === '002')
          break
        case '15':
          ;[hour, v] = getnum(v, false)
          if (hour >= 24) range = 'hour'
          break
        case '3':
        case '03':
          ;[hour, v] = getnum(v, std === '03')
          if (hour > 12) range = 'hour'
          break
        case '4':
        case '04':
          ;[min, v] = getnum(v, std === '04')
          if (min >= 60) range = 'minute'
          break
        case '5':
        case '05': {
          ;[sec, v] = getnum(v, std === '05')
          if (sec >= 60) {
            range = 'second'
            break
          }
          // A fraction in the value where the layout has none next.
          if (v.length >= 2 && (v[0] === '.' || v[0] === ',') && isDigit(v, 1)) {
            const next = nextStd(rest).std
            if (/^[.,](?:0+|9+)$/.test(next)) break
            let n = 2
            while (isDigit(v, n)) n++
            nsec = parseNanoseconds(v, n)
            v = v.slice(n)
          }
          break
        }
        case 'PM':
        case 'pm': {
          if (v.length < 2) throw new Bad()
          const p = v.slice(0, 2)
          v = v.slice(2)
          if (p === (std === 'PM' ? 'PM' : 'pm')) pmSet = true
          else if (p === (std === 'PM' ? 'AM' : 'am')) amSet = true
          else throw new Bad()
          break
        }
        case 'MST': {
          if (v.startsWith('UTC')) {
            utcZone = true
            v = v.slice(3)
            break
          }
          const n = parseTimeZone(v)
          if (n === 0) throw new Bad()
          zoneName = v.slice(0, n)
          v = v.slice(n)
          break
        }
        default:
          if (std[0] === '.' || std[0] === ',') {
            if (std[1] === '0') {
              if (v.length < std.length) throw new Bad()
              nsec = parseNanoseconds(v, std.length)
              v = v.slice(std.length)
            } else if (v.length >= 2 && (v[0] === '.' || v[0] === ',') && isDigit(v, 1)) {
              let i = 0
              while (isDigit(v, i + 1)) i++
              nsec = parseNanoseconds(v, 1 + i)
              v = v.slice(1 + i)
            }
            break
          }
          if (std[0] === 'Z' && v[0] === 'Z') {
            v = v.slice(1)
            utcZone = true
            break
          }
          {
            // Numeric zones: ±hh, ±hhmm, ±hh:mm, ±hhmmss, ±hh:mm:ss.
            const body = std.slice(1)
            let sign: string
            let hh: string
            let mm = '00'
            let ss = '00'
            if (body === '07:00') {
              if (v.length < 6 || v[3] !== ':') throw new Bad()
              ;[sign, hh, mm, v] = [v.slice(0, 1), v.slice(1, 3), v.slice(4, 6), v.slice(6)]
            } else if (body === '07') {
              if (v.length < 3) throw new Bad()
              ;[sign, hh, v] = [v.slice(0, 1), v.slice(1, 3), v.slice(3)]
            } else if (body === '07:00:00') {
              if (v.length < 9 || v[3] !== ':' || v[6] !== ':') throw new Bad()
              ;[sign, hh, mm, ss, v] = [v.slice(0, 1), v.slice(1, 3), v.slice(4, 6), v.slice(7, 9), v.slice(9)]
            } else if (body === '070000') {
              if (v.length < 7) throw new Bad()
              ;[sign, hh, mm, ss, v] = [v.slice(0, 1), v.slice(1, 3), v.slice(3, 5), v.slice(5, 7), v.slice(7)]
            } else {
              if (v.length < 5) throw new Bad()
              ;[sign, hh, mm, v] = [v.slice(0, 1), v.slice(1, 3), v.slice(3, 5), v.slice(5)]
            }
            const hr = getnum(hh, true)[0]
            const mi = getnum(mm, true)[0]
            const se = getnum(ss, true)[0]
            if (hr > 24) range = 'time zone offset hour'
            if (mi > 60) range = 'time zone offset minute'
            if (se > 60) range = 'time zone offset second'
            zoneOffset = (hr * 60 + mi) * 60 + se
            if (sign === '-') zoneOffset = -zoneOffset
            else if (sign !== '+') throw new Bad()
          }
      }
    } catch (err) {
      if (!(err instanceof Bad)) throw err
      if (range !== '') return fail(std, v, `: ${range} out of range`)
      return fail(std, hold)
    }
    if (range !== '') return fail(std, v, `: ${range} out of range`)
  }
  if (pmSet && hour < 12) hour += 12
  else if (amSet && hour === 12) hour = 0
  if (yday >= 0) {
    let d = 0
    let m = 0
    if (isLeap(year)) {
      if (yday === 31 + 29) {
        m = 2
        d = 29
      } else if (yday > 31 + 29) yday--
    }
    if (yday < 1 || yday > 365) return fail('', v, ': day-of-year out of range')
    if (m === 0) {
      m = Math.floor((yday - 1) / 31) + 1
      if ((daysBefore[m] ?? 0) < yday) m++
      d = yday - (daysBefore[m - 1] ?? 0)
    }
    if (month >= 0 && month !== m) return fail('', v, ': day-of-year does not match month')
    month = m
    if (day >= 0 && day !== d) return fail('', v, ': day-of-year does not match day')
    day = d
  } else {
    if (month < 0) month = 1
    if (day < 0) day = 1
  }
  if (day < 1 || day > daysIn(month, year)) return fail('', v, ': day out of range')
  const wall = utc([year, month, day], [hour, min, sec])
  const ms = Math.floor(nsec / 1_000_000)
  const ns = nsec % 1_000_000
  if (utcZone) return { ms: wall + ms, ns, zone: 'UTC', local }
  // An offset: Local when Local's zone at that instant has it (and the name, if one was parsed).
  if (zoneOffset !== undefined) {
    const at = wall - zoneOffset * 1000 + ms
    const inLocal = localZoneAt(local, at)
    if (inLocal.offset === zoneOffset && (zoneName === '' || inLocal.abbr === zoneName)) return { ms: at, ns, zone: LOCAL, local }
    return { ms: at, ns, zone: fixedOffsetZone(zoneOffset, zoneName, false), local }
  }
  // A zone abbreviation: Local when one of Local's zones has that name, else a zone of that name.
  if (zoneName !== '') {
    const named = localOffsetNamed(local, zoneName, wall)
    if (named !== undefined) return { ms: wall - named * 1000 + ms, ns, zone: LOCAL, local }
    const offset = zoneName.length > 3 && zoneName.startsWith('GMT') ? atoi(zoneName.slice(3)) * 3600 : 0
    return { ms: wall + ms, ns, zone: fixedOffsetZone(offset, zoneName), local }
  }
  return { ms: wallToInstant(wall, LOCAL, local) + ms, ns, zone: LOCAL, local }
}
