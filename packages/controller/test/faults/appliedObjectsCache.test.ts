// Fault cases of the applied objects cache: a watch that lost its stream, went silent or never
// synced must not make a drifted object look unchanged; reads then go to the API server. The
// watch and the server are fakes at the two injected seams (ControllerClient, KubeClient), with
// a fake clock: nothing here waits on real time.
import { describe, expect, it } from 'vitest'
import { detectDrift, LABELS } from '@gitops-sdk/apply'
import type { ApiResource, KubeClient } from '@gitops-sdk/apply'
import { createFakeClock, refKey } from '@gitops-sdk/core'
import type { KubeObject } from '@gitops-sdk/core'
import type { ControllerClient, WatchOptions } from '../../src/controllerClient.js'
import { createAppliedObjectsCache } from '../../src/gitops/appliedObjectsCache.js'
import type { WatchEvent } from '../../src/types.js'
import { assertNoPollution } from '../../../../testing/pollution.js'
import { eventually, settle } from '../helpers/cluster.js'

const inventory = { namespace: 'flux-system', name: 'apps' }
const DEPLOYMENTS: ApiResource = { group: 'apps', version: 'v1', kind: 'Deployment', plural: 'deployments', namespaced: true, verbs: ['get', 'list', 'watch', 'patch'] }
const ref = { group: 'apps', kind: 'Deployment', namespace: 'apps', name: 'web' }

function deployment(replicas: number, resourceVersion: string, labels: Record<string, string> = { [LABELS.inventoryName]: 'apps', [LABELS.inventoryNamespace]: 'flux-system' }): KubeObject {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'apps', resourceVersion, labels }, spec: { replicas } }
}

/** One watch stream the test drives: events pushed, then ended or failed. */
class Stream {
  private readonly events: WatchEvent[] = []
  private wake: (() => void) | undefined
  private done: Error | true | undefined
  push(event: WatchEvent): void {
    this.events.push(event)
    this.wake?.()
  }
  fail(error: Error): void {
    this.done = error
    this.wake?.()
  }
  end(): void {
    this.done = true
    this.wake?.()
  }
  async *iterate(signal: AbortSignal | undefined): AsyncGenerator<WatchEvent> {
    signal?.addEventListener('abort', () => this.end(), { once: true })
    for (;;) {
      const next = this.events.shift()
      if (next !== undefined) {
        yield next
        continue
      }
      if (this.done === true) return
      if (this.done !== undefined) throw this.done
      await new Promise<void>((resolve) => (this.wake = resolve))
    }
  }
}

/** The server's truth (what a request reads) and a watch of it the test controls. */
function fakes(initial: KubeObject[]) {
  const live = new Map<string, KubeObject>(initial.map((o) => [o.metadata.name, o]))
  const streams: Stream[] = []
  let lists = 0
  let requests = 0
  const client = {
    server: 'https://127.0.0.1:1',
    namespace: 'default',
    list: async () => {
      lists++
      return { items: initial, resourceVersion: '5' }
    },
    watch: (_resource: unknown, options?: WatchOptions) => {
      const stream = new Stream()
      streams.push(stream)
      return stream.iterate(options?.signal)
    },
  } as unknown as ControllerClient
  const kubeClient = {
    namespace: 'default',
    resource: async (target: { kind: string }) => (target.kind === 'Deployment' ? DEPLOYMENTS : undefined),
    resources: async () => [DEPLOYMENTS],
    get: async (target: { name: string }) => {
      requests++
      return live.get(target.name)
    },
    list: async () => {
      requests++
      return { items: [...live.values()], resourceVersion: '9' }
    },
  } as unknown as KubeClient
  return { client, kubeClient, live, streams, lists: () => lists, requests: () => requests }
}

/** What the last apply sent and the resourceVersion it left. */
const applied = { objects: [deployment(1, '')], resourceVersions: new Map([[refKey(ref), '5']]) }

async function started(initial: KubeObject[], maxSilence = 60_000) {
  const f = fakes(initial)
  const clock = createFakeClock()
  const cache = createAppliedObjectsCache({ client: f.client, kubeClient: f.kubeClient, clock, maxSilence })
  const stop = new AbortController()
  const running = cache.run(stop.signal)
  const drift = () => detectDrift(applied, { client: cache.client, fieldManager: 'kustomize-controller', inventory })
  // The first read starts the watch of the kind and still goes to the server.
  expect(await drift()).toEqual([])
  await eventually(() => f.streams.length === 1)
  // A watch is current once its stream delivered something (here a bookmark).
  f.streams[0]!.push({ type: 'BOOKMARK', resourceVersion: '5' })
  await settle()
  return {
    ...f,
    clock,
    cache,
    drift,
    async stop() {
      stop.abort()
      await running
    },
  }
}

