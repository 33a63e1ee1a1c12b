import { describe, expect, it } from 'vitest'
import { prng } from '../../../../testing/prng.js'
import { starGlob } from './starGlob.js'

describe('starGlob', () => {
  // The pieces of .sourceignore's dialect (`[^/]` for `?`, classes, `u`). The compiled RegExp is
  // the reference.
  const dialects = [
    { star: '[^/]*', flags: 'u', notInStar: /\//, tokens: ['a', 'a', 'b', '[^/]', '[a-b]', '[^a]', '\\.', '\\]', '\u{1F600}', '\uD83D', '\u00A0', '_'] },
  ]
  // Line breaks and other white space, lone surrogates of both halves: a name the caller never
  // passes (a `/`) takes the RegExp's path, and the rest must not be mistaken for one.
  const names = ['a', 'a', 'a', 'A', 'b', '.', ']', 'ß', 'ſ', 'S', '\u212A', 'K', 'i', 'İ', '\u{1F600}', '\uD83D', '\uDE00', '\uD800', '\uDFFF', '/', '\n', '\r', '\u00A0', '\u2028', '\u2029', '_']

  it.for(dialects)('answers as the RegExp $flags on 20,000 random globs and names', ({ star, flags, notInStar, tokens }) => {
    const random = prng(20261207)
    const pick = (from: readonly string[]): string => from[Math.floor(random() * from.length)] as string
    for (let n = 0; n < 20_000; n++) {
      const pieces: string[] = []
      // Two pieces (one star) or more, as the caller passes.
      for (let k = 2 + Math.floor(random() * 4); k > 0; k--) {
        let piece = ''
        for (let i = Math.floor(random() * 3); i > 0; i--) piece += pick(tokens)
        pieces.push(piece)
      }
      let name = ''
      for (let i = Math.floor(random() * 12); i > 0; i--) name += pick(names)
      const whole = new RegExp(`^${pieces.join(star)}$`, flags)
      if (starGlob(pieces, whole, notInStar)(name) !== whole.test(name)) expect.fail(`${JSON.stringify(pieces)} ${JSON.stringify(name)}`)
    }
  })
})
