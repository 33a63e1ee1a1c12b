import { describe, expect, it } from 'vitest'
import { prng } from '../../../../testing/prng.js'
import { trimmedEntryPath } from './tar.js'

describe('trimmedEntryPath', () => {
  it('gives what the patterns gave, on 20,000 random paths', () => {
    const random = prng(20261207)
    const alphabet = ['.', '/', '/', './', 'a', '\0', '\\', '\n']
    for (let n = 0; n < 20_000; n++) {
      let text = ''
      for (let i = Math.floor(random() * 12); i > 0; i--) text += alphabet[Math.floor(random() * alphabet.length)] as string
      if (trimmedEntryPath(text) !== text.replace(/^(\.\/)+/, '').replace(/\/+$/, '')) expect.fail(`path ${JSON.stringify(text)}`)
    }
  })
})
