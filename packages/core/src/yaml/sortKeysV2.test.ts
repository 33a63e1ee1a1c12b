import { describe, expect, it } from 'vitest'
import { prng } from '../../../../testing/prng.js'
import { compareKeysV2, compareKeysV2Runes, sortKeysV2 } from './sortKeysV2.js'

const PIECES = ['a', 'b', 'B', 'z', '0', '00', '01', '1', '2', '9', '10', '010', '123456789012345', '1234567890123456', '99999999999999999999', '-', '.', '/', '_', 'x-', 'é', '٣']

function key(next: () => number): string {
  let s = ''
  const n = 1 + Math.floor(next() * 4)
  for (let i = 0; i < n; i++) s += PIECES[Math.floor(next() * PIECES.length)] as string
  return s
}

/** `key` with every non-ASCII character replaced by `q`. */
function asciiOnly(key: string): string {
  return Array.from(key, (c) => (c.charCodeAt(0) > 0x7f ? 'q' : c)).join('')
}

describe('sortKeysV2', () => {
  it('orders keys as go-yaml v2 does: a non-letter before a letter, digit runs as numbers', () => {
    const keys = ['b', 'a10', 'a2', 'x-kubernetes-int-or-string', 'a', '_z', 'a-b', 'aB', 'a010', 'a01b']
    sortKeysV2(keys)
    expect(keys).toEqual(['_z', 'a', 'a-b', 'a01b', 'a2', 'a10', 'a010', 'aB', 'b', 'x-kubernetes-int-or-string'])
  })

  it('compares ASCII keys without rune arrays exactly as it does through them', () => {
    const next = prng(15)
    const differ: [string, string][] = []
    for (let i = 0; i < 20_000; i++) {
      const a = key(next)
      const b = next() < 0.2 ? a + key(next) : key(next)
      if (compareKeysV2(a, b) !== compareKeysV2Runes(a, b) || compareKeysV2(b, a) !== compareKeysV2Runes(b, a)) differ.push([a, b])
    }
    expect(differ).toEqual([])
  })

  it('sorts a key set the same whether or not it arrives in order', () => {
    const next = prng(16)
    for (let round = 0; round < 300; round++) {
      const keys = Array.from({ length: 2 + Math.floor(next() * 30) }, () => asciiOnly(key(next)))
      const reference = keys.map((k) => ({ k }))
      reference.sort((x, y) => compareKeysV2Runes(x.k, y.k))
      const sorted = [...keys]
      sortKeysV2(sorted)
      expect(sorted).toEqual(reference.map((x) => x.k))
      // Sorting the result again changes nothing (the in-order check keeps it as it is).
      const again = [...sorted]
      sortKeysV2(again)
      expect(again).toEqual(sorted)
    }
  })
})
