import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { createFakeClock } from '@gitops-sdk/core'
import type { FakeClock } from '@gitops-sdk/core'
import { createLeaderElector } from '../../src/leaderElection.js'
import type { LeaderElector, LeaderElectionOutcome } from '../../src/leaderElection.js'
import { LEASE_RESOURCE } from '../../src/types.js'
import { eventually, settle, startCluster, trackedClient } from '../helpers/cluster.js'
import type { TestCluster } from '../helpers/cluster.js'

let cluster: TestCluster
let n = 0
const stops: AbortController[] = []

beforeAll(async () => {
  cluster = await startCluster()
})
afterEach(() => {
  cluster.server.faults.clear()
  for (const s of stops.splice(0)) s.abort()
})
afterAll(async () => {
  await cluster.stop()
})

interface Replica {
  readonly elector: LeaderElector
  readonly log: string[]
  readonly stop: AbortController
  readonly done: Promise<LeaderElectionOutcome>
  workSignal(): AbortSignal | undefined
}

/** Sends every request, then moves the fake clock in steps, letting I/O finish between steps. */
async function advance(clock: FakeClock, inFlight: () => number, ms: number, step = 500): Promise<void> {
  for (let done = 0; done < ms; done += step) {
    await quiet(inFlight)
    await clock.advance(Math.min(step, ms - done))
    await quiet(inFlight)
  }
}

async function quiet(inFlight: () => number): Promise<void> {
  await settle()
  await eventually(() => inFlight() <= cluster.server.faults.held)
  await settle()
}

function lease(name: string): { holderIdentity: string; leaseDurationSeconds: number; leaseTransitions: number; acquireTime: string; renewTime: string } {
  return cluster.server.get({ group: 'coordination.k8s.io', kind: 'Lease', namespace: 'default', name })?.spec as never
}

