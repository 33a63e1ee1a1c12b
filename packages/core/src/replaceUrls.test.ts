import { describe, expect, it } from 'vitest'
import { prng } from '../../../testing/prng.js'
import { replaceUrls } from './replaceUrls.js'

/** Random texts over `alphabet`, runs of one of its pieces among them. */
function randomTexts(seed: number, count: number, alphabet: readonly string[]): string[] {
  const random = prng(seed)
  const pick = (): string => alphabet[Math.floor(random() * alphabet.length)] as string
  const texts: string[] = ['']
  for (let n = 0; n < count; n++) {
    let text = ''
    if (n % 20 === 0) text = pick().repeat(Math.floor(random() * 12))
    else for (let i = Math.floor(random() * 16); i > 0; i--) text += pick()
    texts.push(text)
  }
  return texts
}

const alphabet = ['a', 'B', '1', '+', '.', '-', '_', '://', '://', ':', '/', '@', ' ', '\n', '\u2028', '\u00a0', '?', '#', '\\', '"', '<', '`', '_a://', '\ud800', '']

/** Every URL as `<start,end>`, the whole URL replaced. */
const marked = (text: string, wordBoundary: boolean): string =>
  replaceUrls(text, { stop: /[\s"<`]/g, wordBoundary }, ({ start, end }) => ({ until: end, text: `<${text.slice(start, end)}>` }))

describe('replaceUrls', () => {
  it('finds each URL from the first letter of its scheme to the first stop character', () => {
    expect(marked('see https://example.com/a and git+ssh://h/x"', false)).toBe('see <https://example.com/a> and <git+ssh://h/x>"')
    expect(marked('1http://h 2-3a://h', false)).toBe('1<http://h> 2-3<a://h>')
    expect(marked('no url: a:/b ://c', false)).toBe('no url: a:/b ://c')
  })

  it('starts a URL at a word boundary only when asked', () => {
    expect(marked('x_http://h', false)).toBe('x_<http://h>')
    expect(marked('x_http://h', true)).toBe('x_http://h')
    expect(marked('(http://h', true)).toBe('(<http://h>')
  })

  it('leaves a URL as it is when the replacer returns undefined, and goes on from its ://', () => {
    const seen: number[] = []
    const out = replaceUrls('a://b://c', { stop: /\s/g }, ({ separator }) => {
      seen.push(separator)
      return undefined
    })
    expect(out).toBe('a://b://c')
    expect(seen).toEqual([1, 5])
  })

  it('does not look for a URL inside the text it replaced', () => {
    expect(replaceUrls('a://b://c d://e', { stop: /\s/g }, ({ end }) => ({ until: end, text: 'X' }))).toBe('X X')
  })

  it('returns the same string when nothing is replaced', () => {
    const text = 'https://example.com'
    expect(replaceUrls(text, { stop: /\s/g }, () => undefined)).toBe(text)
  })

  it('refuses a stop pattern without the g flag and an until that does not move past the ://', () => {
    expect(() => replaceUrls('a://b', { stop: /\s/ }, () => undefined)).toThrow(TypeError)
    expect(() => replaceUrls('a://b', { stop: /\s/g }, () => ({ until: 1, text: '' }))).toThrow(TypeError)
    expect(() => replaceUrls('a://b', { stop: /\s/g }, () => ({ until: 6, text: '' }))).toThrow(TypeError)
  })

  // The patterns the scanner replaced in apply (userinfo) and the cli (URLs to mask), as references.
  it('finds what /\\b[A-Za-z][A-Za-z0-9+.-]*:\\/\\/[^\\s"<`]+/g found, on 100,000 random texts', () => {
    const mismatches: string[] = []
    for (const text of randomTexts(20261207, 100_000, alphabet)) {
      const expected = text.replace(/\b[A-Za-z][A-Za-z0-9+.-]*:\/\/[^\s"<`]+/g, (url) => `<${url}>`)
      if (replaceUrls(text, { stop: /[\s"<`]/g, wordBoundary: true }, ({ start, separator, end }) => (end === separator + 3 ? undefined : { until: end, text: `<${text.slice(start, end)}>` })) !== expected) mismatches.push(JSON.stringify(text))
    }
    expect(mismatches.slice(0, 5)).toEqual([])
  })

  it('removes userinfo as /([A-Za-z][A-Za-z0-9+.-]*:\\/\\/)[^\\s/?#\\\\]*@/g did, on 100,000 random texts', () => {
    const mismatches: string[] = []
    for (const text of randomTexts(20261208, 100_000, alphabet)) {
      const expected = text.replace(/([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^\s/?#\\]*@/g, '$1')
      const found = replaceUrls(text, { stop: /[\s/?#\\]/g }, ({ start, separator, end }) => {
        const at = text.slice(separator + 3, end).lastIndexOf('@')
        return at < 0 ? undefined : { until: separator + 4 + at, text: text.slice(start, separator + 3) }
      })
      if (found !== expected) mismatches.push(JSON.stringify(text))
    }
    expect(mismatches.slice(0, 5)).toEqual([])
  })

  it('scans long runs of scheme characters and of :// once', () => {
    // Each took seconds through a backtracking pattern; linear, they take milliseconds.
    let calls = 0
    const count = (): undefined => {
      calls++
      return undefined
    }
    expect(replaceUrls('a-'.repeat(500_000), { stop: /\s/g }, count)).toHaveLength(1_000_000)
    expect(replaceUrls(`${'a'.repeat(500_000)}://${'a://'.repeat(200_000)}`, { stop: /\s/g }, count)).toHaveLength(1_300_003)
    expect(calls).toBe(200_001)
  })
})
