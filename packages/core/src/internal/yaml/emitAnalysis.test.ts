import { describe, expect, it } from 'vitest'
import { prng } from '../../../../../testing/prng.js'
import { analyze, analyzeRunes, stringStyle } from './emitAnalysis.js'
import { needsQuotesV2 } from '../../yaml/resolve11.js'

// The short cuts (native tests for printable ASCII, the letter-first style rule) must answer what
// the code-point walk and the resolver answer; pieces chosen to hit every indicator rule.
const pieces = [
  'a', 'Z', 'x1', '0', '9', ' ', '  ', ':', ': ', '#', ' #', '-', '- ', '?', '? ', ',', '[', ']', '{', '}', '&', '*',
  '!', '|', '>', "'", '"', '%', '@', '`', '\\', '\n', '\n ', ' \n', '\n\n', '---', '...', '.', '~', 'yes', 'no',
  'true', 'null', 'Null', 'NaN', '.inf', '1e3', '1:20', '2001-12-14', 'é', '😀', '\u2028', '\u0085', '\t',
]

function generate(r: () => number): string {
  let s = ''
  for (let n = Math.floor(r() * 7); n > 0; n--) s += pieces[Math.floor(r() * pieces.length)] ?? ''
  return s
}

describe('emitter scalar analysis', () => {
  it('answers for printable ASCII as the code-point walk does', () => {
    const r = prng(15)
    const wrong: string[] = []
    for (let i = 0; i < 20_000; i++) {
      const s = generate(r)
      if (s !== '' && JSON.stringify(analyze(s)) !== JSON.stringify(analyzeRunes(s))) wrong.push(s)
    }
    expect(wrong).toEqual([])
  })

  it('writes a text longer than five characters that starts with a letter plain, as the resolver would', () => {
    const r = prng(16)
    const wrong: string[] = []
    for (let i = 0; i < 5_000; i++) {
      const s = `${String.fromCharCode(0x61 + Math.floor(r() * 26))}${generate(r)}`
      if (s.length > 5 && !s.includes('\n') && stringStyle(s) !== (needsQuotesV2(s) ? 'double' : 'plain')) wrong.push(s)
    }
    expect(wrong).toEqual([])
  })
})
