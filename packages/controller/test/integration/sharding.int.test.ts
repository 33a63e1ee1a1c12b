import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createInformer } from '../../src/informer.js'
import { leaseNameFor, shardOf, shardSelector } from '../../src/sharding.js'
import { CONFIGMAPS, configMap, eventually, startCluster } from '../helpers/cluster.js'
import type { TestCluster } from '../helpers/cluster.js'

let cluster: TestCluster
const stop = new AbortController()

beforeAll(async () => {
  cluster = await startCluster()
})
afterAll(async () => {
  stop.abort()
  await cluster.stop()
})

describe('sharding', () => {
  it('gives the main controller and each shard exactly their own objects', async () => {
    const ns = 'default'
    await cluster.client.create(CONFIGMAPS, configMap('plain', ns))
    await cluster.client.create(CONFIGMAPS, configMap('one', ns, { labels: { 'sharding.fluxcd.io/key': 'shard1' } }))
    await cluster.client.create(CONFIGMAPS, configMap('two', ns, { labels: { 'sharding.fluxcd.io/key': 'shard2' } }))
    const selectors = [shardSelector(), shardSelector(['shard1']), shardSelector(['shard2'])]
    expect(selectors).toEqual(['!sharding.fluxcd.io/key', 'sharding.fluxcd.io/key=shard1', 'sharding.fluxcd.io/key=shard2'])
    const informers = selectors.map((labelSelector) => createInformer(CONFIGMAPS, { client: cluster.client, namespace: ns, labelSelector }))
    for (const informer of informers) void informer.run(stop.signal)
    for (const informer of informers) await informer.waitForSync()
    await cluster.client.create(CONFIGMAPS, configMap('late', ns, { labels: { 'sharding.fluxcd.io/key': 'shard2' } }))
    await eventually(() => informers[2]!.cache.size === 2)
    expect(informers.map((i) => i.cache.list().map((o) => o.metadata.name))).toEqual([['plain'], ['one'], ['late', 'two']])
    expect(informers[1]!.cache.list().map(shardOf)).toEqual(['shard1'])
    expect(shardSelector(['b', 'a', 'b'])).toBe('sharding.fluxcd.io/key in (a,b)')
  })

  it('names one Lease per selector, stable and within 63 characters', () => {
    const names = [leaseNameFor('kustomize-controller'), leaseNameFor('kustomize-controller', shardSelector(['shard1'])), leaseNameFor('kustomize-controller', shardSelector(['shard2']))]
    expect(names[0]).toBe('kustomize-controller-leader-election')
    expect(new Set(names).size).toBe(3)
    expect(leaseNameFor('kustomize-controller', shardSelector(['shard1']))).toBe(names[1])
    expect(leaseNameFor('x'.repeat(80), 'a=b').length).toBeLessThanOrEqual(63)
  })

  it('refuses a shard name that is not a label value, naming it', () => {
    for (const bad of ['', 'a b', '-x', 'x'.repeat(64), 'a)', '__proto__']) {
      expect(() => shardSelector([bad])).toThrow(expect.objectContaining({ code: 'CONTROLLER_CONFIG_INVALID' }))
    }
  })
})
