import { describe, expect, it } from 'vitest'
import type { Value } from '../yaml/values.js'
import { appendListNode, elementSetter, elementSetterInPlace, PRIMITIVE_KEYS } from './listElements.js'

const m = (name: string, extra: Record<string, Value> = {}): Value => ({ name, ...extra })

describe('elementSetter and elementSetterInPlace', () => {
  const lists: Value[][] = [
    [],
    [m('a'), m('b'), m('c')],
    [null, m('a'), {}, m('b'), null],
    [m('a', { v: '1' }), m('b'), m('a', { v: '2' }), m('c')],
    [m('a'), 'text', { other: 'x' }, m('b')],
    ['x', 'y', null, 'x', 'z'],
  ]
  const calls = [
    { element: m('b', { v: 'new' }), keys: ['name'], values: ['b'] },
    { element: m('d'), keys: ['name'], values: ['d'] },
    { element: undefined, keys: ['name'], values: ['a'] },
    { element: undefined, keys: ['name'], values: [''] },
    { element: m('a', { v: 'any' }), keys: ['name'], values: [''] },
    { element: null, keys: ['name'], values: ['c'] },
    { element: 'y', keys: PRIMITIVE_KEYS, values: ['y'] },
    { element: undefined, keys: PRIMITIVE_KEYS, values: ['x'] },
    { element: m('e'), keys: [], values: [] },
  ]

  it('give the same list, the one as a new list and the other in the list it was given', () => {
    for (const list of lists) {
      for (const call of calls) {
        const copy = structuredClone(list)
        const expected = elementSetter(copy, call)
        expect(copy).toEqual(list)
        const own = structuredClone(list)
        elementSetterInPlace(own, call)
        expect(own).toEqual(expected)
      }
    }
  })

  it('drop null and empty elements, replace every match, append when none matched', () => {
    expect(elementSetter([null, m('a'), {}, m('a', { v: '1' })], { element: m('a', { v: '2' }), keys: ['name'], values: ['a'] })).toEqual([
      m('a', { v: '2' }),
      m('a', { v: '2' }),
    ])
    expect(elementSetter([m('a')], { element: m('b'), keys: ['name'], values: ['b'] })).toEqual([m('a'), m('b')])
  })
})

describe('appendListNode', () => {
  it('sets every element of the source into the list it was given (a match replaced in place) and returns that list', () => {
    const dst: Value[] = [m('b', { from: 'patch' }), m('x')]
    const src: Value[] = [m('a'), m('b', { from: 'target' }), m('c')]
    const out = appendListNode(dst, src, ['name'])
    expect(out).toBe(dst)
    expect(out).toEqual([m('b', { from: 'target' }), m('x'), m('a'), m('c')])
    expect(src).toEqual([m('a'), m('b', { from: 'target' }), m('c')])
  })

  it('appends an element without the key, whose empty key values then keep only the elements that match', () => {
    expect(appendListNode([m('b', { from: 'patch' }), m('x')], [m('a'), { noName: true }, m('b')], ['name'])).toEqual([{ noName: true }, m('b')])
  })

  it('with two keys, appends an element missing one of them, then sets it again', () => {
    const out = appendListNode([m('a', { k: '1' }), m('b', { k: '2' })], [m('a', { k: '3' }), m('a', { k: '1' }), { k: '5' }, m('c', { k: '6' })], ['name', 'k'])
    expect(out).toEqual([m('b', { k: '2' }), m('a', { k: '3' }), m('a', { k: '1' }), { k: '5' }, { k: '5' }, m('c', { k: '6' })])
  })

  it('matches scalars by their text', () => {
    expect(appendListNode(['a', 'b'], ['b', 'c', 'a'], PRIMITIVE_KEYS)).toEqual(['a', 'b', 'c'])
  })
})
