// Time zone files as Go reads them, on bad input: corrupt, truncated or hostile TZif files and zone
// names. Go's loadLocation passes a file it cannot read or parse to the next zoneinfo directory and
// answers "unknown time zone" when none has it (Sprig then uses UTC); a name reaching outside the
// directory is refused before any read. The system's own files are exercised against helm in
// test/differential/timeValueCases.ts; names and files through the public API are in
// test/faults/functions.test.ts. (Beside the source: tests outside src/ may not import internal/.)
import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import { TzifError, loadSystemZone, lookupZone, parseTzif } from './tzif.js'

interface Spec {
  readonly version?: number
  readonly types?: readonly [number, boolean, string][]
  readonly when?: readonly number[]
  readonly index?: readonly number[]
  readonly footer?: string
}

/** A TZif file: a v1 block with no data and, for versions 2+, the 64-bit block and the footer. */
function tzif(spec: Spec): Uint8Array {
  const version = spec.version ?? 0x32
  const types = spec.types ?? [[0, false, 'UTC']]
  const when = spec.when ?? []
  const index = spec.index ?? when.map(() => 0)
  const chars = `${types.map((t) => t[2]).join('\0')}\0`
  const header = (counts: number[]): number[] => {
    const out = [0x54, 0x5a, 0x69, 0x66, version, ...new Array<number>(15).fill(0)]
    for (const n of counts) out.push((n >>> 24) & 255, (n >>> 16) & 255, (n >>> 8) & 255, n & 255)
    return out
  }
  const bytes: number[] = header([0, 0, 0, 0, 1, 1])
  bytes.push(0, 0, 0, 0, 0, 0, 0) // one type (offset 0, std, abbreviation 0) and one NUL char
  if (version === 0) return Uint8Array.from(bytes)
  bytes.push(...header([0, 0, 0, when.length, types.length, chars.length]))
  for (const w of when) {
    const big = BigInt.asUintN(64, BigInt(w))
    for (let k = 7; k >= 0; k--) bytes.push(Number((big >> BigInt(8 * k)) & 255n))
  }
  bytes.push(...index)
  let at = 0
  for (const [offset, isDst, abbr] of types) {
    bytes.push((offset >>> 24) & 255, (offset >>> 16) & 255, (offset >>> 8) & 255, offset & 255, isDst ? 1 : 0, at)
    at += abbr.length + 1
  }
  bytes.push(...Buffer.from(chars, 'latin1'))
  if (spec.footer !== undefined) bytes.push(...Buffer.from(`\n${spec.footer}\n`, 'latin1'))
  return Uint8Array.from(bytes)
}

const sec = (iso: string): number => Date.parse(iso) / 1000

describe('parseTzif refuses what Go refuses, naming the file', () => {
  const good = tzif({ types: [[3600, false, 'CET'], [7200, true, 'CEST']], when: [0, 100], index: [0, 1] })
  it.for([
    { name: 'an empty file', data: new Uint8Array() },
    { name: 'another magic', data: Uint8Array.from([...Buffer.from('TZix'), ...good.subarray(4)]) },
    { name: 'an unknown version', data: Uint8Array.from([...good.subarray(0, 4), 0x35, ...good.subarray(5)]) },
    { name: 'a truncated header', data: good.subarray(0, 30) },
    { name: 'truncated data', data: good.subarray(0, good.length - 6) },
    { name: 'no local time types', data: tzif({ types: [] }) },
    { name: 'a transition to a type that does not exist', data: tzif({ when: [0], index: [3] }) },
    { name: 'counts far past the end', data: Uint8Array.from([...good.subarray(0, 44 + 7), ...good.subarray(44 + 7, 44 + 7 + 32), 0x7f, 0xff, 0xff, 0xff]) },
  ])('$name', ({ data }) => {
    const err = (() => {
      try {
        return parseTzif(data, '/zones/Bad/Zone')
      } catch (e) {
        return e
      }
    })()
    expect(err).toBeInstanceOf(TzifError)
    expect((err as Error).message.startsWith('/zones/Bad/Zone: ')).toBe(true)
  })

  it('refuses an abbreviation index past the characters', () => {
    const data = tzif({ types: [[0, false, 'UTC']] })
    data[data.length - 5] = 40 // the type's abbreviation index
    expect(() => parseTzif(data, 'z')).toThrow(TzifError)
  })

  it('ignores a footer that does not parse, keeping the last transition', () => {
    const loc = parseTzif(tzif({ types: [[3600, false, 'CET'], [7200, true, 'CEST']], when: [0, 100], index: [0, 1], footer: 'CET-1CEST,M3.5.0,M99' }), 'z')
    expect(lookupZone(loc, sec('2100-01-01T00:00:00Z'))).toEqual({ offset: 7200, abbr: 'CEST', isDst: true })
  })

  it('reads a version 1 file and a file without transitions', () => {
    expect(lookupZone(parseTzif(tzif({ version: 0 }), 'z'), 0)).toEqual({ offset: 0, isDst: false, abbr: '' })
    expect(lookupZone(parseTzif(tzif({ types: [[-18000, false, 'EST']] }), 'z'), -1e12)).toEqual({ offset: -18000, isDst: false, abbr: 'EST' })
  })
})

describe('loadSystemZone', () => {
  const root = mkdtempSync(join(tmpdir(), 'tzif-'))
  const first = join(root, 'first') + '/'
  const second = join(root, 'second') + '/'
  mkdirSync(join(first, 'Test'), { recursive: true })
  mkdirSync(join(second, 'Test'), { recursive: true })
  const zone = tzif({ types: [[19800, false, 'IST']] })
  writeFileSync(join(first, 'Test/Corrupt'), zone.subarray(0, 50))
  writeFileSync(join(second, 'Test/Corrupt'), zone)
  writeFileSync(join(first, 'Test/Bad'), 'not a zone')
  writeFileSync(join(root, 'Secret'), zone)
  afterAll(() => rmSync(root, { recursive: true, force: true }))

  it('passes a corrupt or truncated file to the next directory, as Go does', () => {
    expect(lookupZone(loadSystemZone('Test/Corrupt', [first, second]) ?? parseTzif(tzif({}), 'x'), 0).abbr).toBe('IST')
  })

  it('answers null (Go: unknown time zone, Sprig: UTC) when no directory has a good file', () => {
    expect(loadSystemZone('Test/Bad', [first, second])).toBeNull()
    expect(loadSystemZone('Test/Missing', [first, second])).toBeNull()
    expect(loadSystemZone('Test', [first, second])).toBeNull()
  })

  it('refuses names reaching outside the directory before reading', () => {
    for (const name of ['../Secret', 'Test/../../Secret', '/etc/passwd', '\\Secret', 'Test/\0']) expect(loadSystemZone(name, [first]), name).toBeNull()
    expect(readFileSync(join(root, 'Secret')).length).toBe(zone.length)
  })

  it('answers undefined when no zoneinfo directory exists (the caller falls back to Intl)', () => {
    expect(loadSystemZone('Asia/Kolkata', [join(root, 'none') + '/'])).toBeUndefined()
  })
})
