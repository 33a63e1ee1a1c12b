import * as core from '@gitops-sdk/core'
import { describe, expect, it } from 'vitest'
import { createMap, isKubeMap, setOwn } from './objects.js'

describe('secrets object helpers', () => {
  it('isKubeMap agrees with core', () => {
    for (const value of [null, undefined, 0, 'a', [], [1], {}, { a: 1 }, Object.create(null), new Map()]) {
      expect(isKubeMap(value)).toBe(core.isKubeMap(value))
    }
  })

  it('setOwn and createMap agree with core, __proto__ as data', () => {
    const entries = [['a', 1], ['__proto__', 2], ['constructor', 3]] as const
    const ours = createMap<number>(entries)
    const theirs = core.createMap<number>(entries)
    expect(Object.getPrototypeOf(ours)).toBe(null)
    expect(Object.entries(ours)).toEqual(Object.entries(theirs))
    const plain: Record<string, number> = {}
    setOwn(plain, '__proto__', 4)
    expect(Object.getPrototypeOf(plain)).toBe(Object.prototype)
    expect(Object.getOwnPropertyDescriptor(plain, '__proto__')?.value).toBe(4)
  })
})
