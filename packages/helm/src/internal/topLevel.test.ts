import { describe, expect, it } from 'vitest'
import { filesObject } from './topLevel.js'
import { GoInt, type GoValue } from './template/values.js'

const byteValues = (v: GoValue | undefined): number[] => (Array.isArray(v) ? v.map((b) => Number((b as GoInt).value)) : [])

describe('filesObject', () => {
  const files = new Map([['files/a.txt', 'hé'], ['crds/big.yaml', 'kind: X\n'], ['empty', '']])

  it('gives each file its bytes as Go uint8 values, whichever way the map is read', () => {
    const utf8 = (s: string): number[] => [...Buffer.from(s, 'utf8')]
    const got = filesObject(files)
    expect(got.size).toBe(3)
    expect(byteValues(got.get('files/a.txt'))).toEqual(utf8('hé'))
    expect(got.get('missing')).toBeUndefined()
    for (const read of [
      (m: Map<string, GoValue>) => [...m],
      (m: Map<string, GoValue>) => [...m.entries()],
      (m: Map<string, GoValue>) => [...m.keys()].map((k) => [k, m.get(k)] as const),
      (m: Map<string, GoValue>) => { const out: [string, GoValue][] = []; m.forEach((v, k) => out.push([k, v])); return out },
      (m: Map<string, GoValue>) => [...m.values()].map((v, i) => [[...m.keys()][i], v] as const),
    ]) {
      const fresh = filesObject(files)
      const seen = read(fresh).map(([k, v]) => [k, byteValues(v ?? undefined)])
      expect(seen).toEqual([...files].map(([k, t]) => [k, utf8(t)]))
      for (const v of fresh.values()) {
        expect(v).not.toBeNull()
        expect((v as GoValue[]).every((b) => b instanceof GoInt && b.kind === 'uint8')).toBe(true)
      }
    }
  })
})
