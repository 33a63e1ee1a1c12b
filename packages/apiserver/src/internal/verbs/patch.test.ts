import { describe, expect, it } from 'vitest'
import { stringifyJson } from '../../ssa/deepJson.js'
import { jsonPatch, mergePatch } from './patch.js'

describe('mergePatch', () => {
  it('merges maps, removes nulls and replaces lists (RFC 7386)', () => {
    expect(mergePatch({ a: { b: 1, c: 2 }, l: [1, 2], d: 'x' }, { a: { c: null, e: 3 }, l: [3], d: null })).toEqual({ a: { b: 1, e: 3 }, l: [3] })
  })

  it('merges a patch 10,000 deep without recursion, leaving the target as it was', () => {
    const deep = (n: number, leaf: string): string => '{"a":'.repeat(n) + leaf + '}'.repeat(n)
    const target = JSON.parse(deep(9_999, '{"x":1,"y":2}')) as Record<string, unknown>
    const patch = JSON.parse(deep(9_999, '{"y":null,"z":3}')) as Record<string, unknown>
    expect(stringifyJson(mergePatch(target, patch))).toBe(deep(9_999, '{"x":1,"z":3}'))
    expect(stringifyJson(target)).toBe(deep(9_999, '{"x":1,"y":2}'))
  })
})

describe('jsonPatch', () => {
  it('applies add, remove, replace, move, copy and test (RFC 6902)', () => {
    const doc = { a: [1, 2], b: { c: 'x' } }
    const out = jsonPatch(doc, [
      { op: 'add', path: '/a/-', value: 3 },
      { op: 'add', path: '/a/0', value: 0 },
      { op: 'remove', path: '/a/1' },
      { op: 'replace', path: '/b/c', value: 'y' },
      { op: 'copy', from: '/b/c', path: '/d' },
      { op: 'move', from: '/d', path: '/e~1f' },
      { op: 'test', path: '/e~1f', value: 'y' },
    ])
    expect(out).toEqual({ a: [0, 2, 3], b: { c: 'y' }, 'e/f': 'y' })
    expect(doc).toEqual({ a: [1, 2], b: { c: 'x' } })
  })

  it('fails on a missing path and a failed test', () => {
    expect(() => jsonPatch({}, [{ op: 'remove', path: '/x' }])).toThrow('remove operation does not apply: doc is missing path: /x')
    expect(() => jsonPatch({ a: 1 }, [{ op: 'test', path: '/a', value: 2 }])).toThrow('testing value /a failed')
  })
})
