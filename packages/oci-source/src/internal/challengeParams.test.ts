import { describe, expect, it } from 'vitest'
import { prng } from '../../../../testing/prng.js'
import { challengeParams } from './registryClient.js'

describe('challengeParams', () => {
  it('finds the pairs the pattern found, on 20,000 random challenges', () => {
    const random = prng(20261207)
    const alphabet = ['a', 'B', 'z', '=', '"', '"', ',', ' ', 'realm', 'service="', '=""', '1', '\u00e9']
    for (let n = 0; n < 20_000; n++) {
      let header = ''
      for (let i = Math.floor(random() * 16); i > 0; i--) header += alphabet[Math.floor(random() * alphabet.length)] as string
      const expected = new Map<string, string>()
      for (const m of header.matchAll(/([A-Za-z]+)="([^"]*)"/g)) expected.set((m[1] as string).toLowerCase(), m[2] as string)
      if (JSON.stringify([...challengeParams(header)]) !== JSON.stringify([...expected])) expect.fail(JSON.stringify(header))
    }
  })

  it('reads a Bearer challenge', () => {
    expect(Object.fromEntries(challengeParams('Bearer realm="https://auth.test/token",service="registry.test",scope="repository:a/b:pull"'))).toEqual({
      realm: 'https://auth.test/token',
      service: 'registry.test',
      scope: 'repository:a/b:pull',
    })
  })
})
