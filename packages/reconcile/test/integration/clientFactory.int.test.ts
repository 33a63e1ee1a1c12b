// spec.serviceAccountName and spec.kubeConfig.secretRef through kustomizationClientFactory, for
// real: the home cluster is an embedded apiserver behind a recording proxy on 127.0.0.1 (the
// apiserver has no RBAC yet, so the Impersonate-User header on the wire is what is checked), and a
// second embedded apiserver is the remote cluster a kubeConfig Secret points at.
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, request } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer } from '@gitops-sdk/apiserver'
import type { ApiServer } from '@gitops-sdk/apiserver'
import { createKubeClient } from '@gitops-sdk/apply'
import type { KubeClient } from '@gitops-sdk/apply'
import type { Kustomization } from '@gitops-sdk/flux'
import { createRepository, startGitServer } from '@gitops-sdk/git-source/testing'
import type { GitServer } from '@gitops-sdk/git-source/testing'
import { createReconcileSteps, kustomizationClientFactory, kustomizationReconcile, reconcile } from '../../src/index.js'

let dir: string
let home: ApiServer
let remote: ApiServer
let proxy: Server
let gitServer: GitServer
let client: KubeClient
let kubeconfigYaml: string
const seen: { method: string; path: string; as: string | undefined }[] = []

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gitops-client-factory-'))
  gitServer = await startGitServer({ root: join(dir, 'repos') })
  const repo = await createRepository(join(dir, 'repos'), { name: 'team' })
  await repo.commit({ 'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: app\n  namespace: team\ndata:\n  key: value\n' })
  home = await startApiServer({ tls: false })
  remote = await startApiServer()
  const target = new URL(home.url)
  proxy = createServer((req, res) => {
    const as = req.headers['impersonate-user']
    seen.push({ method: req.method ?? '', path: req.url ?? '', as: typeof as === 'string' ? as : undefined })
    const forward = request({ host: target.hostname, port: target.port, method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    })
    forward.on('error', () => res.destroy())
    req.pipe(forward)
  })
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve))
  kubeconfigYaml = home.kubeconfigYaml().replace(home.url, `http://127.0.0.1:${(proxy.address() as AddressInfo).port}`)
  client = await createKubeClient({ kubeconfigYaml })
  const remoteClient = await createKubeClient({ kubeconfigYaml: remote.kubeconfigYaml() })
  for (const c of [client, remoteClient]) await c.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'team' } }, { fieldManager: 'setup' })
  const value = Buffer.from(remote.kubeconfigYaml()).toString('base64')
  await client.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'remote', namespace: 'team' }, data: { value } }, { fieldManager: 'setup' })
  await client.apply({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'garbage', namespace: 'team' }, data: { 'value.yaml': Buffer.from('not: [a kubeconfig').toString('base64') } }, { fieldManager: 'setup' })
}, 60_000)

afterAll(async () => {
  proxy.closeAllConnections()
  proxy.close()
  await gitServer.stop()
  await home.stop()
  await remote.stop()
  rmSync(dir, { recursive: true, force: true })
})

function ks(name: string, spec: Partial<Kustomization['spec']>): Kustomization {
  return {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name, namespace: 'team' },
    spec: { interval: '5m', path: './app', prune: true, sourceRef: { kind: 'GitRepository', name: 'team' }, ...spec },
  }
}

async function run(k: Kustomization): Promise<Awaited<ReturnType<typeof reconcile>>> {
  const mapped = await kustomizationReconcile(k, {
    client,
    resolveSource: async () => ({ url: `${gitServer.url}/team` }),
    clientFactory: kustomizationClientFactory({ client, kubeconfigYaml }),
  })
  return reconcile(mapped.spec, createReconcileSteps(mapped.steps))
}

const configMap = { group: '', kind: 'ConfigMap', namespace: 'team', name: 'app' }

describe('kustomizationClientFactory', () => {
  it('applies as spec.serviceAccountName: every write of the objects carries Impersonate-User, the inventory is written as the controller', async () => {
    seen.length = 0
    const { status } = await run(ks('as-deployer', { serviceAccountName: 'deployer' }))
    expect(status.failure).toBeUndefined()
    expect(home.get(configMap)?.data).toEqual({ key: 'value' })
    const writes = seen.filter((r) => r.method !== 'GET')
    const objectWrites = writes.filter((r) => r.path.startsWith('/api/v1/namespaces/team/configmaps/app'))
    // applyAll dry-runs the inventory's write with the applying client first; the real writes are the controller's.
    const inventoryWrites = writes.filter((r) => r.path.startsWith('/api/v1/namespaces/team/configmaps/as-deployer') && !r.path.includes('dryRun=All'))
    expect(objectWrites.length).toBeGreaterThan(0)
    expect(objectWrites.every((r) => r.as === 'system:serviceaccount:team:deployer')).toBe(true)
    expect(inventoryWrites.length).toBeGreaterThan(0)
    expect(inventoryWrites.filter((r) => r.as !== undefined)).toEqual([])
  })

  it('applies to the cluster of spec.kubeConfig.secretRef, keeping the inventory at home; with serviceAccountName too it impersonates there', async () => {
    const { status } = await run(ks('to-remote', { kubeConfig: { secretRef: { name: 'remote' } }, targetNamespace: 'team', path: './app' }))
    expect(status.failure).toBeUndefined()
    const applied = remote.get({ ...configMap })
    expect(applied?.metadata.labels?.['kustomize.toolkit.fluxcd.io/name']).toBe('to-remote')
    expect(home.get({ ...configMap, name: 'to-remote' })).toBeDefined()
    expect(remote.get({ ...configMap, name: 'to-remote' })).toBeUndefined()
    const both = await run(ks('to-remote-as', { kubeConfig: { secretRef: { name: 'remote' } }, serviceAccountName: 'deployer' }))
    expect(both.status.failure).toBeUndefined()
  })

  it('refuses a missing Secret, a missing key and a kubeconfig that does not parse, naming the Secret and never its content', async () => {
    const cases: [Kustomization, RegExp][] = [
      [ks('absent', { kubeConfig: { secretRef: { name: 'absent' } } }), /^Secret\/team\/absent: spec\.kubeConfig: the Secret does not exist/],
      [ks('no-key', { kubeConfig: { secretRef: { name: 'remote', key: 'other' } } }), /^Secret\/team\/remote: spec\.kubeConfig: no key "other" holds a kubeconfig/],
      [ks('garbage', { kubeConfig: { secretRef: { name: 'garbage' } } }), /^Secret\/team\/garbage: spec\.kubeConfig: the kubeconfig it holds cannot be used/],
    ]
    for (const [k, message] of cases) {
      const error = await run(k).then(() => undefined, (err: unknown) => err as Error & { code?: string })
      expect([k.metadata.name, error?.code]).toEqual([k.metadata.name, 'RECONCILE_KUBECONFIG_INVALID'])
      expect(error?.message).toMatch(message)
      expect(JSON.stringify({ message: error?.message, details: (error as { details?: unknown } | undefined)?.details })).not.toContain('[a kubeconfig')
    }
  })
})
