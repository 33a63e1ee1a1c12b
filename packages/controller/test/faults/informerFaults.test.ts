// Faults under an informer: watches cut at once, again and again, must not make it spin.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFakeClock } from '@gitops-sdk/core'
import { createInformer } from '../../src/informer.js'
import { CONFIGMAPS, configMap, eventually, startCluster } from '../helpers/cluster.js'
import type { TestCluster } from '../helpers/cluster.js'

let cluster: TestCluster

beforeAll(async () => {
  cluster = await startCluster()
})
afterAll(async () => {
  await cluster.stop()
})

describe('informer faults', () => {
  it('waits its back-off between watches that a proxy cuts at once, instead of spinning', async () => {
    await cluster.client.create(CONFIGMAPS, configMap('kept', 'default'))
    const clock = createFakeClock()
    const informer = createInformer(CONFIGMAPS, { client: cluster.client, namespace: 'default', clock, random: () => 0 })
    cluster.server.faults.set({ mode: 'cutWatch', namespaces: ['default'] })
    const stop = new AbortController()
    const running = informer.run(stop.signal)
    const watches = (): number => cluster.server.requests().filter((r) => r.verb === 'watch' && r.namespace === 'default').length
    try {
      await informer.waitForSync()
      await eventually(() => watches() === 1)
      await new Promise((r) => setTimeout(r, 100))
      expect(watches()).toBe(1)
      await clock.advance(800)
      await eventually(() => watches() === 2)
      expect(informer.cache.keys()).toEqual(['default/kept'])
    } finally {
      cluster.server.faults.clear()
      stop.abort()
      await running
    }
  })
})
