import { describe, expect, it } from 'vitest'
import { prng } from '../../../../testing/prng.js'
import { parseRemoteUrl, withoutQuery } from './remoteUrl.js'

describe('parseRemoteUrl', () => {
  it('takes credentials out of an HTTPS URL', () => {
    expect(parseRemoteUrl('https://bot:p%40ss@git.example/fleet.git/', false)).toEqual({
      url: 'https://git.example/fleet.git',
      requestUrl: 'https://git.example/fleet.git',
      scheme: 'https',
      auth: { username: 'bot', password: 'p@ss' },
      secrets: ['bot', 'bot', 'p%40ss', 'p@ss'],
    })
  })

  it('masks query values in the URL it shows and keeps them in the URL it requests', () => {
    const remote = parseRemoteUrl('https://git.example/fleet.git/?access_token=s3cr%2Fet&plain#frag', false)
    expect(remote.url).toBe('https://git.example/fleet.git?access_token=xxxxx&plain')
    expect(remote.requestUrl).toBe('https://git.example/fleet.git?access_token=s3cr%2Fet&plain')
    expect(remote.secrets).toEqual(expect.arrayContaining(['s3cr/et', 's3cr%2Fet']))
  })

  it.for([
    { name: 'ssh://', input: 'ssh://git@git.example/fleet.git' },
    { name: 'git+ssh://', input: 'git+ssh://git@git.example/fleet.git' },
    { name: 'scp-like', input: 'git@git.example:acme/fleet.git' },
    { name: 'git://', input: 'git://git.example/fleet.git' },
    { name: 'file://', input: 'file:///srv/fleet.git' },
  ])('refuses $name without a transport and accepts it with one', ({ input }) => {
    expect(() => parseRemoteUrl(input, false)).toThrow(expect.objectContaining({ code: 'GIT_UNSUPPORTED_TRANSPORT' }))
    expect(parseRemoteUrl(input, true).scheme).toBe('other')
  })

  it('never keeps a password in the URL it shows', () => {
    expect(() => parseRemoteUrl('ssh://git:hunter2@git.example/fleet.git', false)).toThrow(
      expect.objectContaining({ message: expect.not.stringContaining('hunter2') as unknown }),
    )
    expect(() => parseRemoteUrl('https://user:hunter2@[bad', false)).toThrow(
      expect.objectContaining({ code: 'GIT_INVALID_OPTION', message: expect.not.stringContaining('hunter2') as unknown }),
    )
  })
})

describe('withoutQuery', () => {
  it('gives what /[?#].*$/ gave, on 20,000 random texts', () => {
    const random = prng(20261207)
    const alphabet = ['/', '/', '?', '#', 'a', ':', '\n', '\r', '\u2028', '@', '-', '-']
    for (let n = 0; n < 20_000; n++) {
      let text = ''
      for (let i = Math.floor(random() * 12); i > 0; i--) text += alphabet[Math.floor(random() * alphabet.length)] as string
      if (withoutQuery(text) !== text.replace(/[?#].*$/, '')) expect.fail(`query ${JSON.stringify(text)}`)
    }
  })
})
