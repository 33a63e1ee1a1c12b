import type { KubeMap } from '@gitops-sdk/core'
import { describe, expect, it } from 'vitest'
import { ObjectStore, deployment } from './testSupport.js'

describe('applyObject: what the SDK relies on (SPEC.md §10.6)', () => {
  it('treats a re-apply of the same configuration as a no-op: same resourceVersion, no event, same managedFields', () => {
    const store = new ObjectStore('apps/v1', 'Deployment', { hasStatusSubresource: true })
    store.apply('sdk', deployment([{ name: 'web', image: 'web:1' }], { replicas: 2 }))
    const before = structuredClone(store.live)
    const events = store.events
    expect(store.apply('sdk', deployment([{ name: 'web', image: 'web:1' }], { replicas: 2 }))).toEqual({ kind: 'noop' })
    expect(store.events).toBe(events)
    expect(store.live).toEqual(before)
  })

  it('deletes a field and a list item the manager stops applying when nobody else owns them', () => {
    const store = new ObjectStore('apps/v1', 'Deployment')
    store.apply('sdk', deployment([{ name: 'web', image: 'web:1' }, { name: 'sidecar', image: 'side:1' }], { replicas: 2 }))
    store.apply('sdk', deployment([{ name: 'web', image: 'web:1' }]))
    const spec = store.live?.spec as KubeMap
    expect(spec.replicas).toBeUndefined()
    expect(((spec.template as KubeMap).spec as KubeMap).containers).toEqual([{ name: 'web', image: 'web:1' }])
  })

  it('keeps a field and an item that a co-owner also applied, moving only the ownership', () => {
    const store = new ObjectStore('apps/v1', 'Deployment')
    const both = deployment([{ name: 'web', image: 'web:1' }, { name: 'sidecar', image: 'side:1' }], { replicas: 2 })
    store.apply('sdk', both)
    expect(store.apply('other', both).kind).toBe('changed')
    store.apply('sdk', deployment([{ name: 'web', image: 'web:1' }]))
    const spec = store.live?.spec as KubeMap
    expect(spec.replicas).toBe(2)
    expect(((spec.template as KubeMap).spec as KubeMap).containers).toEqual([
      { name: 'web', image: 'web:1' },
      { name: 'sidecar', image: 'side:1' },
    ])
    const sdk = store.entries().find((entry) => entry.manager === 'sdk')
    expect(JSON.stringify(sdk?.fieldsV1)).not.toContain('sidecar')
    expect(JSON.stringify(sdk?.fieldsV1)).not.toContain('replicas')
  })

  it('keeps what an Update changed, and what nobody owns, when the applier stops applying a field', () => {
    const store = new ObjectStore('v1', 'ConfigMap')
    store.apply('sdk', { data: { a: '1', b: '2', d: '4' } })
    store.patch('editor', { data: { b: '20', c: '3' } })
    expect(store.apply('sdk', { data: { a: '1' } }).kind).toBe('changed')
    expect(store.live?.data).toEqual({ a: '1', b: '20', c: '3' })
  })

  it('prunes a field an Update rewrote with the same value (the Update took nothing)', () => {
    const store = new ObjectStore('v1', 'ConfigMap')
    store.apply('sdk', { data: { a: '1', b: '2' } })
    store.patch('editor', { data: { b: '2' } })
    expect(store.entries().map((entry) => entry.manager)).toEqual(['sdk'])
    store.apply('sdk', { data: { a: '1' } })
    expect(store.live?.data).toEqual({ a: '1' })
  })

  it('conflicts on a different value, shares ownership on the same value, takes the field with force', () => {
    const store = new ObjectStore('v1', 'ConfigMap')
    store.apply('alice', { data: { a: '1' } })
    expect(store.apply('bob', { data: { a: '2' } })).toMatchObject({
      kind: 'conflict',
      status: { message: 'Apply failed with 1 conflict: conflict with "alice": .data.a' },
    })
    expect(store.apply('bob', { data: { a: '1' } }).kind).toBe('changed')
    // bob's entry changed nothing, so it has no time and sorts first.
    expect(store.entries().map((entry) => [entry.manager, entry.fieldsV1])).toEqual([
      ['bob', { 'f:data': { 'f:a': {} } }],
      ['alice', { 'f:data': { 'f:a': {} } }],
    ])
    expect(store.apply('carol', { data: { a: '3' } }, { force: true }).kind).toBe('changed')
    expect(store.live?.data).toEqual({ a: '3' })
    expect(store.entries().map((entry) => entry.manager)).toEqual(['carol'])
  })

  it('never conflicts on an Update, which moves ownership so that the next apply of another value conflicts', () => {
    const store = new ObjectStore('apps/v1', 'Deployment')
    store.apply('sdk', deployment([{ name: 'web', image: 'web:1' }], { replicas: 2 }))
    store.patch('hpa', { spec: { replicas: 5 } })
    expect(store.entries().find((entry) => entry.manager === 'hpa')?.fieldsV1).toEqual({ 'f:spec': { 'f:replicas': {} } })
    const outcome = store.apply('sdk', deployment([{ name: 'web', image: 'web:1' }], { replicas: 3 }))
    expect(outcome).toMatchObject({ kind: 'conflict', status: { message: 'Apply failed with 1 conflict: conflict with "hpa" using apps/v1: .spec.replicas' } })
  })

  it('removes with [] only the items the applier owned alone, and replaces an atomic list', () => {
    const store = new ObjectStore('v1', 'ConfigMap')
    store.apply('sdk', { metadata: { finalizers: ['a', 'b'] } })
    store.apply('other', { metadata: { finalizers: ['b'] } })
    store.apply('sdk', { metadata: { finalizers: [] } })
    expect(store.live?.metadata.finalizers).toEqual(['b'])

    const pods = new ObjectStore('v1', 'Pod', { hasStatusSubresource: true })
    pods.apply('sdk', { spec: { containers: [{ name: 'c', image: 'i', args: ['x', 'y'] }] } })
    pods.apply('sdk', { spec: { containers: [{ name: 'c', image: 'i', args: [] }] } })
    expect(((pods.live?.spec as KubeMap).containers as KubeMap[])[0]?.args).toEqual([])
  })

  it('returns an object that includes fields owned by others and values the server stored', () => {
    const store = new ObjectStore('v1', 'ConfigMap')
    store.apply('sdk', { data: { a: '1' } })
    store.patch('other', { data: { b: '2' }, metadata: { labels: { team: 'x' } } })
    const outcome = store.apply('sdk', { data: { a: '9' } })
    expect(outcome.kind).toBe('changed')
    if (outcome.kind !== 'changed') return
    expect(outcome.object.data).toEqual({ a: '9', b: '2' })
    expect(outcome.object.metadata).toMatchObject({ name: 'app', namespace: 'default', labels: { team: 'x' }, uid: 'uid-1', resourceVersion: '2' })
  })
})

