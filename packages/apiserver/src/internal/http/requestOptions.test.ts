import { describe, expect, it } from 'vitest'
import { recordWarnings } from './requestOptions.js'

describe('recordWarnings', () => {
  it('drops empty and repeated texts', () => {
    expect(recordWarnings(['a', '', 'b', 'a', 'c'])).toEqual(['a', 'b', 'c'])
  })

  it('writes texts whole up to 4 KiB of runes in all', () => {
    const texts = ['é'.repeat(2048), '😀'.repeat(2048)]
    expect(recordWarnings(texts)).toEqual(texts)
  })

  it('past 4 KiB cuts every text to 256 runes and stops once 4 KiB is written again', () => {
    const long = `${'😀'.repeat(300)}x`
    const out = recordWarnings(['short', ...Array.from({ length: 40 }, (_, i) => `${i}${long}`)])
    // The 14th long one passes 4 KiB (5 + 13 × 302 ≤ 4096 < 5 + 14 × 302).
    expect(out[0]).toBe('short')
    expect(out[1]).toBe(`0${'😀'.repeat(255)}`)
    // Then 'short' and the 14 cut to 256 runes are 3589; two more pass 4 KiB, and none after.
    expect(out).toHaveLength(17)
    expect(out.slice(1).every((text) => Array.from(text).length === 256)).toBe(true)
  })
})
