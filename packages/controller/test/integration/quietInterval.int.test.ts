// The quiet path of a no-change interval (a Kustomization whose last interval found nothing, with
// the same object, proven unchanged from the applied objects cache) still notices a hand edit and a
// deletion on its interval alone (no reconcile requested) and undoes them, as Flux's drift
// detection does. In process against the embedded apiserver, over git http-backend, with kubectl
// as the user editing and deleting by hand.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hasKubectl, runKubectl } from '../../../../testing/kubectl.js'
import { createJsonLogger } from '../../src/createJsonLogger.js'
import { eventually } from '../helpers/cluster.js'
import { fleetKustomization, fleetSource, startGitOps } from '../helpers/gitops.js'
import { GITREPOSITORY_RESOURCE, KUSTOMIZATION_RESOURCE } from '../../src/gitops.js'
import type { GitOpsFixture } from '../helpers/gitops.js'

const NS = 'quiet'
const settings = { group: '', version: 'v1', kind: 'ConfigMap', namespace: NS, name: 'settings' }
let fixture: GitOpsFixture
const lines: Record<string, unknown>[] = []

const QUIET = 'no-change interval: source unchanged, nothing drifted'

/** Quiet intervals of the Kustomization `name` logged so far. */
function quietRuns(name = 'app'): number {
  return lines.filter((l) => l.msg === QUIET && l.object === `${NS}/${name}`).length
}

/** Reconciles of the Kustomization `name` that finished without taking the quiet path. */
function fullRuns(name: string): number {
  let quiet = false
  let full = 0
  for (const l of lines) {
    if (l.object !== `${NS}/${name}`) continue
    if (l.msg === QUIET) quiet = true
    else if (l.msg === 'reconcile finished') {
      if (!quiet) full++
      quiet = false
    }
  }
  return full
}

const configMap = (name: string, mode: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${NS}\ndata:\n  mode: ${mode}\n`
const modeOf = async (name: string): Promise<string | undefined> => ((await fixture.kubeClient.get({ ...settings, name }))?.data as { mode?: string } | undefined)?.mode

/** Applies a Kustomization of `./<name>` and waits until it applied the head revision and is Ready. */
async function appliedAndReady(name: string, interval: string): Promise<void> {
  await fixture.apply([fleetKustomization(name, NS, { path: `./${name}`, interval })])
  await eventually(async () => {
    const status = (await fixture.cluster.client.get(KUSTOMIZATION_RESOURCE, { namespace: NS, name }))?.status as { lastAppliedRevision?: string; conditions?: { type: string; status: string }[] } | undefined
    return status?.lastAppliedRevision !== undefined && status.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') === true
  }, 20_000)
}

beforeAll(async () => {
  fixture = await startGitOps({
    prefix: 'gitops-quiet-',
    files: { 'app/settings.yaml': configMap('settings', 'git'), 'edited/edited.yaml': configMap('edited', 'git'), 'deleted/deleted.yaml': configMap('deleted', 'git'), 'fresh/fresh.yaml': configMap('fresh', 'git') },
    namespace: NS,
    // The applied kinds' watches prove themselves current by bookmarks; sooner than 5 s keeps this short.
    apiServer: { bookmarkIntervalMs: 200 },
  })
  const logger = createJsonLogger(
    {
      write: (chunk: string) => {
        for (const line of chunk.split('\n')) if (line !== '') lines.push(JSON.parse(line) as Record<string, unknown>)
        return true
      },
    },
    { level: 'debug' },
  )
  fixture.runController({ namespace: NS, logger })
  // An interval of one second: each interval is a no-change reconcile, quiet from the second on.
  await fixture.apply([fleetSource(NS, `${fixture.git.url}/fleet`), fleetKustomization('app', NS, { path: './app', interval: '1s' })])
  await eventually(() => quietRuns() >= 1, 30_000)
}, 60_000)

afterAll(() => fixture.stop())

async function kubectl(...args: string[]): Promise<void> {
  const run = await runKubectl(fixture.dir, args)
  expect(run.stderr).toBe('')
  expect(run.code).toBe(0)
}

describe.skipIf(!hasKubectl)('a quiet no-change interval', () => {
  it('finds a hand edit and undoes it on the interval alone', async () => {
    await kubectl('patch', '-n', NS, 'configmap/settings', '--type=merge', '-p', '{"data":{"mode":"by-hand"}}')
    await eventually(async () => ((await fixture.kubeClient.get(settings))?.data as { mode?: string } | undefined)?.mode === 'git', 20_000)
    // …and the interval after the correction is quiet again.
    const before = quietRuns()
    await eventually(() => quietRuns() > before + 1, 20_000)
  })

  it('finds a deleted object and creates it again on the interval alone', async () => {
    const uid = (await fixture.kubeClient.get(settings))?.metadata.uid
    await kubectl('delete', '-n', NS, 'configmap/settings')
    await eventually(async () => {
      const now = (await fixture.kubeClient.get(settings))?.metadata.uid
      return now !== undefined && now !== uid
    }, 20_000)
    expect((await fixture.kubeClient.get(settings))?.data).toEqual({ mode: 'git' })
  })

  // The first interval after an apply is quiet too, when nothing changed since (quietAfterApply).
  it('takes the quiet path from the first interval after the apply on', async () => {
    await appliedAndReady('fresh', '1s')
    await eventually(() => quietRuns('fresh') >= 2, 20_000)
    // The applying reconcile only: its own status write does not send the next interval the full way.
    expect(fullRuns('fresh')).toBe(1)
  })

  it('still undoes an edit and a deletion made right after the first apply, on the first interval', async () => {
    await Promise.all([appliedAndReady('edited', '3s'), appliedAndReady('deleted', '3s')])
    const uid = (await fixture.kubeClient.get({ ...settings, name: 'deleted' }))?.metadata.uid
    await kubectl('patch', '-n', NS, 'configmap/edited', '--type=merge', '-p', '{"data":{"mode":"by-hand"}}')
    await kubectl('delete', '-n', NS, 'configmap/deleted')
    // Before the first interval of either: the changes are there for that interval to find.
    expect([quietRuns('edited'), quietRuns('deleted')]).toEqual([0, 0])
    await eventually(async () => (await modeOf('edited')) === 'git', 20_000)
    await eventually(async () => {
      const now = (await fixture.kubeClient.get({ ...settings, name: 'deleted' }))?.metadata.uid
      return now !== undefined && now !== uid
    }, 20_000)
    expect(await modeOf('deleted')).toBe('git')
  })

  it('applies a new commit after a quiet first interval', async () => {
    await eventually(() => quietRuns('fresh') >= 1, 20_000)
    await fixture.repo.commit({ 'fresh/fresh.yaml': configMap('fresh', 'second') })
    // The source is fetched on request (its interval is ten minutes); its readers follow.
    const annotations = { 'reconcile.fluxcd.io/requestedAt': 'new-commit' }
    await fixture.cluster.client.patch(GITREPOSITORY_RESOURCE, { namespace: NS, name: 'fleet' }, { patch: { type: 'merge', body: { metadata: { annotations } } } })
    await eventually(async () => (await modeOf('fresh')) === 'second', 20_000)
  })
})
