// Zones through Node's Intl data, only on a machine without any zoneinfo directory: abbreviations
// and historic offsets can differ from tzdata's (Go itself would find no zone there and fall back
// to UTC), and Intl has no isdst flag.

const pad = (n: number): string => String(Math.abs(n)).padStart(2, '0')

/** Whether Intl knows the zone `name`. */
export function intlKnowsZone(name: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: name })
    return true
  } catch {
    return false
  }
}

/** The zone's offset (seconds east of UTC) and abbreviation at an instant, as Intl has them. */
export function intlZoneAt(zone: string, ms: number): { offset: number; abbr: string } {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' }).formatToParts(new Date(ms))
  const name = parts.find((p) => p.type === 'timeZoneName')?.value ?? 'GMT'
  const m = /GMT([+-])(\d\d):(\d\d)/.exec(name)
  const offset = m === null ? 0 : (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3600 + Number(m[3]) * 60)
  const short = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'short' }).formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')?.value ?? ''
  // Go prints tzdata's abbreviation; where Intl has none (GMT+1), tzdata has the numeric form.
  const abbr = /^GMT[+-]/.test(short) ? `${offset < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offset) / 3600))}${offset % 3600 === 0 ? '' : pad((Math.abs(offset) % 3600) / 60)}` : short
  return { offset, abbr }
}

/**
 * Intl's answer to isdst: the offset above the lower of the year's January and July offsets
 * (tzdata's negative DST, Europe/Dublin's winter, reads as standard time here).
 */
export function intlIsDst(zone: string, ms: number): boolean {
  const year = new Date(ms).getUTCFullYear()
  const jan = new Date(0)
  jan.setUTCFullYear(year, 0, 1)
  const jul = new Date(0)
  jul.setUTCFullYear(year, 6, 1)
  const standard = Math.min(intlZoneAt(zone, jan.getTime()).offset, intlZoneAt(zone, jul.getTime()).offset)
  return intlZoneAt(zone, ms).offset > standard
}
