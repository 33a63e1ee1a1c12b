import { Buffer } from 'node:buffer'
import { isDeepStrictEqual } from 'node:util'
import { describe, expect, it } from 'vitest'
import { cloneValue, createMap, deepEqual, setOwn } from './object.js'
import type { KubeMap, KubeValue } from './object.js'

describe('deepEqual', () => {
  it.each([
    ['equal maps in another key order', { a: 1, b: [1, { c: 'x' }] }, { b: [1, { c: 'x' }], a: 1 }, true],
    ['a bigint and the number of the same value (the one bigint rule)', { n: 5n }, { n: 5 }, true],
    ['a bigint and another number', 5n, 6, false],
    ['a bigint and a fraction', 5n, 5.5, false],
    ['a bigint and a string', 5n, '5', false],
    ['an undefined value and an absent key', { a: 1, b: undefined }, { a: 1 }, true],
    ['an array and a map', [], {}, false],
    ['null and an empty map', null, {}, false],
    ['maps of different sizes', { a: 1 }, { a: 1, b: 2 }, false],
    ['an own key and an inherited one', { constructor: 1 }, {}, false],
  ])('compares %s', (_name, a, b, want) => {
    expect(deepEqual(a, b)).toBe(want)
    expect(deepEqual(b, a)).toBe(want)
  })
})

describe('setOwn and createMap', () => {
  it('keeps __proto__ as data and never changes a prototype', () => {
    const map: Record<string, unknown> = {}
    setOwn(map, '__proto__', { polluted: true })
    expect(Object.getPrototypeOf(map)).toBe(Object.prototype)
    expect(Object.keys(map)).toEqual(['__proto__'])
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    expect(cloneValue({ x: map } as never)).toEqual({ x: map })
  })

  it('makes maps without a prototype', () => {
    const map = createMap([
      ['constructor', 1],
      ['__proto__', 2],
    ])
    expect(Object.getPrototypeOf(map)).toBeNull()
    expect(map.constructor).toBe(1)
    expect(Object.keys(map)).toEqual(['constructor', '__proto__'])
    expect('toString' in createMap()).toBe(false)
  })
})

