// End to end: the long-running Reconciler with the real steps, over a repository served by
// git http-backend into the embedded apiserver: dependsOn holds a spec until the one it depends on
// is Ready at its revision, and suspend keeps a new commit out of the cluster until resumed.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer } from '@gitops-sdk/apiserver'
import type { ApiServer } from '@gitops-sdk/apiserver'
import { createKubeClient } from '@gitops-sdk/apply'
import type { KubeClient } from '@gitops-sdk/apply'
import { getCondition } from '@gitops-sdk/core'
import { createRepository, startGitServer } from '@gitops-sdk/git-source/testing'
import type { GitServer, TestRepository } from '@gitops-sdk/git-source/testing'
import { createReconcileSteps, Reconciler } from '../../src/index.js'
import type { ReconcilerSpec, ReconcileStatus } from '../../src/index.js'

let dir: string
let apiserver: ApiServer
let gitServer: GitServer
let repo: TestRepository
let client: KubeClient

const deployment = (name: string, namespace: string, replicas: number): string => `apiVersion: apps/v1
kind: Deployment
metadata: {name: ${name}, namespace: ${namespace}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: ${name}}}
  template:
    metadata: {labels: {app: ${name}}}
    spec: {containers: [{name: app, image: nginx:1.27}]}
`

const files = (appReplicas: number): Record<string, string> => ({
  // infra: the namespace apps lives in, and a Deployment that takes a while to become Available.
  'infra/kustomization.yaml': 'resources: [namespace.yaml, gateway.yaml]\n',
  'infra/namespace.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: {name: team}\n',
  'infra/gateway.yaml': deployment('gateway', 'team', 1),
  // apps: would fail with its namespace missing if it ran before infra.
  'apps/kustomization.yaml': 'resources: [web.yaml]\n',
  'apps/web.yaml': deployment('web', 'team', appReplicas),
})

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gitops-reconciler-'))
  repo = await createRepository(join(dir, 'repos'), { name: 'platform' })
  await repo.commit(files(2), { message: 'infra and apps' })
  gitServer = await startGitServer({ root: join(dir, 'repos') })
  apiserver = await startApiServer({ controllers: 'ready', readyDelayMs: 400 })
  const kubeconfig = join(dir, 'kubeconfig')
  writeFileSync(kubeconfig, apiserver.kubeconfigYaml())
  client = await createKubeClient({ kubeconfig })
})

afterAll(async () => {
  await gitServer.stop()
  await apiserver.stop()
  rmSync(dir, { recursive: true, force: true })
})

function spec(name: string, extra: Partial<ReconcilerSpec> = {}): ReconcilerSpec {
  const steps = createReconcileSteps({ source: { url: `${gitServer.url}/platform` }, client, inventory: { namespace: 'default', name } })
  return { name, path: name, prune: true, wait: true, timeout: 30_000, interval: 3_600_000, jitter: 0, steps, ...extra }
}

const ready = (status: ReconcileStatus | undefined): string | undefined => getCondition(status?.conditions ?? [], 'Ready')?.status

describe('Reconciler over git http-backend and the apiserver', () => {
  it('holds a spec until what it depends on is Ready, and keeps a suspended spec out of the cluster', async () => {
    const finished: string[] = []
    const reconciler = new Reconciler([spec('apps', { dependsOn: ['infra'] }), spec('infra')])
    const events = new AbortController()
    const listening = (async () => {
      for await (const event of reconciler.events({ signal: events.signal })) {
        if (event.type === 'finished') finished.push(`${event.status.name}:${ready(event.status) ?? '?'}:${getCondition(event.status.conditions, 'Ready')?.reason ?? ''}`)
      }
    })()
    reconciler.start()
    try {
      const deadline = Date.now() + 30_000
      while (ready(reconciler.status('apps')) !== 'True' && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
      expect(ready(reconciler.status('infra'))).toBe('True')
      expect(ready(reconciler.status('apps'))).toBe('True')
      // apps ran only after infra was Ready: before that it reported DependencyNotReady, never a failed apply.
      const infraReady = finished.indexOf('infra:True:ReconciliationSucceeded')
      const appsReady = finished.indexOf('apps:True:ReconciliationSucceeded')
      expect(infraReady).toBeGreaterThanOrEqual(0)
      expect(appsReady).toBeGreaterThan(infraReady)
      expect(finished.slice(0, infraReady)).toContain('apps:False:DependencyNotReady')
      expect(finished.slice(0, infraReady).every((f) => f === 'apps:False:DependencyNotReady')).toBe(true)
      expect((await client.get({ group: 'apps', kind: 'Deployment', namespace: 'team', name: 'web' }))?.spec).toMatchObject({ replicas: 2 })

      // A new commit while apps is suspended stays out of the cluster; resuming applies it.
      await repo.commit(files(5), { message: 'scale web' })
      reconciler.upsert(spec('apps', { dependsOn: ['infra'], suspend: true }))
      const suspended = await reconciler.reconcileNow('apps')
      expect(ready(suspended)).toBe('True')
      expect((await client.get({ group: 'apps', kind: 'Deployment', namespace: 'team', name: 'web' }))?.spec).toMatchObject({ replicas: 2 })
      reconciler.upsert(spec('apps', { dependsOn: ['infra'] }))
      const resumed = await reconciler.reconcileNow('apps')
      expect(ready(resumed)).toBe('True')
      expect((await client.get({ group: 'apps', kind: 'Deployment', namespace: 'team', name: 'web' }))?.spec).toMatchObject({ replicas: 5 })
    } finally {
      events.abort()
      await reconciler.stop()
      await listening
    }
  })
})
