// The verification plan (SPEC.md §16) through @kubernetes/client-node 1.4, deletion: propagation
// policies and the garbage collector, finalizers and namespace termination.
import { describe, expect, it } from 'vitest'
import { clientNodeSuite, configMap, deployment, watchEvents } from '../helpers/clientNode.js'
import { eventually, raw, statusOf } from '../helpers/kube.js'
import type { Manifest } from '../helpers/kube.js'

type Obj = Manifest

const suite = clientNodeSuite()

describe('client-node 1.4 against the apiserver: deletion', () => {
  it('deletes with Foreground propagation: the owner lingers until its dependent is gone', async () => {
    const ns = await suite.namespace('fg')
    const owner = await suite.api.create(configMap(ns, 'owner'))
    await suite.api.create(
      configMap(ns, 'dependent', {
        metadata: { name: 'dependent', namespace: ns, ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid, blockOwnerDeletion: true }] },
      }),
    )
    const w = await watchEvents(suite.server, `/api/v1/namespaces/${ns}/configmaps`, { resourceVersion: String(owner.metadata.resourceVersion) })
    // client-node decodes delete answers as V1Status, which drops an object's fields: read the raw answer.
    const answer = (await raw(suite.server, { method: 'DELETE', path: `/api/v1/namespaces/${ns}/configmaps/owner?propagationPolicy=Foreground` })).json() as Obj
    expect(answer.metadata.finalizers).toEqual(['foregroundDeletion'])
    expect(answer.metadata.deletionTimestamp).toBeDefined()
    await eventually(() => w.events.filter((e) => e.type === 'DELETED').length >= 2 || undefined)
    w.stop()
    expect(w.events.filter((e) => e.type === 'DELETED').map((e) => e.object.metadata.name)).toEqual(['dependent', 'owner'])
  })

  it('deletes with Background propagation: the garbage collector removes dependents after', async () => {
    const ns = await suite.namespace('bg')
    const owner = await suite.api.create(deployment(ns, 'web'))
    await suite.api.create(configMap(ns, 'child', { metadata: { name: 'child', namespace: ns, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: 'web', uid: owner.metadata.uid }] } }))
    const answer = (await suite.api.delete(deployment(ns, 'web'))) as Record<string, unknown>
    expect(answer).toEqual({ kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: { name: 'web', group: 'apps', kind: 'deployments', uid: owner.metadata.uid } })
    await eventually(async () => ((await suite.api.list('v1', 'ConfigMap', ns)).items.length === 0 ? true : undefined))
  })

  it('deletes with Orphan propagation: dependents stay and lose the owner reference', async () => {
    const ns = await suite.namespace('orphan')
    const owner = await suite.api.create(configMap(ns, 'owner'))
    await suite.api.create(configMap(ns, 'child', { metadata: { name: 'child', namespace: ns, ownerReferences: [{ apiVersion: 'v1', kind: 'ConfigMap', name: 'owner', uid: owner.metadata.uid }] } }))
    await suite.api.delete(configMap(ns, 'owner'), { propagationPolicy: 'Orphan' })
    const child = await eventually(async () => {
      const c = await suite.api.read(configMap(ns, 'child'))
      return c.metadata.ownerReferences === undefined ? c : undefined
    })
    expect(child.metadata.name).toBe('child')
    await eventually(async () => ((await suite.api.list('v1', 'ConfigMap', ns)).items.length === 1 ? true : undefined))
  })

  it('keeps an object with a finalizer until finalize() removes it', async () => {
    const ns = await suite.namespace('fin')
    await suite.api.create(configMap(ns, 'held', { metadata: { name: 'held', namespace: ns, finalizers: ['example.com/hold'] } }))
    const remove = async (): Promise<Obj> => (await raw(suite.server, { method: 'DELETE', path: `/api/v1/namespaces/${ns}/configmaps/held` })).json() as Obj
    const answer = await remove()
    expect(answer.metadata.deletionTimestamp).toBeDefined()
    expect(answer.metadata.deletionGracePeriodSeconds).toBe(0)
    const again = await remove()
    expect(again.metadata.resourceVersion).toBe(answer.metadata.resourceVersion)
    const added = await statusOf(suite.api.patch({ ...configMap(ns, 'held'), metadata: { name: 'held', namespace: ns, finalizers: ['example.com/hold', 'example.com/new'] } }))
    expect(added.code).toBe(422)
    expect(added.body.message).toBe('ConfigMap "held" is invalid: metadata.finalizers: Forbidden: no new finalizers can be added if the object is being deleted, found new finalizers []string{"example.com/new"}')
    const w = await watchEvents(suite.server, `/api/v1/namespaces/${ns}/configmaps`, { resourceVersion: String(answer.metadata.resourceVersion) })
    suite.server.finalize({ group: '', kind: 'ConfigMap', namespace: ns, name: 'held' }, 'example.com/hold')
    await eventually(() => w.events.find((e) => e.type === 'DELETED'))
    w.stop()
    expect((await statusOf(suite.api.read(configMap(ns, 'held')))).code).toBe(404)
  })

  it('terminates a namespace: Terminating, 403 for creates, conditions, then gone', async () => {
    const ns = await suite.namespace('term')
    await suite.api.create(configMap(ns, 'plain'))
    await suite.api.create(configMap(ns, 'held', { metadata: { name: 'held', namespace: ns, finalizers: ['example.com/hold'] } }))
    const answer = (await raw(suite.server, { method: 'DELETE', path: `/api/v1/namespaces/${ns}` })).json() as Obj
    expect((answer.status as { phase: string }).phase).toBe('Terminating')
    const denied = await statusOf(suite.api.create(configMap(ns, 'new')))
    expect(denied.code).toBe(403)
    expect(denied.body).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: `configmaps "new" is forbidden: unable to create new content in namespace ${ns} because it is being terminated`,
      reason: 'Forbidden',
      details: { name: 'new', kind: 'configmaps', causes: [{ reason: 'NamespaceTerminating', message: `namespace ${ns} is being terminated`, field: 'metadata.namespace' }] },
      code: 403,
    })
    const again = await statusOf(suite.api.delete({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }))
    expect(again.code).toBe(409)
    const terminating = await eventually(async () => {
      const n = await suite.api.read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } })
      const conditions = ((n.status as { conditions?: { type: string; status: string; message: string }[] }).conditions ?? [])
      return conditions.length >= 2 ? conditions : undefined
    })
    expect(terminating).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ type: 'NamespaceContentRemaining', status: 'True', message: 'Some resources are remaining: configmaps. has 1 resource instances' }),
        expect.objectContaining({ type: 'NamespaceFinalizersRemaining', status: 'True', message: 'Some content in the namespace has finalizers remaining: example.com/hold in 1 resource instances' }),
      ]),
    )
    suite.server.finalize({ group: '', kind: 'ConfigMap', namespace: ns, name: 'held' }, 'example.com/hold')
    await eventually(async () => ((await statusOf(suite.api.read({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }))).code === 404 ? true : undefined))
    const protectedNs = await statusOf(suite.api.delete({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'default' } }))
    expect(protectedNs.body.message).toBe('namespaces "default" is forbidden: this namespace may not be deleted')
  })
})
