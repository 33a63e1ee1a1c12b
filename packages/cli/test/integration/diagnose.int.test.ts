// The diagnostic commands as Flux users run them (get, suspend, resume, reconcile kustomization,
// trace), against the embedded apiserver holding Flux objects with the status Flux writes.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer } from '@gitops-sdk/apiserver'
import type { ApiServer } from '@gitops-sdk/apiserver'
import { createKubeClient } from '@gitops-sdk/apply'
import type { KubeClient } from '@gitops-sdk/apply'
import type { KubeValue } from '@gitops-sdk/core'
import { fluxCrds } from '@gitops-sdk/flux'
import { run } from '../helpers/run.js'

const SHA = '0123456789abcdef0123456789abcdef01234567'
const KS = { group: 'kustomize.toolkit.fluxcd.io', version: 'v1', kind: 'Kustomization' }
let dir: string
let apiserver: ApiServer
let client: KubeClient
let env: Record<string, string>

const ready = (status: 'True' | 'False', message: string): KubeValue => [
  { type: 'Ready', status, reason: status === 'True' ? 'ReconciliationSucceeded' : 'BuildFailed', message, lastTransitionTime: '2026-12-06T10:00:00Z', observedGeneration: 1 },
]

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gitops-diagnose-'))
  apiserver = await startApiServer()
  writeFileSync(join(dir, 'kubeconfig'), apiserver.kubeconfigYaml())
  env = { KUBECONFIG: join(dir, 'kubeconfig'), HOME: dir, NO_COLOR: '1' }
  client = await createKubeClient({ kubeconfigYaml: apiserver.kubeconfigYaml() })
  for (const crd of fluxCrds()) await client.apply(crd, { fieldManager: 'setup' })
  for (let i = 0; i < 40 && (await client.resource(KS)) === undefined; i++) await new Promise((r) => setTimeout(r, 50))
  for (const ns of ['flux-system', 'apps']) await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }, { fieldManager: 'setup' })
  const put = (object: Parameters<KubeClient['apply']>[0]): Promise<unknown> => client.apply(object, { fieldManager: 'setup' })
  await put({ apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'flux-system', namespace: 'flux-system' }, spec: { interval: '1m', url: 'https://git.example/fleet.git', ref: { branch: 'main' } } })
  const ks = (name: string, path: string): Parameters<KubeClient['apply']>[0] => ({
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name, namespace: 'flux-system' },
    spec: { interval: '10m', path, prune: true, sourceRef: { kind: 'GitRepository', name: 'flux-system' } },
  })
  await put(ks('apps', './apps'))
  await put(ks('infra', './infra'))
  await put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web', namespace: 'apps', labels: { 'kustomize.toolkit.fluxcd.io/name': 'apps', 'kustomize.toolkit.fluxcd.io/namespace': 'flux-system' } }, data: { a: '1' } })
  await put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'by-hand', namespace: 'apps' }, data: { a: '1' } })
  apiserver.setStatus({ group: 'source.toolkit.fluxcd.io', kind: 'GitRepository', namespace: 'flux-system', name: 'flux-system' }, {
    conditions: ready('True', `stored artifact for revision 'main@sha1:${SHA}'`),
    artifact: { path: 'x.tar.gz', url: 'http://source/x.tar.gz', revision: `main@sha1:${SHA}`, digest: `sha256:${'a'.repeat(64)}`, lastUpdateTime: '2026-12-06T10:00:00Z' },
  }, { manager: 'source-controller' })
  apiserver.setStatus({ ...KS, namespace: 'flux-system', name: 'apps' }, { conditions: ready('True', `Applied revision: main@sha1:${SHA}`), lastAppliedRevision: `main@sha1:${SHA}`, inventory: { entries: [{ id: 'apps_web__ConfigMap', v: 'v1' }] } }, { manager: 'kustomize-controller' })
  apiserver.setStatus({ ...KS, namespace: 'flux-system', name: 'infra' }, { conditions: ready('False', 'kustomization path not found: infra') }, { manager: 'kustomize-controller' })
}, 60_000)