describe('createLeaderElector', () => {
  function replica(name: string, identity: string, clock: FakeClock, client = trackedClient(cluster.client).client): Replica {
    const log: string[] = []
    const stop = new AbortController()
    stops.push(stop)
    let work: AbortSignal | undefined
    const elector = createLeaderElector({
      client,
      namespace: 'default',
      name,
      identity,
      clock,
      random: () => 0,
      onStartedLeading: (signal) => {
        work = signal
        log.push(`started ${clock.now().getTime()}`)
      },
      onStoppedLeading: () => log.push(`stopped ${clock.now().getTime()}`),
      onNewLeader: (who) => log.push(`leader ${who}`),
    })
    return { elector, log, stop, done: elector.run(stop.signal), workSignal: () => work }
  }

  it('lets one of two replicas lead, writes client-go\'s Lease fields, renews every retry period, and hands over on a graceful stop', async () => {
    const name = `lease-${++n}`
    const clock = createFakeClock()
    const tracked = trackedClient(cluster.client)
    const a = replica(name, 'a', clock, tracked.client)
    await eventually(() => a.elector.isLeader())
    const b = replica(name, 'b', clock, tracked.client)
    await quiet(tracked.inFlight)
    expect(b.elector.isLeader()).toBe(false)
    expect(b.elector.leader()).toBe('a')
    const first = lease(name)
    expect(first).toMatchObject({ holderIdentity: 'a', leaseDurationSeconds: 35, leaseTransitions: 0 })
    expect(first.acquireTime).toBe('2026-01-01T00:00:00.000000Z')
    expect(first.renewTime).toBe(first.acquireTime)

    await advance(clock, tracked.inFlight, 5000)
    expect(lease(name)).toMatchObject({ holderIdentity: 'a', acquireTime: '2026-01-01T00:00:00.000000Z', renewTime: '2026-01-01T00:00:05.000000Z', leaseTransitions: 0 })

    a.stop.abort()
    await expect(a.done).resolves.toBe('stopped')
    expect(a.workSignal()?.aborted).toBe(true)
    expect(lease(name)).toMatchObject({ holderIdentity: '', leaseTransitions: 0 })
    // The released Lease is free at once: b takes it on its next retry, not a lease duration later.
    await advance(clock, tracked.inFlight, 5000)
    expect(b.elector.isLeader()).toBe(true)
    expect(lease(name)).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 })
    expect(a.log).toEqual(['leader a', 'started 1767225600000', 'stopped 1767225605000'])
  })

  it('judges expiry on the local clock from the last observed change, not from the Lease\'s timestamps', async () => {
    const name = `lease-${++n}`
    const clock = createFakeClock()
    const tracked = trackedClient(cluster.client)
    // A holder whose renewTime is years old and one far in the future: neither counts.
    await cluster.client.create(LEASE_RESOURCE, {
      apiVersion: 'coordination.k8s.io/v1',
      kind: 'Lease',
      metadata: { name, namespace: 'default' },
      spec: { holderIdentity: 'ghost', leaseDurationSeconds: 35, renewTime: '2001-01-01T00:00:00.000000Z', acquireTime: '2001-01-01T00:00:00.000000Z', leaseTransitions: 4 },
    })
    const b = replica(name, 'b', clock, tracked.client)
    await quiet(tracked.inFlight)
    expect(b.elector.isLeader()).toBe(false)
    await advance(clock, tracked.inFlight, 20_000)
    // The ghost renews (its record changes): b's wait starts again from now.
    const live = (await cluster.client.get(LEASE_RESOURCE, { namespace: 'default', name }))!
    await cluster.client.update(LEASE_RESOURCE, { ...live, spec: { ...(live.spec as object), renewTime: '2099-01-01T00:00:00.000000Z' } })
    await advance(clock, tracked.inFlight, 30_000)
    expect(b.elector.isLeader()).toBe(false)
    await advance(clock, tracked.inFlight, 10_000)
    expect(b.elector.isLeader()).toBe(true)
    expect(lease(name)).toMatchObject({ holderIdentity: 'b', leaseTransitions: 5 })
  })

  it('stops the work of a leader that cannot renew within its renew deadline before another replica may acquire', async () => {
    const name = `lease-${++n}`
    const clock = createFakeClock()
    const tracked = trackedClient(cluster.client)
    const a = replica(name, 'a', clock, tracked.client)
    await eventually(() => a.elector.isLeader())
    const b = replica(name, 'b', clock, tracked.client)
    await quiet(tracked.inFlight)
    // Lease writes hang from now on (an overloaded or partitioned apiserver).
    cluster.server.faults.set({ mode: 'freeze', verbs: ['update'], resources: ['leases.coordination.k8s.io'] })
    await advance(clock, tracked.inFlight, 29_500)
    expect(cluster.server.faults.held).toBeGreaterThan(0)
    expect(a.elector.isLeader()).toBe(true)
    await advance(clock, tracked.inFlight, 500)
    await expect(a.done).resolves.toBe('lost')
    expect(a.workSignal()?.aborted).toBe(true)
    expect(a.log).toContain('stopped 1767225630000')
    // Not released: a could not write. b still sees a's record.
    expect(lease(name)).toMatchObject({ holderIdentity: 'a' })
    cluster.server.faults.clear()
    await advance(clock, tracked.inFlight, 4_500)
    expect(b.elector.isLeader()).toBe(false)
    await advance(clock, tracked.inFlight, 6_000)
    expect(b.elector.isLeader()).toBe(true)
    const started = Number(b.log.find((l) => l.startsWith('started'))?.split(' ')[1])
    expect(started).toBeGreaterThanOrEqual(1767225600000 + 35_000)
    expect(lease(name)).toMatchObject({ holderIdentity: 'b', leaseTransitions: 1 })
  })

  it('refuses durations that break client-go\'s ordering before touching the Lease', () => {
    const base = { client: cluster.client, namespace: 'default', name: 'x', identity: 'a', onStartedLeading: () => undefined }
    expect(() => createLeaderElector({ ...base, leaseDuration: 30_000, renewDeadline: 30_000 })).toThrow(/leaseDuration must be greater/)
    expect(() => createLeaderElector({ ...base, renewDeadline: 5_000, retryPeriod: 5_000 })).toThrow(/1.2/)
    expect(() => createLeaderElector({ ...base, identity: '' })).toThrow(TypeError)
  })
})
