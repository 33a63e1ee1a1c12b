// The timeZone option and loadLocalTimeZone on bad input: names Go refuses or cannot load, hostile
// paths, TZif data Go would refuse and values of the wrong type are Go's fallback, UTC; nothing is
// read outside the zoneinfo directories for a name, and nothing throws.
import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { type HelmTimeZone, loadLocalTimeZone, renderTemplate } from '../../src/index.js'

// A zone's Location, a summer instant and a parse in Local: UTC's answer differs from Tokyo's and Paris's.
const probe = '{{ now.Location }}|{{ toDate "2006-01-02 15:04" "2024-07-01 12:00" }}|{{ date "15:04 MST" 1720000000 }}'
const clock = { now: () => new Date(Date.UTC(2024, 6, 1, 12)), sleep: () => Promise.resolve() }
const render = (timeZone: unknown): string => renderTemplate(probe, {}, { clock, timeZone: timeZone as HelmTimeZone })
const utc = 'UTC|2024-07-01 12:00:00 +0000 UTC|09:46 UTC'
const zoneFile = (name: string): Uint8Array => new Uint8Array(readFileSync(`/usr/share/zoneinfo/${name}`))
const haveZoneinfo = (() => {
  try {
    return zoneFile('Asia/Tokyo').length > 0
  } catch {
    return false
  }
})()

describe('timeZone on bad input', () => {
  it.skipIf(!haveZoneinfo)('loads a name from the zoneinfo directories', () => {
    expect(render('Asia/Tokyo')).toBe('Asia/Tokyo|2024-07-01 12:00:00 +0900 JST|18:46 JST')
  })

  it.each([
    ['an absolute path', '/usr/share/zoneinfo/Asia/Tokyo'],
    ['a path climbing out of the zoneinfo directory', '../../../../usr/share/zoneinfo/Asia/Tokyo'],
    ['.. inside the zoneinfo directory (Go\'s LoadLocation refuses it too)', 'Asia/../Asia/Tokyo'],
    ['/etc/localtime', '/etc/localtime'],
    ['a NUL after a name', 'Asia/Tokyo\u0000'],
    ['a NUL alone', '\u0000'],
    ['backslashes', 'Asia\\Tokyo'],
    ['a leading backslash', '\\Asia\\Tokyo'],
    ['a directory', 'Asia'],
    ['a file that is no TZif data', 'zone.tab'],
    ['another case', 'asia/tokyo'],
    ['a space', ' Asia/Tokyo'],
    ['an unknown name', 'Nope/Zone'],
    ['a colon (a TZ form, not a name)', ':Asia/Tokyo'],
    ['empty', ''],
    ['a very long name', 'A/'.repeat(5000)],
  ])('%s is UTC', (_, name) => {
    expect(render(name)).toBe(utc)
  })

  it.each([
    ['a number', 42],
    ['null', null],
    ['an object without data', { name: 'Asia/Tokyo' }],
    ['a name that is no string', { name: 7, tzif: new Uint8Array(0) }],
    ['data that is a string', { name: 'Local', tzif: 'TZif2' }],
    ['empty data', { name: 'Local', tzif: new Uint8Array(0) }],
    ['data that is no TZif file', { name: 'Local', tzif: new TextEncoder().encode('root:x:0:0:root:/root:/bin/bash\n'.repeat(4)) }],
  ])('%s as timeZone is UTC', (_, value) => {
    expect(render(value)).toBe(utc)
  })

  it.skipIf(!haveZoneinfo)('TZif data Go would refuse is UTC: truncated, another magic, an unknown version', () => {
    const good = zoneFile('Asia/Tokyo')
    const badVersion = good.slice()
    badVersion[4] = 0x39
    const badMagic = good.slice()
    badMagic[3] = 0x78
    for (const tzif of [good.subarray(0, 60), good.subarray(0, good.length - 40), badVersion, badMagic]) {
      expect(render({ name: 'Local', tzif })).toBe(utc)
    }
  })

  it.skipIf(!haveZoneinfo)('takes TZif data under the name it is given, as Go names /etc/localtime Local', () => {
    expect(render({ name: 'Local', tzif: zoneFile('Europe/Paris') })).toBe('Local|2024-07-01 12:00:00 +0200 CEST|11:46 CEST')
  })
})

describe('loadLocalTimeZone', () => {
  const reader = (files: Record<string, Uint8Array>) => {
    const read: string[] = []
    return { read, readFile: (path: string): Uint8Array | undefined => (read.push(path), files[path]) }
  }
  const data = new Uint8Array([1, 2, 3])

  it('reads /etc/localtime when TZ is unset and names it Local; UTC when it is missing', () => {
    const r = reader({ '/etc/localtime': data })
    expect(loadLocalTimeZone({}, r)).toEqual({ name: 'Local', tzif: data })
    expect(r.read).toEqual(['/etc/localtime'])
    expect(loadLocalTimeZone({ PATH: '/bin' }, reader({}))).toBe('UTC')
  })

  it('takes a name (after an optional colon) without reading anything', () => {
    const r = reader({})
    expect(loadLocalTimeZone({ TZ: 'Europe/Paris' }, r)).toBe('Europe/Paris')
    expect(loadLocalTimeZone({ TZ: ':Europe/Paris' }, r)).toBe('Europe/Paris')
    expect(loadLocalTimeZone({ TZ: '../x' }, r)).toBe('../x')
    expect(r.read).toEqual([])
  })

  it('is UTC for an empty TZ, a colon alone and UTC', () => {
    const r = reader({ '/etc/localtime': data })
    for (const tz of ['', ':', 'UTC', ':UTC']) expect(loadLocalTimeZone({ TZ: tz }, r)).toBe('UTC')
    expect(r.read).toEqual([])
  })

  it('reads an absolute path as Go does, named by its path (Local for /etc/localtime); UTC when there is no file', () => {
    const r = reader({ '/zones/here': data, '/etc/localtime': data })
    expect(loadLocalTimeZone({ TZ: '/zones/here' }, r)).toEqual({ name: '/zones/here', tzif: data })
    expect(loadLocalTimeZone({ TZ: ':/zones/here' }, r)).toEqual({ name: '/zones/here', tzif: data })
    expect(loadLocalTimeZone({ TZ: '/etc/localtime' }, r)).toEqual({ name: 'Local', tzif: data })
    expect(loadLocalTimeZone({ TZ: '/zones/none' }, r)).toBe('UTC')
    expect(loadLocalTimeZone({ TZ: '/zones/here\u0000x' }, r)).toBe('UTC')
    expect(r.read).toEqual(['/zones/here', '/zones/here', '/etc/localtime', '/zones/none'])
  })

  it('reads no directory, device or huge file by default', () => {
    expect(loadLocalTimeZone({ TZ: '/' })).toBe('UTC')
    expect(loadLocalTimeZone({ TZ: '/dev/zero' })).toBe('UTC')
    expect(loadLocalTimeZone({ TZ: '/nonexistent/zone' })).toBe('UTC')
  })
})
