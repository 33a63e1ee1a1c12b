import { describe, expect, it } from 'vitest'
import { prng } from '../../../../testing/prng.js'
import { chunkedGlob, namesTest } from './longPatterns.js'
import { readPatterns, sourceIgnoreMatcher } from './sourceIgnore.js'

// Long .sourceignore lines: matched without one RegExp of the whole line (V8 refuses to compile one
// past some tens of thousands of characters). The references are the RegExps the code built before.
const COUNT = Number(process.env.GITOPS_DIFF_COUNT ?? 20_000)

describe('chunkedGlob', () => {
  // One RegExp source per character a glob matches (what segmentRegExp makes of literals, `?` and
  // classes), and names over the same alphabet (pairs and lone surrogates included).
  const tokens = ['a', 'a', 'b', '[^/]', '[a-b]', '[^a]', '\\.', '\\]', '\u{1F600}', '\uD83D', '\uDE00']
  const names = ['a', 'a', 'a', 'b', '.', ']', '\u{1F600}', '\uD83D', '\uDE00', 'c']

  it(`answers as ^p0[^/]*p1…$ with the u flag, in chunks of 1 to 3 characters, on ${COUNT.toLocaleString('en')} random globs and names`, () => {
    const random = prng(20261207)
    const pick = (from: readonly string[]): string => from[Math.floor(random() * from.length)] as string
    for (let n = 0; n < COUNT; n++) {
      const pieces: string[][] = []
      for (let k = 1 + Math.floor(random() * 4); k > 0; k--) {
        const piece: string[] = []
        for (let i = Math.floor(random() * 4); i > 0; i--) {
          // A lone high surrogate then a lone low one are one code point, one step (as segmentRegExp joins them).
          const token = pick(tokens)
          if (token === '\uDE00' && piece[piece.length - 1] === '\uD83D') piece[piece.length - 1] = `\uD83D${token}`
          else piece.push(token)
        }
        pieces.push(piece)
      }
      let name = ''
      for (let i = Math.floor(random() * 10); i > 0; i--) name += pick(names)
      const whole = new RegExp(`^${pieces.map((p) => p.join('')).join('[^/]*')}$`, 'u')
      const test = chunkedGlob(pieces, 1 + Math.floor(random() * 3))
      if (test?.(name) !== whole.test(name)) expect.fail(`${JSON.stringify(pieces)} ${JSON.stringify(name)}`)
    }
  })

  it('is undefined for a malformed class, as one RegExp would not compile', () => {
    expect(chunkedGlob([['a', '[z-a]']], 1)).toBeUndefined()
  })
})

describe('namesTest', () => {
  it(`answers as the joined RegExp ^name$|suffix$|…, on ${COUNT.toLocaleString('en')} random sets and names`, () => {
    const random = prng(20261207)
    const alphabet = ['a', 'b', '.', '*', '\n', 'é']
    const word = (max: number): string => {
      let w = ''
      for (let i = Math.floor(random() * max); i > 0; i--) w += alphabet[Math.floor(random() * alphabet.length)] as string
      return w
    }
    const escape = (text: string): string => text.replace(/[\\^$.*+?()[\]{}|/]/g, '\\$&')
    for (let n = 0; n < COUNT; n++) {
      const exacts = Array.from({ length: Math.floor(random() * 3) }, () => word(4))
      const suffixes = Array.from({ length: Math.floor(random() * 3) }, () => word(3))
      if (exacts.length + suffixes.length === 0) continue
      const joined = new RegExp([...exacts.map((e) => `^${escape(e)}$`), ...suffixes.map((s) => `${escape(s)}$`)].join('|'))
      const name = word(6)
      if (namesTest(exacts, suffixes)(name) !== joined.test(name)) expect.fail(`${JSON.stringify([exacts, suffixes])} ${JSON.stringify(name)}`)
    }
  })
})

describe('long .sourceignore lines', () => {
  it('match as written: names, suffixes, ? and classes past what one RegExp holds', () => {
    const long = 'a'.repeat(50_000)
    const excluded = sourceIgnoreMatcher(readPatterns(`${long}\n*b${long}\nq${'?'.repeat(20_000)}\nd/${long}[xy]\n`, []))
    expect(excluded(`dir/${long}`, false)).toBe(true)
    expect(excluded(`zb${long}`, false)).toBe(true)
    expect(excluded(`q${'é'.repeat(20_000)}`, false)).toBe(true)
    expect(excluded(`q${'é'.repeat(19_999)}`, false)).toBe(false)
    expect(excluded(`d/${long}y`, false)).toBe(true)
    expect(excluded(`d/${long}z`, false)).toBe(false)
    expect(excluded('other', false)).toBe(false)
  })
})
