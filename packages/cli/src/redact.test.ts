import { describe, expect, it } from 'vitest'
import { maskData, maskText, redactUrl, redactUrls, secretsOf } from './redact.js'

describe('redactUrl', () => {
  it.for([
    { name: 'a password', url: 'https://bot:s3cret@git.example/fleet.git', shown: 'https://bot:***@git.example/fleet.git' },
    { name: 'a token as the user', url: 'https://ghp_abc123@github.com/acme/fleet.git', shown: 'https://***@github.com/acme/fleet.git' },
    { name: 'an access_token query', url: 'https://git.example/fleet.git?access_token=t0ken&ref=main', shown: 'https://git.example/fleet.git?access_token=***&ref=main' },
    { name: 'a signed URL', url: 'https://s3.example/b?X-Amz-Signature=abc&X-Amz-Credential=def', shown: 'https://s3.example/b?X-Amz-Signature=***&X-Amz-Credential=***' },
    { name: 'nothing secret', url: 'https://git.example/fleet.git?ref=main', shown: 'https://git.example/fleet.git?ref=main' },
    { name: 'no URL at all', url: 'clusters/prod', shown: 'clusters/prod' },
  ])('masks $name', ({ url, shown }) => {
    expect(redactUrl(url)).toBe(shown)
  })

  it('masks every URL inside a sentence and keeps the punctuation after it', () => {
    expect(redactUrls('fetch of http://u:pw@h/x.git failed (see https://a:b@c/d).')).toBe('fetch of http://u:***@h/x.git failed (see https://a:***@c/d).')
  })
})

describe('secretsOf', () => {
  it('collects the variables of --password-env/--token-env and the credentials of URL arguments', () => {
    const env = { PW: 'from-env-pw', TOKEN: 'from-env-token', OTHER: 'not-a-secret' }
    const argv = ['reconcile', '--url=http://bot:url%40pass@h/x', '--password-env', 'PW', '--token-env=TOKEN', 'https://h/y?token=query-tok']
    expect(secretsOf(argv, env).sort()).toEqual(['from-env-pw', 'from-env-token', 'query-tok', 'url%40pass', 'url@pass'].sort())
  })

  it('leaves out strings too short to mask without garbling the output, and plain user names', () => {
    expect(secretsOf(['http://a:b@h/x'], {})).toEqual([])
    expect(secretsOf(['ssh://git@github.com/acme/fleet.git'], {})).toEqual([])
    expect(secretsOf(['https://ghp_0123456789abcdef@github.com/acme/fleet.git'], {})).toEqual(['ghp_0123456789abcdef'])
  })
})

describe('maskText and maskData', () => {
  it('replaces known secrets anywhere, and in every string of plain data', () => {
    expect(maskText('token from-env-token used', ['from-env-token'])).toBe('token *** used')
    const data = maskData({ message: 'http://u:pw12@h failed', list: ['pw12'], n: 1 }, ['pw12'])
    expect(data).toEqual({ message: 'http://u:***@h failed', list: ['***'], n: 1 })
  })

  it('keeps keys from input as own properties, never a prototype', () => {
    const data = maskData(JSON.parse('{"__proto__": {"polluted": "yes"}}') as Record<string, unknown>, [])
    expect(Object.getPrototypeOf(data)).toBe(Object.prototype)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})
