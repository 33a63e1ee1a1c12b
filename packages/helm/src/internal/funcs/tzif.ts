// Time zones as Go's time package loads them (time.LoadLocation, zoneinfo_read.go and zoneinfo.go,
// Go 1.24): TZif files (RFC 8536, versions 1 to 4) read from the system's zoneinfo directories in
// Go's order, the 64-bit section when the file has one, and the footer's POSIX TZ string for
// instants past the last transition. helm's date functions see exactly these offsets and
// abbreviations (IST, BST, historic LMT); Node's Intl data differs in both. Where no zoneinfo
// directory exists at all, the caller falls back to Intl (see goTime.ts).
import { readFileSync, statSync } from 'node:fs'

/** One local time type of a TZif file. */
interface ZoneType {
  readonly offset: number
  readonly isDst: boolean
  readonly abbr: string
}

/** A loaded location: its types, transitions (seconds since the epoch) and the footer rule. */
export interface TzLocation {
  readonly types: readonly ZoneType[]
  readonly when: readonly number[]
  readonly index: readonly number[]
  readonly extend: string
}

/** The zone in effect at an instant. */
export interface ZoneAt {
  readonly offset: number
  readonly abbr: string
  readonly isDst: boolean
}

/** A TZif file Go would refuse (its errBadData); the message names the file. */
export class TzifError extends Error {
  override readonly name = 'TzifError'
}

// Go's alpha: the start of time for a file without transitions.
const alpha = -(2 ** 63)
// Go refuses zone files over 10 MiB (zoneinfo_read.go, maxFileSize).
const maxFileSize = 10 << 20

/** A zone file's bytes, or undefined when it is missing, unreadable, not a regular file or over Go's 10 MiB. */
export function readZoneFile(path: string): Uint8Array | undefined {
  try {
    const st = statSync(path)
    if (!st.isFile() || st.size > maxFileSize) return undefined
    return readFileSync(path)
  } catch {
    return undefined
  }
}

/** Go's platformZoneSources on Unix, in the order it tries them. */
export const systemZoneSources: readonly string[] = ['/usr/share/zoneinfo/', '/usr/share/lib/zoneinfo/', '/usr/lib/locale/TZ/', '/etc/zoneinfo/']

class Reader {
  private at = 0
  constructor(private readonly data: Uint8Array, private readonly source: string) {}
  take(n: number): Uint8Array {
    if (n < 0 || this.at + n > this.data.length) throw new TzifError(`${this.source}: truncated time zone data`)
    const out = this.data.subarray(this.at, this.at + n)
    this.at += n
    return out
  }
  rest(): Uint8Array {
    return this.data.subarray(this.at)
  }
}

const be32 = (b: Uint8Array, i: number): number => ((b[i] ?? 0) << 24) | ((b[i + 1] ?? 0) << 16) | ((b[i + 2] ?? 0) << 8) | (b[i + 3] ?? 0)

function be64(b: Uint8Array, i: number): number {
  const hi = be32(b, i)
  const lo = be32(b, i + 4) >>> 0
  return hi * 4294967296 + lo
}

function counts(r: Reader): number[] {
  const head = r.take(4 + 16 + 24)
  return [0, 1, 2, 3, 4, 5].map((k) => be32(head, 20 + 4 * k) >>> 0)
}

/**
 * Reads a TZif file as Go's LoadLocationFromTZData does.
 *
 * @throws TzifError on a bad magic, an unknown version, truncated data or an index out of range.
 */
export function parseTzif(data: Uint8Array, source: string): TzLocation {
  const bad = (what: string): TzifError => new TzifError(`${source}: ${what}`)
  if (data.length < 44 || data[0] !== 0x54 || data[1] !== 0x5a || data[2] !== 0x69 || data[3] !== 0x66) throw bad('not a TZif file')
  const version = data[4]
  if (version !== 0 && version !== 0x32 && version !== 0x33 && version !== 0x34) throw bad(`unknown TZif version ${String(version)}`)
  const r = new Reader(data, source)
  // isutcnt, isstdcnt, leapcnt, timecnt, typecnt, charcnt
  let n = counts(r)
  let timeSize = 4
  if (version !== 0) {
    const [utc = 0, std = 0, leap = 0, time = 0, type = 0, chars = 0] = n
    r.take(time * 4 + time + type * 6 + chars + leap * 8 + std + utc)
    n = counts(r)
    timeSize = 8
  }
  const [isUtcCount = 0, isStdCount = 0, leapCount = 0, timeCount = 0, typeCount = 0, charCount = 0] = n
  const times = r.take(timeCount * timeSize)
  const txTypes = r.take(timeCount)
  const typeData = r.take(typeCount * 6)
  const chars = r.take(charCount)
  r.take(leapCount * (timeSize + 4) + isStdCount + isUtcCount)
  if (typeCount === 0) throw bad('no local time types')
  const types: ZoneType[] = []
  for (let i = 0; i < typeCount; i++) {
    const at = typeData[i * 6 + 5] ?? 0
    if (at >= chars.length) throw bad('abbreviation index out of range')
    let end = chars.indexOf(0, at)
    if (end < 0) end = chars.length
    types.push({ offset: be32(typeData, i * 6), isDst: (typeData[i * 6 + 4] ?? 0) !== 0, abbr: new TextDecoder('latin1').decode(chars.subarray(at, end)) })
  }
  const when: number[] = []
  const index: number[] = []
  for (let i = 0; i < timeCount; i++) {
    const t = txTypes[i] ?? 0
    if (t >= types.length) throw bad('transition type out of range')
    when.push(timeSize === 8 ? be64(times, i * 8) : be32(times, i * 4))
    index.push(t)
  }
  if (when.length === 0) {
    when.push(alpha)
    index.push(0)
  }
  let extend = ''
  const rest = r.rest()
  if (version !== 0 && rest.length > 2 && rest[0] === 0x0a && rest[rest.length - 1] === 0x0a) extend = new TextDecoder('latin1').decode(rest.subarray(1, rest.length - 1))
  return { types, when, index, extend }
}

