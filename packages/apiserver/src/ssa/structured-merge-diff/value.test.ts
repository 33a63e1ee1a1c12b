import type { KubeMap, KubeValue } from '@gitops-sdk/core'
import { createMap } from '@gitops-sdk/core'
import { isDeepStrictEqual } from 'node:util'
import { describe, expect, it } from 'vitest'
import { cloneDeep, withoutKey } from './value.js'

describe('cloneDeep', () => {
  it('copies as structuredClone does: key order, __proto__ as data, -0, bigint, null, undefined, null-prototype maps', () => {
    const entries: [string, KubeValue][] = [['__proto__', { polluted: true }], ['constructor', 'c']]
    const inner = createMap(entries)
    const value: KubeMap = { b: 1, a: [1, -0, 2n, null, 'x', { z: [] }], m: inner, u: undefined as unknown as KubeValue, e: {} }
    const copy = cloneDeep(value)
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
    expect(isDeepStrictEqual(cloneDeep(deep), structuredClone(deep))).toBe(true)
    expect(cloneDeep('s')).toBe('s')
  })
})

describe('withoutKey', () => {
  it('copies every other own key in order, __proto__ as data, and leaves the map as it was', () => {
    const entries: [string, KubeValue][] = [['a', 1], ['__proto__', { polluted: true }], ['managedFields', []], ['u', undefined as unknown as KubeValue], ['z', 'x']]
    const map = createMap(entries)
    const out = withoutKey(map, 'managedFields')
    expect(Object.keys(out)).toEqual(['a', '__proto__', 'u', 'z'])
    expect(Object.getPrototypeOf(out)).toBe(Object.prototype)
    expect(Object.keys(map)).toEqual(['a', '__proto__', 'managedFields', 'u', 'z'])
    expect(isDeepStrictEqual(withoutKey(map, 'absent'), { ...map })).toBe(true)
    expect(({} as Record<string, unknown>).polluted).toBeUndefined()
  })
})
