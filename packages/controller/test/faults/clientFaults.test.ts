// Faults of the controller client, the informer and the writers: each ends in a typed error naming
// its subject, and the objects on the server are as they were.
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFakeClock, isGitOpsError } from '@gitops-sdk/core'
import { KubeConfig } from '@kubernetes/client-node'
import { createControllerClient } from '../../src/createControllerClient.js'
import { addFinalizer } from '../../src/finalizers.js'
import { updateStatus } from '../../src/updateStatus.js'
import { CONFIGMAPS, configMap, installWidgets, startCluster, widget, WIDGETS } from '../helpers/cluster.js'
import type { TestCluster } from '../helpers/cluster.js'

let cluster: TestCluster

beforeAll(async () => {
  cluster = await startCluster()
  await installWidgets(cluster.client)
})
afterAll(async () => {
  await cluster.stop()
})

describe('controller client faults', () => {
  it('ends a request the server holds at the request timeout with CONTROLLER_REQUEST_TIMEOUT naming the object', async () => {
    await cluster.client.create(CONFIGMAPS, configMap('held', 'default'))
    const before = cluster.server.get({ group: '', kind: 'ConfigMap', namespace: 'default', name: 'held' })
    const client = await createControllerClient({ kubeConfig: cluster.kubeConfig, requestTimeout: 200 })
    cluster.server.faults.set({ mode: 'freeze', verbs: ['update'], names: ['held'] })
    try {
      await expect(client.update(CONFIGMAPS, { ...before!, data: { a: 'changed' } })).rejects.toMatchObject({
        code: 'CONTROLLER_REQUEST_TIMEOUT',
        message: expect.stringMatching(/^ConfigMap\/default\/held: PUT /),
      })
    } finally {
      cluster.server.faults.clear()
      client.close()
    }
    expect(cluster.server.get({ group: '', kind: 'ConfigMap', namespace: 'default', name: 'held' })).toEqual(before)
  })

  it('rejects with the caller\'s abort reason, untouched, when its signal aborts', async () => {
    const reason = new Error('caller stopped')
    cluster.server.faults.set({ mode: 'freeze', verbs: ['get'], names: ['slow'] })
    try {
      const controller = new AbortController()
      const pending = cluster.client.get(CONFIGMAPS, { namespace: 'default', name: 'slow' }, { signal: controller.signal })
      controller.abort(reason)
      await expect(pending).rejects.toBe(reason)
    } finally {
      cluster.server.faults.clear()
    }
  })

  it('refuses an answer larger than maxResponseBytes with CONTROLLER_RESPONSE_TOO_LARGE', async () => {
    for (let i = 0; i < 5; i++) await cluster.client.create(CONFIGMAPS, configMap(`big-${i}`, 'default', { data: { blob: 'x'.repeat(2000) } }))
    const client = await createControllerClient({ kubeConfig: cluster.kubeConfig, maxResponseBytes: 4096 })
    try {
      await expect(client.list(CONFIGMAPS, { namespace: 'default' })).rejects.toMatchObject({ code: 'CONTROLLER_RESPONSE_TOO_LARGE', message: expect.stringMatching(/^ConfigMap in namespace default: /) })
    } finally {
      client.close()
    }
  })

  it('reports a server that is not there as CONTROLLER_UNREACHABLE naming the subject and the server', async () => {
    const probe = createServer()
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r))
    const port = (probe.address() as AddressInfo).port
    await new Promise<void>((r) => probe.close(() => r()))
    const kubeConfig = new KubeConfig()
    kubeConfig.loadFromOptions({
      clusters: [{ name: 'c', server: `http://127.0.0.1:${port}`, skipTLSVerify: true }],
      users: [{ name: 'u', token: 'secret-token-value' }],
      contexts: [{ name: 'x', cluster: 'c', user: 'u' }],
      currentContext: 'x',
    })
    const client = await createControllerClient({ kubeConfig })
    const error = await client.get(CONFIGMAPS, { namespace: 'default', name: 'x' }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'CONTROLLER_UNREACHABLE', message: expect.stringMatching(new RegExp(`^ConfigMap/default/x: GET failed: http://127.0.0.1:${port} is unreachable`)) })
    // The token never reaches an error.
    expect(JSON.stringify(isGitOpsError(error) ? error.toJSON() : error)).not.toContain('secret-token-value')
    expect((error as Error).message).not.toContain('secret-token-value')
  })

  it('refuses a KubeConfig whose context names no cluster, and programmer errors before any request', async () => {
    const kubeConfig = new KubeConfig()
    kubeConfig.loadFromOptions({ clusters: [], users: [{ name: 'u' }], contexts: [{ name: 'x', cluster: 'missing', user: 'u' }], currentContext: 'x' })
    await expect(createControllerClient({ kubeConfig })).rejects.toMatchObject({ code: 'CONTROLLER_CONFIG_INVALID', message: expect.stringMatching(/^kubeconfig: context "x" names no cluster/) })
    await expect(createControllerClient({})).rejects.toThrow(TypeError)
    await expect(createControllerClient({ kubeConfig: cluster.kubeConfig, requestTimeout: -1 })).rejects.toThrow(TypeError)
  })

  it('gives up a status write conflicting on every attempt with CONTROLLER_STATUS_CONFLICT, leaving the status as it was', async () => {
    const w = await cluster.client.create(WIDGETS, widget('storm', 'default'))
    await updateStatus(WIDGETS, { namespace: 'default', name: 'storm' }, { client: cluster.client, mutate: () => ({ phase: 'old' }) })
    const before = cluster.server.get({ group: 'example.com', kind: 'Widget', namespace: 'default', name: 'storm' })
    cluster.server.faults.set({ mode: 'conflict', verbs: ['update'], resources: ['widgets.example.com'] })
    const clock = createFakeClock()
    const pending = updateStatus(WIDGETS, { namespace: 'default', name: w.metadata.name }, { client: cluster.client, clock, retries: 2, mutate: () => ({ phase: 'new' }) }).catch((e: unknown) => e)
    for (let i = 0; i < 40; i++) {
      await clock.advance(50)
      await new Promise((r) => setTimeout(r, 5))
    }
    cluster.server.faults.clear()
    expect(await pending).toMatchObject({ code: 'CONTROLLER_STATUS_CONFLICT', message: expect.stringMatching(/^Widget\/default\/storm: /) })
    expect(cluster.server.get({ group: 'example.com', kind: 'Widget', namespace: 'default', name: 'storm' })).toEqual(before)
  })

  it('refuses a finalizer patch from a stale object with CONTROLLER_CONFLICT, keeping the finalizers on the server', async () => {
    const w = await cluster.client.create(WIDGETS, { ...widget('stale', 'default'), metadata: { name: 'stale', namespace: 'default', finalizers: ['keep.io/a'] } })
    const fresh = await cluster.client.update(WIDGETS, { ...w, metadata: { ...w.metadata, finalizers: ['keep.io/a', 'keep.io/b'] } })
    await expect(addFinalizer(WIDGETS, w, { finalizer: 'mine.io/x', client: cluster.client })).rejects.toMatchObject({ code: 'CONTROLLER_CONFLICT', message: expect.stringMatching(/^Widget\/default\/stale: patch failed/) })
    expect(cluster.server.get({ group: 'example.com', kind: 'Widget', namespace: 'default', name: 'stale' })?.metadata.finalizers).toEqual(fresh.metadata.finalizers)
  })
})
