// Consistent-hash sharding against the embedded apiserver: two controllers in this process, each
// with its own member Lease; one stops renewing and the other takes over its keys. The shardings
// run on a fake clock moved by the test; the controllers on the real one.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFakeClock } from '@gitops-sdk/core'
import type { ControllerClient } from '../../src/controllerClient.js'
import { createController } from '../../src/createController.js'
import { ControllerError } from '../../src/errors.js'
import { createHashSharding, HASH_SHARD_GROUP_LABEL, hashShardOwner as rendezvousOwner } from '../../src/hashSharding.js'
import { CONFIGMAPS, configMap, eventually, NAMESPACES, settle, startCluster, trackedClient } from '../helpers/cluster.js'
import type { TestCluster } from '../helpers/cluster.js'
import { LEASE_RESOURCE } from '../../src/types.js'

let cluster: TestCluster
const ns = 'hash-shards'
const NAMES = Array.from({ length: 12 }, (_, i) => `cm-${i}`)
const KEYS = NAMES.map((n) => `${ns}/${n}`)

beforeAll(async () => {
  cluster = await startCluster()
  await cluster.client.create(NAMESPACES, { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } })
  for (const name of NAMES) await cluster.client.create(CONFIGMAPS, configMap(name, ns))
})
afterAll(async () => {
  await cluster.stop()
})

/** A client that fails every request while `down()` holds, as a replica cut off from the apiserver. */
function cutOff(client: ControllerClient, down: () => boolean): ControllerClient {
  const check = (): void => {
    if (down()) throw new ControllerError({ code: 'CONTROLLER_UNREACHABLE', message: `${client.server}: unreachable` })
  }
  return {
    ...client,
    get: async (...a) => (check(), client.get(...a)),
    create: async (...a) => (check(), client.create(...a)),
    update: async (...a) => (check(), client.update(...a)),
    list: async (...a) => (check(), client.list(...a)),
    delete: async (...a) => (check(), client.delete(...a)),
  }
}

describe('hash sharding of two in-process controllers', () => {
  it('splits the keys, and hands the keys of a member that stops renewing to the other once its Lease lapsed', async () => {
    const clock = createFakeClock()
    const tracked = trackedClient(cluster.client)
    const seen: string[] = []
    const aborted: string[] = []
    let cut = false
    const stop = new AbortController()
    const timings = { leaseDuration: 2_000, renewDeadline: 1_500, retryPeriod: 500 }
    const replicas = ['a', 'b'].map((identity) => {
      const sharding = createHashSharding({ client: cutOff(tracked.client, () => cut && identity === 'b'), namespace: ns, group: 'cms', identity, clock, random: () => 0, ...timings })
      const hold = KEYS.find((k) => rendezvousOwner(['a', 'b'], k) === 'b')
      const controller = createController({
        name: 'cms',
        resource: CONFIGMAPS,
        client: cluster.client,
        namespace: ns,
        sharding,
        reconcile: async ({ key, signal }) => {
          seen.push(`${identity} ${key}`)
          // b holds one of its keys in flight until its work is stopped.
          if (identity === 'b' && key === hold && cut) await new Promise((done) => signal.addEventListener('abort', done, { once: true }))
          if (signal.aborted) {
            aborted.push(`${identity} ${key}`)
            throw signal.reason
          }
          return undefined
        },
      })
      return { identity, sharding, controller, done: Promise.all([sharding.run(stop.signal), controller.run(stop.signal)]) }
    })
    const [a, b] = replicas as [(typeof replicas)[number], (typeof replicas)[number]]
    const advance = async (ms: number): Promise<void> => {
      for (let t = 0; t < ms; t += 250) {
        await eventually(() => tracked.inFlight() === 0)
        await settle()
        await clock.advance(250)
        await settle()
        await eventually(() => tracked.inFlight() === 0)
        for (const key of KEYS) expect(replicas.filter((r) => r.sharding.owns(key)).length, key).toBeLessThanOrEqual(1)
      }
    }
    await eventually(() => a.controller.hasSynced() && b.controller.hasSynced())
    await advance(3_000)
    const ofB = KEYS.filter((k) => rendezvousOwner(['a', 'b'], k) === 'b')
    expect(ofB.length).toBeGreaterThan(0)
    expect(ofB.length).toBeLessThan(KEYS.length)
    await eventually(() => new Set(seen.map((s) => s.split(' ')[1])).size === KEYS.length)
    // Every key reconciled once, by its owner.
    expect([...seen].sort()).toEqual(KEYS.map((k) => `${ofB.includes(k) ? 'b' : 'a'} ${k}`).sort())
    const leases = (await cluster.client.list(LEASE_RESOURCE, { namespace: ns, labelSelector: `${HASH_SHARD_GROUP_LABEL}=cms` })).items
    expect(leases.map((l) => (l.spec as { holderIdentity: string }).holderIdentity).sort()).toEqual(['a', 'b'])

    // b is cut off, while one of its keys is in flight.
    cut = true
    const held = ofB[0]!
    const live = (await cluster.client.get(CONFIGMAPS, { namespace: ns, name: held.slice(ns.length + 1) }))!
    await cluster.client.update(CONFIGMAPS, { ...live, metadata: { ...live.metadata, labels: { touched: 'yes' } } })
    await eventually(() => seen.filter((s) => s === `b ${held}`).length === 2)
    const mark = seen.length
    await advance(1_750)
    // Past its renew deadline b has stopped that work and owns nothing.
    expect(aborted).toEqual([`b ${held}`])
    expect(ofB.filter((k) => b.sharding.owns(k))).toEqual([])
    await advance(1_500)
    expect(KEYS.every((k) => a.sharding.owns(k))).toBe(true)
    await eventually(() => ofB.every((k) => seen.slice(mark).includes(`a ${k}`)))
    expect(seen.slice(mark).filter((s) => s.startsWith('b '))).toEqual([])
    expect(seen.slice(mark).sort()).toEqual(ofB.map((k) => `a ${k}`).sort())
    // b's lapsed Lease was removed by a.
    const after = (await cluster.client.list(LEASE_RESOURCE, { namespace: ns, labelSelector: `${HASH_SHARD_GROUP_LABEL}=cms` })).items
    expect(after.map((l) => (l.spec as { holderIdentity: string }).holderIdentity)).toEqual(['a'])
    stop.abort()
    await clock.advance(0)
    await Promise.all(replicas.map((r) => r.done))
    expect((await cluster.client.list(LEASE_RESOURCE, { namespace: ns })).items).toEqual([])
  })
})
