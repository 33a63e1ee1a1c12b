import type { KubeMap, KubeValue } from '@gitops-sdk/core'
import { describe, expect, it } from 'vitest'
import { ObjectStore } from './testSupport.js'
import { crdTypeSchema } from './typeSchema.js'

const widgetSchema: KubeMap = {
  type: 'object',
  properties: {
    spec: {
      type: 'object',
      properties: {
        size: { type: 'integer' },
        port: { 'x-kubernetes-int-or-string': true },
        tags: { type: 'array', items: { type: 'string' }, 'x-kubernetes-list-type': 'set' },
        args: { type: 'array', items: { type: 'string' } },
        routes: {
          type: 'array',
          'x-kubernetes-list-type': 'map',
          'x-kubernetes-list-map-keys': ['host', 'protocol'],
          items: {
            type: 'object',
            required: ['host'],
            properties: { host: { type: 'string' }, protocol: { type: 'string', default: 'http' }, weight: { type: 'integer' } },
          },
        },
        selector: { type: 'object', 'x-kubernetes-map-type': 'atomic', additionalProperties: { type: 'string' } },
        config: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true },
        template: { type: 'object', 'x-kubernetes-embedded-resource': true, 'x-kubernetes-preserve-unknown-fields': true },
      },
    },
    status: { type: 'object', properties: { phase: { type: 'string' } } },
  },
}

function widgets(schema: KubeValue | undefined, hasStatusSubresource = false): ObjectStore {
  return new ObjectStore('example.com/v1', 'Widget', { schema: crdTypeSchema(schema), hasStatusSubresource })
}

const fieldsOf = (store: ObjectStore, manager: string): KubeValue | undefined => store.entries().find((entry) => entry.manager === manager)?.fieldsV1

