// The render's time.Local from its `timeZone` option, as Go's initLocal loads $TZ's zone: a name
// from the system's zoneinfo directories (refused names, unknown names, '' and UTC are Go's UTC
// fallback), or TZif data (data Go would refuse is the fallback too).
import type { HelmTimeZone, TimeZoneData } from '../../timeZone.js'
import { intlIsDst, intlKnowsZone, intlZoneAt } from './intlZone.js'
import { type TzLocation, type ZoneAt, lookupZone, parseTzif, systemZone } from './tzif.js'

/**
 * Go's time.Local as one render sees it: the name its Location prints (`Europe/Paris` for
 * TZ=Europe/Paris, `Local` for /etc/localtime, `UTC` for Go's fallback) and the zone data behind it.
 */
export interface LocalZone {
  readonly name: string
  /** The zone's TZif data as loaded; null for Go's fallback, UTC with no zone data (or Intl's zone). */
  readonly loc: TzLocation | null
  /** An IANA name read through Intl, on a machine without any zoneinfo directory. */
  readonly intl?: string | undefined
}

/** Go's fallback Local (TZ="", TZ=UTC, an unknown zone): named UTC, no zone data, offset 0. */
export const utcLocal: LocalZone = { name: 'UTC', loc: null }

/** Go's Location.lookup on time.Local: the zone in effect at an instant. */
export function localZoneAt(local: LocalZone, ms: number): ZoneAt {
  if (local.loc !== null) return lookupZone(local.loc, Math.floor(ms / 1000))
  if (local.intl !== undefined) return { ...intlZoneAt(local.intl, ms), isDst: intlIsDst(local.intl, ms) }
  return { offset: 0, abbr: 'UTC', isDst: false }
}

/**
 * Go's Location.lookupName on time.Local, as Parse uses it for a zone abbreviation: the offset of
 * a zone of that name in effect at `ms` (wall time read as UTC), else of any zone of that name.
 */
export function localOffsetNamed(local: LocalZone, name: string, ms: number): number | undefined {
  const loc = local.loc
  if (loc === null) {
    if (local.intl === undefined) return undefined
    const z = intlZoneAt(local.intl, ms - intlZoneAt(local.intl, ms).offset * 1000)
    return z.abbr === name ? z.offset : undefined
  }
  const sec = Math.floor(ms / 1000)
  for (const z of loc.types) {
    if (z.abbr !== name) continue
    const at = lookupZone(loc, sec - z.offset)
    if (at.abbr === z.abbr) return at.offset
  }
  return loc.types.find((z) => z.abbr === name)?.offset
}

const parsed = new WeakMap<Uint8Array, TzLocation | null>()

function zoneOfData(tzif: Uint8Array, name: string): TzLocation | null {
  let loc = parsed.get(tzif)
  if (loc === undefined) {
    try {
      loc = parseTzif(tzif, name)
    } catch {
      loc = null
    }
    parsed.set(tzif, loc)
  }
  return loc
}

/**
 * The zone Go's LoadLocation finds for an IANA name: its TZif data from the system's zoneinfo
 * directories, or Intl's zone of that name on a machine without any; null where Go fails
 * ("unknown time zone", or a name it refuses). '', UTC and Local are the callers' business.
 */
export function namedZone(name: string): LocalZone | null {
  // systemZone refuses the names Go's LoadLocation refuses ('..', a leading slash, NUL) unread.
  const loc = systemZone(name)
  if (loc === null) return null
  if (loc !== undefined) return { name, loc }
  // No zoneinfo directory on this machine: Intl's zone (intlZone.ts).
  return intlKnowsZone(name) && !name.includes('..') && !name.startsWith('/') ? { name, loc: null, intl: name } : null
}

/** time.Local for a render whose `timeZone` option is `timeZone`. */
export function resolveLocalZone(timeZone: HelmTimeZone | undefined): LocalZone {
  if (timeZone === undefined) return utcLocal
  if (typeof timeZone === 'string') return timeZone === '' || timeZone === 'UTC' ? utcLocal : (namedZone(timeZone) ?? utcLocal)
  // A caller without types can pass anything: what is not a name or TZif data is UTC too.
  const data = timeZone as Partial<Record<keyof TimeZoneData, unknown>> | null
  if (typeof data !== 'object' || data === null || typeof data.name !== 'string' || !(data.tzif instanceof Uint8Array)) return utcLocal
  const loc = zoneOfData(data.tzif, data.name)
  return loc === null ? utcLocal : { name: data.name, loc }
}
