import { describe, expect, it } from 'vitest'
import { compareStrings, jsonString, jsonStringOfBytes, marshalJson } from './json.js'

// encodeStringTests from Go's src/encoding/json/encode_test.go (Go 1.22+ writes \b and \f), and
// TestHTMLEscape / TestMarshalHTMLEscape for `<`, `>`, `&`, U+2028 and U+2029.
const controls: [string, string][] = Array.from({ length: 0x20 }, (_, c) => {
  const short: Record<number, string> = { 0x08: '\\b', 0x09: '\\t', 0x0a: '\\n', 0x0c: '\\f', 0x0d: '\\r' }
  return [String.fromCharCode(c), `"${short[c] ?? `\\u00${c.toString(16).padStart(2, '0')}`}"`]
})

describe('jsonString', () => {
  it.each([
    ['', '""'],
    ['\\', '"\\\\"'],
    ...controls,
    ['✭', '"✭"'],
    ['\u007f', '"\u007f"'],
    ['<b>"foobar"</b>', '"\\u003cb\\u003e\\"foobar\\"\\u003c/b\\u003e"'],
    ['a&b', '"a\\u0026b"'],
    ['\u2028\u2029', '"\\u2028\\u2029"'],
    ['日本', '"日本"'],
    ['😀', '"😀"'],
  ])('writes %j as json.Marshal does: %s', (text, want) => {
    expect(jsonString(text)).toBe(want)
  })

  // json-iterator's writeStringSlowPathWithHTMLEscaped (ConfigCompatibleWithStandardLibrary):
  // only \n, \r and \t short, other bytes below 0x20 as \u00XX, HTML and U+2028/U+2029 escaped.
  const iteratorControls: [string, string][] = Array.from({ length: 0x20 }, (_, c) => {
    const short: Record<number, string> = { 0x09: '\\t', 0x0a: '\\n', 0x0d: '\\r' }
    return [String.fromCharCode(c), `"${short[c] ?? `\\u00${c.toString(16).padStart(2, '0')}`}"`]
  })
  it.each([...iteratorControls, ['a<b>&c', '"a\\u003cb\\u003e\\u0026c"'], ['\u2028', '"\\u2028"'], ['"\\', '"\\"\\\\"'], ['日本😀', '"日本😀"']])(
    'writes %j as json-iterator does: %s',
    (text, want) => {
      expect(jsonString(text, 'json-iterator')).toBe(want)
    },
  )

  it('differs between the dialects only in \\b and \\f', () => {
    for (let c = 0; c < 0x3000; c++) {
      const text = String.fromCharCode(c)
      if (c !== 0x08 && c !== 0x0c) expect(jsonString(text, 'json-iterator')).toBe(jsonString(text))
    }
    expect(marshalJson({ k: ['\b\f'] }, 'json-iterator')).toBe('{"k":["\\u0008\\u000c"]}')
    expect(marshalJson({ k: ['\b\f'] })).toBe('{"k":["\\b\\f"]}')
  })

  it('writes a lone surrogate as the replacement Go would have written', () => {
    expect(jsonString('a\ud800b')).toBe('"a\\ufffdb"')
  })
})

describe('jsonStringOfBytes', () => {
  it('escapes each byte that is not UTF-8 as \\ufffd (encode_test.go: "foo\\xc2\\x7fbar")', () => {
    expect(jsonStringOfBytes(new Uint8Array([0x66, 0x6f, 0x6f, 0xc2, 0x7f, 0x62, 0x61, 0x72]))).toBe('"foo\\ufffd\u007fbar"')
    expect(jsonStringOfBytes(new TextEncoder().encode('ok <'))).toBe('"ok \\u003c"')
  })
})

describe('compareStrings', () => {
  it("orders as Go's < on strings: by UTF-8 bytes, so U+FFFD before U+1F600", () => {
    const keys = ['😀', '\ufffd', 'b', 'a', 'B']
    expect([...keys].sort(compareStrings)).toEqual(['B', 'a', 'b', '\ufffd', '😀'])
    expect(compareStrings('a', 'a')).toBe(0)
    expect(compareStrings('a', 'ab')).toBe(-1)
  })
})

describe('marshalJson', () => {
  it('writes a decoded value as json.Marshal does: compact, keys sorted, HTML-safe', () => {
    expect(marshalJson({ b: [1, 2.5, true, null], a: { '<': 'x&y' }, n: 2n ** 63n - 1n })).toBe(
      '{"a":{"\\u003c":"x\\u0026y"},"b":[1,2.5,true,null],"n":9223372036854775807}',
    )
    expect(marshalJson(1e21)).toBe('1e+21')
  })

  it('refuses NaN as json.Marshal does', () => {
    expect(() => marshalJson({ x: Number.NaN })).toThrow(RangeError)
  })
})
