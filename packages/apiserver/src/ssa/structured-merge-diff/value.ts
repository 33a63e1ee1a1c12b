// Values as structured-merge-diff sees them: ordering, equality and the Go renderings (JSON, %q, %v)
// that end up in managedFields keys and in error messages.
import { cloneValue, isKubeMap } from '@gitops-sdk/core'
import type { KubeMap, KubeValue } from '@gitops-sdk/core'
import { hasOwn } from '../ownKeys.js'

/** A value, or `undefined` for "absent" (SMD's nil `Value`, distinct from a JSON `null`). */
export type MaybeValue = KubeValue | undefined

/** Tells whether `value` is a mapping (core's `isKubeMap`). */
export function isMap(value: MaybeValue): value is KubeMap {
  return isKubeMap(value)
}

/** Tells whether `value` is a number the way Go decodes JSON (int64 or float64). */
function isNumber(value: MaybeValue): value is number | bigint {
  return typeof value === 'number' || typeof value === 'bigint'
}

/** Tells whether `value` is a scalar SMD accepts (not null, not a list or map). */
export function isScalar(value: MaybeValue): value is string | number | bigint | boolean {
  return typeof value === 'string' || typeof value === 'boolean' || isNumber(value)
}

/** Orders strings by code point, which is the byte order of their UTF-8 encoding (Go's `<`). */
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
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0
}

function rank(value: KubeValue): number {
  if (isNumber(value)) return 0
  if (typeof value === 'string') return 1
  if (typeof value === 'boolean') return 2
  if (Array.isArray(value)) return 3
  if (value === null) return 5
  return 4
}

function compareNumbers(a: number | bigint, b: number | bigint): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0
  const x = Number(a)
  const y = Number(b)
  return x < y ? -1 : x > y ? 1 : 0
}

/**
 * The total order of SMD `value.Compare`: numbers < strings < booleans < lists < maps < null; lists
 * and maps compare element by element (maps in key order), the shorter first.
 */
export function compareValues(a: KubeValue, b: KubeValue): number {
  const ra = rank(a)
  const rb = rank(b)
  if (ra !== rb) return ra < rb ? -1 : 1
  switch (ra) {
    case 0:
      return compareNumbers(a as number | bigint, b as number | bigint)
    case 1:
      return compareStrings(a as string, b as string)
    case 2:
      return a === b ? 0 : a === false ? -1 : 1
    case 3:
      return compareLists(a as KubeValue[], b as KubeValue[])
    case 4:
      return compareMaps(a as KubeMap, b as KubeMap)
    default:
      return 0
  }
}

function compareLists(a: readonly KubeValue[], b: readonly KubeValue[]): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const c = compareValues(a[i] as KubeValue, b[i] as KubeValue)
    if (c !== 0) return c
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0
}

function compareMaps(a: KubeMap, b: KubeMap): number {
  const la = Object.keys(a).length
  const lb = Object.keys(b).length
  if (la === 0 && lb === 0) return 0
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort(compareStrings)
  let i = 0
  for (const key of keys) {
    let c: number
    if (i === la) c = -1
    else if (i === lb) c = 1
    else if (!hasOwn(a, key)) c = 1
    else if (!hasOwn(b, key)) c = -1
    else c = compareValues(a[key] as KubeValue, b[key] as KubeValue)
    i++
    if (c !== 0) return c
  }
  return 0
}

/** Deep equality as SMD `value.Equals` sees it (numbers by value, maps regardless of key order). */
export function valuesEqual(a: MaybeValue, b: MaybeValue): boolean {
  if (a === b) return true
  if (a === undefined || b === undefined) return false
  if (isNumber(a) || isNumber(b)) return isNumber(a) && isNumber(b) && compareNumbers(a, b) === 0
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!valuesEqual(a[i], b[i])) return false
    return true
  }
  if (isMap(a)) {
    if (!isMap(b)) return false
    const keys = Object.keys(a)
    if (keys.length !== Object.keys(b).length) return false
    for (const key of keys) {
      if (!hasOwn(b, key) || !valuesEqual(a[key], b[key])) return false
    }
    return true
  }
  return false
}

/** Deletes `key` from `map` (a mutable copy the caller owns). */
export function deleteKey(map: KubeMap, key: string): void {
  Reflect.deleteProperty(map, key)
}

/** A shallow copy of `map` without `key`. */
export function withoutKey(map: KubeMap, key: string): KubeMap {
  const out = { ...map }
  Reflect.deleteProperty(out, key)
  return out
}

/** A deep copy of plain manifest data (core's `cloneValue`: own keys only, `__proto__` kept as data). */
export function cloneDeep<T extends KubeValue>(value: T): T {
  return cloneValue(value)
}

const hex = '0123456789abcdef'