describe('createAppliedObjectsCache', () => {
  it('serves the drift check from the watch once it is current, and sees edits and deletions it delivers', async () => {
    const t = await started([deployment(1, '5')])
    const before = t.requests()
    expect(await t.drift()).toEqual([])
    t.streams[0]!.push({ type: 'MODIFIED', object: deployment(3, '6') })
    await settle()
    expect(await t.drift()).toEqual([ref])
    t.streams[0]!.push({ type: 'DELETED', object: deployment(3, '7') })
    await settle()
    expect(await t.drift()).toEqual([ref])
    expect(t.requests()).toBe(before)
    expect(t.cache.stats().served).toBe(3)
    await t.stop()
  })

  it('reads the server while the watch is down: a stream that failed does not make an edited object look unchanged', async () => {
    const t = await started([deployment(1, '5')])
    expect(await t.drift()).toEqual([])
    // The edit reaches the server, but the stream broke before delivering it.
    t.live.set('web', deployment(3, '6'))
    t.streams[0]!.fail(new Error('connection reset by peer'))
    await settle()
    const before = t.requests()
    expect(await t.drift()).toEqual([ref])
    expect(t.requests()).toBe(before + 1)
    await t.stop()
  })

  it('reads the server when a watch stays silent (no event, no bookmark) for longer than maxSilence', async () => {
    const t = await started([deployment(1, '5')], 60_000)
    t.live.set('web', deployment(3, '6'))
    await t.clock.advance(60_001)
    expect(await t.drift()).toEqual([ref])
    // A bookmark proves the stream alive again: reads come from the cache (which has no edit).
    t.streams[0]!.push({ type: 'BOOKMARK', resourceVersion: '6' })
    await settle()
    expect(await t.drift()).toEqual([])
    await t.stop()
  })

  it('after a 410 Gone re-lists before trusting the cache again', async () => {
    const t = await started([deployment(1, '5')])
    t.streams[0]!.push({ type: 'ERROR', code: 410, reason: 'Expired', message: 'too old resource version' })
    await eventually(() => t.lists() === 2 && t.streams.length === 2)
    await settle()
    // Re-listed and watching again, but the new stream delivered nothing yet: not current.
    const served = t.cache.stats().served
    expect(await t.drift()).toEqual([])
    expect(t.cache.stats().served).toBe(served)
    t.streams[1]!.push({ type: 'BOOKMARK', resourceVersion: '6' })
    await settle()
    expect(await t.drift()).toEqual([])
    expect(t.cache.stats().served).toBe(served + 1)
    await t.stop()
  })

  it('sends reads it cannot answer to the server (other selectors, no version, before run) and refuses writes', async () => {
    const f = fakes([deployment(1, '5')])
    const cache = createAppliedObjectsCache({ client: f.client, kubeClient: f.kubeClient, clock: createFakeClock() })
    await cache.client.get({ ...ref, version: 'v1' })
    expect(f.streams).toHaveLength(0)
    const stop = new AbortController()
    const running = cache.run(stop.signal)
    await cache.client.list({ group: 'apps', version: 'v1', kind: 'Deployment', labelSelector: 'app=web' })
    await cache.client.list({ group: 'apps', version: 'v1', kind: 'Deployment', labelSelector: `${LABELS.inventoryName}=apps,${LABELS.inventoryNamespace}=flux-system`, fieldSelector: 'metadata.name=web' })
    await cache.client.get(ref)
    expect(f.requests()).toBe(4)
    await expect(cache.client.apply(deployment(1, ''), { fieldManager: 'x' })).rejects.toThrow(TypeError)
    await expect(cache.client.delete({ ...ref })).rejects.toThrow(TypeError)
    stop.abort()
    await running
  })

  it('watches a kind the server did not serve at first once a later read finds it served', async () => {
    const f = fakes([deployment(1, '5')])
    let served = false
    const kubeClient = { ...f.kubeClient, resource: async () => (served ? DEPLOYMENTS : undefined) } as KubeClient
    const cache = createAppliedObjectsCache({ client: f.client, kubeClient, clock: createFakeClock() })
    const stop = new AbortController()
    const running = cache.run(stop.signal)
    expect(await cache.client.get({ ...ref, version: 'v1' })).toBeDefined()
    await settle()
    expect(f.streams).toHaveLength(0)
    served = true
    await cache.client.get({ ...ref, version: 'v1' })
    await eventually(() => f.streams.length === 1)
    stop.abort()
    await running
  })

  it('indexes objects whose inventory labels are __proto__ or constructor without touching a prototype', async () => {
    const polluting = { ...deployment(1, '5', { [LABELS.inventoryName]: '__proto__', [LABELS.inventoryNamespace]: 'constructor' }) }
    const t = await started([polluting])
    const listed = await t.cache.client.list({ group: 'apps', version: 'v1', kind: 'Deployment', labelSelector: `${LABELS.inventoryName}=__proto__,${LABELS.inventoryNamespace}=constructor` })
    expect(listed.items).toHaveLength(1)
    assertNoPollution()
    await t.stop()
  })

  describe('unchanged (the quiet no-change check) answers true only where detectDrift finds nothing', () => {
    const placement = { inventory }
    const agree = async (t: Awaited<ReturnType<typeof started>>, state: typeof applied, options: { targetNamespace?: string } = {}) => {
      const quick = t.cache.unchanged(state, { ...placement, ...options })
      const drifted = await detectDrift(state, { client: t.cache.client, fieldManager: 'kustomize-controller', inventory, ...options })
      if (quick) expect(drifted).toEqual([])
      return { quick, drifted }
    }

    it('proves an object as applied unchanged, and not an edited, relabelled or deleted one', async () => {
      const t = await started([deployment(1, '5')])
      expect(await agree(t, applied)).toEqual({ quick: true, drifted: [] })
      t.streams[0]!.push({ type: 'MODIFIED', object: deployment(3, '6') })
      await settle()
      expect(await agree(t, applied)).toEqual({ quick: false, drifted: [ref] })
      t.streams[0]!.push({ type: 'MODIFIED', object: deployment(1, '7', { [LABELS.inventoryName]: 'other', [LABELS.inventoryNamespace]: 'flux-system' }) })
      await settle()
      expect(await agree(t, applied)).toEqual({ quick: false, drifted: [ref] })
      t.streams[0]!.push({ type: 'DELETED', object: deployment(1, '8') })
      await settle()
      expect(await agree(t, applied)).toEqual({ quick: false, drifted: [ref] })
      await t.stop()
    })

    it('proves nothing from a silent watch, without a recorded resourceVersion, for duplicates or elsewhere than the target namespace', async () => {
      const t = await started([deployment(1, '5')], 60_000)
      expect((await agree(t, { objects: applied.objects, resourceVersions: new Map() })).quick).toBe(false)
      expect((await agree(t, { objects: [...applied.objects, ...applied.objects], resourceVersions: applied.resourceVersions })).quick).toBe(false)
      expect((await agree(t, applied, { targetNamespace: 'elsewhere' })).quick).toBe(false)
      const other = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c', namespace: 'apps' } }
      // A kind not watched yet: detectDrift reads it (and starts its watch); unchanged cannot tell.
      expect(t.cache.unchanged({ objects: [other], resourceVersions: new Map([[refKey({ group: '', kind: 'ConfigMap', namespace: 'apps', name: 'c' }), '1']]) }, placement)).toBe(false)
      await t.clock.advance(60_001)
      expect(t.cache.unchanged(applied, placement)).toBe(false)
      await t.stop()
      expect(t.cache.unchanged(applied, placement)).toBe(false)
    })

    it('skips an object apply leaves alone (even deleted), as detectDrift does', async () => {
      const t = await started([deployment(1, '5')])
      t.streams[0]!.push({ type: 'DELETED', object: deployment(1, '6') })
      await settle()
      const excluded = { ...deployment(1, ''), metadata: { ...deployment(1, '').metadata, annotations: { 'kustomize.toolkit.fluxcd.io/reconcile': 'disabled' } } }
      expect(await agree(t, { objects: [excluded], resourceVersions: applied.resourceVersions })).toEqual({ quick: true, drifted: [] })
      await t.stop()
    })

    it('proves the first interval after an apply once watch(state) started the kind from the apply, and not an object changed before the list', async () => {
      for (const [listed, proven] of [['5', true], ['6', false]] as const) {
        const f = fakes([deployment(1, listed)])
        const cache = createAppliedObjectsCache({ client: f.client, kubeClient: f.kubeClient, clock: createFakeClock() })
        const stop = new AbortController()
        const running = cache.run(stop.signal)
        expect(cache.unchanged(applied, placement)).toBe(false)
        // Right after the apply, without any drift check having read the kind.
        cache.watch(applied)
        cache.watch(applied)
        await eventually(() => f.streams.length === 1)
        f.streams[0]!.push({ type: 'BOOKMARK', resourceVersion: listed })
        await settle()
        expect(cache.unchanged(applied, placement)).toBe(proven)
        expect(f.requests()).toBe(0)
        stop.abort()
        await running
      }
    })
  })
})
