import type { KubeValue } from '@gitops-sdk/core'
import { createMap } from '@gitops-sdk/core'
import { isDeepStrictEqual } from 'node:util'
import { describe, expect, it } from 'vitest'
import { withoutKey } from './value.js'

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
