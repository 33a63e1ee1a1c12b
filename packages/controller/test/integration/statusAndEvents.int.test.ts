import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFakeClock } from '@gitops-sdk/core'
import { createEventRecorder } from '../../src/eventRecorder.js'
import { addFinalizer, hasFinalizer, removeFinalizer } from '../../src/finalizers.js'
import { FluxReason } from '../../src/fluxReasons.js'
import { reconcileRequestedAt, updateStatus } from '../../src/updateStatus.js'
import { EVENT_RESOURCE } from '../../src/types.js'
import { installWidgets, startCluster, widget, WIDGETS } from '../helpers/cluster.js'
import type { TestCluster } from '../helpers/cluster.js'

let cluster: TestCluster
let n = 0

beforeAll(async () => {
  cluster = await startCluster()
  await installWidgets(cluster.client)
})
afterAll(async () => {
  await cluster.stop()
})

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- Event bodies are read loosely here
type EventBody = Record<string, any>

async function events(namespace: string): Promise<EventBody[]> {
  const page = await cluster.client.list(EVENT_RESOURCE, { namespace })
  return page.items as unknown as EventBody[]
}

describe('createEventRecorder', () => {
  it('writes a core/v1 Event, then counts an equal one on it with lastTimestamp and series', async () => {
    const clock = createFakeClock()
    const w = await cluster.client.create(WIDGETS, widget(`w${++n}`, 'default'))
    const recorder = createEventRecorder({ client: cluster.client, component: 'widget-controller', instance: 'pod-a', clock })
    const init = { type: 'Normal', reason: FluxReason.ReconciliationSucceeded, message: 'Applied revision: main@sha1:abc' } as const
    expect(await recorder.record(w, init)).toBe('created')
    await clock.advance(60_000)
    expect(await recorder.record(w, init)).toBe('updated')
    expect(await recorder.record(w, { ...init, annotations: { 'kustomize.toolkit.fluxcd.io/revision': 'main@sha1:abc' } })).toBe('updated')
    const mine = (await events('default')).filter((e) => e.involvedObject.name === w.metadata.name)
    expect(mine).toHaveLength(1)
    expect(mine[0]).toMatchObject({
      type: 'Normal',
      reason: 'ReconciliationSucceeded',
      message: 'Applied revision: main@sha1:abc',
      count: 3,
      firstTimestamp: '2026-01-01T00:00:00Z',
      lastTimestamp: '2026-01-01T00:01:00Z',
      series: { count: 3, lastObservedTime: '2026-01-01T00:01:00.000000Z' },
      source: { component: 'widget-controller', host: 'pod-a' },
      reportingComponent: 'widget-controller',
      involvedObject: { apiVersion: 'example.com/v1', kind: 'Widget', name: w.metadata.name, namespace: 'default', uid: w.metadata.uid },
    })
  })

  it('combines more than ten similar Events in ten minutes into one, as client-go does', async () => {
    const w = await cluster.client.create(WIDGETS, widget(`w${++n}`, 'default'))
    const recorder = createEventRecorder({ client: cluster.client, component: 'widget-controller', clock: createFakeClock() })
    for (let i = 0; i < 14; i++) await recorder.record(w, { type: 'Warning', reason: FluxReason.ReconciliationFailed, message: `attempt ${i} failed` })
    const mine = (await events('default')).filter((e) => e.involvedObject.name === w.metadata.name)
    expect(mine).toHaveLength(10)
    const combined = mine.find((e) => String(e.message).startsWith('(combined from similar events): '))
    expect(combined).toMatchObject({ count: 5, message: '(combined from similar events): attempt 13 failed' })
  })

  it('drops Events past the per-object burst until the bucket refills on its clock', async () => {
    const clock = createFakeClock()
    const w = await cluster.client.create(WIDGETS, widget(`w${++n}`, 'default'))
    const recorder = createEventRecorder({ client: cluster.client, component: 'widget-controller', clock, burst: 2, refillInterval: 60_000 })
    const init = { type: 'Normal', reason: 'Progressing', message: 'working' } as const
    expect([await recorder.record(w, init), await recorder.record(w, init), await recorder.record(w, init)]).toEqual(['created', 'updated', 'dropped'])
    await clock.advance(60_000)
    expect(await recorder.record(w, init)).toBe('updated')
  })

  it('creates the Event anew when the one it counted on was deleted, and never throws on a failed write', async () => {
    const w = await cluster.client.create(WIDGETS, widget(`w${++n}`, 'default'))
    const errors: unknown[] = []
    const recorder = createEventRecorder({ client: cluster.client, component: 'c', clock: createFakeClock(), onError: (e) => errors.push(e) })
    const init = { type: 'Normal', reason: 'Progressing', message: 'again' } as const
    await recorder.record(w, init)
    const [first] = (await events('default')).filter((e) => e.involvedObject.name === w.metadata.name)
    await cluster.client.delete(EVENT_RESOURCE, { namespace: 'default', name: first!.metadata.name })
    expect(await recorder.record(w, init)).toBe('created')
    cluster.server.faults.set({ mode: 'error', status: 500, resources: ['events'] })
    expect(await recorder.record(w, { ...init, message: 'other' })).toBe('failed')
    cluster.server.faults.clear()
    expect(errors).toHaveLength(1)
    expect(errors[0]).toMatchObject({ code: 'CONTROLLER_API_ERROR' })
  })
})

