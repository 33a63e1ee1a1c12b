import { describe, expect, it } from 'vitest'
import { prng } from '../../../../../testing/prng.js'
import { withoutTrailingSlashes } from './helmCharts.js'

describe('withoutTrailingSlashes', () => {
  it('gives what /\\/+$/ gave, on 20,000 random texts', () => {
    const random = prng(20261207)
    const alphabet = ['/', '/', 'a', '.', '\n']
    for (let n = 0; n < 20_000; n++) {
      let s = ''
      for (let i = Math.floor(random() * 12); i > 0; i--) s += alphabet[Math.floor(random() * alphabet.length)] as string
      if (withoutTrailingSlashes(s) !== s.replace(/\/+$/, '')) expect.fail(JSON.stringify(s))
    }
  })
})
