// Sprig's date functions (now, date, dateInZone, dateModify, duration, durationRound, htmlDate,
// htmlDateInZone, toDate, mustToDate, unixEpoch, ago) over an injected clock and an injected
// time.Local (helm's follows $TZ; the SDK's is the render's `timeZone`, UTC by default).
import type { Clock } from '@gitops-sdk/core'
import { FuncError, GoInt, type GoFunc, type GoValue, goFunc } from '../template/values.js'
import { durationString } from './goDuration.js'
import { parseGoTime } from './goParse.js'
import { type TimeValue, formatTime, goTime, timeOf, utc } from './goTime.js'
import { LOCAL, knownZone } from './goZone.js'
import { type LocalZone, utcLocal } from './localZone.js'

const I = 'interface {}'
const S = 'string'

const units: Record<string, bigint> = { ns: 1n, us: 1000n, 'µs': 1000n, 'μs': 1000n, ms: 1_000_000n, s: 1_000_000_000n, m: 60_000_000_000n, h: 3_600_000_000_000n }

/** Go's time.ParseDuration, in nanoseconds; undefined when the text is not a duration. */
export function parseDuration(text: string): bigint | undefined {
  const m = /^([+-]?)(.*)$/.exec(text)
  const body = m?.[2] ?? ''
  if (body === '0') return 0n
  if (body === '') return undefined
  let total = 0
  // One sticky pattern walked along the text; `\d*(?:\.\d*)?`, not `\d*\.?\d*`: the same parts,
  // where two adjacent digit runs backtracked quadratically on a long run of digits with no unit.
  const part = /(\d*(?:\.\d*)?)(ns|us|µs|μs|ms|s|m|h)/y
  while (part.lastIndex < body.length) {
    const m = part.exec(body)
    if (m === null || m[1] === '' || m[1] === '.') return undefined
    total += Number(m[1]) * Number(units[m[2] ?? 's'] ?? 0n)
  }
  const ns = BigInt(Math.round(total))
  return m?.[1] === '-' ? -ns : ns
}

function durationRound(ns: bigint): string {
  const u = ns < 0n ? -ns : ns
  const second = 1_000_000_000n
  const minute = 60n * second
  const hour = 60n * minute
  const day = 24n * hour
  const steps: [bigint, string][] = [[365n * day, 'y'], [30n * day, 'mo'], [day, 'd'], [hour, 'h'], [minute, 'm'], [second, 's']]
  for (const [size, unit] of steps) if (u > size) return `${u / size}${unit}`
  return '0s'
}

/** Sprig's date functions with `clock` as time.Now and `local` as time.Local. */
export function dateFuncs(clock: Clock, local: LocalZone = utcLocal): [string, GoFunc][] {
  const now = (): TimeValue => {
    const d = clock.now()
    return { ms: d.getTime(), ns: 0, zone: LOCAL, local }
  }
  // Sprig's dateInZone takes a time.Time, or an int/int64/int32 of Unix seconds; anything else is now.
  const timeArg = (v: GoValue): TimeValue => {
    const t = timeOf(v)
    if (t !== undefined) return t
    if (v instanceof GoInt && ['int', 'int64', 'int32'].includes(v.kind)) return { ms: Number(v.value) * 1000, ns: 0, zone: LOCAL, local }
    return now()
  }
  // time.LoadLocation: "Local" is time.Local; a zone it cannot load is UTC, as Sprig falls back.
  const inZone = (layout: string, v: GoValue, zone: string): string => {
    const z = zone === 'Local' ? LOCAL : knownZone(zone) ? zone : 'UTC'
    return formatTime({ ...timeArg(v), zone: z, local }, layout)
  }
  const modify = (name: string, must: boolean) =>
    goFunc(name, [S, I], (d, t) => {
      const tv = timeOf(t) ?? now()
      const ns = parseDuration(d as string)
      if (ns === undefined) {
        if (must) throw new FuncError(`time: invalid duration ${JSON.stringify(d)}`)
        return goTime(tv)
      }
      const total = BigInt(tv.ms) * 1_000_000n + BigInt(tv.ns) + ns
      return goTime({ ...tv, ms: Number(total / 1_000_000n), ns: Number(total % 1_000_000n) })
    })
  const toDate = (name: string, must: boolean) =>
    goFunc(name, [S, S], (layout, text) => {
      const t = parseGoTime(layout as string, text as string, local)
      if ('error' in t) {
        if (must) throw new FuncError(t.error)
        return goTime({ ms: utc([1, 1, 1]), ns: 0, zone: 'UTC', local })
      }
      return goTime(t)
    })
  const durationArg = (v: GoValue): bigint => {
    if (typeof v === 'string') return parseDuration(v) ?? 0n
    if (v instanceof GoInt && v.kind === 'int64') return v.value
    const t = timeOf(v)
    if (t !== undefined) return BigInt(now().ms - t.ms) * 1_000_000n - BigInt(t.ns)
    return 0n
  }
  return [
    ['now', goFunc('now', [], () => goTime(now()))],
    ['date', goFunc('date', [S, I], (f, d) => inZone(f as string, d ?? null, 'Local'))],
    ['dateInZone', goFunc('dateInZone', [S, I, S], (f, d, z) => inZone(f as string, d ?? null, z as string))],
    ['date_in_zone', goFunc('date_in_zone', [S, I, S], (f, d, z) => inZone(f as string, d ?? null, z as string))],
    ['htmlDate', goFunc('htmlDate', [I], (d) => inZone('2006-01-02', d ?? null, 'Local'))],
    ['htmlDateInZone', goFunc('htmlDateInZone', [I, S], (d, z) => inZone('2006-01-02', d ?? null, z as string))],
    ['dateModify', modify('dateModify', false)],
    ['date_modify', modify('date_modify', false)],
    ['mustDateModify', modify('mustDateModify', true)],
    ['must_date_modify', modify('must_date_modify', true)],
    ['toDate', toDate('toDate', false)],
    ['mustToDate', toDate('mustToDate', true)],
    ['unixEpoch', goFunc('unixEpoch', ['time.Time'], (t) => String(Math.floor((timeOf(t) ?? now()).ms / 1000)))],
    ['ago', goFunc('ago', [I], (d) => {
      const t = timeOf(d) ?? (d instanceof GoInt && ['int', 'int64'].includes(d.kind) ? { ms: Number(d.value) * 1000, ns: 0, zone: LOCAL, local } : undefined)
      if (t === undefined) return '0s'
      const ns = BigInt(now().ms - t.ms) * 1_000_000n
      const rounded = ((ns + (ns >= 0n ? 500_000_000n : -500_000_000n)) / 1_000_000_000n) * 1_000_000_000n
      return durationString(rounded)
    })],
    ['duration', goFunc('duration', [I], (v) => {
      const n = typeof v === 'string' ? (/^[+-]?\d+$/.test(v) ? BigInt(v) : 0n) : v instanceof GoInt && v.kind === 'int64' ? v.value : 0n
      return durationString(n * 1_000_000_000n)
    })],
    ['durationRound', goFunc('durationRound', [I], (v) => durationRound(durationArg(v ?? null)))],
  ]
}


