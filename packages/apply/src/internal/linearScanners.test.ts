import { describe, expect, it } from 'vitest'
import { prng } from '../../../../testing/prng.js'
import { errorFromStatus, parseStatus } from './apiErrors.js'
import { maskText, secretMask } from './secretErrors.js'
import { withoutUserinfoInText } from './transport.js'

// The scanners that replaced backtracking patterns (test/faults/backtracking.test.ts has the inputs
// that made those slow) give what the patterns gave: compared on random texts over the characters
// that matter to them, and line breaks, white space `\s` knows, lone surrogates and `_` before a
// scheme around them.

// The old patterns, as the reference the scanners must agree with.
function oldMaskText(text: string, mask: ReturnType<typeof secretMask>): string {
  let out = text
  for (const value of mask.values) out = out.split(value).join('***')
  const before = out
  out = out.replace(/"((?:[^"\\]|\\.)*)"/g, (...match: unknown[]) => {
    const [whole, inner, offset] = match as [string, string, number]
    return mask.keep.has(inner) || inner === '***' || before.slice(0, offset).endsWith('conflict with ') ? whole : '"***"'
  })
  out = out.replace(/\[\]byte\{[^}]*\}/g, '[]byte{***}')
  return out.replace(/(Invalid value: )(-?\d[\w.+-]*|true|false|map\[[^\]]*\][^:]*|\{[^:]*\})/g, '$1***')
}

function randomTexts(alphabet: readonly string[], count: number): string[] {
  const random = prng(20261207)
  const texts: string[] = []
  for (let n = 0; n < count; n++) {
    let text = ''
    for (let i = Math.floor(random() * 15); i > 0; i--) text += alphabet[Math.floor(random() * alphabet.length)] as string
    texts.push(text)
  }
  return texts
}

describe('the linear scanners', () => {
  it('maskText gives what the patterns gave, on 20,000 random texts', () => {
    const mask = secretMask({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'name' }, stringData: { key: 's3cr3t' } })
    const alphabet = ['"', '"', '\\', 'a', 'name', 'key', ' ', '\n', '\u2028', 'conflict with ', '[]byte{', '}', '{', ':', 'Invalid value: ', 'map[', ']', '1', '-', 'true', 'false', 's3cr3t', '.', '\r', '\u00A0', '\uD800', '\uDC00']
    for (const text of randomTexts(alphabet, 20_000)) if (maskText(text, mask) !== oldMaskText(text, mask)) expect.fail(JSON.stringify(text))
  })

  it('withoutUserinfoInText gives what the pattern gave, on 20,000 random texts', () => {
    const alphabet = ['a', 'B', '1', '+', '.', '-', '://', ':', '/', '@', '@', ' ', '?', '#', '\\', '_', 'h', '_a://', '\r', '\n', '\u00A0', '\u2028', '\uD800', '\uDC00']
    for (const text of randomTexts(alphabet, 20_000)) {
      if (withoutUserinfoInText(text) !== text.replace(/([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^\s/?#\\]*@/g, '$1')) expect.fail(JSON.stringify(text))
    }
  })

  it('tells immutable-field answers as the patterns did, on 20,000 random messages', () => {
    const patterns = [/is immutable/i, /immutable field/i, /may not change once set/i, /updates to [\w ]+ spec for fields other than .* are forbidden/i]
    const alphabet = ['updates to ', 'Updates To ', ' spec for fields other than ', ' are forbidden', ' ARE forbidden', 'a', ' ', '_', '\n', '\u2028', '-', 'K', 'is immutable', '\r', '\u00A0', '\uD800', '\uDC00']
    for (const message of randomTexts(alphabet, 20_000)) {
      const body = JSON.stringify({ kind: 'Status', status: 'Failure', reason: 'Invalid', code: 422, message })
      const code = errorFromStatus(parseStatus(422, body), { subject: 'StatefulSet/apps/db', action: 'apply' }).code
      if ((code === 'APPLY_IMMUTABLE_FIELD') !== patterns.some((re) => re.test(message))) expect.fail(JSON.stringify(message))
    }
  })
})
