// End to end: `gitops controller` processes against the embedded apiserver, over a repository
// served by git http-backend, driven by kubectl as a user drives Flux. Two replicas behind a
// Lease, each through its own proxy so the test sees which process wrote what.
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer } from '@gitops-sdk/apiserver'
import type { ApiServer } from '@gitops-sdk/apiserver'
import { createRepository, startGitServer } from '@gitops-sdk/git-source/testing'
import type { GitServer, TestRepository } from '@gitops-sdk/git-source/testing'
import { hasKubectl, kubectl as kubectlBin } from '../../../../testing/kubectl.js'
import { webDeploymentYaml } from '../../../../testing/manifests.js'
import { startReplica } from '../helpers/controllerProcess.js'
import type { Replica } from '../helpers/controllerProcess.js'
import { run } from '../helpers/run.js'

let dir: string
let apiserver: ApiServer
let gitServer: GitServer
let repo: TestRepository
let kubeconfig: string
const replicas: Replica[] = []

const configMap = (name: string, namespace = 'default'): string => `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: ${name}\n  namespace: ${namespace}\ndata:\n  a: "1"\n`
const deployment = webDeploymentYaml('default')
const secret = `apiVersion: v1\nkind: Secret\nmetadata:\n  name: slow\n  namespace: default\nstringData:\n  k: v\n`

function kustomization(name: string, path: string, extra = ''): string {
  return `apiVersion: kustomize.toolkit.fluxcd.io/v1
kind: Kustomization
metadata:
  name: ${name}
  namespace: default
spec:
  interval: 10m
  path: ${path}
  prune: true
  sourceRef:
    kind: GitRepository
    name: fleet
${extra}`
}

function kubectl(args: readonly string[], stdin?: string): Promise<string> {
  return new Promise((done, fail) => {
    const child = execFile(kubectlBin, ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'kube-cache'), ...args], { timeout: 90_000 }, (error, stdout, stderr) => {
      if (error !== null) fail(new Error(`kubectl ${args.join(' ')}: ${stderr || error.message}`))
      else done(stdout)
    })
    if (stdin !== undefined) child.stdin?.end(stdin)
  })
}

function leader(): Replica {
  const found = replicas.filter((r) => r.child.exitCode === null && r.child.signalCode === null && /"msg":"leading"/.test(r.stderr()))
  if (found.length !== 1) throw new Error(`${found.length} leaders:\n${replicas.map((r) => `${r.name}: ${r.stderr().slice(-1500)}`).join('\n')}`)
  return found[0]!
}

/** Writes a replica sent that were not about its Lease and were accepted. */
function workWrites(r: Replica, since = 0): string[] {
  return r.writes.filter((w) => w.at >= since && !w.path.includes('/leases') && w.status < 400).map((w) => `${w.method} ${w.path}`)
}

