// Bad input around Flux's per-object annotations and the conflict options. Flux ignores values of
// its annotations it does not know (its selectors simply do not match), so an existing fleet with
// `ssa: merge-ish` behaves in the SDK as in Flux: the object is applied as if the annotation were
// absent, and a warning names the object and the annotation. Bad options fail before any request;
// a takeover racing a human's edit fails naming the object and leaves the edit in place.
import { describe, expect, it } from 'vitest'
import type { KubeObject } from '@gitops-sdk/core'
import { applyAll, ApplyError, prune } from '../../src/index.js'
import type { ApplyOptions, KubeClient } from '../../src/index.js'
import { assertNoPollution, snapshotPrototypes } from '../../../../testing/pollution.js'
import { configMap, hasKubectl, useCluster } from '../helpers/cluster.js'

const env = useCluster()
const fieldManager = 'gitops'
const ref = (ns: string, name: string): { group: string; kind: string; namespace: string; name: string } => ({ group: '', kind: 'ConfigMap', namespace: ns, name })

function annotated(object: KubeObject, annotations: Record<string, string>): KubeObject {
  return { ...object, metadata: { ...object.metadata, annotations } }
}

describe('unknown annotation values: ignored as Flux ignores them, with a warning', () => {
  it.each([
    { key: 'kustomize.toolkit.fluxcd.io/ssa', value: 'merge-ish' },
    { key: 'kustomize.toolkit.fluxcd.io/reconcile', value: 'off' },
    { key: 'gitops-sdk.io/force', value: 'yes' },
  ])('$key: $value is applied as if absent and warned about', async ({ key, value }) => {
    const ns = await env.cluster.namespace('unknown')
    const result = await applyAll([annotated(configMap(ns, 'odd'), { [key]: value })], { client: env.cluster.client, fieldManager })
    expect(result.entries[0]).toMatchObject({ ref: ref(ns, 'odd'), action: 'created' })
    expect(result.warnings).toHaveLength(1)
    expect(result.warnings[0]).toMatchObject({ type: 'unknown-annotation', key, value })
    expect(result.warnings[0]?.message.startsWith(`ConfigMap/${ns}/odd: unknown value ${JSON.stringify(value)} of annotation ${key} ignored`)).toBe(true)
  })

  it('prune: nope does not protect the object from prune, as in Flux', async () => {
    const ns = await env.cluster.namespace('prune-nope')
    const inventory = { name: 'inv', namespace: ns }
    const first = await applyAll([annotated(configMap(ns, 'p'), { 'kustomize.toolkit.fluxcd.io/prune': 'nope' }), configMap(ns, 'q')], { client: env.cluster.client, fieldManager, inventory })
    const second = await applyAll([configMap(ns, 'q')], { client: env.cluster.client, fieldManager, inventory })
    expect((await prune(first.inventory, second.inventory, { client: env.cluster.client, inventory })).entries).toEqual([{ ref: ref(ns, 'p'), action: 'deleted' }])
  })

  it('an annotation map with polluting keys is refused by the API naming the object, and reaches no prototype', async () => {
    const ns = await env.cluster.namespace('pollute')
    const snapshot = snapshotPrototypes()
    const annotations = JSON.parse('{"__proto__":{"kustomize.toolkit.fluxcd.io/ssa":"Ignore","gitopsPolluted":"x"}}') as Record<string, string>
    const err = await applyAll([annotated(configMap(ns, 'bad'), annotations)], { client: env.cluster.client, fieldManager }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApplyError)
    expect((err as ApplyError).message.startsWith(`ConfigMap/${ns}/bad: `)).toBe(true)
    expect(await env.cluster.client.get(ref(ns, 'bad'))).toBeUndefined()
    assertNoPollution(snapshot)
  })
})

describe('bad conflict options fail before any request', () => {
  it.each([
    { name: 'an unknown conflicts value', options: { conflicts: 'maybe' }, message: "applyAll: options.conflicts must be 'force' or 'fail'" },
    { name: 'conflicts and forceConflicts that disagree', options: { conflicts: 'force', forceConflicts: false }, message: 'applyAll: options.conflicts and options.forceConflicts disagree; pass only conflicts' },
    { name: 'an empty takeOverManagers name', options: { takeOverManagers: [''] }, message: 'applyAll: options.takeOverManagers must be an array of non-empty field manager names of at most 128 characters' },
  ])('$name', async ({ options, message }) => {
    const ns = await env.cluster.namespace('opts')
    let requests = 0
    const counting = new Proxy(env.cluster.client, { get: (target, p, r) => { requests += 1; return Reflect.get(target, p, r) as unknown } })
    await expect(applyAll([configMap(ns, 'x')], { client: counting, fieldManager, ...(options as Partial<ApplyOptions>) })).rejects.toThrow(message)
    expect(requests).toBe(0)
    expect(await env.cluster.client.get(ref(ns, 'x'))).toBeUndefined()
  })
})

describe.skipIf(!hasKubectl)('a takeover racing a human edit', () => {
  it('fails naming the object, and leaves the edit and its owner in place', async (ctx) => {
    if (!env.ownership) ctx.skip()
    const ns = await env.cluster.namespace('race')
    const base = env.cluster.client
    await applyAll([configMap(ns, 'cfg', { key: 'git' })], { client: base, fieldManager })
    await env.cluster.kubectlOk(['-n', ns, 'label', 'configmap/cfg', 'first=by-hand'])
    // Between the read and the takeover, someone edits the object again.
    const racing: KubeClient = {
      namespace: base.namespace,
      resource: (t, o) => base.resource(t, o),
      resources: (o) => base.resources(o),
      get: (t, o) => base.get(t, o),
      list: (q, o) => base.list(q, o),
      apply: (object, o) => base.apply(object, o),
      create: (object, o) => base.create(object, o),
      delete: (t, o) => base.delete(t, o),
      patch: async (t, ops, o) => {
        await env.cluster.kubectlOk(['-n', ns, 'label', 'configmap/cfg', 'second=by-hand'])
        return (base.patch as NonNullable<KubeClient['patch']>)(t, ops, o)
      },
    }
    const err = await applyAll([configMap(ns, 'cfg', { key: 'git' })], { client: racing, fieldManager }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApplyError)
    expect(err).toMatchObject({ code: 'APPLY_API_ERROR', message: `ConfigMap/${ns}/cfg: changed in the cluster while the fields of kubectl-label were being taken over; it was not applied (apply again)` })
    expect((err as ApplyError).changeSet?.entries[0]).toMatchObject({ action: 'failed' })
    const live = await base.get(ref(ns, 'cfg'))
    expect(live?.metadata.labels).toEqual({ first: 'by-hand', second: 'by-hand' })
    // The next apply, with nothing racing it, takes both over.
    await applyAll([configMap(ns, 'cfg', { key: 'git' })], { client: base, fieldManager })
    expect((await base.get(ref(ns, 'cfg')))?.metadata.labels).toBeUndefined()
  })
})
