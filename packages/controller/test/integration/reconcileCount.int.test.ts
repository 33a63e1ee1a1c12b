// How often the GitOps controller reconciles each Kustomization when nothing changes: once until
// Ready, however its own finalizer and status writes echo back through the watch and however the
// source's first artifact lands while reconciles are in flight. Counted from the controller's
// debug lines (`reconcile finished`, one per run), in process against the embedded apiserver, over
// a repository served by git http-backend.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { KubeObject } from '@gitops-sdk/core'
import { createJsonLogger } from '../../src/createJsonLogger.js'
import { KUSTOMIZATION_RESOURCE } from '../../src/gitops.js'
import { eventually } from '../helpers/cluster.js'
import { fleetKustomization, fleetSource, reconcileNow, startGitOps } from '../helpers/gitops.js'
import type { GitOpsFixture } from '../helpers/gitops.js'

const NS = 'counted'
const COUNT = 24
let fixture: GitOpsFixture
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
  fixture = await startGitOps({ prefix: 'gitops-count-', files: { 'app/sa.yaml': `apiVersion: v1\nkind: ServiceAccount\nmetadata:\n  name: app\n  namespace: ${NS}\n` }, namespace: NS })
}, 60_000)

afterAll(() => fixture.stop())

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
    fixture.runController({ namespace: NS, concurrency: 4, logger })
    const { cluster } = fixture
    const kustomizations = Array.from({ length: COUNT }, (_, i) => fleetKustomization(`app-${i}`, NS, { path: './app', namePrefix: `k${i}-` }))
    await fixture.apply([fleetSource(NS, `${fixture.git.url}/fleet`)])
    await fixture.apply(kustomizations)
    await eventually(async () => (await cluster.client.list(KUSTOMIZATION_RESOURCE, { namespace: NS })).items.filter(isReady).length === COUNT, 60_000)
    // The watch is ordered: once a later request is handled, every status write of the first
    // reconciles has come back through it, and whatever it enqueued has run or is running.
    await reconcileNow(cluster.client, { namespace: NS, name: 'app-0' }, 'probe')
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