describe('custom resources with a structural schema', () => {
  it('owns typed fields granularly and rejects undeclared ones with the typed-patch error', () => {
    const store = widgets(widgetSchema)
    expect(store.apply('sdk', { spec: { size: 1, tags: ['a'] } }).kind).toBe('changed')
    expect(fieldsOf(store, 'sdk')).toEqual({ 'f:spec': { 'f:size': {}, 'f:tags': { 'v:"a"': {} } } })
    expect(store.apply('sdk', { spec: { colour: 'red' } })).toMatchObject({
      kind: 'invalid',
      status: { code: 500, message: 'failed to create typed patch object (default/app; example.com/v1, Kind=Widget): .spec.colour: field not declared in schema' },
    })
  })

  it('keys map-list items by their list-map-keys, completed from schema defaults', () => {
    const store = widgets(widgetSchema)
    store.apply('a', { spec: { routes: [{ host: 'x', weight: 1 }] } })
    store.apply('b', { spec: { routes: [{ host: 'y', protocol: 'tcp', weight: 2 }] } })
    expect(fieldsOf(store, 'a')).toEqual({ 'f:spec': { 'f:routes': { 'k:{"host":"x","protocol":"http"}': { '.': {}, 'f:host': {}, 'f:weight': {} } } } })
    expect((store.live?.spec as KubeMap).routes).toEqual([
      { host: 'x', weight: 1 },
      { host: 'y', protocol: 'tcp', weight: 2 },
    ])
    expect(store.apply('b', { spec: { routes: [{ host: 'x', protocol: 'http', weight: 5 }] } })).toMatchObject({
      status: { message: 'Apply failed with 1 conflict: conflict with "a": .spec.routes[host="x",protocol="http"].weight' },
    })
  })

  it('replaces lists without a list type and maps marked atomic as a whole', () => {
    const store = widgets(widgetSchema)
    store.apply('a', { spec: { args: ['1', '2'], selector: { app: 'x', tier: 'y' } } })
    store.apply('b', { spec: { args: ['3'], selector: { app: 'z' } } }, { force: true })
    expect(store.live?.spec).toEqual({ args: ['3'], selector: { app: 'z' } })
    expect(fieldsOf(store, 'b')).toEqual({ 'f:spec': { 'f:args': {}, 'f:selector': {} } })
    expect(fieldsOf(store, 'a')).toBeUndefined()
  })

  it('accepts ints and strings where x-kubernetes-int-or-string is set', () => {
    const store = widgets(widgetSchema)
    expect(store.apply('a', { spec: { port: 80 } }).kind).toBe('changed')
    expect(store.apply('a', { spec: { port: 'http' } }).kind).toBe('changed')
    expect((store.live?.spec as KubeMap).port).toBe('http')
  })

  it('treats preserve-unknown-fields subtrees as deduced: granular maps, atomic lists', () => {
    const store = widgets(widgetSchema)
    store.apply('a', { spec: { config: { db: { host: 'h', ports: [1, 2] }, mode: 'x' } } })
    store.apply('b', { spec: { config: { db: { user: 'u' } } } })
    expect((store.live?.spec as KubeMap).config).toEqual({ db: { host: 'h', ports: [1, 2], user: 'u' }, mode: 'x' })
    expect(fieldsOf(store, 'b')).toEqual({ 'f:spec': { 'f:config': { 'f:db': { '.': {}, 'f:user': {} } } } })
    expect(fieldsOf(store, 'a')).toEqual({
      'f:spec': { 'f:config': { 'f:db': { '.': {}, 'f:host': {}, 'f:ports': {} }, 'f:mode': {} } },
    })
    store.apply('a', { spec: { config: { db: { host: 'h', ports: [3] } } } })
    expect((store.live?.spec as KubeMap).config).toEqual({ db: { host: 'h', ports: [3], user: 'u' } })
  })

  it('gives an embedded resource ObjectMeta semantics for its metadata', () => {
    const store = widgets(widgetSchema)
    store.apply('a', { spec: { template: { apiVersion: 'v1', kind: 'Pod', metadata: { labels: { a: 'b' }, finalizers: ['x'] }, spec: { anything: [1] } } } })
    expect(fieldsOf(store, 'a')).toEqual({
      'f:spec': {
        'f:template': {
          'f:apiVersion': {},
          'f:kind': {},
          'f:metadata': { 'f:finalizers': { 'v:"x"': {} }, 'f:labels': { 'f:a': {} } },
          'f:spec': { '.': {}, 'f:anything': {} },
        },
      },
    })
  })

  it('resets status on the main endpoint when the CRD has a status subresource, and not otherwise', () => {
    const withSubresource = widgets(widgetSchema, true)
    withSubresource.apply('a', { spec: { size: 1 }, status: { phase: 'x' } })
    expect(withSubresource.live?.status).toBeUndefined()
    const without = widgets(widgetSchema, false)
    without.apply('a', { spec: { size: 1 }, status: { phase: 'x' } })
    expect(without.live?.status).toEqual({ phase: 'x' })
    expect(fieldsOf(without, 'a')).toEqual({ 'f:spec': { 'f:size': {} }, 'f:status': { 'f:phase': {} } })
  })

  it('collapses ownership recorded under an older, granular schema when a map becomes atomic', () => {
    const granular = widgets({ type: 'object', properties: { spec: { type: 'object', properties: { labels: { type: 'object', additionalProperties: { type: 'string' } } } } } })
    granular.apply('a', { spec: { labels: { x: '1', y: '2' } } })
    const atomic = widgets({
      type: 'object',
      properties: { spec: { type: 'object', properties: { labels: { type: 'object', 'x-kubernetes-map-type': 'atomic', additionalProperties: { type: 'string' } } } } },
    })
    atomic.live = granular.live
    expect(atomic.apply('b', { spec: { labels: { x: '9' } } })).toMatchObject({
      status: { message: 'Apply failed with 1 conflict: conflict with "a": .spec.labels' },
    })
  })
})

describe('custom resources without a schema (deduced)', () => {
  it('merges maps key by key and replaces lists, with every key owned', () => {
    const store = widgets(undefined)
    store.apply('a', { spec: { list: [1, 2], nested: { x: 1 } }, extra: 'top' })
    store.apply('b', { spec: { list: [3], nested: { y: 2 } } }, { force: true })
    expect(store.live).toMatchObject({ spec: { list: [3], nested: { x: 1, y: 2 } }, extra: 'top' })
    expect(fieldsOf(store, 'b')).toEqual({ 'f:spec': { '.': {}, 'f:list': {}, 'f:nested': { '.': {}, 'f:y': {} } } })
    expect(fieldsOf(store, 'a')).toEqual({ 'f:extra': {}, 'f:spec': { '.': {}, 'f:nested': { '.': {}, 'f:x': {} } } })
  })

  it('memoizes the schema per schema object', () => {
    expect(crdTypeSchema(widgetSchema)).toBe(crdTypeSchema(widgetSchema))
    expect(crdTypeSchema(undefined)).toBe(crdTypeSchema(undefined))
  })
})
