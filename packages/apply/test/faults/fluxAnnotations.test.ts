// Bad input around Flux's per-object annotations and the conflict options. Flux ignores values of
// its annotations it does not know (its selectors simply do not match), so an existing fleet with
// `ssa: merge-ish` behaves in the SDK as in Flux: the object is applied as if the annotation were
// absent, and a warning names the object and the annotation. Bad options fail before any request;
// a takeover racing a human's edit is retried from a fresh read a few times, then fails naming
// the object and leaves the edit in place.
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

/**
 * The test cluster's client, whose JSON patches (only takeovers send them) each first run `race`
 * with the attempt's number, as a human or a controller writing between the read and the takeover.
 */
function racingClient(race: (attempt: number) => Promise<void>): { readonly client: KubeClient; readonly patches: () => number } {
  const base = env.cluster.client
  let patches = 0
  const client: KubeClient = {
    namespace: base.namespace,
    resource: (t, o) => base.resource(t, o),
    resources: (o) => base.resources(o),
    get: (t, o) => base.get(t, o),
    list: (q, o) => base.list(q, o),
    apply: (object, o) => base.apply(object, o),
    create: (object, o) => base.create(object, o),
    delete: (t, o) => base.delete(t, o),
    patch: async (t, ops, o) => {
      patches += 1
      await race(patches)
      return (base.patch as NonNullable<KubeClient['patch']>)(t, ops, o)
    },
  }
  return { client, patches: () => patches }
}

describe.skipIf(!hasKubectl)('a takeover racing a human edit', () => {
  /** A namespace with ConfigMap cfg applied by us and then labelled by kubectl (`first=by-hand`). */
  async function edited(ctx: { skip: () => void }): Promise<string> {
    if (!env.ownership) ctx.skip()
    const ns = await env.cluster.namespace('race')
    await applyAll([configMap(ns, 'cfg', { key: 'git' })], { client: env.cluster.client, fieldManager })
    await env.cluster.kubectlOk(['-n', ns, 'label', 'configmap/cfg', 'first=by-hand'])
    return ns
  }

  it('re-reads the object and takes over again when the first attempt raced, recomputed from the new read', async (ctx) => {
    const ns = await edited(ctx)
    // The same manager writes again between the read and the first takeover only.
    const { client, patches } = racingClient(async (attempt) => {
      if (attempt === 1) await env.cluster.kubectlOk(['-n', ns, 'label', 'configmap/cfg', 'second=by-hand'])
    })
    const result = await applyAll([configMap(ns, 'cfg', { key: 'git' })], { client, fieldManager })
    expect(patches()).toBe(2)
    expect(result.entries[0]).toMatchObject({ action: 'configured', reason: expect.stringMatching(/^takes over the fields of kubectl-label/) as unknown })
    // Taken over from the second read: the label written during the race goes too.
    const live = await env.cluster.client.get(ref(ns, 'cfg'))
    expect(live?.metadata.labels).toBeUndefined()
    expect(live?.data).toEqual({ key: 'git' })
  })

  it('fails naming the object after four attempts that all raced, and leaves the edits and their owner in place', async (ctx) => {
    const ns = await edited(ctx)
    const { client, patches } = racingClient(async (attempt) => {
      await env.cluster.kubectlOk(['-n', ns, 'label', '--overwrite', 'configmap/cfg', `round=r${attempt}`])
    })
    const err = await applyAll([configMap(ns, 'cfg', { key: 'git' })], { client, fieldManager }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApplyError)
    const message = `ConfigMap/${ns}/cfg: changed in the cluster while the fields of kubectl-label were being taken over; it was not applied (apply again)`
    expect(err).toMatchObject({ code: 'APPLY_API_ERROR', message })
    expect((err as ApplyError).failures).toEqual([{ ref: ref(ns, 'cfg'), code: 'APPLY_API_ERROR', message, managers: ['kubectl-label'] }])
    expect((err as ApplyError).changeSet?.entries[0]).toMatchObject({ action: 'failed' })
    expect(patches()).toBe(4)
    const live = await env.cluster.client.get(ref(ns, 'cfg'))
    expect(live?.metadata.labels).toEqual({ first: 'by-hand', round: 'r4' })
    // The next apply, with nothing racing it, takes them over.
    await applyAll([configMap(ns, 'cfg', { key: 'git' })], { client: env.cluster.client, fieldManager })
    expect((await env.cluster.client.get(ref(ns, 'cfg')))?.metadata.labels).toBeUndefined()
  })

  it('does not take over, on a retry, the fields of a manager the apply did not decide to take', async (ctx) => {
    const ns = await edited(ctx)
    // kubectl annotate is a manager of its own (kubectl-annotate), unknown when the apply decided.
    const { client, patches } = racingClient(async (attempt) => {
      if (attempt === 1) await env.cluster.kubectlOk(['-n', ns, 'annotate', 'configmap/cfg', 'note=by-hand'])
    })
    const err = await applyAll([configMap(ns, 'cfg', { key: 'git' })], { client, fieldManager }).catch((e: unknown) => e)
    const message = `ConfigMap/${ns}/cfg: changed in the cluster while the fields of kubectl-label were being taken over (and kubectl-annotate now to take over or remove too, which this apply did not decide); it was not applied (apply again)`
    expect(err).toMatchObject({ code: 'APPLY_API_ERROR', message })
    expect((err as ApplyError).failures).toEqual([{ ref: ref(ns, 'cfg'), code: 'APPLY_API_ERROR', message, managers: ['kubectl-label'] }])
    expect(patches()).toBe(1)
    const live = await env.cluster.client.get(ref(ns, 'cfg'))
    expect(live?.metadata.labels).toEqual({ first: 'by-hand' })
    expect(live?.metadata.annotations).toEqual({ note: 'by-hand' })
  })

  it('stops retrying when the signal aborts, rejecting with its reason', async (ctx) => {
    const ns = await edited(ctx)
    const controller = new AbortController()
    const reason = new Error('stopped by the caller')
    const { client, patches } = racingClient(async (attempt) => {
      await env.cluster.kubectlOk(['-n', ns, 'label', '--overwrite', 'configmap/cfg', `round=r${attempt}`])
      // Aborted while the first attempt is under way: the backoff before the second one ends at once.
      if (attempt === 1) setTimeout(() => controller.abort(reason), 20)
    })
    await expect(applyAll([configMap(ns, 'cfg', { key: 'git' })], { client, fieldManager, signal: controller.signal })).rejects.toBe(reason)
    expect(patches()).toBe(1)
    expect((await env.cluster.client.get(ref(ns, 'cfg')))?.metadata.labels).toEqual({ first: 'by-hand', round: 'r1' })
  })

  it('sends no takeover in a dry run, and reports the one it would make', async (ctx) => {
    const ns = await edited(ctx)
    const { client, patches } = racingClient(() => Promise.resolve())
    const result = await applyAll([configMap(ns, 'cfg', { key: 'git' })], { client, fieldManager, dryRun: true })
    expect(result.entries[0]).toMatchObject({ action: 'configured', reason: expect.stringMatching(/^dry run, takes over the fields of kubectl-label/) as unknown })
    expect(patches()).toBe(0)
    expect((await env.cluster.client.get(ref(ns, 'cfg')))?.metadata.labels).toEqual({ first: 'by-hand' })
  })
})
