import { describe, expect, it } from 'vitest'
import { prng } from '../../../../../testing/prng.js'
import { withoutBrackets } from './paths.js'

describe('withoutBrackets', () => {
  it('gives what the pattern gave, on 20,000 random elements', () => {
    const random = prng(20261207)
    const alphabet = ['[', '[', ']', ']', ']', 'a', '.', '=', '\n']
    for (let n = 0; n < 20_000; n++) {
      let s = ''
      for (let i = Math.floor(random() * 14); i > 0; i--) s += alphabet[Math.floor(random() * alphabet.length)] as string
      if (withoutBrackets(s) !== s.replace(/^\[+|\]+$/g, '')) expect.fail(JSON.stringify(s))
    }
  })
})
