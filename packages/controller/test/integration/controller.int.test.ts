import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFakeClock } from '@gitops-sdk/core'
import { createController } from '../../src/createController.js'
import type { ReconcileContext } from '../../src/createController.js'
import { createControllerMetrics } from '../../src/controllerMetrics.js'
import { createJsonLogger } from '../../src/createJsonLogger.js'
import { FluxReason } from '../../src/fluxReasons.js'
import { exponentialRateLimiter } from '../../src/rateLimiter.js'
import { reconcileRequestedAt, updateStatus } from '../../src/updateStatus.js'
import { EVENT_RESOURCE } from '../../src/types.js'
import { eventually, installWidgets, settle, startCluster, widget, WIDGETS } from '../helpers/cluster.js'
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

async function namespace(): Promise<string> {
  const name = `ctrl-${++n}`
  await cluster.client.create({ group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false }, { apiVersion: 'v1', kind: 'Namespace', metadata: { name } })
  return name
}

/** A reconcile that marks each Widget ready, echoes requestedAt, and records an Event. */
function markReady(seen: string[], who = 'x') {
  return async ({ object, key, client, recorder, signal, log }: ReconcileContext): Promise<undefined> => {
    seen.push(`${who} ${key}`)
    if (object === undefined) return undefined
    log.info('reconciling')
    await updateStatus(WIDGETS, { namespace: object.metadata.namespace ?? '', name: object.metadata.name }, {
      client,
      signal,
      mutate: (status) => {
        const requested = reconcileRequestedAt(object)
        return { ...status, ready: true, ...(requested === undefined ? {} : { lastHandledReconcileAt: requested }) }
      },
    })
    await recorder.record(object, { type: 'Normal', reason: FluxReason.ReconciliationSucceeded, message: 'ready' })
    return undefined
  }
}

describe('createController', () => {
  it('reconciles every object once it is added, on a requestedAt annotation, and not on its own status writes', async () => {
    const ns = await namespace()
    for (const name of ['a', 'b', 'c']) await cluster.client.create(WIDGETS, widget(name, ns))
    const seen: string[] = []
    const lines: string[] = []
    const metrics = createControllerMetrics()
    const controller = createController({
      name: 'widgets',
      resource: WIDGETS,
      client: cluster.client,
      namespace: ns,
      concurrency: 2,
      metrics,
      logger: createJsonLogger({ write: (l: string) => lines.push(l) }),
      reconcile: markReady(seen),
    })
    const stop = new AbortController()
    const running = controller.run(stop.signal)
    await eventually(() => ['a', 'b', 'c'].every((name) => (cluster.server.get({ group: 'example.com', kind: 'Widget', namespace: ns, name })?.status as { ready?: boolean } | undefined)?.ready === true))
    expect(controller.hasSynced()).toBe(true)
    const live = (await cluster.client.get(WIDGETS, { namespace: ns, name: 'b' }))!
    await cluster.client.update(WIDGETS, { ...live, metadata: { ...live.metadata, annotations: { 'reconcile.fluxcd.io/requestedAt': 'now-1' } } })
    await eventually(() => (cluster.server.get({ group: 'example.com', kind: 'Widget', namespace: ns, name: 'b' })?.status as { lastHandledReconcileAt?: string } | undefined)?.lastHandledReconcileAt === 'now-1')
    await settle(20)
    expect(seen.filter((s) => s === `x ${ns}/b`)).toHaveLength(2)
    expect(seen.filter((s) => s === `x ${ns}/a`)).toHaveLength(1)
    const events = (await cluster.client.list(EVENT_RESOURCE, { namespace: ns })).items as unknown as { reason: string; count: number }[]
    expect(events.map((e) => e.reason)).toEqual(['ReconciliationSucceeded', 'ReconciliationSucceeded', 'ReconciliationSucceeded'])
    const log = lines.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.msg === 'reconciling')
    expect(log).toMatchObject({ level: 'info', controller: 'widgets', object: expect.stringMatching(new RegExp(`^${ns}/`)), reconcileID: expect.any(String) })
    const text = await metrics.registry.metrics()
    expect(text).toContain(`gotk_reconcile_duration_seconds_count{kind="Widget",name="b",namespace="${ns}"} 2`)
    stop.abort()
    await running
    expect(controller.queue.shuttingDown).toBe(true)
  })

  it('retries a failing reconcile with back-off until it succeeds', async () => {
    const ns = await namespace()
    await cluster.client.create(WIDGETS, widget('flaky', ns))
    let attempts = 0
    const controller = createController({
      name: 'flaky',
      resource: WIDGETS,
      client: cluster.client,
      namespace: ns,
      rateLimiter: exponentialRateLimiter({ baseDelay: 1, maxDelay: 10, jitter: 0 }),
      reconcile: async () => {
        attempts++
        if (attempts < 3) throw new Error('not yet')
        return undefined
      },
    })
    const stop = new AbortController()
    const running = controller.run(stop.signal)
    await eventually(() => attempts >= 3)
    await settle(10)
    expect(controller.queue.retries(`${ns}/flaky`)).toBe(0)
    stop.abort()
    await running
  })

  it('runs workers only in the replica holding the Lease, and hands over when the leader stops', async () => {
    const ns = await namespace()
    await cluster.client.create(WIDGETS, widget('one', ns))
    const clock = createFakeClock()
    const seen: string[] = []
    const replica = (identity: string) =>
      createController({
        name: 'widgets-ha',
        resource: WIDGETS,
        client: cluster.client,
        namespace: ns,
        clock,
        leaderElection: { namespace: ns, identity, random: () => 0 },
        reconcile: markReady(seen, identity),
      })
    const a = replica('a')
    const b = replica('b')
    const stopA = new AbortController()
    const stopB = new AbortController()
    const runningA = a.run(stopA.signal)
    await eventually(() => seen.includes(`a ${ns}/one`))
    const runningB = b.run(stopB.signal)
    await eventually(() => b.hasSynced())
    await settle(20)
    expect(a.isLeader()).toBe(true)
    expect(b.isLeader()).toBe(false)
    expect(seen.filter((s) => s.startsWith('b '))).toEqual([])
    expect(cluster.server.get({ group: 'coordination.k8s.io', kind: 'Lease', namespace: ns, name: 'widgets-ha-leader-election' })?.spec).toMatchObject({ holderIdentity: 'a' })
    stopA.abort()
    await runningA
    for (let i = 0; i < 20 && !seen.includes(`b ${ns}/one`); i++) {
      await clock.advance(1000)
      await new Promise((r) => setTimeout(r, 20))
    }
    expect(seen).toContain(`b ${ns}/one`)
    expect(b.isLeader()).toBe(true)
    stopB.abort()
    await runningB
  })
})
