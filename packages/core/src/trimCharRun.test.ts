import { describe, expect, it } from 'vitest'
import { prng } from '../../../testing/prng.js'
import { trimCharRun } from './trimCharRun.js'

/** Random texts over a small alphabet rich in `char`: empty, all-run and mixed texts. */
function randomTexts(seed: number, count: number, alphabet: readonly string[]): string[] {
  const random = prng(seed)
  const texts: string[] = ['']
  for (let n = 0; n < count; n++) {
    const length = Math.floor(random() * 12)
    let text = ''
    for (let i = 0; i < length; i++) text += alphabet[Math.floor(random() * alphabet.length)] as string
    texts.push(text)
  }
  return texts
}

describe('trimCharRun', () => {
  it.for([
    { name: 'trailing slashes', text: 'a/b///', char: '/', ends: 'end', out: 'a/b' },
    { name: 'leading slashes', text: '///a/b/', char: '/', ends: 'start', out: 'a/b/' },
    { name: 'both ends', text: '--a-b--', char: '-', ends: 'both', out: 'a-b' },
    { name: 'an all-run text', text: '////', char: '/', ends: 'both', out: '' },
    { name: 'an all-run text from the end', text: '\n\n', char: '\n', ends: 'end', out: '' },
    { name: 'the empty text', text: '', char: '\0', ends: 'both', out: '' },
    { name: 'no run', text: 'abc', char: '/', ends: 'both', out: 'abc' },
    { name: 'a UTF-16 unit of a surrogate pair is compared as a unit', text: 'x\u{1f600}', char: '\ude00', ends: 'end', out: 'x\ud83d' },
  ] as const)('trims $name', ({ text, char, ends, out }) => {
    expect(trimCharRun(text, char, ends)).toBe(out)
  })

  it('refuses a char that is not one UTF-16 code unit', () => {
    expect(() => trimCharRun('a', '', 'end')).toThrow(TypeError)
    expect(() => trimCharRun('a', '//', 'end')).toThrow(TypeError)
    expect(() => trimCharRun('a', '\u{1f600}', 'end')).toThrow(TypeError)
  })

  // The regular expressions each replaced call site used to run, on 100,000 random texts per char.
  it.for(['/', '-', '\0', '\n', '=', '[', ']', '.'])('matches the regular expressions it replaces for %j', (char) => {
    const escaped = char.replace(/[.[\]/\\-]/g, '\\$&')
    const startRe = new RegExp(`^${escaped}+`)
    const endRe = new RegExp(`${escaped}+$`)
    const bothRe = new RegExp(`^${escaped}+|${escaped}+$`, 'g')
    const texts = randomTexts(char.charCodeAt(0) + 1, 100_000, [char, char, char, 'a', '/', '\n', ''])
    texts.push(char.repeat(50))
    const mismatches: string[] = []
    for (const text of texts) {
      if (trimCharRun(text, char, 'start') !== text.replace(startRe, '')) mismatches.push(`start ${JSON.stringify(text)}`)
      if (trimCharRun(text, char, 'end') !== text.replace(endRe, '')) mismatches.push(`end ${JSON.stringify(text)}`)
      if (trimCharRun(text, char, 'both') !== text.replace(bothRe, '')) mismatches.push(`both ${JSON.stringify(text)}`)
    }
    expect(mismatches.slice(0, 5)).toEqual([])
  })

  it('is linear on a long run that does not end the text', () => {
    const text = `${'/'.repeat(1_000_000)}a${'/'.repeat(1_000_000)}`
    expect(trimCharRun(text, '/', 'both')).toBe('a')
    expect(trimCharRun(`${text}b`, '/', 'end')).toHaveLength(2_000_002)
  })
})
