import { describe, expect, it } from 'vitest'
import { prng } from '../../../../../testing/prng.js'
import { smarterSplit } from './paths.js'

describe('smarterSplit', () => {
  it('trims a joined bracket element as /^\\[+|\\]+$/g did, on 20,000 random elements', () => {
    const random = prng(20261207)
    const alphabet = ['[', '[', ']', ']', ']', 'a', '=', '\n']
    for (let n = 0; n < 20_000; n++) {
      // A `[` element not ending in `]`, then a `.` and the rest: the two are joined, then trimmed.
      let rest = ''
      for (let i = Math.floor(random() * 14); i > 0; i--) rest += alphabet[Math.floor(random() * alphabet.length)] as string
      const joined = `[[a.${rest}]`
      const split = smarterSplit(`x.${joined}`)
      const expected = joined.includes('=') ? joined : joined.replace(/^\[+|\]+$/g, '')
      if (split[1] !== expected) expect.fail(`${JSON.stringify(joined)} gave ${JSON.stringify(split)}`)
    }
  })
})
