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
import type { GitOpsFixture } from '../helpers/gitops.js'

const NS = 'quiet'
const settings = { group: '', version: 'v1', kind: 'ConfigMap', namespace: NS, name: 'settings' }
let fixture: GitOpsFixture
const lines: Record<string, unknown>[] = []

/** Quiet intervals of the Kustomization `app` logged so far. */
function quietRuns(): number {
  return lines.filter((l) => l.msg === 'no-change interval: source unchanged, nothing drifted' && l.object === `${NS}/app`).length
}

beforeAll(async () => {
  fixture = await startGitOps({
    prefix: 'gitops-quiet-',
    files: { 'app/settings.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: settings\n  namespace: ${NS}\ndata:\n  mode: git\n` },
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
})
