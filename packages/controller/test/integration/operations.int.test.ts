import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createFakeClock } from '@gitops-sdk/core'
import { startApiServer } from '@gitops-sdk/apiserver'
import type { ApiServer } from '@gitops-sdk/apiserver'
import { createControllerClient } from '../../src/createControllerClient.js'
import { createControllerMetrics } from '../../src/controllerMetrics.js'
import { createJsonLogger } from '../../src/createJsonLogger.js'
import { loadInClusterConfig } from '../../src/loadInClusterConfig.js'
import { serveOperations } from '../../src/serveOperations.js'
import { createWorkQueue } from '../../src/workQueue.js'
import { CONFIGMAPS } from '../helpers/cluster.js'

describe('serveOperations', () => {
  it('answers /healthz and /readyz from their checks and /metrics with the controller metrics in Prometheus text', async () => {
    const metrics = createControllerMetrics()
    const queue = createWorkQueue({ metrics: metrics.queueHooks('widgets') })
    queue.add('a')
    queue.addRateLimited('b')
    metrics.setLeading('widget-controller-leader-election', true)
    metrics.observeReconcile({ kind: 'Widget', name: 'web', namespace: 'apps' }, { seconds: 0.2, controller: 'widget', result: 'success' })
    let synced = false
    const ops = await serveOperations({ registry: metrics.registry, healthz: { ping: () => true }, readyz: { informers: () => synced } })
    try {
      expect(await (await fetch(`${ops.url}/healthz`)).text()).toBe('ok')
      const notReady = await fetch(`${ops.url}/readyz`)
      expect(notReady.status).toBe(500)
      expect(await notReady.text()).toContain('[-]informers failed')
      synced = true
      expect((await fetch(`${ops.url}/readyz`)).status).toBe(200)
      const text = await (await fetch(`${ops.url}/metrics`)).text()
      expect(text).toContain('workqueue_depth{name="widgets"} 1')
      expect(text).toContain('workqueue_adds_total{name="widgets"} 1')
      expect(text).toContain('workqueue_retries_total{name="widgets"} 1')
      expect(text).toContain('leader_election_master_status{name="widget-controller-leader-election"} 1')
      expect(text).toContain('gotk_reconcile_duration_seconds_bucket{le="0.25",kind="Widget",name="web",namespace="apps"} 1')
      expect(text).toContain('controller_runtime_reconcile_total{controller="widget",result="success"} 1')
      expect((await fetch(`${ops.url}/nothing`)).status).toBe(404)
    } finally {
      await ops.close()
    }
  })

  it('fails with CONTROLLER_LISTEN_FAILED naming an address already in use', async () => {
    const first = await serveOperations()
    const port = new URL(first.url).port
    await expect(serveOperations({ address: `127.0.0.1:${port}` })).rejects.toMatchObject({ code: 'CONTROLLER_LISTEN_FAILED', message: expect.stringMatching(new RegExp(`^127.0.0.1:${port}: cannot listen`)) })
    await first.close()
    await expect(serveOperations({ address: 'nope' })).rejects.toThrow(TypeError)
  })
})

describe('createJsonLogger', () => {
  it('writes one JSON object per line with level, ts, msg, carried controller, object and reconcileID', () => {
    const lines: string[] = []
    const log = createJsonLogger({ write: (l: string) => lines.push(l) }, { clock: createFakeClock(), fields: { controller: 'widget' }, level: 'info' })
    log.with({ object: 'apps/web', reconcileID: 'r-1' }).info('reconciled', { msg: 'shadow', error: new Error('boom') })
    log.debug('hidden')
    expect(lines.map((l) => JSON.parse(l) as unknown)).toEqual([
      { level: 'info', ts: '2026-01-01T00:00:00.000Z', msg: 'reconciled', controller: 'widget', object: 'apps/web', reconcileID: 'r-1', 'field.msg': 'shadow', error: 'boom' },
    ])
  })
})

describe('loadInClusterConfig', () => {
  let server: ApiServer
  let dir: string
  beforeAll(async () => {
    server = await startApiServer({ tokens: ['new-token'] })
    dir = mkdtempSync(join(tmpdir(), 'gitops-incluster-'))
  })
  afterAll(async () => {
    await server.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('reaches the server from the service account files and reads a rotated token after a 401', async () => {
    const ca = Buffer.from(server.kubeconfig().clusters[0]!.caData!, 'base64').toString('utf8')
    writeFileSync(join(dir, 'ca.crt'), ca)
    writeFileSync(join(dir, 'token'), 'old-token\n')
    writeFileSync(join(dir, 'namespace'), 'flux-system\n')
    const config = await loadInClusterConfig({
      env: { KUBERNETES_SERVICE_HOST: '127.0.0.1', KUBERNETES_SERVICE_PORT: String(server.port) },
      tokenFile: join(dir, 'token'),
      caFile: join(dir, 'ca.crt'),
      namespaceFile: join(dir, 'namespace'),
    })
    expect(config).toMatchObject({ server: `https://127.0.0.1:${server.port}`, namespace: 'flux-system' })
    const client = await createControllerClient({ inCluster: config })
    try {
      const refused = await client.list(CONFIGMAPS, { namespace: 'default' }).catch((e: unknown) => e)
      expect(refused).toMatchObject({ code: 'CONTROLLER_API_ERROR', details: { status: 401 } })
      expect(JSON.stringify(refused)).not.toContain('old-token')
      writeFileSync(join(dir, 'token'), 'new-token\n')
      await expect(client.list(CONFIGMAPS, { namespace: 'default' })).resolves.toMatchObject({ items: [] })
    } finally {
      client.close()
    }
  })

  it('re-reads the token file once its refresh period passed on its clock', async () => {
    const clock = createFakeClock()
    let token = 'one'
    let reads = 0
    const config = await loadInClusterConfig({
      env: { KUBERNETES_SERVICE_HOST: 'fd00::1', KUBERNETES_SERVICE_PORT: '443' },
      readFile: async (path) => {
        if (path.endsWith('token')) {
          reads++
          return token
        }
        if (path.endsWith('namespace')) throw Object.assign(new Error('absent'), { code: 'ENOENT' })
        return 'CA'
      },
      clock,
    })
    expect(config).toMatchObject({ server: 'https://[fd00::1]:443', namespace: 'default' })
    token = 'two'
    expect(await config.token()).toBe('one')
    await clock.advance(59_999)
    expect(await config.token()).toBe('one')
    await clock.advance(1)
    expect(await config.token()).toBe('two')
    expect(reads).toBe(2)
  })
})
