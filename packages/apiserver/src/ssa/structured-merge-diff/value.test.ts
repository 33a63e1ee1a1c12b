import type { KubeValue } from '@gitops-sdk/core'
import { createMap } from '@gitops-sdk/core'
import { isDeepStrictEqual } from 'node:util'
import { describe, expect, it } from 'vitest'
import { goFormatValue, withoutKey } from './value.js'

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

describe('goFormatValue', () => {
  it("prints as Go's %v does: maps by sorted key, lists spaced, nil, floats in %g", () => {
    const entries: [string, KubeValue][] = [['b', [1, 'x', null, [], {}]], ['a', { d: true, c: 1.5e21 }], ['__proto__', 2]]
    const value = createMap(entries)
    expect(goFormatValue(value)).toBe('map[__proto__:2 a:map[c:1.5e+21 d:true] b:[1 x <nil> [] map[]]]')
    expect([goFormatValue(undefined), goFormatValue('s'), goFormatValue(3), goFormatValue(0.5)]).toEqual(['<nil>', 's', '3', '0.5'])
  })

  it('prints a value 100,000 deep without recursion', () => {
    let deep: KubeValue = []
    for (let i = 0; i < 100_000; i++) deep = i % 2 === 0 ? [deep] : { x: deep }
    const text = goFormatValue(deep)
    expect(text.length).toBe(50_000 * ('map[x:'.length + '['.length + ']]'.length) + '[]'.length)
    expect(text.slice(0, 14)).toBe('map[x:[map[x:[')
  })
})
