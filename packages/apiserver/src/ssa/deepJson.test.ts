import { describe, expect, it } from 'vitest'
import { cloneJson, stringifyJson } from './deepJson.js'

// 10,000 levels: past both structuredClone's and JSON.stringify's native stack.
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

  it('throws for what JSON does not hold past the native stack, rather than copying it as something else', () => {
    const deep = (leaf: unknown): unknown => {
      let v: unknown = { leaf }
      for (let i = 0; i < 10_000; i++) v = [v]
      return v
    }
    expect(() => cloneJson(deep(new Date(0)))).toThrow(new TypeError('cannot copy a Date: not JSON data'))
    expect(() => cloneJson(deep(new Map()))).toThrow(new TypeError('cannot copy a Map: not JSON data'))
    expect(() => cloneJson(deep(Buffer.from('x')))).toThrow(new TypeError('cannot copy a Buffer: not JSON data'))
    expect(() => cloneJson(deep(Object(1)))).toThrow(new TypeError('cannot copy a Number: not JSON data'))
    expect(() => cloneJson(deep(() => 1))).toThrow(new TypeError('cannot copy a function: not JSON data'))
    const cyclic: unknown[] = []
    let top: unknown = cyclic
    for (let i = 0; i < 10_000; i++) top = [top]
    cyclic.push(top)
    expect(() => cloneJson(top)).toThrow(new TypeError('cannot copy a value that holds itself (a cycle): not JSON data'))
    // A plain object without a prototype is JSON data.
    expect(stringifyJson(cloneJson(deep(Object.assign(Object.create(null) as object, { a: 1 }))))).toBe(`${'['.repeat(10_000)}{"leaf":{"a":1}}${']'.repeat(10_000)}`)
  })

  it('copies a subtree reached twice without a cycle once, both places sharing the copy, as structuredClone does', () => {
    let shared: unknown = { leaf: [1] }
    for (let i = 0; i < 10_000; i++) shared = [shared]
    const value = { a: shared, b: [shared] }
    expect(() => structuredClone(value)).toThrow(RangeError)
    const copy = cloneJson(value)
    // Identity compared by hand: vitest's toBe walks unequal values, recursively.
    expect(copy.a === shared).toBe(false)
    expect(copy.b[0] === copy.a).toBe(true)
    const text = `${'['.repeat(10_000)}{"leaf":[1]}${']'.repeat(10_000)}`
    expect(stringifyJson(copy)).toBe(`{"a":${text},"b":[${text}]}`)
    // A shallow one, copied by structuredClone, is shared the same way.
    const small = { x: 1 }
    const shallow = cloneJson({ a: small, b: small })
    expect(shallow.b).toBe(shallow.a)
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

  it('throws for a cycle deeper than the native stack, as JSON.stringify does for a shallow one', () => {
    const cyclic: unknown[] = []
    let top: unknown = cyclic
    for (let i = 0; i < 10_000; i++) top = [top]
    cyclic.push(top)
    expect(() => stringifyJson(top)).toThrow(new TypeError('Converting circular structure to JSON'))
    // The same subtree twice, side by side, is no cycle.
    let shared: unknown = []
    for (let i = 0; i < 10_000; i++) shared = [shared]
    const text = '['.repeat(10_001) + ']'.repeat(10_001)
    expect(stringifyJson([shared, shared])).toBe(`[${text},${text}]`)
  })
})
