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
})
