import { describe, expect, it } from 'vitest'
import { stringifyJson } from '../../ssa/deepJson.js'
import { jsonPatch, JSON_PATCH_MAX_COPY_BYTES, mergePatch } from './patch.js'

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

  it('refuses copies that together add more than 3 MiB, with json-patch words, before the document grows past it', () => {
    const value = 'x'.repeat(1024 * 1024)
    // Each copy adds the value's JSON: 1 MiB and its two quotes.
    const size = Buffer.byteLength(JSON.stringify(value))
    const copies = (n: number): { op: string; from: string; path: string }[] => Array.from({ length: n }, (_, i) => ({ op: 'copy', from: '/a', path: `/c${i}` }))
    expect(Object.keys(jsonPatch({ a: value }, copies(2)) as object)).toEqual(['a', 'c0', 'c1'])
    expect(JSON_PATCH_MAX_COPY_BYTES).toBe(3 * 1024 * 1024)
    expect(() => jsonPatch({ a: value }, copies(3))).toThrow(
      `Unable to complete the copy, the accumulated size increase of copy is ${3 * size}, exceeding the limit ${JSON_PATCH_MAX_COPY_BYTES}`,
    )
    // Copies of the whole document double it each time: a dozen reach the bound.
    const doubling = [{ op: 'copy', from: '/a', path: '/b' }, ...Array.from({ length: 30 }, (_, i) => ({ op: 'copy', from: '', path: `/d${i}` }))]
    expect(() => jsonPatch({ a: 'x'.repeat(1000) }, doubling)).toThrow(/^Unable to complete the copy, the accumulated size increase of copy is \d+, exceeding the limit 3145728$/u)
  })
})

