import { describe, expect, it } from 'vitest'
import { jsonPatch, mergePatch } from './patch.js'

describe('mergePatch', () => {
  it('merges maps, removes nulls and replaces lists (RFC 7386)', () => {
    expect(mergePatch({ a: { b: 1, c: 2 }, l: [1, 2], d: 'x' }, { a: { c: null, e: 3 }, l: [3], d: null })).toEqual({ a: { b: 1, e: 3 }, l: [3] })
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