describe.skipIf(!hasKubectl)('gitops controller (processes, kubectl, git http-backend)', { timeout: 90_000 }, () => {
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'gitops-controller-'))
    repo = await createRepository(join(dir, 'repos'), { name: 'fleet' })
    await repo.commit({ 'app/cm.yaml': configMap('app-config'), 'app/web.yaml': deployment, 'keep/cm.yaml': configMap('kept'), 'dep/cm.yaml': configMap('dependent'), 'slow/secret.yaml': secret })
    gitServer = await startGitServer({ root: join(dir, 'repos') })
    apiserver = await startApiServer({ tls: false, authentication: false, controllers: 'ready', readyDelayMs: 20 })
    kubeconfig = join(dir, 'kubeconfig')
    const { writeFileSync } = await import('node:fs')
    writeFileSync(kubeconfig, apiserver.kubeconfigYaml())
  })

  afterAll(async () => {
    apiserver.faults.clear()
    await Promise.all(replicas.map((r) => r.close()))
    await gitServer.stop()
    await apiserver.stop()
    rmSync(dir, { recursive: true, force: true })
  })

  it('installs: gitops install --export applies cleanly with kubectl (server-side), CRDs included', async () => {
    const printed = await run(['install', '--export', '--namespace', 'flux-system'], { cwd: dir })
    expect(printed.code).toBe(0)
    const kinds = [...printed.out.matchAll(/^kind: (\w+)$/gm)].map((m) => m[1])
    expect(kinds).toEqual(['CustomResourceDefinition', 'CustomResourceDefinition', 'CustomResourceDefinition', 'Namespace', 'ServiceAccount', 'ClusterRole', 'ClusterRoleBinding', 'Role', 'RoleBinding', 'Deployment'])
    const applied = await kubectl(['apply', '--server-side', '-f', '-'], printed.out)
    expect(applied).toMatch(/deployment.apps\/gitops-controller serverside-applied/)
    const deploy = JSON.parse(await kubectl(['get', 'deployment', 'gitops-controller', '-n', 'flux-system', '-o', 'json']))
    expect(deploy.spec.replicas).toBe(2)
    const container = deploy.spec.template.spec.containers[0]
    expect(container.args).toContain('--leader-elect')
    expect(container.securityContext).toMatchObject({ readOnlyRootFilesystem: true, runAsNonRoot: true, allowPrivilegeEscalation: false })
    expect(container.resources.limits).toMatchObject({ cpu: '1', memory: '1Gi' })
    expect(container.livenessProbe.httpGet.path).toBe('/healthz')
    expect(container.readinessProbe.httpGet.path).toBe('/readyz')
    await kubectl(['wait', '--for=condition=Established', 'crd/kustomizations.kustomize.toolkit.fluxcd.io', 'crd/gitrepositories.source.toolkit.fluxcd.io', '--timeout=30s'])
  })

  it('two replicas: one leads and reconciles a Kustomization made with kubectl apply; kubectl wait sees Ready', async () => {
    const args = ['--leader-elect', '--leader-election-lease-duration', '5s', '--leader-election-renew-deadline', '4s', '--leader-election-retry-period', '1s', '--health-addr', '127.0.0.1:0', '--metrics-addr', '127.0.0.1:0', '--requeue-dependency', '1s']
    for (const name of ['a', 'b']) replicas.push(await startReplica(name, { dir, kubeconfigYaml: apiserver.kubeconfigYaml(), server: apiserver.url, args, env: { RUNTIME_NAMESPACE: 'flux-system' } }))
    const source = `apiVersion: source.toolkit.fluxcd.io/v1
kind: GitRepository
metadata:
  name: fleet
  namespace: default
spec:
  interval: 10m
  url: ${gitServer.url}/fleet
  ref:
    branch: main
`
    await kubectl(['apply', '-f', '-'], [source, kustomization('app', './app', '  wait: true\n  timeout: 1m\n'), kustomization('keep', './keep', '  deletionPolicy: Orphan\n'), kustomization('dep', './dep', '  dependsOn:\n    - name: app\n')].join('---\n'))
    await kubectl(['wait', '--for=condition=Ready', 'kustomization/app', 'kustomization/keep', 'kustomization/dep', 'gitrepository/fleet', '--timeout=60s'])
    // Three Kustomizations and the GitRepository read one source: one pack download between them.
    expect(gitServer.requests.filter((r) => r.service === 'upload-pack')).toHaveLength(1)
    const repoStatus = JSON.parse(await kubectl(['get', 'gitrepository', 'fleet', '-o', 'json'])).status
    const commit = await repo.revParse('main')
    expect(repoStatus.artifact.revision).toBe(`main@sha1:${commit}`)
    expect(repoStatus.artifact.digest).toMatch(/^sha256:[0-9a-f]{64}$/)
    const status = JSON.parse(await kubectl(['get', 'kustomization', 'app', '-o', 'json'])).status as { lastAppliedRevision: string; inventory: { entries: { id: string }[] }; conditions: { type: string }[] }
    expect(status.lastAppliedRevision).toBe(`main@sha1:${commit}`)
    expect(status.inventory.entries.map((e) => e.id).sort()).toEqual(['default_app-config__ConfigMap', 'default_web_apps_Deployment'])
    expect(status.conditions.find((c) => c.type === 'Healthy')).toMatchObject({ status: 'True', reason: 'Succeeded' })
    const events = await kubectl(['get', 'events', '--field-selector', 'involvedObject.kind=Kustomization,involvedObject.name=app', '-o', 'json'])
    const reasons = (JSON.parse(events) as { items: { reason: string }[] }).items.map((e) => e.reason)
    expect(reasons).toContain('ReconciliationSucceeded')
    expect(reasons).toContain('Progressing')
    await kubectl(['get', 'configmap', 'app-config', 'dependent', 'kept'])
  })

  it('exactly one replica writes, and the Lease names it', async () => {
    const lead = leader()
    const other = replicas.find((r) => r !== lead)!
    expect(workWrites(lead).length).toBeGreaterThan(5)
    expect(workWrites(other)).toEqual([])
    const lease = JSON.parse(await kubectl(['get', 'lease', '-n', 'flux-system', '-o', 'json'])).items[0]
    expect(lease.spec.holderIdentity).toMatch(/_/)
    const managers = new Set(apiserver.requests().filter((r) => r.verb !== undefined && !['get', 'list', 'watch'].includes(r.verb) && r.userAgent?.startsWith('kubectl') !== true).map((r) => r.manager))
    expect([...managers].every((m) => m === undefined || ['kustomize-controller', 'gitops-controller', 'gitops-sdk-controller'].includes(m))).toBe(true)
  })

  it('handles reconcile.fluxcd.io/requestedAt in lastHandledReconcileAt', async () => {
    await kubectl(['annotate', '--overwrite', 'kustomization/app', 'reconcile.fluxcd.io/requestedAt=first'])
    await kubectl(['wait', '--for=jsonpath={.status.lastHandledReconcileAt}=first', 'kustomization/app', '--timeout=30s'])
  })

  it('suspend keeps a new commit out; resume applies it', async () => {
    await kubectl(['patch', 'kustomization/app', '--type=merge', '-p', '{"spec":{"suspend":true}}'])
    const lead = leader()
    await lead.waitFor(/Reconciliation is suspended for this object[^\n]*default\/app|default\/app[^\n]*Reconciliation is suspended for this object/)
    const commit = await repo.commit({ 'app/extra.yaml': configMap('extra') })
    await kubectl(['annotate', '--overwrite', 'gitrepository/fleet', 'reconcile.fluxcd.io/requestedAt=suspended'])
    await kubectl(['wait', `--for=jsonpath={.status.artifact.revision}=main@sha1:${commit}`, 'gitrepository/fleet', '--timeout=30s'])
    // The new revision enqueued every Kustomization of the source: dep and keep apply it, app is suspended.
    await kubectl(['wait', `--for=jsonpath={.status.lastAppliedRevision}=main@sha1:${commit}`, 'kustomization/keep', '--timeout=30s'])
    expect(await kubectl(['get', 'configmap', '--ignore-not-found', 'extra'])).toBe('')
    await kubectl(['patch', 'kustomization/app', '--type=merge', '-p', '{"spec":{"suspend":false}}'])
    await kubectl(['wait', `--for=jsonpath={.status.lastAppliedRevision}=main@sha1:${commit}`, 'kustomization/app', '--timeout=30s'])
    await kubectl(['get', 'configmap', 'extra'])
  })

  it('deletion prunes with the default policy and leaves the objects with deletionPolicy: Orphan', async () => {
    await kubectl(['delete', 'kustomization/dep', 'kustomization/keep', '--timeout=30s'])
    expect(await kubectl(['get', 'configmap', '--ignore-not-found', 'dependent'])).toBe('')
    await kubectl(['get', 'configmap', 'kept'])
  })

  it('kill -9 of the leader: the other takes over and applies a new commit', async () => {
    const lead = leader()
    const other = replicas.find((r) => r !== lead)!
    lead.child.kill('SIGKILL')
    await lead.exited
    const killedAt = Date.now()
    const commit = await repo.commit({ 'app/after.yaml': configMap('after-failover') })
    await other.waitFor(/"msg":"leading"/)
    await kubectl(['annotate', '--overwrite', 'gitrepository/fleet', 'reconcile.fluxcd.io/requestedAt=failover'])
    await kubectl(['wait', `--for=jsonpath={.status.lastAppliedRevision}=main@sha1:${commit}`, 'kustomization/app', '--timeout=60s'])
    await kubectl(['get', 'configmap', 'after-failover'])
    expect(workWrites(lead, killedAt)).toEqual([])
    expect(workWrites(other).length).toBeGreaterThan(0)
    // Before the kill, the new leader had written nothing but Lease attempts.
    expect(workWrites(other).length).toBe(workWrites(other, killedAt).length)
  })

  it('SIGTERM during a reconcile ends the process and releases the Lease', async () => {
    const lead = leader()
    apiserver.faults.set({ mode: 'freeze', resources: ['secrets'] })
    await kubectl(['apply', '-f', '-'], kustomization('slow', './slow'))
    for (let i = 0; apiserver.faults.held === 0; i++) await new Promise((r) => setTimeout(r, 50))
    lead.child.kill('SIGTERM')
    const exit = await lead.exited
    // A stop by SIGTERM is the controller's normal end: exit 0, as `gitops apiserver` does.
    expect(exit).toEqual({ code: 0, signal: null })
    expect(lead.stderr()).toMatch(/"msg":"[^"]* stopped"/)
    apiserver.faults.clear()
    const lease = JSON.parse(await kubectl(['get', 'lease', '-n', 'flux-system', '-o', 'json'])).items[0]
    expect(lease.spec.holderIdentity ?? '').toBe('')
  })
})
