// Start-up options, the test helpers and shutdown: plain HTTP, tokens, seeds, snapshot and reset,
// simulated controllers, and no handle left behind by stop().
import { Watch } from '@kubernetes/client-node'
import { createFakeClock } from '@gitops-sdk/core'
import { describe, expect, it } from 'vitest'
import { ApiServerError, startApiServer } from '../../src/index.js'
import { clientFor, eventually, kubeConfigFor, raw } from '../helpers/kube.js'

const deployment = (name: string, replicas = 2): { apiVersion: string; kind: string; metadata: { name: string; namespace: string }; spec: Record<string, unknown> } => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: 'default' },
  spec: {
    replicas,
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } },
  },
})

function activeHandles(): string[] {
  return process.getActiveResourcesInfo().filter((r) => r !== 'TTYWrap' && r !== 'Timeout' && r !== 'Immediate')
}

describe('startApiServer and stop', () => {
  it('frees its port, its watches and its timers on stop', async () => {
    const before = activeHandles().length
    const server = await startApiServer({ controllers: 'ready', readyDelayMs: 60_000, bookmarkIntervalMs: 50 })
    const api = clientFor(server)
    await api.create(deployment('web'))
    let ended = false
    await new Watch(kubeConfigFor(server)).watch('/apis/apps/v1/deployments', { allowWatchBookmarks: 'true' }, () => undefined, () => (ended = true))
    await eventually(() => server.requests().some((r) => r.verb === 'watch') || undefined)
    await server.stop()
    await server.stop()
    await eventually(() => ended || undefined)
    await eventually(() => (activeHandles().length <= before ? true : undefined))
    await expect(raw(server, { method: 'GET', path: '/version' })).rejects.toThrow()
    expect(() => server.markReady({ group: 'apps', kind: 'Deployment', namespace: 'default', name: 'web' })).toThrow(ApiServerError)
  })

  it('serves plain HTTP without authentication when asked, with a kubeconfig client-node accepts', async () => {
    const server = await startApiServer({ tls: false, authentication: false })
    try {
      expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/)
      expect(server.token).toBeUndefined()
      expect(server.kubeconfig().clusters[0]?.skipTLSVerify).toBe(true)
      expect(server.kubeconfigYaml()).toContain('insecure-skip-tls-verify: true')
      const list = await clientFor(server).list('v1', 'Namespace', '')
      expect(list.items.map((n) => n.metadata.name)).toEqual(['default', 'kube-node-lease', 'kube-public', 'kube-system'])
      expect((await raw(server, { method: 'GET', path: '/api', token: '' })).json()).toEqual({
        kind: 'APIVersions',
        versions: ['v1'],
        serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${server.port}` }],
      })
    } finally {
      await server.stop()
    }
  })

  it('accepts only the configured tokens and refuses non-loopback hosts', async () => {
    const server = await startApiServer({ tokens: ['alpha', 'beta'] })
    try {
      expect(server.token).toBe('alpha')
      expect((await raw(server, { method: 'GET', path: '/version', token: 'beta' })).status).toBe(200)
      expect((await raw(server, { method: 'GET', path: '/version', token: 'gamma' })).status).toBe(401)
    } finally {
      await server.stop()
    }
    await expect(startApiServer({ host: '0.0.0.0' as never })).rejects.toMatchObject({ code: 'APISERVER_HOST_NOT_LOOPBACK' })
    await expect(startApiServer({ signal: AbortSignal.abort(new Error('stop')) })).rejects.toThrow('stop')
  })

  it('makes uids, names and timestamps reproducible with a seed and a clock', async () => {
    const clock = createFakeClock(new Date('2026-03-01T12:00:00.500Z'))
    const uids: string[] = []
    for (let i = 0; i < 2; i++) {
      const server = await startApiServer({ seed: 7, clock })
      // Raw, because client-node turns timestamps into Dates.
      const answer = await raw(server, { method: 'POST', path: '/api/v1/namespaces/default/configmaps', body: JSON.stringify({ metadata: { generateName: 'app-' } }), contentType: 'application/json' })
      const made = answer.json() as { metadata: Record<string, string> }
      uids.push(`${made.metadata.uid} ${made.metadata.name} ${made.metadata.creationTimestamp}`)
      await server.stop()
    }
    expect(uids[0]).toBe(uids[1])
    expect(uids[0]).toMatch(/^[0-9a-f-]{36} app-[bcdfghjklmnpqrstvwxz2456789]{5} 2026-03-01T12:00:00Z$/)
  })

  it('snapshots the store and resets to the seeded namespaces', async () => {
    const server = await startApiServer()
    try {
      const api = clientFor(server)
      await api.create({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'x', namespace: 'default' } })
      server.intercept(() => ({ status: 503 }))
      expect(server.snapshot().map((o) => `${o.kind}/${o.metadata.name}`)).toEqual(['ConfigMap/x', 'Namespace/default', 'Namespace/kube-node-lease', 'Namespace/kube-public', 'Namespace/kube-system'])
      server.reset()
      expect(server.snapshot()).toHaveLength(4)
      expect(server.requests()).toEqual([])
      expect((await raw(server, { method: 'GET', path: '/api/v1/namespaces/default/configmaps' })).status).toBe(200)
      expect(server.get({ group: '', kind: 'ConfigMap', namespace: 'default', name: 'x' })).toBeUndefined()
      expect(() => server.setStatus({ group: 'nope', kind: 'Thing', namespace: '', name: 'x' }, {})).toThrow(expect.objectContaining({ code: 'APISERVER_UNKNOWN_KIND' }) as Error)
      expect(() => server.markReady({ group: 'apps', kind: 'Deployment', namespace: 'default', name: 'x' })).toThrow(expect.objectContaining({ code: 'APISERVER_NOT_FOUND' }) as Error)
    } finally {
      await server.stop()
    }
  })

  it('simulates controllers: workloads reach a ready status after the delay', async () => {
    const server = await startApiServer({ controllers: 'ready', readyDelayMs: 20, daemonSetNodes: 3 })
    try {
      const api = clientFor(server)
      await api.create(deployment('web', 3))
      await api.create({ ...deployment('db', 2), kind: 'StatefulSet', spec: { ...deployment('db', 2).spec, serviceName: 'db' } })
      await api.create({ ...deployment('agent'), kind: 'DaemonSet', spec: { selector: deployment('agent').spec.selector, template: deployment('agent').spec.template } })
      await api.create({ apiVersion: 'batch/v1', kind: 'Job', metadata: { name: 'once', namespace: 'default' }, spec: { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'c', image: 'busybox' }] } } } })
      const status = async (kind: string, apiVersion: string, name: string): Promise<Record<string, unknown>> =>
        eventually(async () => (await api.read({ apiVersion, kind, metadata: { name, namespace: 'default' } })).status as Record<string, unknown> | undefined)
      expect(await status('Deployment', 'apps/v1', 'web')).toMatchObject({ observedGeneration: 1, replicas: 3, readyReplicas: 3, availableReplicas: 3, updatedReplicas: 3 })
      expect(await status('StatefulSet', 'apps/v1', 'db')).toMatchObject({ observedGeneration: 1, replicas: 2, readyReplicas: 2, currentRevision: expect.stringMatching(/^db-/) })
      expect(await status('DaemonSet', 'apps/v1', 'agent')).toMatchObject({ desiredNumberScheduled: 3, numberReady: 3, numberMisscheduled: 0 })
      const job = await status('Job', 'batch/v1', 'once')
      expect(job).toMatchObject({ succeeded: 1, conditions: [expect.objectContaining({ type: 'SuccessCriteriaMet', status: 'True' }), expect.objectContaining({ type: 'Complete', status: 'True' })] })
      await api.patch({ ...deployment('web'), spec: { replicas: 5 } })
      await eventually(async () => {
        const d = await api.read(deployment('web'))
        return (d.status as { observedGeneration?: number; readyReplicas?: number }).readyReplicas === 5 ? d : undefined
      })
    } finally {
      await server.stop()
    }
  })
})