/** A string as Go's `encoding/json` writes it (HTML-safe, U+2028/U+2029 escaped). */
export function goJsonString(text: string): string {
  let out = '"'
  let start = 0
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    let escaped: string | undefined
    if (c === 0x22) escaped = '\\"'
    else if (c === 0x5c) escaped = '\\\\'
    else if (c === 0x0a) escaped = '\\n'
    else if (c === 0x0d) escaped = '\\r'
    else if (c === 0x09) escaped = '\\t'
    else if (c < 0x20 || c === 0x3c || c === 0x3e || c === 0x26) escaped = `\\u00${hex[c >> 4]}${hex[c & 15]}`
    else if (c === 0x2028 || c === 0x2029) escaped = `\\u${c.toString(16)}`
    if (escaped !== undefined) {
      out += text.slice(start, i) + escaped
      start = i + 1
    }
  }
  return `${out}${text.slice(start)}"`
}

/** A number as Go's `encoding/json` writes it; JavaScript's shortest form agrees with Go's. */
function goJsonNumber(value: number | bigint): string {
  if (typeof value === 'bigint') return value.toString()
  if (!Number.isFinite(value)) return 'null'
  return Object.is(value, -0) ? '-0' : String(value)
}

/** Compact JSON as Go's `encoding/json` writes a decoded value: map keys sorted, HTML-safe strings. */
export function goJson(value: KubeValue): string {
  if (value === null) return 'null'
  if (typeof value === 'string') return goJsonString(value)
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (isNumber(value)) return goJsonNumber(value)
  if (Array.isArray(value)) return `[${value.map((item) => goJson(item)).join(',')}]`
  const keys = Object.keys(value).sort(compareStrings)
  return `{${keys.map((key) => `${goJsonString(key)}:${goJson(value[key] as KubeValue)}`).join(',')}}`
}

/** A string as Go's `%q` prints it (strconv.Quote). */
export function goQuote(text: string): string {
  let out = '"'
  for (const ch of text) {
    const c = ch.codePointAt(0) ?? 0
    if (ch === '"') out += '\\"'
    else if (ch === '\\') out += '\\\\'
    else if (c === 0x07) out += '\\a'
    else if (c === 0x08) out += '\\b'
    else if (c === 0x0c) out += '\\f'
    else if (c === 0x0a) out += '\\n'
    else if (c === 0x0d) out += '\\r'
    else if (c === 0x09) out += '\\t'
    else if (c === 0x0b) out += '\\v'
    else if (c < 0x20 || c === 0x7f) out += `\\x${hex[c >> 4]}${hex[c & 15]}`
    else if (!isPrintable(c)) out += c > 0xffff ? `\\U${c.toString(16).padStart(8, '0')}` : `\\u${c.toString(16).padStart(4, '0')}`
    else out += ch
  }
  return `${out}"`
}

const unprintable = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Cn}\p{Zl}\p{Zp}\p{Zs}]/u

function isPrintable(codePoint: number): boolean {
  if (codePoint === 0x20) return true
  return !unprintable.test(String.fromCodePoint(codePoint))
}

/**
 * A non-integral float as Go's `%v` prints it: shortest digits, in exponent form when the exponent
 * is below -4 or at least 6 (`strconv.FormatFloat(f, 'g', -1, 64)`).
 */
export function goFloat(value: number): string {
  if (Number.isInteger(value) && Math.abs(value) < 1e21) return String(value)
  const exp = Math.floor(Math.log10(Math.abs(value)))
  if (exp < -4 || exp >= 6) {
    const [mantissa = '', power = '0'] = value.toExponential().split('e')
    const sign = power.startsWith('-') ? '-' : '+'
    const digits = power.replace(/^[+-]/, '')
    return `${mantissa}e${sign}${digits.padStart(2, '0')}`
  }
  return String(value)
}

/** A value as SMD `value.ToString` prints it inside a path: strings quoted, numbers bare. */
export function valueToString(value: KubeValue): string {
  if (value === null) return 'null'
  if (typeof value === 'string') return goQuote(value)
  if (typeof value === 'boolean') return String(value)
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : goFloat(value)
  if (Array.isArray(value)) return `[${value.map((item) => valueToString(item)).join(',')}]`
  return Object.keys(value)
    .map((key) => `${key}=${valueToString(value[key] as KubeValue)}`)
    .join('')
}

/** A decoded JSON value as Go's `%v` prints it (`map[a:1 b:x]`, `[1 2]`, `<nil>`). */
export function goFormatValue(value: MaybeValue): string {
  if (value === undefined || value === null) return '<nil>'
  if (typeof value === 'string') return value
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : goFloat(value)
  if (typeof value === 'bigint' || typeof value === 'boolean') return String(value)
  if (Array.isArray(value)) return `[${value.map((item) => goFormatValue(item)).join(' ')}]`
  const keys = Object.keys(value).sort(compareStrings)
  return `map[${keys.map((key) => `${key}:${goFormatValue(value[key])}`).join(' ')}]`
}

/** The Go type name `%T` prints for a decoded JSON value. */
export function goTypeName(value: MaybeValue): string {
  if (value === undefined || value === null) return '<nil>'
  if (typeof value === 'string') return 'string'
  if (typeof value === 'boolean') return 'bool'
  if (typeof value === 'bigint') return 'int64'
  if (typeof value === 'number') return Number.isInteger(value) ? 'int64' : 'float64'
  if (Array.isArray(value)) return '[]interface {}'
  return 'map[string]interface {}'
}