/** Go's lookupFirstZone: the type for instants before the first transition. */
function firstType(loc: TzLocation): number {
  if (!loc.index.includes(0)) return 0
  const first = loc.index[0] ?? 0
  if (loc.types[first]?.isDst === true) {
    for (let zi = first - 1; zi >= 0; zi--) if (loc.types[zi]?.isDst === false) return zi
  }
  const std = loc.types.findIndex((t) => !t.isDst)
  return std < 0 ? 0 : std
}

/** Go's Location.lookup: the zone in effect `sec` seconds after the epoch. */
export function lookupZone(loc: TzLocation, sec: number): ZoneAt {
  const typeOf = (i: number): ZoneAt => loc.types[i] ?? { offset: 0, abbr: 'UTC', isDst: false }
  if (loc.when.length === 0 || sec < (loc.when[0] ?? 0)) return typeOf(firstType(loc))
  let lo = 0
  let hi = loc.when.length
  while (hi - lo > 1) {
    const m = (lo + hi) >>> 1
    if (sec < (loc.when[m] ?? 0)) hi = m
    else lo = m
  }
  if (lo === loc.when.length - 1 && loc.extend !== '') {
    const z = tzset(loc.extend, sec)
    if (z !== undefined) return z
  }
  return typeOf(loc.index[lo] ?? 0)
}

// POSIX TZ strings, as Go's tzset reads them.

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

type Rule = { kind: 'J'; day: number; time: number } | { kind: 'N'; day: number; time: number } | { kind: 'M'; mon: number; week: number; day: number; time: number }

function tzsetRule(s: string): [Rule, string] | undefined {
  let rule: Rule
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
function ruleTime(year: number, r: Rule, off: number): number {
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

/** Go's tzset: the zone the footer rule gives at `sec`, or undefined when the rule does not parse. */
export function tzset(text: string, sec: number): ZoneAt | undefined {
  const std = tzsetName(text)
  if (std === undefined) return undefined
  const stdOff = tzsetOffset(std[1])
  if (stdOff === undefined) return undefined
  let stdName = std[0]
  let stdOffset = -stdOff[0]
  let s = stdOff[1]
  if (s === '' || s[0] === ',') return { offset: stdOffset, abbr: stdName, isDst: false }
  const dst = tzsetName(s)
  if (dst === undefined) return undefined
  let dstName = dst[0]
  let dstOffset: number
  s = dst[1]
  if (s === '' || s[0] === ',') dstOffset = stdOffset + 3600
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
  const date = new Date(sec * 1000)
  const year = date.getUTCFullYear()
  const yearStart = new Date(0)
  yearStart.setUTCFullYear(year, 0, 1)
  const ysec = sec - yearStart.getTime() / 1000
  let startSec = ruleTime(year, start[0], stdOffset)
  let endSec = ruleTime(year, end[0], dstOffset)
  let dstIsDst = true
  let stdIsDst = false
  if (endSec < startSec) {
    ;[startSec, endSec] = [endSec, startSec]
    ;[stdName, dstName] = [dstName, stdName]
    ;[stdOffset, dstOffset] = [dstOffset, stdOffset]
    ;[stdIsDst, dstIsDst] = [dstIsDst, stdIsDst]
  }
  if (ysec < startSec || ysec >= endSec) return { offset: stdOffset, abbr: stdName, isDst: stdIsDst }
  return { offset: dstOffset, abbr: dstName, isDst: dstIsDst }
}

/** Go's containsDotDot and the other names LoadLocation refuses before reading anything. */
function refusedName(name: string): boolean {
  return name === '' || name.startsWith('/') || name.startsWith('\\') || name.includes('\0') || name.split('/').includes('..')
}

/**
 * Loads `name` from the first of `sources` whose file parses, as Go's loadLocation does (a missing,
 * unreadable or corrupt file passes to the next source). `null` when every source lacks it (Go's
 * "unknown time zone"), `undefined` when none of the directories exists (no system zone data: the
 * caller decides the fallback).
 */
export function loadSystemZone(name: string, sources: readonly string[] = systemZoneSources): TzLocation | null | undefined {
  let anySource = false
  for (const dir of sources) {
    let isDir: boolean
    try {
      isDir = statSync(dir).isDirectory()
    } catch {
      isDir = false
    }
    if (!isDir) continue
    anySource = true
    if (refusedName(name)) return null
    const path = `${dir}${name}`
    const data = readZoneFile(path)
    if (data === undefined) continue
    try {
      return parseTzif(data, path)
    } catch {
      continue
    }
  }
  return anySource ? null : undefined
}

const cache = new Map<string, TzLocation | null | undefined>()

/**
 * {@link loadSystemZone} from Go's system sources, each name read once per process (zone files
 * are system data, like Intl's).
 */
export function systemZone(name: string): TzLocation | null | undefined {
  if (cache.has(name)) return cache.get(name)
  const loc = loadSystemZone(name)
  if (cache.size < 1000) cache.set(name, loc)
  return loc
}
