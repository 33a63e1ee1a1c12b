// Go's encoding/json output for the values a decoded manifest holds: string escaping (HTML-safe, as
// json.Marshal writes by default), numbers, and maps with sorted keys.
import type { KubeValue } from '../object.js'
import { formatJsonFloat } from './formatFloat.js'

const hex = '0123456789abcdef'

/**
 * Which Go JSON writer to mirror. `encoding/json` (the default) is the standard library of Go 1.22
 * and later, what kubectl and kube-apiserver use for objects: `\b` and `\f` in their short forms.
 * `json-iterator` is `jsoniter.ConfigCompatibleWithStandardLibrary`, which structured-merge-diff v4
 * uses to write the `k:{…}` and `v:…` keys of `managedFields`: only `\n`, `\r` and `\t` have short
 * forms, every other control character is `\u00XX` (so a backspace is `\u0008`).
 *
 * @experimental For sibling packages of gitops-sdk.
 */
export type JsonDialect = 'encoding/json' | 'json-iterator'

function escapeUnit(c: number, dialect: JsonDialect): string | undefined {
  if ((c === 0x08 || c === 0x0c) && dialect === 'json-iterator') return `\\u000${hex[c] ?? ''}`
  switch (c) {
    case 0x22:
      return '\\"'
    case 0x5c:
      return '\\\\'
    case 0x0a:
      return '\\n'
    case 0x0d:
      return '\\r'
    case 0x09:
      return '\\t'
    // Go 1.22 and later write these two short forms; earlier versions wrote \u0008 and \u000c.
    case 0x08:
      return '\\b'
    case 0x0c:
      return '\\f'
    case 0x3c:
    case 0x3e:
    case 0x26:
    case 0x2028:
    case 0x2029:
      return `\\u${c.toString(16).padStart(4, '0')}`
  }
  if (c < 0x20) return `\\u00${hex[c >> 4] ?? ''}${hex[c & 15] ?? ''}`
  // A lone surrogate: Go would have seen invalid UTF-8 and written the escaped replacement.
  if (c >= 0xd800 && c <= 0xdfff) return '\\ufffd'
  return undefined
}

/**
 * A string as `json.Marshal` writes it: quoted, `\" \\ \n \r \t \b \f` escapes, other control
 * characters, `<`, `>`, `&`, U+2028 and U+2029 as `\u00XX`; everything else as it is. With the
 * `json-iterator` {@link JsonDialect}, `\b` and `\f` are `\u0008` and `\u000c`.
 *
 * @experimental For sibling packages of gitops-sdk.
 */
export function jsonString(text: string, dialect: JsonDialect = 'encoding/json'): string {
  let out = '"'
  let start = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (c >= 0x20 && c < 0xd800 && c !== 0x22 && c !== 0x5c && c !== 0x3c && c !== 0x3e && c !== 0x26 && c !== 0x2028 && c !== 0x2029) continue
    if (c >= 0xd800 && c <= 0xdbff) {
      const next = text.charCodeAt(i + 1)
      if (next >= 0xdc00 && next <= 0xdfff) {
        i++
        continue
      }
    }
    const escaped = escapeUnit(c, dialect)
    if (escaped === undefined) continue
    out += text.slice(start, i) + escaped
    start = i + 1
  }
  return `${out}${text.slice(start)}"`
}

/** Length of the valid UTF-8 sequence at `i` (Go's `utf8.DecodeRune` rules), 0 when it is invalid. */
function utf8Length(bytes: Uint8Array, i: number): number {
  const at = (k: number, lo = 0x80, hi = 0xbf): boolean => {
    const b = bytes[i + k]
    return b !== undefined && b >= lo && b <= hi
  }
  const b0 = bytes[i] ?? 0
  if (b0 < 0x80) return 1
  if (b0 >= 0xc2 && b0 <= 0xdf) return at(1) ? 2 : 0
  if (b0 >= 0xe0 && b0 <= 0xef) {
    const second = b0 === 0xe0 ? at(1, 0xa0) : b0 === 0xed ? at(1, 0x80, 0x9f) : at(1)
    return second && at(2) ? 3 : 0
  }
  if (b0 >= 0xf0 && b0 <= 0xf4) {
    const second = b0 === 0xf0 ? at(1, 0x90) : b0 === 0xf4 ? at(1, 0x80, 0x8f) : at(1)
    return second && at(2) && at(3) ? 4 : 0
  }
  return 0
}

const decoder = new TextDecoder()

/**
 * A Go string of arbitrary bytes as `json.Marshal` writes it: like {@link jsonString}, and each byte
 * that does not start a valid UTF-8 sequence becomes the escape `\ufffd`.
 *
 * @experimental For sibling packages of gitops-sdk.
 */
export function jsonStringOfBytes(bytes: Uint8Array): string {
  let out = ''
  let start = 0
  let i = 0
  while (i < bytes.length) {
    const n = utf8Length(bytes, i)
    if (n > 0) {
      i += n
      continue
    }
    out += `${jsonString(decoder.decode(bytes.subarray(start, i))).slice(1, -1)}\\ufffd`
    i += 1
    start = i
  }
  return `"${out}${jsonString(decoder.decode(bytes.subarray(start))).slice(1, -1)}"`
}

/**
 * Go's `<` on strings: byte order of their UTF-8 encodings, which is code point order (UTF-16 code
 * unit order differs for characters above U+FFFF against U+E000–U+FFFF).
 *
 * @experimental For sibling packages of gitops-sdk.
 */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    let x = a.charCodeAt(i)
    let y = b.charCodeAt(i)
    if (x === y) continue
    if (x >= 0xd800 && y >= 0xd800) {
      // Surrogates encode code points above U+FFFF: move them after U+E000–U+FFFF.
      x = x >= 0xe000 ? x - 0x800 : x + 0x2000
      y = y >= 0xe000 ? y - 0x800 : y + 0x2000
    }
    return x < y ? -1 : 1
  }
  return a.length < b.length ? -1 : 1
}

/**
 * `json.Marshal` of a decoded value (`interface{}` holding maps, slices, strings, float64 or int64
 * numbers, bools, nil): compact, map keys sorted by {@link compareStrings}, strings as
 * {@link jsonString} in the given {@link JsonDialect}, integers (and bigints) in decimal, other
 * numbers as Go writes a float64 (json-iterator's compatible mode writes floats the same way).
 *
 * @throws `RangeError` for NaN and infinities, as `json.Marshal` refuses them.
 *
 * @experimental For sibling packages of gitops-sdk.
 */
export function marshalJson(value: KubeValue, dialect: JsonDialect = 'encoding/json'): string {
  if (value === null) return 'null'
  switch (typeof value) {
    case 'string':
      return jsonString(value, dialect)
    case 'boolean':
      return value ? 'true' : 'false'
    case 'bigint':
      return value.toString()
    case 'number':
      return formatJsonFloat(value)
    case 'object':
    case 'function':
    case 'symbol':
    case 'undefined':
      break
  }
  if (Array.isArray(value)) return `[${value.map((item) => marshalJson(item, dialect)).join(',')}]`
  const keys = Object.keys(value).sort(compareStrings)
  return `{${keys.map((key) => `${jsonString(key, dialect)}:${marshalJson(value[key] as KubeValue, dialect)}`).join(',')}}`
}
