// POSIX TZ strings, as Go's tzset reads them (zoneinfo.go, Go 1.24): the rule a TZif footer gives
// for instants past the file's last transition. A zone parses its footer once (tzif.ts) and
// evaluates it at each lookup.

/** The zone in effect at an instant. */
export interface ZoneAt {
  readonly offset: number
  readonly abbr: string
  readonly isDst: boolean
}

/**
 * A parsed footer rule: standard time alone, or standard and daylight saving time with the two
 * moments of each year at which they change.
 */
export type TzRule =
  | { readonly std: ZoneAt; readonly dst?: undefined }
  | { readonly std: ZoneAt; readonly dst: ZoneAt; readonly start: RuleDate; readonly end: RuleDate }

function tzsetName(s: string): [string, string] | undefined {
  if (s === '') return undefined
  if (s[0] !== '<') {
    let i = 0
    while (i < s.length && !'0123456789,-+'.includes(s[i] ?? '')) i++
    return i < 3 ? undefined : [s.slice(0, i), s.slice(i)]
  }
  const close = s.indexOf('>')
  if (close < 0) return undefined
  return [s.slice(1, close), s.slice(close + 1)]
}

function tzsetNum(s: string, min: number, max: number): [number, string] | undefined {
  const m = /^[0-9]+/.exec(s)
  if (m === null) return undefined
  const n = Number(m[0])
  if (n < min || n > max || m[0].length > 9) return undefined
  return [n, s.slice(m[0].length)]
}

function tzsetOffset(s: string): [number, string] | undefined {
  let neg = false
  if (s[0] === '+') s = s.slice(1)
  else if (s[0] === '-') {
    s = s.slice(1)
    neg = true
  }
  const h = tzsetNum(s, 0, 24 * 7)
  if (h === undefined) return undefined
  let off = h[0] * 3600
  s = h[1]
  if (s[0] === ':') {
    const m = tzsetNum(s.slice(1), 0, 59)
    if (m === undefined) return undefined
    off += m[0] * 60
    s = m[1]
    if (s[0] === ':') {
      const sec = tzsetNum(s.slice(1), 0, 59)
      if (sec === undefined) return undefined
      off += sec[0]
      s = sec[1]
    }
  }
  return [neg ? -off : off, s]
}

/** One end of daylight saving time in a year: Julian day (J), zero-based day (N) or month.week.weekday (M), at `time` seconds local. */
type RuleDate = { kind: 'J'; day: number; time: number } | { kind: 'N'; day: number; time: number } | { kind: 'M'; mon: number; week: number; day: number; time: number }

function tzsetRule(s: string): [RuleDate, string] | undefined {
  let rule: RuleDate
  if (s[0] === 'J') {
    const d = tzsetNum(s.slice(1), 1, 365)
    if (d === undefined) return undefined
    rule = { kind: 'J', day: d[0], time: 7200 }
    s = d[1]
  } else if (s[0] === 'M') {
    const mon = tzsetNum(s.slice(1), 1, 12)
    if (mon === undefined || mon[1][0] !== '.') return undefined
    const week = tzsetNum(mon[1].slice(1), 1, 5)
    if (week === undefined || week[1][0] !== '.') return undefined
    const day = tzsetNum(week[1].slice(1), 0, 6)
    if (day === undefined) return undefined
    rule = { kind: 'M', mon: mon[0], week: week[0], day: day[0], time: 7200 }
    s = day[1]
  } else {
    const d = tzsetNum(s, 0, 365)
    if (d === undefined) return undefined
    rule = { kind: 'N', day: d[0], time: 7200 }
    s = d[1]
  }
  if (s === '' || s[0] !== '/') return [rule, s]
  const t = tzsetOffset(s.slice(1))
  if (t === undefined) return undefined
  return [{ ...rule, time: t[0] }, t[1]]
}

const isLeap = (y: number): boolean => y % 4 === 0 && (y % 100 !== 0 || y % 400 === 0)
const daysIn = (mon: number, y: number): number => (mon === 2 ? (isLeap(y) ? 29 : 28) : [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31][mon - 1] ?? 30)

/** Seconds from the start of `year` (UTC) to the rule's moment, for a zone at offset `off`. */
function ruleTime(year: number, r: RuleDate, off: number): number {
  if (r.kind === 'J') return (r.day - 1) * 86400 + (isLeap(year) && r.day >= 60 ? 86400 : 0) + r.time - off
  if (r.kind === 'N') return r.day * 86400 + r.time - off
  // The first `day` weekday of the month, then `week - 1` weeks on, staying inside the month (5 = last).
  const first = new Date(Date.UTC(2000, r.mon - 1, 1))
  first.setUTCFullYear(year)
  let d = r.day - first.getUTCDay()
  if (d < 0) d += 7
  for (let i = 1; i < r.week; i++) {
    if (d + 7 >= daysIn(r.mon, year)) break
    d += 7
  }
  for (let m = 1; m < r.mon; m++) d += daysIn(m, year)
  return d * 86400 + r.time - off
}

/** Go's tzset's parse of `text`, or undefined when it does not parse. */
export function parseTzRule(text: string): TzRule | undefined {
  const std = tzsetName(text)
  if (std === undefined) return undefined
  const stdOff = tzsetOffset(std[1])
  if (stdOff === undefined) return undefined
  const stdZone: ZoneAt = { offset: -stdOff[0], abbr: std[0], isDst: false }
  let s = stdOff[1]
  if (s === '' || s[0] === ',') return { std: stdZone }
  const dst = tzsetName(s)
  if (dst === undefined) return undefined
  let dstOffset: number
  s = dst[1]
  if (s === '' || s[0] === ',') dstOffset = stdZone.offset + 3600
  else {
    const o = tzsetOffset(s)
    if (o === undefined) return undefined
    dstOffset = -o[0]
    s = o[1]
  }
  if (s === '') s = ',M3.2.0,M11.1.0'
  if (s[0] !== ',' && s[0] !== ';') return undefined
  const start = tzsetRule(s.slice(1))
  if (start === undefined || start[1][0] !== ',') return undefined
  const end = tzsetRule(start[1].slice(1))
  if (end === undefined || end[1] !== '') return undefined
  return { std: stdZone, dst: { offset: dstOffset, abbr: dst[0], isDst: true }, start: start[0], end: end[0] }
}

/** The zone a parsed footer rule gives `sec` seconds after the epoch. */
export function tzRuleAt(rule: TzRule, sec: number): ZoneAt {
  if (rule.dst === undefined) return rule.std
  const year = new Date(sec * 1000).getUTCFullYear()
  const yearStart = new Date(0)
  yearStart.setUTCFullYear(year, 0, 1)
  const ysec = sec - yearStart.getTime() / 1000
  const startSec = ruleTime(year, rule.start, rule.std.offset)
  const endSec = ruleTime(year, rule.end, rule.dst.offset)
  // A rule whose end comes first in the year (the southern hemisphere) is in daylight time outside [end, start).
  if (endSec < startSec) return ysec < endSec || ysec >= startSec ? rule.dst : rule.std
  return ysec < startSec || ysec >= endSec ? rule.std : rule.dst
}

/** Go's tzset: the zone the footer rule `text` gives at `sec`, or undefined when the rule does not parse. */
export function tzset(text: string, sec: number): ZoneAt | undefined {
  const rule = parseTzRule(text)
  return rule === undefined ? undefined : tzRuleAt(rule, sec)
}