describe('applyObject: conflicts (SPEC.md §10.7)', () => {
  it('lists several managers in identity order and each manager paths in set order', () => {
    const store = new ObjectStore('v1', 'ConfigMap')
    store.apply('alice', { data: { a: '1', c: '1' } })
    store.patch('bob', { data: { b: '1' } })
    const outcome = store.apply('zed', { data: { a: '2', b: '2', c: '2' } })
    // The Status envelope is asserted byte for byte in workedExample.test.ts.
    expect(outcome).toMatchObject({
      kind: 'conflict',
      status: {
        message: 'Apply failed with 3 conflicts: conflicts with "alice":\n- .data.a\n- .data.c\nconflicts with "bob" using v1:\n- .data.b',
        details: {
          causes: [
            { reason: 'FieldManagerConflict', message: 'conflict with "alice"', field: '.data.a' },
            { reason: 'FieldManagerConflict', message: 'conflict with "alice"', field: '.data.c' },
            { reason: 'FieldManagerConflict', message: 'conflict with "bob" using v1', field: '.data.b' },
          ],
        },
        code: 409,
      },
    })
  })

  it('names a status writer with its subresource and apiVersion', () => {
    const store = new ObjectStore('apps/v1', 'Deployment', { hasStatusSubresource: true })
    store.apply('sdk', deployment([{ name: 'web', image: 'web:1' }]))
    store.patch('kube-controller-manager', { status: { replicas: 1, observedGeneration: 1 } }, { subresource: 'status' })
    const entry = store.entries().find((e) => e.manager === 'kube-controller-manager')
    // The status did not exist before (no Go zero value here), so `f:status` also gets ".": SPEC.md §10.8 step 4.
    expect(entry).toEqual({
      manager: 'kube-controller-manager',
      operation: 'Update',
      apiVersion: 'apps/v1',
      fieldsType: 'FieldsV1',
      fieldsV1: { 'f:status': { '.': {}, 'f:observedGeneration': {}, 'f:replicas': {} } },
      subresource: 'status',
    })
    const outcome = store.apply('sdk', { status: { replicas: 3 } }, { subresource: 'status' })
    expect(outcome).toMatchObject({
      kind: 'conflict',
      status: {
        message: 'Apply failed with 1 conflict: conflict with "kube-controller-manager" with subresource "status" using apps/v1: .status.replicas',
      },
    })
  })

  it('quotes manager names the way Go %q does and keys a map-list path by every key field', () => {
    const store = new ObjectStore('v1', 'Service', { hasStatusSubresource: true })
    store.apply('team "a"', { spec: { ports: [{ port: 80, targetPort: 8080 }] } })
    const outcome = store.apply('b', { spec: { ports: [{ port: 80, targetPort: 9090 }] } })
    expect(outcome).toMatchObject({
      status: { message: 'Apply failed with 1 conflict: conflict with "team \\"a\\"": .spec.ports[port=80,protocol="TCP"].targetPort' },
    })
  })
})
