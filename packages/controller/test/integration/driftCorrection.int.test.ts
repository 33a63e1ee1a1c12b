// Drift on a no-change reconcile, end to end: the GitOps controller in process against the
// embedded apiserver, a repository served by git http-backend, and kubectl as the user editing
// and deleting applied objects by hand. The drift check reads the watch cache of the applied kinds
// (no GET or LIST of them); when those watches are down it reads the server, and in both cases
// the hand edits are undone on the next reconcile.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hasKubectl, runKubectl } from '../../../../testing/kubectl.js'
import { webDeploymentYaml } from '../../../../testing/manifests.js'
import { eventually } from '../helpers/cluster.js'
import { fleetKustomization, fleetSource, reconcileNow as requestReconcile, startGitOps } from '../helpers/gitops.js'
import type { GitOpsFixture } from '../helpers/gitops.js'

const NS = 'drift'
const app = `apiVersion: v1
kind: ConfigMap
metadata:
  name: settings
  namespace: ${NS}
data:
  mode: git
---
${webDeploymentYaml(NS)}`

let fixture: GitOpsFixture
let cluster: GitOpsFixture['cluster']
let kubeClient: GitOpsFixture['kubeClient']
let requested = 0

const deploymentRef = { group: 'apps', version: 'v1', kind: 'Deployment', namespace: NS, name: 'web' }
const configMapRef = { group: '', version: 'v1', kind: 'ConfigMap', namespace: NS, name: 'settings' }

async function kubectl(...args: string[]): Promise<void> {
  const run = await runKubectl(fixture.dir, args)
  expect(run.stderr).toBe('')
  expect(run.code).toBe(0)
}

/** Asks for a reconcile as `flux reconcile` does, and waits until the controller handled it. */
async function reconcileNow(name = 'app'): Promise<void> {
  await requestReconcile(cluster.client, { namespace: NS, name }, `drift-${++requested}`)
}

/** The GET and LIST requests of the applied kinds the server received since `from`. */
function appliedReads(from: number): string[] {
  return cluster.server
    .requests()
    .slice(from)
    .filter((r) => (r.verb === 'get' || r.verb === 'list') && (r.resource === 'deployments.apps' || r.resource === 'configmaps') && r.namespace === NS)
    .map((r) => `${r.verb} ${r.resource}/${r.name ?? ''}`)
}

beforeAll(async () => {
  fixture = await startGitOps({
    prefix: 'gitops-drift-',
    files: { 'app/app.yaml': app, 'vars/vars.yaml': `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: substituted\n  namespace: ${NS}\ndata:\n  mode: \${MODE}\n` },
    namespace: NS,
    // A quiet watch proves itself alive by a bookmark; sooner than the default 5 s keeps this suite short.
    apiServer: { bookmarkIntervalMs: 200 },
  })
  cluster = fixture.cluster
  kubeClient = fixture.kubeClient
  await fixture.apply([fleetSource(NS, `${fixture.git.url}/fleet`), fleetKustomization('app', NS, { path: './app' })])
  fixture.runController({ namespace: NS })
  await eventually(async () => (await kubeClient.get(deploymentRef)) !== undefined)
  await reconcileNow()
}, 60_000)

afterAll(() => fixture.stop())

describe.skipIf(!hasKubectl)('the GitOps controller corrects hand edits on a no-change reconcile', () => {
  it('reads no applied object from the server once the watches of the applied kinds run, and undoes kubectl scale and delete', async () => {
    // The drift check of the first no-change reconcile (in beforeAll) started the watches.
    await eventually(() => ['deployments.apps', 'configmaps'].every((resource) => cluster.server.requests().some((r) => r.verb === 'watch' && r.resource === resource)))
    // …and each is current once its first bookmark arrived: from then on a reconcile reads none.
    await eventually(async () => {
      const from = cluster.server.requests().length
      await reconcileNow()
      return appliedReads(from).length === 0
    })

    await kubectl('scale', '-n', NS, 'deployment/web', '--replicas=3')
    await kubectl('delete', '-n', NS, 'configmap/settings')
    await eventually(async () => (await kubeClient.get(configMapRef)) === undefined)
    await reconcileNow()
    // Found from the cache; the re-apply of the two drifted objects reads them as apply does.
    expect(await kubeClient.get(deploymentRef)).toMatchObject({ spec: { replicas: 1 } })
    expect(await kubeClient.get(configMapRef)).toMatchObject({ data: { mode: 'git' } })
  })

  it('reads the server, and still undoes a hand edit, while the watches of the applied kinds are down', async () => {
    // Every new watch of the applied kinds fails from now on; the open ones are cut.
    cluster.server.faults.set([{ mode: 'error', status: 503, verbs: ['watch'], resources: ['deployments.apps', 'configmaps'] }])
    cluster.server.faults.cutWatches()
    await kubectl('patch', '-n', NS, 'configmap/settings', '--type=merge', '-p', '{"data":{"mode":"by-hand"}}')
    await kubectl('scale', '-n', NS, 'deployment/web', '--replicas=2')
    const from = cluster.server.requests().length
    await reconcileNow()
    expect(await kubeClient.get(deploymentRef)).toMatchObject({ spec: { replicas: 1 } })
    expect(await kubeClient.get(configMapRef)).toMatchObject({ data: { mode: 'git' } })
    expect(appliedReads(from)).toEqual(expect.arrayContaining(['get deployments.apps/web', 'get configmaps/settings']))
    cluster.server.faults.clear()
  })

  it('builds again at the same revision when the spec changed (a new generation)', async () => {
    await kubectl('patch', '-n', NS, 'kustomization/app', '--type=merge', '-p', '{"spec":{"commonMetadata":{"labels":{"tier":"web"}}}}')
    await eventually(async () => (await kubeClient.get(configMapRef))?.metadata.labels?.tier === 'web')
    expect((await kubeClient.get(deploymentRef))?.metadata.labels?.tier).toBe('web')
  })

  it('builds again at the same revision when a substituteFrom ConfigMap changed, and not while it did not', async () => {
    const substituted = { group: '', version: 'v1', kind: 'ConfigMap', namespace: NS, name: 'substituted' }
    await fixture.apply([
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'vars', namespace: NS }, data: { MODE: 'one' } },
      fleetKustomization('vars', NS, { path: './vars', postBuild: { substituteFrom: [{ kind: 'ConfigMap', name: 'vars' }] } }),
    ])
    await eventually(async () => ((await kubeClient.get(substituted))?.data as { mode?: string } | undefined)?.mode === 'one')
    await reconcileNow('vars')
    expect((await kubeClient.get(substituted))?.data).toEqual({ mode: 'one' })
    await kubectl('patch', '-n', NS, 'configmap/vars', '--type=merge', '-p', '{"data":{"MODE":"two"}}')
    await reconcileNow('vars')
    expect((await kubeClient.get(substituted))?.data).toEqual({ mode: 'two' })
  })
})