describe('updateStatus', () => {
  it('writes the status subresource with observedGeneration, leaving the spec alone', async () => {
    const w = await cluster.client.create(WIDGETS, widget(`w${++n}`, 'default', { size: 1 }))
    await cluster.client.update(WIDGETS, { ...w, spec: { size: 2 } })
    const written = await updateStatus(WIDGETS, { namespace: 'default', name: w.metadata.name }, {
      client: cluster.client,
      mutate: (status, live) => ({ ...status, ready: true, seenSize: (live.spec as { size: number }).size }),
    })
    expect(written?.status).toEqual({ ready: true, seenSize: 2, observedGeneration: 2 })
    expect(cluster.server.requests().at(-1)).toMatchObject({ method: 'PUT', subresource: 'status' })
  })

  it('reads again and re-applies its change after a conflict, up to its retries, then fails naming the object', async () => {
    const w = await cluster.client.create(WIDGETS, widget(`w${++n}`, 'default'))
    const clock = createFakeClock()
    let calls = 0
    cluster.server.faults.set({ mode: 'conflict', verbs: ['update'], resources: ['widgets.example.com'], times: 2 })
    const pending = updateStatus(WIDGETS, { namespace: 'default', name: w.metadata.name }, { client: cluster.client, clock, mutate: (s) => ((calls += 1), { ...s, n: calls }) })
    for (let i = 0; i < 50 && calls < 3; i++) {
      await clock.advance(100)
      await new Promise((r) => setTimeout(r, 5))
    }
    expect((await pending)?.status).toMatchObject({ n: 3 })
    cluster.server.faults.set({ mode: 'conflict', verbs: ['update'], resources: ['widgets.example.com'] })
    const failing = updateStatus(WIDGETS, { namespace: 'default', name: w.metadata.name }, { client: cluster.client, clock, retries: 1, mutate: (s) => s })
    const outcome = failing.catch((e: unknown) => e)
    for (let i = 0; i < 50; i++) {
      await clock.advance(100)
      await new Promise((r) => setTimeout(r, 5))
    }
    const error = await outcome
    cluster.server.faults.clear()
    expect(error).toMatchObject({ code: 'CONTROLLER_STATUS_CONFLICT', message: expect.stringMatching(new RegExp(`^Widget/default/${w.metadata.name}: status not written`)) })
  })

  it('returns undefined for an object that is gone and reads the requestedAt annotation', async () => {
    expect(await updateStatus(WIDGETS, { namespace: 'default', name: 'nope' }, { client: cluster.client, mutate: (s) => s })).toBeUndefined()
    const o = widget('x', 'default')
    expect(reconcileRequestedAt(o)).toBeUndefined()
    expect(reconcileRequestedAt({ ...o, metadata: { ...o.metadata, annotations: { 'reconcile.fluxcd.io/requestedAt': '2026-01-01T00:00:00Z' } } })).toBe('2026-01-01T00:00:00Z')
  })
})

describe('finalizers', () => {
  it('adds and removes a finalizer, keeping others, and refuses a stale object with CONTROLLER_CONFLICT', async () => {
    const w = await cluster.client.create(WIDGETS, { ...widget(`w${++n}`, 'default'), metadata: { name: `w${n}`, namespace: 'default', finalizers: ['other.io/keep'] } })
    const added = await addFinalizer(WIDGETS, w, { finalizer: 'example.com/cleanup', client: cluster.client })
    expect(added.metadata.finalizers).toEqual(['other.io/keep', 'example.com/cleanup'])
    expect(await addFinalizer(WIDGETS, added, { finalizer: 'example.com/cleanup', client: cluster.client })).toBe(added)
    // `w` is stale now: patching from it would drop the finalizer just added.
    await expect(removeFinalizer(WIDGETS, { ...w, metadata: { ...w.metadata, finalizers: ['other.io/keep', 'example.com/cleanup'] } }, { finalizer: 'other.io/keep', client: cluster.client })).rejects.toMatchObject({ code: 'CONTROLLER_CONFLICT' })
    const removed = await removeFinalizer(WIDGETS, added, { finalizer: 'example.com/cleanup', client: cluster.client })
    expect(removed.metadata.finalizers).toEqual(['other.io/keep'])
    expect(hasFinalizer(removed, 'example.com/cleanup')).toBe(false)
  })
})
