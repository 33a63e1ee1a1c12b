// Time zones as Go's time package loads them (time.LoadLocation, zoneinfo_read.go and zoneinfo.go,
// Go 1.24): TZif files (RFC 8536, versions 1 to 4) read from the system's zoneinfo directories in
// Go's order, the 64-bit section when the file has one, and the footer's POSIX TZ string for
// instants past the last transition. helm's date functions see exactly these offsets and
// abbreviations (IST, BST, historic LMT); Node's Intl data differs in both. Where no zoneinfo
// directory exists at all, the caller falls back to Intl (see goTime.ts).
import { readFileSync, statSync } from 'node:fs'
import { type TzRule, type ZoneAt, parseTzRule, tzRuleAt } from './posixTz.js'

export type { ZoneAt } from './posixTz.js'

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
  /** The footer's POSIX TZ string ('' when the file has none). */
  readonly extend: string
  /** {@link extend} parsed once, undefined when empty or when Go's tzset would not parse it. */
  readonly rule: TzRule | undefined
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
  return { types, when, index, extend, rule: extend === '' ? undefined : parseTzRule(extend) }
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
  // Past the last transition the footer rule decides; a rule Go's tzset cannot parse leaves the last type.
  if (lo === loc.when.length - 1 && loc.rule !== undefined) return tzRuleAt(loc.rule, sec)
  return typeOf(loc.index[lo] ?? 0)
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