afterAll(async () => {
  await apiserver.stop()
  rmSync(dir, { recursive: true, force: true })
})

const gitops = (...argv: string[]): ReturnType<typeof run> => run(argv, { cwd: dir, env })

describe('gitops get, suspend, resume, reconcile kustomization, trace', () => {
  it("gets Kustomizations and GitRepositories with Flux's columns and short revisions", async () => {
    const ks = await gitops('get', 'kustomizations')
    expect(ks.code).toBe(1)
    const lines = ks.out.trimEnd().split('\n')
    expect(lines[0]).toMatch(/^NAME\s+REVISION\s+SUSPENDED\s+READY\s+AGE\s+MESSAGE$/)
    expect(lines[1]).toMatch(/^apps\s+main@sha1:01234567\s+False\s+True\s+\d+s\s+Applied revision: main@sha1:0123456789abcdef/)
    expect(lines[2]).toMatch(/^infra\s+False\s+False\s+\d+s\s+kustomization path not found: infra$/)
    const all = await gitops('get', 'ks', '-A', '-o', 'json')
    expect(JSON.parse(all.out)).toEqual([
      { namespace: 'flux-system', name: 'apps', revision: `main@sha1:${SHA}`, suspended: 'False', ready: 'True', message: `Applied revision: main@sha1:${SHA}` },
      { namespace: 'flux-system', name: 'infra', revision: '', suspended: 'False', ready: 'False', message: 'kustomization path not found: infra' },
    ])
    const git = await gitops('get', 'sources', 'git')
    expect(git.code).toBe(0)
    expect(git.out).toMatch(/^NAME\s+REVISION\s+SUSPENDED\s+READY\s+AGE\s+MESSAGE\nflux-system\s+main@sha1:01234567\s+False\s+True\s+\d+s\s+stored artifact for revision/)
  })

  it('suspends and resumes a Kustomization; resume requests a reconcile', async () => {
    expect((await gitops('suspend', 'kustomization', 'apps')).out).toBe('Kustomization/flux-system/apps suspended\n')
    expect((await gitops('get', 'kustomizations', 'apps')).out).toMatch(/\napps\s+main@sha1:01234567\s+True\s+True/)
    const refused = await gitops('reconcile', 'kustomization', 'apps')
    expect([refused.code, refused.err]).toEqual([2, expect.stringContaining('Kustomization/flux-system/apps: suspended') as unknown])
    expect((await gitops('resume', 'ks', 'apps')).code).toBe(0)
    const k = await client.get({ ...KS, namespace: 'flux-system', name: 'apps' })
    expect((k?.spec as { suspend?: boolean }).suspend).toBe(false)
    expect(k?.metadata.annotations?.['reconcile.fluxcd.io/requestedAt']).toMatch(/^\d{4}-\d\d-\d\dT/)
  })

  it('reconcile kustomization NAME requests a reconcile and waits for the controller to handle it; bounded by --timeout', async () => {
    // The controller's part: echo the request in lastHandledReconcileAt with a Ready outcome.
    let stop = false
    const controller = (async () => {
      const seen = (await client.get({ ...KS, namespace: 'flux-system', name: 'apps' }))?.metadata.annotations?.['reconcile.fluxcd.io/requestedAt']
      while (!stop) {
        const k = await client.get({ ...KS, namespace: 'flux-system', name: 'apps' })
        const at = k?.metadata.annotations?.['reconcile.fluxcd.io/requestedAt']
        if (at !== undefined && at !== seen) {
          apiserver.setStatus({ ...KS, namespace: 'flux-system', name: 'apps' }, { ...(k?.status as Record<string, KubeValue>), lastHandledReconcileAt: at }, { manager: 'kustomize-controller' })
          return
        }
        await new Promise((r) => setTimeout(r, 50))
      }
    })()
    const done = await gitops('reconcile', 'kustomization', 'apps', '--timeout', '20s')
    stop = true
    await controller
    expect([done.code, done.out]).toEqual([0, `✔ applied revision main@sha1:${SHA}\n`])
    expect(done.err).toContain('◎ waiting for Kustomization reconciliation')
    const late = await gitops('reconcile', 'kustomization', 'infra', '--timeout', '1s')
    expect(late.code).toBe(2)
    expect(late.error).toMatchObject({ code: 'CLI_RECONCILE_TIMEOUT', message: expect.stringMatching(/^Kustomization\/flux-system\/infra: the reconcile requested at /) as unknown })
  })

  it('traces an object to its Kustomization and source revision; an object Flux does not manage is named', async () => {
    const traced = await gitops('trace', 'configmap', 'web', '-n', 'apps')
    expect(traced.code, traced.err).toBe(0)
    expect(traced.out).toContain('Object:         ConfigMap/apps/web')
    expect(traced.out).toMatch(/Kustomization: {2}apps\nNamespace: {6}flux-system\nPath: {11}\.\/apps\nRevision: {7}main@sha1:0123456789abcdef0123456789abcdef01234567\n/)
    expect(traced.out).toContain('URL:            https://git.example/fleet.git')
    expect(traced.out).toContain('Branch:         main')
    const json = JSON.parse((await gitops('trace', 'configmaps', 'web', '-n', 'apps', '-o', 'json')).out) as { kustomization: { name: string } }
    expect(json.kustomization.name).toBe('apps')
    const unmanaged = await gitops('trace', 'configmap', 'by-hand', '-n', 'apps')
    expect([unmanaged.code, (unmanaged.error as { code?: string }).code]).toEqual([2, 'CLI_OBJECT_NOT_MANAGED'])
    expect(unmanaged.err).toContain('ConfigMap/apps/by-hand: not managed by a Flux Kustomization')
  })

  it('draws the inventory as a tree with nested Kustomizations, and lists the events of one object', async () => {
    apiserver.setStatus({ ...KS, namespace: 'flux-system', name: 'infra' }, {
      conditions: ready('True', 'Applied revision: main@sha1:x'),
      inventory: { entries: [{ id: 'flux-system_apps_kustomize.toolkit.fluxcd.io_Kustomization', v: 'v1' }, { id: '_apps__Namespace', v: 'v1' }] },
    }, { manager: 'kustomize-controller' })
    const tree = await gitops('tree', 'kustomization', 'infra')
    expect([tree.code, tree.out]).toEqual([0, 'Kustomization/flux-system/infra\n├── Kustomization/flux-system/apps\n│   └── ConfigMap/apps/web\n└── Namespace/apps\n'])
    const event = (name: string, reason: string, kind: string, at: string): Parameters<KubeClient['create']>[0] => ({
      apiVersion: 'v1', kind: 'Event', metadata: { name, namespace: 'flux-system' }, involvedObject: { kind, name: 'apps', namespace: 'flux-system' },
      reason, message: `${reason} happened`, type: 'Normal', lastTimestamp: at, firstTimestamp: at, count: 1, source: { component: 'kustomize-controller' },
    })
    await client.create(event('e2', 'ReconciliationSucceeded', 'Kustomization', '2026-12-06T10:02:00Z'), { fieldManager: 'setup' })
    await client.create(event('e1', 'Progressing', 'Kustomization', '2026-12-06T10:01:00Z'), { fieldManager: 'setup' })
    await client.create(event('e3', 'NewArtifact', 'GitRepository', '2026-12-06T10:00:00Z'), { fieldManager: 'setup' })
    const events = await gitops('events', '--for', 'Kustomization/apps')
    expect(events.out.split('\n').map((l) => l.split(/\s{3,}/u).slice(0, 4).join('|'))).toEqual([
      'LAST SEEN|TYPE|REASON|OBJECT',
      '2026-12-06T10:01:00Z|Normal|Progressing|Kustomization/apps',
      '2026-12-06T10:02:00Z|Normal|ReconciliationSucceeded|Kustomization/apps',
      '',
    ])
    expect((await gitops('events')).out).toContain('NewArtifact')
  })
})
