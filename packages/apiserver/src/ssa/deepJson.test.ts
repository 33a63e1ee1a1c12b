import { describe, expect, it } from 'vitest'
import { cloneJson, stringifyJson } from './deepJson.js'

// 10,000 levels, kube-apiserver's bound: past both structuredClone's and JSON.stringify's native stack.
const arrays = '['.repeat(10_000) + ']'.repeat(10_000)
const objects = `${'{"a":'.repeat(9_999)}{"b":[1,"x",null,true,{"__proto__":{"c":2}}],"u":"é\\n"}${'}'.repeat(9_999)}`

describe('cloneJson', () => {
  it('copies documents of 10,000 levels, where structuredClone overflows', () => {
    for (const text of [arrays, objects]) {
      const value = JSON.parse(text) as unknown
      expect(() => structuredClone(value)).toThrow(RangeError)
      const copy = cloneJson(value)
      expect(copy === value).toBe(false)
      expect(stringifyJson(copy)).toBe(text)
    }
  })

  it('keeps a "__proto__" key own, never setting a prototype', () => {
    const value = JSON.parse(objects) as Record<string, unknown>
    let inner: unknown = cloneJson(value)
    for (let i = 0; i < 9_999; i++) inner = (inner as Record<string, unknown>).a
    const last = ((inner as { b: unknown[] }).b[4]) as object
    expect(Object.getPrototypeOf(last)).toBe(Object.prototype)
    expect(Object.keys(last)).toEqual(['__proto__'])
    expect(({} as Record<string, unknown>).c).toBeUndefined()
  })

  it('answers shallow values as structuredClone does', () => {
    const value = { a: [1, { b: 'c' }], d: null }
    expect(cloneJson(value)).toEqual(value)
    expect(cloneJson(value).a).not.toBe(value.a)
  })
})

describe('stringifyJson', () => {
  it('writes 10,000 levels byte for byte as JSON.parse read them, where JSON.stringify overflows', () => {
    for (const text of [arrays, objects]) {
      const value = JSON.parse(text) as unknown
      expect(() => JSON.stringify(value)).toThrow(RangeError)
      expect(stringifyJson(value)).toBe(text)
    }
  })

  it('writes what JSON.stringify writes for undefined, functions, non-finite numbers and toJSON', () => {
    const odd = { u: undefined, f: () => 1, n: Number.NaN, i: [undefined, Infinity, () => 1], d: new Date(0), k: { toJSON: () => undefined }, s: 'x' }
    let deep: unknown = odd
    for (let i = 0; i < 10_000; i++) deep = [deep]
    const expected = JSON.stringify(odd)
    expect(stringifyJson(deep)).toBe('['.repeat(10_000) + expected + ']'.repeat(10_000))
  })
})
