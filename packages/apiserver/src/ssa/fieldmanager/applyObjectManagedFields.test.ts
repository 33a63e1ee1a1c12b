// applyObject's managedFields entries and the paths it resets per endpoint; its merge, prune and
// conflict behaviour is in applyObject.test.ts, invalid configurations in applyObjectInvalid.test.ts.
import type { KubeMap, KubeObject } from '@gitops-sdk/core'
import { describe, expect, it } from 'vitest'
import { applyObject } from './applyObject.js'
import { resetPathsFor } from './resetPaths.js'
import { ObjectStore, deployment } from './testSupport.js'
import { builtinTypeSchema } from './typeSchema.js'

describe('applyObject: managedFields entries (SPEC.md §10.5)', () => {
  it('gives a new entry from a no-change apply no time, and keeps the time of an unchanged re-apply', () => {
    const store = new ObjectStore('v1', 'ConfigMap')
    store.apply('sdk', { data: { a: '1' } })
    store.apply('other', { data: { a: '1' } })
    expect(store.live?.metadata.managedFields).toEqual([
      { manager: 'other', operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} } } },
      { manager: 'sdk', operation: 'Apply', apiVersion: 'v1', time: '2024-05-01T10:00:01Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} } } },
    ])
  })

  it('orders entries Apply before Update, then by time, then by manager', () => {
    const store = new ObjectStore('v1', 'ConfigMap')
    store.apply('zeta', { data: { z: '1' } })
    store.patch('beta', { data: { b: '1' } })
    store.apply('alpha', { data: { a: '1' } })
    store.patch('aaa', { data: { c: '1' } })
    expect(store.entries().map((entry) => `${entry.operation as string}:${entry.manager as string}`)).toEqual([
      'Apply:zeta',
      'Apply:alpha',
      'Update:beta',
      'Update:aaa',
    ])
  })

  it('records what an object without managedFields held as before-first-apply', () => {
    const schema = builtinTypeSchema('v1', 'ConfigMap')!
    const live = {
      apiVersion: 'v1',
      kind: 'ConfigMap',
      metadata: { name: 'app', namespace: 'default', uid: 'u', resourceVersion: '7', labels: { seeded: 'yes' } },
      data: { a: '1' },
    } as KubeObject
    const outcome = applyObject({
      live,
      config: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app', namespace: 'default' }, data: { b: '2' } },
      manager: 'sdk',
      apiVersion: 'v1',
      force: false,
      schema,
      reset: resetPathsFor({ group: '', kind: 'ConfigMap', hasStatusSubresource: false }),
      now: '2024-05-01T10:00:00.123Z',
    })
    expect(outcome.kind).toBe('changed')
    if (outcome.kind !== 'changed') return
    expect(outcome.object.data).toEqual({ a: '1', b: '2' })
    expect(outcome.object.metadata.managedFields).toEqual([
      { manager: 'sdk', operation: 'Apply', apiVersion: 'v1', time: '2024-05-01T10:00:00Z', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:b': {} } } },
      {
        manager: 'before-first-apply',
        operation: 'Update',
        apiVersion: 'v1',
        time: '2024-05-01T10:00:00Z',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { '.': {}, 'f:a': {} }, 'f:metadata': { 'f:labels': { '.': {}, 'f:seeded': {} } } },
      },
    ])
  })

  it('stores only new managedFields when a second manager starts co-owning equal values (a real write)', () => {
    const store = new ObjectStore('v1', 'ConfigMap')
    store.apply('sdk', { data: { a: '1' } })
    const rv = store.resourceVersion
    const outcome = store.apply('other', { data: { a: '1' } })
    expect(outcome.kind).toBe('changed')
    expect(store.resourceVersion).toBe(rv + 1)
    expect(store.live?.data).toEqual({ a: '1' })
  })

  it('updates the apiVersion of an Apply entry whatever version it used before', () => {
    const store = new ObjectStore('autoscaling/v2', 'HorizontalPodAutoscaler', { hasStatusSubresource: true })
    store.apply('sdk', { spec: { maxReplicas: 3 } })
    const entries = store.live?.metadata.managedFields as KubeMap[]
    expect(entries[0]?.apiVersion).toBe('autoscaling/v2')
  })
})

describe('applyObject: reset paths (SPEC.md §10.9)', () => {
  it('neither owns nor stores status applied through the main endpoint of a type with a status subresource', () => {
    const store = new ObjectStore('apps/v1', 'Deployment', { hasStatusSubresource: true })
    const outcome = store.apply('sdk', { ...deployment([{ name: 'web', image: 'web:1' }]), status: { replicas: 9 } })
    expect(outcome.kind).toBe('changed')
    expect(store.live?.status).toBeUndefined()
    expect(JSON.stringify(store.entries())).not.toContain('status')
    expect(store.apply('sdk', { ...deployment([{ name: 'web', image: 'web:1' }]), status: { replicas: 9 } })).toEqual({ kind: 'noop' })
  })

  it('records only status paths in a /status entry and keeps the rest of the live object', () => {
    const store = new ObjectStore('apps/v1', 'Deployment', { hasStatusSubresource: true })
    store.apply('sdk', deployment([{ name: 'web', image: 'web:1' }]))
    const outcome = store.apply('controller', { metadata: { labels: { x: 'y' } }, spec: { replicas: 7 }, status: { replicas: 1 } }, { subresource: 'status' })
    expect(outcome.kind).toBe('changed')
    expect(store.live?.status).toEqual({ replicas: 1 })
    expect((store.live?.spec as KubeMap).replicas).toBeUndefined()
    expect(store.live?.metadata.labels).toBeUndefined()
    expect(store.entries().find((entry) => entry.manager === 'controller')).toEqual({
      manager: 'controller',
      operation: 'Apply',
      apiVersion: 'apps/v1',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:status': { 'f:replicas': {} } },
      subresource: 'status',
    })
  })

  it('resets spec.finalizers of a Namespace on its main endpoint', () => {
    const store = new ObjectStore('v1', 'Namespace', { hasStatusSubresource: true })
    store.apply('sdk', { metadata: { labels: { a: 'b' } }, spec: { finalizers: ['x'] } })
    expect(store.live?.spec).toEqual({})
    expect(store.entries()[0]?.fieldsV1).toEqual({ 'f:metadata': { 'f:labels': { 'f:a': {} } } })
  })
})