describe('cloneValue', () => {
  it('copies as structuredClone does: key order, __proto__ as data, -0, bigint, null, undefined, null-prototype maps', () => {
    const entries: [string, KubeValue][] = [['__proto__', { polluted: true }], ['constructor', 'c']]
    const inner = createMap(entries)
    const value: KubeMap = { b: 1, a: [1, -0, 2n, null, 'x', { z: [] }], m: inner, u: undefined as unknown as KubeValue, e: {} }
    const copy = cloneValue(value)
    const reference = structuredClone(value)
    expect(isDeepStrictEqual(copy, reference)).toBe(true)
    expect(Object.keys(copy)).toEqual(Object.keys(reference))
    expect(Object.keys(copy.m as KubeMap)).toEqual(['__proto__', 'constructor'])
    expect(Object.getPrototypeOf(copy.m)).toBe(Object.prototype)
    expect(Object.is((copy.a as KubeValue[])[1], -0)).toBe(true)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
    // A copy: nothing shared with the original.
    ;((copy.a as KubeValue[])[5] as KubeMap).z = 'changed'
    expect(((value.a as KubeValue[])[5] as KubeMap).z).toEqual([])
  })

  it('copies values nested deeper than it recurses', () => {
    let deep: KubeValue = 'leaf'
    for (let i = 0; i < 1000; i++) deep = i % 2 === 0 ? [deep] : { k: deep }
    expect(isDeepStrictEqual(cloneValue(deep), structuredClone(deep))).toBe(true)
    expect(cloneValue('s')).toBe('s')
  })

  /** `value` inside a manifest, as a reader such as js-yaml may leave it; typed loosely on purpose. */
  const inManifest = (value: unknown): KubeValue => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x' }, data: { deep: [{ v: value }] } }) as unknown as KubeValue
  const dataOf = (copy: KubeValue): unknown => (((copy as KubeMap).data as KubeMap).deep as KubeMap[])[0]?.v

  it.each([
    ['a Date', () => new Date('2026-12-07T11:00:00Z'), Date],
    ['a Map', () => new Map<string, unknown>([['a', { b: 1 }]]), Map],
    ['a Set', () => new Set([1, 'x']), Set],
    ['a RegExp', () => /a+b/giu, RegExp],
    ['an Error', () => new TypeError('bad'), TypeError],
    ['a Buffer', () => Buffer.from('buffer'), Uint8Array],
    ['a Uint8Array', () => new Uint8Array([1, 2, 3]), Uint8Array],
    ['an ArrayBuffer', () => new Uint8Array([4, 5]).buffer, ArrayBuffer],
    ['a boxed string', () => Object('boxed') as unknown, String],
    ['a class instance', () => new (class Point { x = 1; y = [2] })(), Object],
  ])('copies %s as structuredClone does (the whole value is its)', (_name, make, type) => {
    const value = inManifest(make())
    const copy = cloneValue(value)
    const reference = structuredClone(value)
    expect(isDeepStrictEqual(copy, reference)).toBe(true)
    expect(dataOf(copy)).toBeInstanceOf(type)
    expect(dataOf(copy)).not.toBe(dataOf(value))
    // At the top too.
    expect(isDeepStrictEqual(cloneValue(make() as KubeValue), structuredClone(make()))).toBe(true)
  })

  it('keeps array holes and extra array keys as structuredClone does', () => {
    // eslint-disable-next-line no-sparse-arrays
    const holes = [1, , 3] as unknown as KubeValue[]
    const extra = Object.assign([1, 2], { extra: 'kept' }) as unknown as KubeValue[]
    // A hole and an extra key: as many keys as the length.
    // eslint-disable-next-line no-sparse-arrays
    const both = Object.assign([, 2], { extra: 'kept' }) as unknown as KubeValue[]
    const trailing = new Array<KubeValue>(3)
    const nullProto = Object.setPrototypeOf([1, 2], null) as KubeValue[]
    for (const array of [holes, extra, both, trailing, nullProto]) {
      const value = inManifest(array)
      const copy = cloneValue(value)
      expect(isDeepStrictEqual(copy, structuredClone(value)), JSON.stringify(array)).toBe(true)
      expect(Object.keys(dataOf(copy) as object)).toEqual(Object.keys(structuredClone(array)))
    }
    expect(1 in (dataOf(cloneValue(inManifest(holes))) as KubeValue[])).toBe(false)
    expect((dataOf(cloneValue(inManifest(extra))) as Record<string, unknown>).extra).toBe('kept')
    // A plain array with undefined elements is not holey.
    const undefinedItems = [undefined, 1] as unknown as KubeValue[]
    expect(0 in cloneValue(undefinedItems)).toBe(true)
  })

  it('refuses a function or a symbol with DataCloneError as structuredClone does, at any depth', () => {
    let deep: unknown = { f: () => 1 }
    for (let i = 0; i < 300; i++) deep = { k: deep }
    for (const bad of [() => 1, Symbol('s'), { f: () => 1 }, [Symbol('s')], inManifest(() => 1), deep]) {
      expect(() => structuredClone(bad)).toThrow(expect.objectContaining({ name: 'DataCloneError' }))
      expect(() => cloneValue(bad as KubeValue)).toThrow(expect.objectContaining({ name: 'DataCloneError' }))
    }
  })

  it('copies an object reached twice once, and cycles, as structuredClone does', () => {
    const shared: KubeMap = { app: 'a' }
    const value: KubeMap = { metadata: { labels: shared }, spec: { selector: shared, list: [shared, shared] } }
    const copy = cloneValue(value)
    const labels = (copy.metadata as KubeMap).labels
    expect(labels).not.toBe(shared)
    expect((copy.spec as KubeMap).selector).toBe(labels)
    expect(((copy.spec as KubeMap).list as KubeValue[])[1]).toBe(labels)
    expect(isDeepStrictEqual(copy, structuredClone(value))).toBe(true)
    // 60 levels of {l: x, r: x}: 2^60 paths, 61 objects, each copied once.
    let graph: KubeMap = { leaf: true }
    for (let i = 0; i < 60; i++) graph = { l: graph, r: graph }
    let node = cloneValue(graph)
    for (let original = graph, i = 0; i < 60; i++) {
      // (Not `.not.toBe`, which compares deeply when the identities differ: 2^60 paths.)
      expect(node.l === node.r && node.l !== original.l).toBe(true)
      node = node.l as KubeMap
      original = original.l as KubeMap
    }
    expect(node).toEqual({ leaf: true })
    let small: KubeMap = { leaf: true }
    for (let i = 0; i < 8; i++) small = { l: small, r: [small] }
    expect(isDeepStrictEqual(cloneValue(small), structuredClone(small))).toBe(true)
    const cyclic: KubeMap = { name: 'c', list: [] }
    ;(cyclic.list as KubeValue[]).push(cyclic)
    cyclic.self = cyclic
    const cyclicCopy = cloneValue(cyclic)
    expect(cyclicCopy.self).toBe(cyclicCopy)
    expect((cyclicCopy.list as KubeValue[])[0]).toBe(cyclicCopy)
    expect(isDeepStrictEqual(cyclicCopy, structuredClone(cyclic))).toBe(true)
  })
})
