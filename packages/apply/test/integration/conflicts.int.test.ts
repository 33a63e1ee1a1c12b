import { describe, expect, it } from 'vitest'
import { applyAll, ApplyError, createApplyHistory } from '../../src/index.js'
import { configMap, useCluster } from '../helpers/cluster.js'

const env = useCluster()

const fieldManager = 'gitops-test'

describe('applyAll and other field managers', () => {
  it('fails with APPLY_FIELD_CONFLICT naming the field and the manager with conflicts: fail', async (ctx) => {
    if (!env.ownership) ctx.skip()
    const ns = await env.cluster.namespace('conflict')
    await env.cluster.kubectlApply([configMap(ns, 'shared', { key: 'theirs' })], 'other')
    const err = await applyAll([configMap(ns, 'shared', { key: 'ours' })], { client: env.cluster.client, fieldManager, conflicts: 'fail' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApplyError)
    const e = err as ApplyError
    expect(e.code).toBe('APPLY_FIELD_CONFLICT')
    expect(e.failures[0]).toMatchObject({ fields: ['.data.key'], managers: ['other'] })
    expect(e.message).toBe(`ConfigMap/${ns}/shared: dry-run apply failed (Conflict): field owned by another manager: .data.key (other)`)
    expect(await env.cluster.client.get({ group: '', kind: 'ConfigMap', namespace: ns, name: 'shared' })).toMatchObject({ data: { key: 'theirs' } })
  })

  it('takes the field over by default, as Flux does', async (ctx) => {
    if (!env.ownership) ctx.skip()
    const ns = await env.cluster.namespace('takeover')
    await env.cluster.kubectlApply([configMap(ns, 'shared', { key: 'theirs' })], 'other')
    const result = await applyAll([configMap(ns, 'shared', { key: 'ours' })], { client: env.cluster.client, fieldManager })
    expect(result.entries[0]).toMatchObject({ action: 'configured', reason: 'changed .data.key' })
    expect(await env.cluster.client.get({ group: '', kind: 'ConfigMap', namespace: ns, name: 'shared' })).toMatchObject({ data: { key: 'ours' } })
  })

  it('warns of a reconcile loop when a field keeps flipping between two managers', async (ctx) => {
    if (!env.ownership) ctx.skip()
    const ns = await env.cluster.namespace('loop')
    const history = createApplyHistory()
    const ours = [configMap(ns, 'fought', { key: 'ours' }), configMap(ns, 'calm')]
    expect((await applyAll(ours, { client: env.cluster.client, fieldManager, history })).warnings).toEqual([])
    await env.cluster.kubectlApply([configMap(ns, 'fought', { key: 'theirs' })], 'other-controller', ['--force-conflicts'])
    expect((await applyAll(ours, { client: env.cluster.client, fieldManager, history })).warnings).toEqual([])
    await env.cluster.kubectlApply([configMap(ns, 'fought', { key: 'theirs' })], 'other-controller', ['--force-conflicts'])
    const third = await applyAll(ours, { client: env.cluster.client, fieldManager, history })
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
    expect((await applyAll(ours, { client: env.cluster.client, fieldManager, history })).warnings).toEqual([])
  })
})
