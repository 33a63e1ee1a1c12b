import type { KubeMap } from '@gitops-sdk/core'
import { describe, expect, it } from 'vitest'
import { mergeValue } from './merge.js'
import { builtinTypeSchema, crdTypeSchema } from '../fieldmanager/typeSchema.js'

// A custom resource whose top level has a set of strings, of booleans and of numbers, a map-list
// keyed by (key, id), an atomic list and a granular map — the shapes of SMD's own merge cases.
const schema = crdTypeSchema({
  type: 'object',
  properties: {
    setStr: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
    setBool: { type: 'array', items: { type: 'boolean' }, 'x-kubernetes-list-type': 'set' },
    setNumeric: { type: 'array', items: { type: 'number' }, 'x-kubernetes-list-type': 'set' },
    list: {
      type: 'array',
      'x-kubernetes-list-type': 'map',
      'x-kubernetes-list-map-keys': ['key', 'id'],
      items: {
        type: 'object',
        properties: {
          key: { type: 'string' },
          id: { type: 'integer' },
          value: { type: 'object', additionalProperties: { type: 'string' } },
          bv: { type: 'boolean' },
          nv: { type: 'integer' },
        },
      },
    },
    atomicList: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'atomic' },
    inner: { type: 'object', additionalProperties: { type: 'string' } },
  },
})

const merge = (live: string, config: string): unknown => mergeValue(JSON.parse(live) as KubeMap, JSON.parse(config) as KubeMap, schema.root)

