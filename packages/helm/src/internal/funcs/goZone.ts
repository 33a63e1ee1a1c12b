// Go's time.Location as templates see it: time.UTC, time.Local (the render's LocalZone), fixed
// zones (time.FixedZone, from Parse and TOML), named zones from the system's TZif files as Go
// reads them (tzif.ts; UTC when unknown, as Sprig falls back) and, only on a machine without
// zoneinfo, Intl's zones. A zone travels as a string: 'UTC', 'Local', 'fixed:…', 'local:…' or an
// IANA name.
import { zoneText } from './goLayout.js'
import { intlIsDst, intlZoneAt } from './intlZone.js'
import { type LocalZone, localZoneAt, namedZone, utcLocal } from './localZone.js'
import { lookupZone } from './tzif.js'

/**
 * Go's time.Local, which now, toDate and Unix seconds give: the zone of the time's `local` (UTC
 * unless the render's `timeZone` says otherwise), told apart from time.UTC by GoString and Location.
 */
export const LOCAL = 'Local'

const fixedPrefix = 'fixed:'
const localPrefix = 'local:'

/**
 * A zone of a fixed offset (Go's time.FixedZone(name, offset)); without a name, shown as `-0700`
 * (and offset 0 without a name is UTC, unless `zeroIsUtc` is false: Parse's FixedZone("", 0),
 * whose Location prints as "").
 */
export function fixedOffsetZone(offsetSeconds: number, name = '', zeroIsUtc = true): string {
  if (name === '') return offsetSeconds === 0 && zeroIsUtc ? 'UTC' : `${fixedPrefix}${offsetSeconds}`
  return `${fixedPrefix}${offsetSeconds}:${name}`
}

function fixedZoneOffset(zone: string): number | undefined {
  return zone.startsWith(fixedPrefix) ? Number.parseInt(zone.slice(fixedPrefix.length), 10) : undefined
}

/** The name of a fixed zone, '' when it has none. */
function fixedZoneName(zone: string): string {
  const colon = zone.indexOf(':', fixedPrefix.length)
  return colon < 0 ? '' : zone.slice(colon + 1)
}

/**
 * A location of offset zero named `name`, as BurntSushi/toml marks local date-times, dates and
 * times (`datetime-local`, `date-local`, `time-local`).
 */
export function namedLocalZone(name: string, offsetSeconds = 0): string {
  return offsetSeconds === 0 ? `${localPrefix}${name}` : `${localPrefix}${name}@${offsetSeconds}`
}

/** The name of a zone made by {@link namedLocalZone}, else undefined. */
export function localZoneName(zone: string): string | undefined {
  return zone.startsWith(localPrefix) ? zone.slice(localPrefix.length).replace(/@-?\d+$/, '') : undefined
}

/**
 * Go's time.Date's choice of offset: the instant (ms) of a wall time (ms, read as UTC) in `zone`,
 * from the offset at the wall time, re-read at the instant that gives.
 */
export function wallToInstant(wall: number, zone: string, local: LocalZone | undefined): number {
  const guess = zoneAt(zone, wall, local).offset
  return wall - zoneAt(zone, wall - guess * 1000, local).offset * 1000
}

/** The zone's offset (seconds east of UTC) and abbreviation at an instant. */
export function zoneAt(zone: string, ms: number, local: LocalZone = utcLocal): { offset: number; abbr: string } {
  if (zone === LOCAL) return localZoneAt(local, ms)
  if (zone === 'UTC' || zone === '') return { offset: 0, abbr: 'UTC' }
  const fixed = fixedZoneOffset(zone)
  if (fixed !== undefined) return { offset: fixed, abbr: fixedZoneName(zone) || zoneText(fixed, '-0700') }
  if (zone.startsWith(localPrefix)) return { offset: Number(/@(-?\d+)$/.exec(zone)?.[1] ?? 0), abbr: localZoneName(zone) ?? '' }
  const named = namedZone(zone)
  if (named === null) return { offset: 0, abbr: 'UTC' }
  if (named.loc !== null) return lookupZone(named.loc, Math.floor(ms / 1000))
  // No zoneinfo directory on this machine: Intl's data (intlZone.ts).
  return intlZoneAt(named.intl ?? zone, ms)
}

/**
 * Whether Go's LoadLocation finds a zone: a TZif file of that exact name in the system's zoneinfo
 * directories (tzif.ts); Intl's answer only on a machine without any.
 */
export function knownZone(zone: string): boolean {
  return zone === 'UTC' || zone === '' || zone === LOCAL || namedZone(zone) !== null
}

/** Whether daylight saving time is in effect: the TZif type's isdst flag; without zoneinfo, Intl's guess. */
export function isDst(zone: string, ms: number, local: LocalZone = utcLocal): boolean {
  if (zone === LOCAL) return localZoneAt(local, ms).isDst
  if (zone === 'UTC' || fixedZoneOffset(zone) !== undefined || localZoneName(zone) !== undefined) return false
  const named = namedZone(zone)
  if (named === null) return false
  if (named.loc !== null) return lookupZone(named.loc, Math.floor(ms / 1000)).isDst
  return intlIsDst(named.intl ?? zone, ms)
}

/** What a Location's String() answers for a zone. */
export function locationName(zone: string, local: LocalZone = utcLocal): string {
  if (zone === LOCAL) return local.name
  if (zone === '' || zone === 'UTC') return 'UTC'
  if (fixedZoneOffset(zone) !== undefined) return fixedZoneName(zone)
  return localZoneName(zone) ?? zone
}

