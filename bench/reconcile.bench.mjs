#!/usr/bin/env node
// The reconcile loop's common case (issue 8): a 1,000-object Kustomization whose source has not
// changed and whose objects nobody touched, reconciled end to end (ref check over git smart HTTP,
// drift check against the API server). Reference in the same run: what a script without the SDK
// does every interval, `git ls-remote` plus `kubectl apply --server-side` of the same objects to the
// same server. Also reported: the first reconcile, and a reconcile after one object drifted.
//
//   npm run build && node bench/run.mjs reconcile [objects, default 1000]
import { execFile, spawn } from 'node:child_process'
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { performance } from 'node:perf_hooks'
import { promisify } from 'node:util'
import { createKubeClient } from '../packages/apply/dist/index.js'
import { getCondition, stringifyObjects } from '../packages/core/dist/index.js'
import { createReconcileSteps, reconcile } from '../packages/reconcile/dist/index.js'
import { createRepository, startGitServer } from '../packages/git-source/dist/testing.js'

const count = Number(process.argv[2] ?? 1000)
const runs = 7
const exec = promisify(execFile)
const dir = mkdtempSync(join(tmpdir(), 'gitops-bench-reconcile-'))
const kubeconfig = join(dir, 'kubeconfig')

const server = spawn(process.execPath, [new URL('apply-server.mjs', import.meta.url).pathname, kubeconfig], { stdio: ['pipe', 'pipe', 'inherit'] })
await new Promise((resolve, reject) => {
  server.stdout.once('data', resolve)
  server.once('exit', (code) => reject(new Error(`apiserver exited with ${code}`)))
})

/** `count` objects in 10 namespaces: ConfigMaps, Services and Deployments, 100 per file. */
function fleet() {
  const files = {}
  const objects = []
  for (let n = 0; n < 10; n++) objects.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: `bench-${n}` } })
  for (let i = 0; objects.length < count; i++) {
    const metadata = { name: `app-${i}`, namespace: `bench-${i % 10}`, labels: { app: `app-${i}` } }
    if (i % 3 === 0) objects.push({ apiVersion: 'v1', kind: 'ConfigMap', metadata, data: { config: `name=app-${i}\n` } })
    else if (i % 3 === 1) objects.push({ apiVersion: 'v1', kind: 'Service', metadata, spec: { selector: { app: `app-${i}` }, ports: [{ port: 80, targetPort: 8080 }] } })
    else {
      objects.push({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata,
        spec: { replicas: 1, selector: { matchLabels: { app: `app-${i}` } }, template: { metadata: { labels: { app: `app-${i}` } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } } },
      })
    }
  }
  const names = []
  for (let f = 0; f * 100 < objects.length; f++) {
    const name = `objects-${String(f).padStart(2, '0')}.yaml`
    names.push(name)
    files[`apps/${name}`] = stringifyObjects(objects.slice(f * 100, f * 100 + 100))
  }
  files['apps/kustomization.yaml'] = `resources:\n${names.map((n) => `- ${n}`).join('\n')}\n`
  return { files, objects }
}

const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]
const time = async (work) => {
  const started = performance.now()
  const result = await work()
  return { ms: performance.now() - started, result }
}

try {
  const { files, objects } = fleet()
  const repo = await createRepository(join(dir, 'repos'), { name: 'fleet' })
  await repo.commit(files, { message: 'fleet' })
  const git = await startGitServer({ root: join(dir, 'repos') })
  let requests = 0
  const client = await createKubeClient({ kubeconfig, onRequest: () => requests++ })
  const steps = createReconcileSteps({ source: { url: `${git.url}/fleet`, ref: { branch: 'main' } }, client, inventory: { namespace: 'default', name: 'bench' } })
  const spec = { name: 'bench', path: 'apps', prune: true }

  const first = await time(() => reconcile(spec, steps))
  if (getCondition(first.result.status.conditions, 'Ready')?.status !== 'True') throw new Error(JSON.stringify(first.result.status.failure))
  let state = first.result.state
  const noChange = []
  let noChangeRequests = 0
  let gitRequests = 0
  for (let i = 0; i < runs; i++) {
    requests = 0
    git.clearRequests()
    const { ms, result } = await time(() => reconcile(spec, steps, { previous: state }))
    if (result.status.changeSet.entries.length !== 0) throw new Error('the no-change reconcile changed something')
    state = result.state
    noChange.push(ms)
    noChangeRequests = requests
    gitRequests = git.requests.length
  }

  // One object edited by someone else: the drift check finds it and only it is applied again.
  const { items } = await client.list({ group: '', version: 'v1', kind: 'ConfigMap', namespace: 'bench-0' })
  const target = items.find((o) => o.metadata.name === 'app-0')
  await client.apply({ ...target, metadata: { name: 'app-0', namespace: 'bench-0' }, data: { config: 'edited' } }, { fieldManager: 'someone', force: true })
  const drifted = await time(() => reconcile(spec, steps, { previous: state }))

  // The reference: a script that checks the ref with git and re-applies everything with kubectl.
  const manifest = join(dir, 'all.yaml')
  writeFileSync(manifest, stringifyObjects(objects))
  mkdirSync(join(dir, 'kube-cache'), { recursive: true })
  const kubectlArgs = ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'kube-cache'), 'apply', '--server-side', '--field-manager', 'bench-script', '--validate=false', '-f', manifest]
  await exec('kubectl', kubectlArgs, { maxBuffer: 256 * 1024 * 1024 })
  const reference = []
  for (let i = 0; i < 3; i++) {
    const { ms } = await time(async () => {
      await exec('git', ['ls-remote', `${git.url}/fleet`, 'refs/heads/main'])
      await exec('kubectl', kubectlArgs, { maxBuffer: 256 * 1024 * 1024 })
    })
    reference.push(ms)
  }
  await git.stop()

  const ours = median(noChange)
  const theirs = median(reference)
  console.log(`objects: ${count}`)
  console.log(`first reconcile (fetch, render, apply ${count} objects, save inventory): ${first.ms.toFixed(0)} ms`)
  console.log(`no-change reconcile, median of ${runs}: ${ours.toFixed(1)} ms (${noChangeRequests} API requests, ${gitRequests} git requests)`)
  console.log(`reconcile after one object drifted: ${drifted.ms.toFixed(0)} ms, ${drifted.result.status.drifted.length} drifted, ${drifted.result.status.changeSet.entries.length} applied`)
  console.log(`reference, git ls-remote + kubectl apply --server-side of the same objects, median of 3: ${theirs.toFixed(0)} ms`)
  console.log(`ratio (reference / ours): ${(theirs / ours).toFixed(1)}x; goal: no-change reconcile under 150 ms: ${ours < 150 ? 'met' : 'NOT met'}`)
} finally {
  server.stdin.end()
  rmSync(dir, { recursive: true, force: true })
}