describe('mergeValue', () => {
  // Expectations from the SPEC.md §10.6.1 and from structured-merge-diff's typed/merge_test.go.
  it.each([
    { name: 'spec: applied [c,a] after [a,b,c]', live: '["a","b","c"]', config: '["c","a"]', out: ['b', 'c', 'a'] },
    { name: 'spec: a new item goes before the next shared one', live: '["a","b","c"]', config: '["a","x","c"]', out: ['a', 'b', 'x', 'c'] },
    { name: 'spec: only new items are appended', live: '["a","b"]', config: '["x"]', out: ['a', 'b', 'x'] },
    { name: 'a subset keeps the rest', live: '["a","b","c"]', config: '["a","b"]', out: ['a', 'b', 'c'] },
    { name: 'an empty set changes nothing', live: '["a","b","c"]', config: '[]', out: ['a', 'b', 'c'] },
    { name: 'swapped pair takes the applied order', live: '["a","b"]', config: '["b","a"]', out: ['b', 'a'] },
    { name: 'disjoint sets concatenate', live: '["a","b","c"]', config: '["d","e","f"]', out: ['a', 'b', 'c', 'd', 'e', 'f'] },
    { name: 'overlap at the end', live: '["a","b","c","g","f"]', config: '["c","d","e","f"]', out: ['a', 'b', 'c', 'g', 'd', 'e', 'f'] },
    { name: 'interleaved', live: '["c","d","e","f"]', config: '["a","c","e"]', out: ['a', 'c', 'd', 'e', 'f'] },
    { name: 'shared tail', live: '["a","b","c","x","y","z"]', config: '["d","e","f","x","y","z"]', out: ['a', 'b', 'c', 'd', 'e', 'f', 'x', 'y', 'z'] },
    { name: 'reordered shared items', live: '["c","a","g","f"]', config: '["c","f","a","g"]', out: ['c', 'f', 'a', 'g'] },
    { name: 'moved first item', live: '["a","b","c","d"]', config: '["d","e","f","a"]', out: ['b', 'c', 'd', 'e', 'f', 'a'] },
    {
      name: 'long interleaving',
      live: '["a","b","c","d","e","f","g","h","i","j"]',
      config: '["1","b","2","h","3","e","4","k","l"]',
      out: ['a', '1', 'b', 'c', 'd', 'f', 'g', '2', 'h', 'i', 'j', '3', 'e', '4', 'k', 'l'],
    },
    { name: 'a duplicate in live stays when not applied', live: '["a","b","b"]', config: '["c"]', out: ['a', 'b', 'b', 'c'] },
    { name: 'a duplicate in live collapses when applied', live: '["a","b","b"]', config: '["b"]', out: ['a', 'b'] },
    { name: 'duplicates around applied items', live: '["a","b","c","d","e","c"]', config: '["1","b","2","e","d"]', out: ['a', '1', 'b', 'c', '2', 'e', 'c', 'd'] },
    { name: 'two duplicates, one replaced', live: '["a","a","b","b"]', config: '["b","c","d"]', out: ['a', 'a', 'b', 'c', 'd'] },
  ])('orders set items: $name', ({ live, config, out }) => {
    expect(merge(`{"setStr":${live}}`, `{"setStr":${config}}`)).toEqual({ setStr: out })
  })

  it('merges sets of booleans and numbers by value', () => {
    expect(merge('{"setBool":[true]}', '{"setBool":[false]}')).toEqual({ setBool: [true, false] })
    expect(merge('{"setNumeric":[1,2,3.14159]}', '{"setNumeric":[1,2,3]}')).toEqual({ setNumeric: [1, 2, 3.14159, 3] })
  })

  it.each([
    {
      name: 'a different key is another item',
      live: '[{"key":"a","id":1,"value":{"a":"a"}}]',
      config: '[{"key":"a","id":2,"value":{"a":"a"}}]',
      out: [
        { key: 'a', id: 1, value: { a: 'a' } },
        { key: 'a', id: 2, value: { a: 'a' } },
      ],
    },
    {
      name: 'applied order wins for shared items',
      live: '[{"key":"a","id":1},{"key":"b","id":2},{"key":"c","id":3}]',
      config: '[{"key":"c","id":3},{"key":"b","id":2}]',
      out: [
        { key: 'a', id: 1 },
        { key: 'c', id: 3 },
        { key: 'b', id: 2 },
      ],
    },
    {
      name: 'duplicates in live are replaced as a unit',
      live: '[{"key":"a","id":1,"bv":true},{"key":"b","id":2},{"key":"a","id":1,"bv":false,"nv":2}]',
      config: '[{"key":"a","id":1,"nv":3},{"key":"c","id":3},{"key":"b","id":2}]',
      out: [
        { key: 'a', id: 1, nv: 3 },
        { key: 'c', id: 3 },
        { key: 'b', id: 2 },
      ],
    },
  ])('merges map-list items by key: $name', ({ live, config, out }) => {
    expect(merge(`{"list":${live}}`, `{"list":${config}}`)).toEqual({ list: out })
  })

  it('merges the fields of one map-list item granularly', () => {
    expect(merge('{"list":[{"key":"a","id":1,"bv":true,"value":{"x":"1"}}]}', '{"list":[{"key":"a","id":1,"nv":2,"value":{"y":"2"}}]}')).toEqual({
      list: [{ key: 'a', id: 1, bv: true, nv: 2, value: { x: '1', y: '2' } }],
    })
  })

  it('replaces atomic lists, and keeps the empty-versus-null distinction', () => {
    expect(merge('{"atomicList":["a","a","a"]}', '{"atomicList":["a","a"]}')).toEqual({ atomicList: ['a', 'a'] })
    expect(merge('{"atomicList":["a","b","c"]}', '{"atomicList":[]}')).toEqual({ atomicList: [] })
    expect(merge('{"atomicList":["a"]}', '{"atomicList":null}')).toEqual({ atomicList: null })
    expect(merge('{}', '{"inner":{}}')).toEqual({ inner: {} })
    expect(merge('{"inner":null}', '{"inner":{}}')).toEqual({ inner: {} })
    expect(merge('{"inner":{}}', '{"inner":null}')).toEqual({ inner: null })
  })

  it('keeps a non-empty granular map or associative list when the configuration says null', () => {
    expect(merge('{"inner":{"a":"1"}}', '{"inner":null}')).toEqual({ inner: { a: '1' } })
    expect(merge('{"setStr":["a"]}', '{"setStr":null}')).toEqual({ setStr: ['a'] })
  })

  it('orders containers of a Deployment by the same rule (live [a,b,c], applied [c,a])', () => {
    const deployment = builtinTypeSchema('apps/v1', 'Deployment')
    const containers = (names: string[]): KubeMap => ({ spec: { template: { spec: { containers: names.map((name) => ({ name, image: `${name}:1` })) } } } })
    const merged = mergeValue(containers(['a', 'b', 'c']), containers(['c', 'a']), deployment!.root) as KubeMap
    expect(merged).toEqual(containers(['b', 'c', 'a']))
  })
})
