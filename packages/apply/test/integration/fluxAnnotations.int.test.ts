// Flux's per-object annotations (and labels), honoured in apply, prune and drift as
// kustomize-controller honours them, with kubectl as the human at the keyboard.
import { describe, expect, it } from 'vitest'
import type { KubeObject } from '@gitops-sdk/core'
import { applyAll, diff, prune } from '../../src/index.js'
import { configMap, deployment, hasKubectl, useCluster } from '../helpers/cluster.js'

const env = useCluster()
const fieldManager = 'gitops'
const cm = (ns: string, name: string): { group: string; kind: string; namespace: string; name: string } => ({ group: '', kind: 'ConfigMap', namespace: ns, name })

function annotated(object: KubeObject, annotations: Record<string, string>): KubeObject {
  return { ...object, metadata: { ...object.metadata, annotations: { ...object.metadata.annotations, ...annotations } } }
}

describe.skipIf(!hasKubectl)('Flux per-object annotations', () => {
  it('reconcile: disabled in Git: the object is never created, and is reported skipped', async () => {
    const ns = await env.cluster.namespace('rec-git')
    const inventory = { name: 'inv', namespace: ns }
    const off = annotated(configMap(ns, 'off'), { 'kustomize.toolkit.fluxcd.io/reconcile': 'disabled' })
    const result = await applyAll([off, configMap(ns, 'on')], { client: env.cluster.client, fieldManager, inventory })
    expect(result.entries).toEqual([
      { ref: cm(ns, 'off'), action: 'skipped', reason: 'its reconcile annotation is disabled' },
      expect.objectContaining({ ref: cm(ns, 'on'), action: 'created' }),
    ])
    expect(await env.cluster.client.get(cm(ns, 'off'))).toBeUndefined()
  })

  it('reconcile: disabled on the live object (kubectl annotate): not applied, not pruned, no drift', async () => {
    const ns = await env.cluster.namespace('rec-live')
    const inventory = { name: 'inv', namespace: ns }
    const client = env.cluster.client
    const first = await applyAll([configMap(ns, 'held', { key: 'git' }), configMap(ns, 'other')], { client, fieldManager, inventory })
    await env.cluster.kubectlOk(['-n', ns, 'annotate', 'configmap/held', 'kustomize.toolkit.fluxcd.io/reconcile=Disabled'])
    await env.cluster.kubectlOk(['-n', ns, 'patch', 'configmap/held', '-p', '{"data":{"key":"by-hand"}}'])
    const before = await client.get(cm(ns, 'held'))
    const second = await applyAll([configMap(ns, 'held', { key: 'git' }), configMap(ns, 'other')], { client, fieldManager, inventory })
    expect(second.entries[0]).toEqual({ ref: cm(ns, 'held'), action: 'skipped', reason: 'its reconcile annotation is disabled', resourceVersion: before?.metadata.resourceVersion })
    const after = await client.get(cm(ns, 'held'))
    expect(after?.metadata.resourceVersion).toBe(before?.metadata.resourceVersion)
    expect(after?.data).toEqual({ key: 'by-hand' })
    const drift = await diff([configMap(ns, 'held', { key: 'git' })], { client, fieldManager, inventory })
    expect(drift.objects[0]).toMatchObject({ status: 'skipped', reason: 'its reconcile annotation is disabled' })
    expect(drift.drifted).toBe(false)
    // Gone from Git: prune keeps it.
    const third = await applyAll([configMap(ns, 'other')], { client, fieldManager, inventory })
    const pruned = await prune(first.inventory, third.inventory, { client, inventory })
    expect(pruned.entries).toEqual([{ ref: cm(ns, 'held'), action: 'skipped', reason: 'its reconcile annotation is disabled', reasonCode: 'PRUNE_RECONCILE_DISABLED' }])
    expect(await client.get(cm(ns, 'held'))).toMatchObject({ data: { key: 'by-hand' } })
  })

  it('ssa: Ignore as a label, in any case: never applied, never pruned', async () => {
    const ns = await env.cluster.namespace('ignore')
    const inventory = { name: 'inv', namespace: ns }
    const client = env.cluster.client
    const first = await applyAll([configMap(ns, 'ign', { key: 'git' })], { client, fieldManager, inventory })
    await env.cluster.kubectlOk(['-n', ns, 'label', 'configmap/ign', 'kustomize.toolkit.fluxcd.io/ssa=ignore'])
    await env.cluster.kubectlOk(['-n', ns, 'patch', 'configmap/ign', '-p', '{"data":{"key":"by-hand"}}'])
    const second = await applyAll([configMap(ns, 'ign', { key: 'git' }), configMap(ns, 'keep')], { client, fieldManager, inventory })
    expect(second.entries[0]).toMatchObject({ ref: cm(ns, 'ign'), action: 'skipped', reason: 'its ssa annotation is Ignore' })
    expect(await client.get(cm(ns, 'ign'))).toMatchObject({ data: { key: 'by-hand' } })
    const third = await applyAll([configMap(ns, 'keep')], { client, fieldManager, inventory })
    const pruned = await prune(first.inventory, third.inventory, { client, inventory })
    expect(pruned.entries).toEqual([{ ref: cm(ns, 'ign'), action: 'skipped', reason: 'its ssa annotation is Ignore', reasonCode: 'PRUNE_SSA_IGNORE' }])
    expect(await client.get(cm(ns, 'ign'))).toBeDefined()
  })

  it('ssa: IfNotPresent: created when absent, never updated', async () => {
    const ns = await env.cluster.namespace('ifnp')
    const client = env.cluster.client
    const once = annotated(configMap(ns, 'seed', { key: 'git' }), { 'kustomize.toolkit.fluxcd.io/ssa': 'IfNotPresent' })
    expect((await applyAll([once], { client, fieldManager })).entries[0]).toMatchObject({ action: 'created' })
    await env.cluster.kubectlOk(['-n', ns, 'patch', 'configmap/seed', '-p', '{"data":{"key":"rotated"}}'])
    expect((await applyAll([once], { client, fieldManager })).entries[0]).toMatchObject({ action: 'skipped', reason: 'it exists and its ssa annotation is IfNotPresent' })
    expect(await client.get(cm(ns, 'seed'))).toMatchObject({ data: { key: 'rotated' } })
  })

  it('prune: disabled: kept in the cluster, reported skipped, and dropped from the next inventory as Flux drops it', async () => {
    const ns = await env.cluster.namespace('prune-off')
    const inventory = { name: 'inv', namespace: ns }
    const client = env.cluster.client
    const kept = annotated(configMap(ns, 'kept'), { 'kustomize.toolkit.fluxcd.io/prune': 'disabled' })
    const first = await applyAll([kept, configMap(ns, 'gone'), configMap(ns, 'stays')], { client, fieldManager, inventory })
    const second = await applyAll([configMap(ns, 'stays')], { client, fieldManager, inventory })
    const pruned = await prune(first.inventory, second.inventory, { client, inventory })
    expect(pruned.entries).toEqual([
      { ref: cm(ns, 'kept'), action: 'skipped', reason: 'its prune annotation is disabled', reasonCode: 'PRUNE_DISABLED' },
      { ref: cm(ns, 'gone'), action: 'deleted' },
    ])
    expect(second.inventory.entries.map((e) => e.name)).toEqual(['stays'])
    expect(await client.get(cm(ns, 'kept'))).toBeDefined()
    expect(await client.get(cm(ns, 'gone'))).toBeUndefined()
  })

  it('force: Enabled re-creates only the annotated object on an immutable change', async () => {
    const ns = await env.cluster.namespace('force')
    const client = env.cluster.client
    const forced = annotated(deployment(ns, 'forced', { labels: { app: 'a' } }), { 'kustomize.toolkit.fluxcd.io/force': 'Enabled' })
    await applyAll([forced, deployment(ns, 'plain', { labels: { app: 'p' } })], { client, fieldManager })
    const changed = annotated(deployment(ns, 'forced', { labels: { app: 'a2' } }), { 'kustomize.toolkit.fluxcd.io/force': 'Enabled' })
    const result = await applyAll([changed], { client, fieldManager })
    expect(result.entries[0]).toMatchObject({ action: 'created', reason: expect.stringMatching(/^re-created: immutable field/) })
    const err = await applyAll([deployment(ns, 'plain', { labels: { app: 'p2' } })], { client, fieldManager }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'APPLY_IMMUTABLE_FIELD' })
  })

  it('an unknown value (ssa: merge-ish) is ignored as Flux ignores it, with a warning naming object and annotation', async () => {
    const ns = await env.cluster.namespace('unknown')
    const client = env.cluster.client
    // A human's client-side `kubectl apply` (manager kubectl-client-side-apply).
    await env.cluster.kubectlOk(['apply', '--validate=false', '-f', '-'], JSON.stringify(configMap(ns, 'odd', { key: 'by-hand', extra: 'x' })))
    const odd = annotated(configMap(ns, 'odd', { key: 'git' }), { 'kustomize.toolkit.fluxcd.io/ssa': 'merge-ish' })
    const result = await applyAll([odd], { client, fieldManager })
    expect(result.warnings).toEqual([
      {
        type: 'unknown-annotation',
        ref: cm(ns, 'odd'),
        key: 'kustomize.toolkit.fluxcd.io/ssa',
        value: 'merge-ish',
        message: `ConfigMap/${ns}/odd: unknown value "merge-ish" of annotation kustomize.toolkit.fluxcd.io/ssa ignored, as Flux ignores it (known values: Override, Merge, IfNotPresent, Ignore)`,
      },
    ])
    // Applied as Override: kubectl's fields are taken over, so Git's data is all that is left.
    expect(await client.get(cm(ns, 'odd'))).toMatchObject({ data: { key: 'git' } })
    expect((await client.get(cm(ns, 'odd')))?.data).toEqual({ key: 'git' })
  })

  it('reconcile: disabled on a live object the inventory does not own yet wins over a failing dry-run', async () => {
    const ns = await env.cluster.namespace('rec-unowned')
    const inventory = { name: 'inv', namespace: ns }
    const client = env.cluster.client
    const theirs = annotated(deployment(ns, 'web', { labels: { app: 'theirs' } }), { 'kustomize.toolkit.fluxcd.io/reconcile': 'disabled' })
    await env.cluster.kubectlApply([theirs], 'someone')
    const before = await client.get({ group: 'apps', kind: 'Deployment', namespace: ns, name: 'web' })
    // Git changes the immutable selector: the dry-run would fail, but the object is not ours to touch.
    const result = await applyAll([deployment(ns, 'web', { labels: { app: 'git' } })], { client, fieldManager, inventory })
    expect(result.entries).toEqual([{ ref: { group: 'apps', kind: 'Deployment', namespace: ns, name: 'web' }, action: 'skipped', reason: 'its reconcile annotation is disabled', resourceVersion: before?.metadata.resourceVersion }])
    expect((await client.get({ group: 'apps', kind: 'Deployment', namespace: ns, name: 'web' }))?.metadata.resourceVersion).toBe(before?.metadata.resourceVersion)
  })
})
