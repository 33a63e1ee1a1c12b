import type { KubeMap } from '@gitops-sdk/core'
import { describe, expect, it } from 'vitest'
import { lastAppliedAnnotation } from './lastApplied.js'
import { ObjectStore } from './testSupport.js'

// An object created by client-side `kubectl apply` (an Update by kubectl-client-side-apply that
// carries the last-applied annotation), later applied server-side by the manager `kubectl`.
function clientSideApplied(data: KubeMap): ObjectStore {
  const store = new ObjectStore('v1', 'ConfigMap')
  const lastApplied = JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app', namespace: 'default' }, data })
  store.create('kubectl-client-side-apply', { metadata: { annotations: { [lastAppliedAnnotation]: lastApplied } }, data })
  return store
}

describe('kubectl client-side to server-side apply migration', () => {
  it('forces conflicts on fields whose last-applied value is still live', () => {
    const store = clientSideApplied({ a: '1' })
    const outcome = store.apply('kubectl', { data: { a: '2' } })
    expect(outcome.kind).toBe('changed')
    expect(store.live?.data).toEqual({ a: '2' })
    expect(store.entries().find((entry) => entry.manager === 'kubectl')?.fieldsV1).toEqual({ 'f:data': { 'f:a': {} } })
  })

  it('still conflicts on fields someone changed since the last client-side apply', () => {
    const store = clientSideApplied({ a: '1' })
    store.patch('editor', { data: { a: '5' } })
    expect(store.apply('kubectl', { data: { a: '2' } })).toMatchObject({
      kind: 'conflict',
      status: { message: 'Apply failed with 1 conflict: conflict with "editor" using v1: .data.a' },
    })
  })

  it('rewrites the annotation with the applied configuration, as Go encodes it', () => {
    const store = clientSideApplied({ a: '1' })
    store.apply('kubectl', { metadata: { annotations: { note: 'x<y' } }, data: { b: '2', a: '1' } })
    const annotations = store.live?.metadata.annotations
    expect(annotations?.[lastAppliedAnnotation]).toBe(
      '{"apiVersion":"v1","data":{"a":"1","b":"2"},"kind":"ConfigMap","metadata":{"annotations":{"note":"x\\u003cy"},"name":"app","namespace":"default"}}\n',
    )
  })

  it('leaves other managers alone', () => {
    const store = clientSideApplied({ a: '1' })
    expect(store.apply('sdk', { data: { a: '2' } }).kind).toBe('conflict')
  })
})
