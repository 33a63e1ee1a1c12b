import type { KubeMap, KubeObject } from '@gitops-sdk/core'
import { describe, expect, it } from 'vitest'
import { recordUpdate } from './recordUpdate.js'
import { resetPathsFor } from './resetPaths.js'
import { ObjectStore } from './testSupport.js'
import { builtinTypeSchema } from './typeSchema.js'

const configMap = builtinTypeSchema('v1', 'ConfigMap')!
const reset = resetPathsFor({ group: '', kind: 'ConfigMap', hasStatusSubresource: false })

function object(extra: KubeMap): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app', namespace: 'default' }, ...extra }
}

describe('recordUpdate (SPEC.md §10.8)', () => {
  it('gives the creator of a custom-resource-like create everything it wrote, with "." on new maps', () => {
    const store = new ObjectStore('v1', 'ConfigMap')
    store.create('kubectl-create', { metadata: { labels: { app: 'web' } }, data: { a: '1' } })
    expect(store.live?.metadata.managedFields).toEqual([
      {
        manager: 'kubectl-create',
        operation: 'Update',
        apiVersion: 'v1',
        time: '2024-05-01T10:00:01Z',
        fieldsType: 'FieldsV1',
        fieldsV1: { 'f:data': { '.': {}, 'f:a': {} }, 'f:metadata': { 'f:labels': { '.': {}, 'f:app': {} } } },
      },
    ])
  })

  it('moves changed fields to the updater, never conflicts, and keeps one entry per manager and apiVersion', () => {
    const store = new ObjectStore('v1', 'ConfigMap')
    store.apply('sdk', { data: { a: '1', b: '2' } })
    store.patch('editor', { data: { a: '10' } })
    store.patch('editor', { data: { b: '20' } })
    expect(store.entries()).toEqual([
      { manager: 'editor', operation: 'Update', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {}, 'f:b': {} } } },
    ])
  })

  it('takes removed fields away from every owner, the writer included', () => {
    const store = new ObjectStore('v1', 'ConfigMap')
    store.apply('sdk', { data: { a: '1', b: '2' } })
    store.patch('editor', { data: { a: null } })
    expect(store.entries()).toEqual([
      { manager: 'sdk', operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:b': {} } } },
    ])
  })

  it('records nothing and keeps the writer time when a write changes nothing', () => {
    const store = new ObjectStore('v1', 'ConfigMap')
    store.apply('sdk', { data: { a: '1' } })
    const before = store.live?.metadata.managedFields
    store.patch('editor', { data: { a: '1' } })
    expect(store.live?.metadata.managedFields).toEqual(before)
  })

  it('resets managedFields on [] and on [{}]: the write records nothing', () => {
    for (const resetValue of [[], [{}], [{ manager: '', unknownKey: 'x' }]]) {
      const store = new ObjectStore('v1', 'ConfigMap')
      store.apply('sdk', { data: { a: '1' } })
      const updated = structuredClone(store.live!)
      updated.metadata.managedFields = resetValue
      ;(updated.data as KubeMap).b = '2'
      store.update('editor', updated)
      expect(store.live?.metadata.managedFields).toBeUndefined()
    }
  })

  it('replaces managedFields with a valid list from the request, and ignores an invalid one', () => {
    const store = new ObjectStore('v1', 'ConfigMap')
    store.apply('sdk', { data: { a: '1' } })
    const replaced = structuredClone(store.live!)
    replaced.metadata.managedFields = [{ manager: 'imported', operation: 'Apply', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} } } }]
    store.update('editor', replaced)
    expect(store.entries().map((entry) => entry.manager)).toEqual(['imported'])

    const invalid = structuredClone(store.live!)
    invalid.metadata.managedFields = [{ manager: 'x', operation: 'Sideways', apiVersion: 'v1', fieldsType: 'FieldsV1', fieldsV1: {} }]
    store.update('editor', invalid)
    expect(store.entries().map((entry) => entry.manager)).toEqual(['imported'])
  })

  it('leaves an existing object that has no managedFields without them', () => {
    const live = object({ metadata: { name: 'app', namespace: 'default', uid: 'u-1' }, data: { a: '1' } })
    const updated = recordUpdate({ live, updated: object({ metadata: { name: 'app', namespace: 'default', uid: 'u-1' }, data: { a: '2' } }), manager: 'x', apiVersion: 'v1', schema: configMap, reset, now: '2024-05-01T10:00:00Z' })
    expect(updated.metadata.managedFields).toBeUndefined()
    expect(updated.data).toEqual({ a: '2' })
  })

  it('refuses a write whose walk runs out of stack (400) rather than recording no managedFields', () => {
    // A ControllerRevision's data is free-form: the recording walks it level by level.
    let data: KubeMap = {}
    for (let i = 0; i < 100_000; i++) data = { a: data }
    const updated: KubeObject = { apiVersion: 'apps/v1', kind: 'ControllerRevision', metadata: { name: 'r', namespace: 'default' }, revision: 1, data }
    const request = {
      updated,
      manager: 'x',
      apiVersion: 'apps/v1',
      schema: builtinTypeSchema('apps/v1', 'ControllerRevision')!,
      reset: resetPathsFor({ group: 'apps', kind: 'ControllerRevision', hasStatusSubresource: false }),
      now: '2024-05-01T10:00:00Z',
    }
    const refused = expect.objectContaining({ code: 400, reason: 'BadRequest', message: 'ControllerRevision "r": its managed fields cannot be recorded: the object exceeded max depth' })
    expect(() => recordUpdate({ ...request, live: undefined })).toThrow(refused)
    const live: KubeObject = { ...updated, metadata: { ...updated.metadata, uid: 'u-1', managedFields: [{ manager: 'y', operation: 'Update', apiVersion: 'apps/v1', fieldsType: 'FieldsV1', fieldsV1: { 'f:data': {} } }] }, data: {} }
    expect(() => recordUpdate({ ...request, live })).toThrow(refused)
  })

  it('records an empty manager as "unknown"', () => {
    const created = recordUpdate({ live: undefined, updated: object({ data: { a: '1' } }), manager: '', apiVersion: 'v1', schema: configMap, reset, now: '2024-05-01T10:00:00Z' })
    expect((created.metadata.managedFields as KubeMap[])[0]?.manager).toBe('unknown')
  })

  it('records only status paths for a /status write, with subresource "status", and never reads managedFields from it', () => {
    const store = new ObjectStore('apps/v1', 'Deployment', { hasStatusSubresource: true })
    store.apply('sdk', { spec: { replicas: 1 } })
    const updated = structuredClone(store.live!)
    updated.status = { replicas: 1 }
    updated.metadata.managedFields = []
    store.update('kube-controller-manager', updated, { subresource: 'status' })
    expect(store.entries().map((entry) => [entry.manager, entry.subresource ?? ''])).toEqual([
      ['sdk', ''],
      ['kube-controller-manager', 'status'],
    ])
  })

  it('records only the mapped replicas for a /scale write, with subresource "scale", taking them from other managers', () => {
    const store = new ObjectStore('apps/v1', 'Deployment', { hasStatusSubresource: true })
    store.apply('sdk', { metadata: { labels: { app: 'web' } }, spec: { replicas: 2 } })
    const live = store.live!
    const updated = structuredClone(live)
    updated.spec = { replicas: 4 }
    updated.metadata.labels = { app: 'other' }
    const scaled = recordUpdate({
      live,
      updated,
      manager: 'kubectl',
      apiVersion: 'apps/v1',
      schema: builtinTypeSchema('apps/v1', 'Deployment')!,
      reset: resetPathsFor({ group: 'apps', kind: 'Deployment', subresource: 'scale', hasStatusSubresource: true }),
      subresource: 'scale',
      now: '2024-05-01T10:00:00Z',
    })
    expect((scaled.metadata.managedFields as KubeMap[]).map((entry) => [entry.manager, entry.subresource ?? '', entry.fieldsV1])).toEqual([
      ['sdk', '', { 'f:metadata': { 'f:labels': { 'f:app': {} } } }],
      ['kubectl', 'scale', { 'f:spec': { 'f:replicas': {} } }],
    ])
  })

  it('keeps the live managedFields when the updated object does not fit the schema', () => {
    const store = new ObjectStore('v1', 'ConfigMap')
    store.apply('sdk', { data: { a: '1' } })
    const before = store.live?.metadata.managedFields
    const updated = structuredClone(store.live!)
    updated.data = { a: 1 }
    expect(recordUpdate({ live: store.live, updated, manager: 'x', apiVersion: 'v1', schema: configMap, reset, now: '2024-05-01T10:00:00Z' }).metadata.managedFields).toEqual(before)
  })

  it('folds the oldest of more than ten Update entries into ancient-changes (SPEC.md §10.5)', () => {
    const store = new ObjectStore('v1', 'ConfigMap')
    store.apply('sdk', { data: { base: '0' } })
    for (let i = 0; i < 12; i++) store.patch(`updater-${String(i).padStart(2, '0')}`, { data: { [`k${i}`]: String(i) } })
    const entries = store.live?.metadata.managedFields as KubeMap[]
    const updates = entries.filter((entry) => entry.operation === 'Update')
    expect(updates).toHaveLength(10)
    expect(entries[0]?.manager).toBe('sdk')
    const ancient = updates.find((entry) => entry.manager === 'ancient-changes')
    expect(ancient).toMatchObject({ operation: 'Update', apiVersion: 'v1', time: '2024-05-01T10:00:04Z' })
    expect(ancient?.fieldsV1).toEqual({ 'f:data': { 'f:k0': {}, 'f:k1': {}, 'f:k2': {} } })
    expect(updates.map((entry) => entry.manager)).toEqual([
      'ancient-changes',
      ...Array.from({ length: 9 }, (_, i) => `updater-${String(i + 3).padStart(2, '0')}`),
    ])
  })
})
