// How often the GitOps controller reconciles each Kustomization when nothing changes: once until
// Ready, however its own finalizer and status writes echo back through the watch and however the
// source's first artifact lands while reconciles are in flight. Counted from the controller's
// debug lines (`reconcile finished`, one per run), in process against the embedded apiserver, over
// a repository served by git http-backend.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { applyAll, createKubeClient } from '@gitops-sdk/apply'
import type { KubeClient } from '@gitops-sdk/apply'
import type { KubeObject } from '@gitops-sdk/core'
import { fluxCrds } from '@gitops-sdk/flux'
import { createRepository, startGitServer } from '@gitops-sdk/git-source/testing'
import type { GitServer } from '@gitops-sdk/git-source/testing'
import { createJsonLogger } from '../../src/createJsonLogger.js'
import { createGitOpsController, KUSTOMIZATION_RESOURCE } from '../../src/gitops.js'
import { eventually, startCluster } from '../helpers/cluster.js'
import type { TestCluster } from '../helpers/cluster.js'

const NS = 'counted'
const COUNT = 24
let dir: string
let cluster: TestCluster
let kubeClient: KubeClient
let git: GitServer
const stop = new AbortController()
let running: Promise<unknown> | undefined
const lines: Record<string, unknown>[] = []

/** Reconciles of each Kustomization that finished so far, by key. */
function reconcilesByKey(): Map<string, number> {
  const counts = new Map<string, number>()
  for (const line of lines) {
    if (line.msg !== 'reconcile finished' || line.controller !== 'kustomization') continue
    const key = String(line.object)
    counts.set(key, (counts.get(key) ?? 0) + 1)
  }
  return counts
}

function isReady(object: KubeObject): boolean {
  const conditions = (object.status as { conditions?: { type: string; status: string }[] } | undefined)?.conditions ?? []
  return conditions.some((c) => c.type === 'Ready' && c.status === 'True')
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gitops-count-'))
  cluster = await startCluster({})
  kubeClient = await createKubeClient({ kubeConfig: cluster.kubeConfig })
  const repo = await createRepository(join(dir, 'repos'), { name: 'fleet' })
  await repo.commit({ 'app/sa.yaml': `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n  namespace: ${NS}\n` })
  git = await startGitServer({ root: join(dir, 'repos') })
  await applyAll([...fluxCrds(), { apiVersion: 'v1', kind: 'Namespace', metadata: { name: NS } }], { client: kubeClient, fieldManager: 'test' })
}, 60_000)

afterAll(async () => {
  stop.abort()
  await running
  await git.stop()
  await cluster.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe('reconciles per Kustomization when nothing changes', () => {
  it('reconciles each Kustomization exactly once until all are Ready, with the source fetched while the first reconciles wait for it', async () => {
    const logger = createJsonLogger(
      {
        write: (chunk: string) => {
          for (const line of chunk.split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>)
          return true
        },
      },
      { level: 'debug' },
    )
    // Fewer workers than Kustomizations: several are in flight, waiting for the shared first
    // fetch, when the GitRepository's reconcile stores the artifact and enqueues its readers.
    const controller = createGitOpsController({ client: cluster.client, kubeClient, namespace: NS, concurrency: 4, logger })
    running = controller.run(stop.signal)
    const source: KubeObject = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'fleet', namespace: NS }, spec: { interval: '10m', url: `${git.url}/fleet`, ref: { branch: 'main' } } }
    const kustomizations: KubeObject[] = Array.from({ length: COUNT }, (_, i) => ({
      apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
      kind: 'Kustomization',
      metadata: { name: `app-${i}`, namespace: NS },
      spec: { interval: '10m', path: './app', prune: true, namePrefix: `k${i}-`, sourceRef: { kind: 'GitRepository', name: 'fleet' } },
    }))
    await applyAll([source], { client: kubeClient, fieldManager: 'test' })
    await applyAll(kustomizations, { client: kubeClient, fieldManager: 'test' })
    await eventually(async () => (await cluster.client.list(KUSTOMIZATION_RESOURCE, { namespace: NS })).items.filter(isReady).length === COUNT, 60_000)
    // The watch is ordered: once a later request is handled, every status write of the first
    // reconciles has come back through it, and whatever it enqueued has run or is running.
    await cluster.client.patch(KUSTOMIZATION_RESOURCE, { namespace: NS, name: 'app-0' }, { patch: { type: 'merge', body: { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': 'probe' } } } } })
    await eventually(async () => ((await cluster.client.get(KUSTOMIZATION_RESOURCE, { namespace: NS, name: 'app-0' }))?.status as { lastHandledReconcileAt?: string } | undefined)?.lastHandledReconcileAt === 'probe')
    await eventually(() => reconcilesByKey().get(`${NS}/app-0`) === 2)

    const counts = reconcilesByKey()
    expect(counts.size).toBe(COUNT)
    // app-0 ran once more for the annotation; every other one ran exactly once.
    expect(Object.fromEntries([...counts].filter(([key, n]) => n !== (key === `${NS}/app-0` ? 2 : 1)))).toEqual({})
    expect(lines.filter((l) => l.level === 'warn' || l.level === 'error')).toEqual([])
    // The inventories live in `.status.inventory`: apply's check of a ConfigMap location named
    // after each Kustomization (a GET and a dry-run write each) is not made.
    expect(cluster.server.requests().filter((r) => r.resource === 'configmaps').map((r) => `${r.verb ?? ''} ${r.name ?? ''}`)).toEqual([])
  })
})
