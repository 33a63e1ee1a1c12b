import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { applyAll, ApplyError, createApplyHistory } from '../../src/index.js'
import { configMap, recordsManagedFields, startCluster } from '../helpers/cluster.js'
import type { TestCluster } from '../helpers/cluster.js'

let cluster: TestCluster
let ownership = false
beforeAll(async () => {
  cluster = await startCluster()
  ownership = await recordsManagedFields(cluster)
})
afterAll(async () => {
  await cluster.stop()
})

const fieldManager = 'gitops-test'

describe('applyAll and other field managers', () => {
  it('fails with APPLY_FIELD_CONFLICT naming the field and the manager without forceConflicts', async (ctx) => {
    if (!ownership) ctx.skip()
    const ns = await cluster.namespace('conflict')
    await cluster.kubectlApply([configMap(ns, 'shared', { key: 'theirs' })], 'other')
    const err = await applyAll([configMap(ns, 'shared', { key: 'ours' })], { client: cluster.client, fieldManager, forceConflicts: false }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApplyError)
    const e = err as ApplyError
    expect(e.code).toBe('APPLY_FIELD_CONFLICT')
    expect(e.failures[0]).toMatchObject({ fields: ['.data.key'], managers: ['other'] })
    expect(e.message).toBe(`ConfigMap/${ns}/shared: dry-run apply failed (Conflict): field owned by another manager: .data.key (other)`)
    expect(await cluster.client.get({ group: '', kind: 'ConfigMap', namespace: ns, name: 'shared' })).toMatchObject({ data: { key: 'theirs' } })
  })

  it('takes the field over by default, as Flux does', async (ctx) => {
    if (!ownership) ctx.skip()
    const ns = await cluster.namespace('takeover')
    await cluster.kubectlApply([configMap(ns, 'shared', { key: 'theirs' })], 'other')
    const result = await applyAll([configMap(ns, 'shared', { key: 'ours' })], { client: cluster.client, fieldManager })
    expect(result.entries[0]).toMatchObject({ action: 'configured', reason: 'changed .data.key' })
    expect(await cluster.client.get({ group: '', kind: 'ConfigMap', namespace: ns, name: 'shared' })).toMatchObject({ data: { key: 'ours' } })
  })

  it('warns of a reconcile loop when a field keeps flipping between two managers', async (ctx) => {
    if (!ownership) ctx.skip()
    const ns = await cluster.namespace('loop')
    const history = createApplyHistory()
    const ours = [configMap(ns, 'fought', { key: 'ours' }), configMap(ns, 'calm')]
    expect((await applyAll(ours, { client: cluster.client, fieldManager, history })).warnings).toEqual([])
    await cluster.kubectlApply([configMap(ns, 'fought', { key: 'theirs' })], 'other-controller', ['--force-conflicts'])
    expect((await applyAll(ours, { client: cluster.client, fieldManager, history })).warnings).toEqual([])
    await cluster.kubectlApply([configMap(ns, 'fought', { key: 'theirs' })], 'other-controller', ['--force-conflicts'])
    const third = await applyAll(ours, { client: cluster.client, fieldManager, history })
    expect(third.warnings).toEqual([
      {
        type: 'reconcile-loop',
        ref: { group: '', kind: 'ConfigMap', namespace: ns, name: 'fought' },
        path: '.data.key',
        manager: 'other-controller',
        count: 2,
        message: `ConfigMap/${ns}/fought: reconcile loop: .data.key keeps flipping between the value of "${fieldManager}" and the value of "other-controller" (overwritten 2 applies in a row)`,
      },
    ])
    // A quiet apply in between ends the streak.
    expect((await applyAll(ours, { client: cluster.client, fieldManager, history })).warnings).toEqual([])
  })
})
