// The render's time.Local from its `timeZone` option, as Go's initLocal loads $TZ's zone: a name
// from the system's zoneinfo directories (refused names, unknown names, '' and UTC are Go's UTC
// fallback), or TZif data (data Go would refuse is the fallback too).
import type { HelmTimeZone } from '../../timeZone.js'
import { type LocalZone, utcLocal } from './goTime.js'
import { type TzLocation, parseTzif, systemZone } from './tzif.js'

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

function validIntlZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name })
    return true
  } catch {
    return false
  }
}

/** time.Local for a render whose `timeZone` option is `timeZone`. */
export function resolveLocalZone(timeZone: HelmTimeZone | undefined): LocalZone {
  if (timeZone === undefined) return utcLocal
  if (typeof timeZone === 'string') {
    if (timeZone === '' || timeZone === 'UTC') return utcLocal
    // systemZone refuses the names Go's LoadLocation refuses ('..', a leading slash, NUL) unread.
    const loc = systemZone(timeZone)
    if (loc === null) return utcLocal
    if (loc !== undefined) return { name: timeZone, loc }
    // No zoneinfo directory on this machine: Intl's zone, as dateInZone falls back (goTime.ts).
    return validIntlZone(timeZone) && !timeZone.includes('..') && !timeZone.startsWith('/') ? { name: timeZone, loc: null, intl: timeZone } : utcLocal
  }
  if (typeof timeZone !== 'object' || timeZone === null || typeof timeZone.name !== 'string' || !(timeZone.tzif instanceof Uint8Array)) return utcLocal
  const loc = zoneOfData(timeZone.tzif, timeZone.name)
  return loc === null ? utcLocal : { name: timeZone.name, loc }
}
