// Compact JSON as a values text: what the fleet build hands over for a HelmRelease's
// `spec.values` (JSON.stringify of the object), 200 times for 200 releases. JSON is YAML's flow
// style, which the quick reader (quickValues.ts) leaves to the `yaml` package; this reader takes
// the common shape directly and answers undefined for anything else (whitespace, escapes, numbers
// in exponent form, a `<<` key, deep nesting), which then goes the full way. Tests compare it with
// the full parse.
import type { GoMap, GoValue } from './template/values.js'

// Characters a YAML reader may treat otherwise than JSON does (line breaks, controls, BOM).
// eslint-disable-next-line no-control-regex
const UNUSUAL = /[\u0000-\u001f\u007f-\u009f\u2028\u2029\ufeff]/
const NUMBER = /^-?(?:0|[1-9][0-9]{0,14})(?:\.[0-9]{1,15})?$/

/**
 * Reads `text` if it is compact JSON of the shape above, with numbers resolved by `scalar` (as
 * the plain scalar the YAML reader would see); undefined when the text is anything else.
 */
export function jsonValues(text: string, scalar: (token: string) => GoValue): GoValue | undefined {
  const end = text.endsWith('\n') ? text.length - 1 : text.length
  if (end === 0 || (text.charCodeAt(0) !== 0x7b && text.charCodeAt(0) !== 0x5b)) return undefined
  let i = 0
  const fail = Symbol('fail')
  type R = GoValue | typeof fail
  const str = (): string | typeof fail => {
    // At a '"'; no backslash accepted (escapes are left to the full reader).
    const close = text.indexOf('"', i + 1)
    if (close < 0 || close >= end) return fail
    const s = text.slice(i + 1, close)
    if (s.includes('\\') || UNUSUAL.test(s)) return fail
    i = close + 1
    return s
  }
  const value = (depth: number): R => {
    if (depth > 100 || i >= end) return fail
    const c = text.charCodeAt(i)
    if (c === 0x22) return str()
    if (c === 0x7b) {
      const m: GoMap = new Map()
      i++
      if (text.charCodeAt(i) === 0x7d) {
        i++
        return m
      }
      for (;;) {
        if (text.charCodeAt(i) !== 0x22) return fail
        const k = str()
        if (k === fail || k === '<<' || text.charCodeAt(i) !== 0x3a) return fail
        i++
        const v = value(depth + 1)
        if (v === fail) return fail
        m.set(k, v)
        const d = text.charCodeAt(i++)
        if (d === 0x7d) return m
        if (d !== 0x2c) return fail
      }
    }
    if (c === 0x5b) {
      const a: GoValue[] = []
      i++
      if (text.charCodeAt(i) === 0x5d) {
        i++
        return a
      }
      for (;;) {
        const v = value(depth + 1)
        if (v === fail) return fail
        a.push(v)
        const d = text.charCodeAt(i++)
        if (d === 0x5d) return a
        if (d !== 0x2c) return fail
      }
    }
    let j = i
    while (j < end) {
      const d = text.charCodeAt(j)
      if (d === 0x2c || d === 0x7d || d === 0x5d) break
      j++
    }
    const token = text.slice(i, j)
    i = j
    if (token === 'true') return true
    if (token === 'false') return false
    if (token === 'null') return null
    return NUMBER.test(token) ? scalar(token) : fail
  }
  const out = value(0)
  return out === fail || i !== end ? undefined : out
}
