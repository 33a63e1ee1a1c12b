import { describe, expect, it } from 'vitest'
import { prng } from '../../../../../testing/prng.js'
import { withoutTrailingNewlines } from './yamlEmit.js'

describe('withoutTrailingNewlines', () => {
  it('gives what /\\n+$/ gave, on 20,000 random values', () => {
    const random = prng(20261207)
    const alphabet = ['\n', '\n', '\r', 'a', ' ']
    for (let n = 0; n < 20_000; n++) {
      let s = ''
      for (let i = Math.floor(random() * 12); i > 0; i--) s += alphabet[Math.floor(random() * alphabet.length)] as string
      if (withoutTrailingNewlines(s) !== s.replace(/\n+$/, '')) expect.fail(JSON.stringify(s))
    }
  })
})
