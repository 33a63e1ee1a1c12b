import { describe, expect, it } from 'vitest'
import { decodeText } from './loader.js'

const bytes = (...parts: (string | number[])[]): Uint8Array =>
  Buffer.concat(parts.map((p) => (typeof p === 'string' ? Buffer.from(p, 'utf8') : Buffer.from(p))))

describe('decodeText', () => {
  it('decodes ASCII, UTF-8 and UTF-8 after a BOM to the same text as a fatal TextDecoder', () => {
    const decoder = new TextDecoder('utf-8', { fatal: true })
    for (const b of [
      bytes(''),
      bytes('kind: ConfigMap\ndata:\n  a: "\\x7f"\n', [0x7f, 0x0a]),
      bytes('name: café ☃ 😀\n'),
      bytes([0xef, 0xbb, 0xbf], 'kind: ConfigMap\n'),
      bytes([0xef, 0xbb, 0xbf]),
    ]) {
      expect(decodeText(b, 'f.yaml')).toBe(decoder.decode(b))
    }
  })

  it('reads only the bytes of its view, not the rest of the memory under it', () => {
    const whole = bytes('AAAAkind: ConfigMap\nBBBB')
    expect(decodeText(whole.subarray(4, whole.length - 4), 'f.yaml')).toBe('kind: ConfigMap\n')
    const utf8 = bytes('AAAAname: café\nBBBB')
    expect(decodeText(utf8.subarray(4, utf8.length - 4), 'f.yaml')).toBe('name: café\n')
  })

  it('refuses bytes that are not UTF-8 with a typed error naming the file', () => {
    for (const b of [bytes('a: ', [0xff], '\n'), bytes([0xc3]), bytes('ok\n', [0xed, 0xa0, 0x80])]) {
      expect(() => decodeText(b, 'dir/bad.yaml')).toThrow(expect.objectContaining({ code: 'RENDER_YAML_INVALID', message: expect.stringContaining('dir/bad.yaml') }))
    }
  })
})
