// Fault and bad-input cases of the GitOps controller, in process against the embedded apiserver:
// every refused Kustomization or GitRepository ends Ready=False with Flux's reason and a message
// naming its subject, and nothing is applied, pruned or deleted.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { applyAll, createKubeClient } from '@gitops-sdk/apply'
import type { KubeClient } from '@gitops-sdk/apply'
import type { KubeObject } from '@gitops-sdk/core'
import { fluxCrds } from '@gitops-sdk/flux'
import { createClientFactory, createGitOpsController, installManifests, KUSTOMIZATION_RESOURCE } from '../../src/gitops.js'
import type { GitOpsController } from '../../src/gitops.js'
import { assertNoPollution } from '../../../../testing/pollution.js'
import { eventually, startCluster } from '../helpers/cluster.js'
import type { TestCluster } from '../helpers/cluster.js'

let cluster: TestCluster
let kubeClient: KubeClient
let controller: GitOpsController
const stop = new AbortController()
let running: Promise<unknown>

const ns = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })
const sentinel: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'sentinel', namespace: 'team' }, data: { keep: 'me' } }

function kustomization(name: string, namespace: string, spec: Record<string, unknown>): KubeObject {
  return { apiVersion: 'kustomize.toolkit.fluxcd.io/v1', kind: 'Kustomization', metadata: { name, namespace }, spec: { interval: '10m', path: './', prune: true, sourceRef: { kind: 'GitRepository', name: 'fleet' }, ...spec } }
}

async function readyOf(namespace: string, name: string): Promise<{ reason: string; message: string }> {
  return eventually(async () => {
    const k = await cluster.client.get(KUSTOMIZATION_RESOURCE, { namespace, name })
    const conditions = (k?.status as { conditions?: { type: string; status: string; reason: string; message: string }[] } | undefined)?.conditions ?? []
    const ready = conditions.find((c) => c.type === 'Ready' && c.status === 'False')
    return ready === undefined ? undefined : { reason: ready.reason, message: ready.message }
  })
}

beforeAll(async () => {
  cluster = await startCluster()
  kubeClient = await createKubeClient({ kubeConfig: cluster.kubeConfig })
  await applyAll([...fluxCrds(), ns('team'), sentinel], { client: kubeClient, fieldManager: 'test' })
  controller = createGitOpsController({
    client: cluster.client,
    kubeClient,
    clientFactory: createClientFactory({ kubeConfig: cluster.kubeConfig, client: cluster.client }),
    noCrossNamespaceRefs: true,
    requeueDependency: 60_000,
  })
  running = controller.run(stop.signal)
  await eventually(() => controller.hasSynced())
})

afterAll(async () => {
  stop.abort()
  await running
  await cluster.stop()
})

describe('createGitOpsController: refused Kustomizations leave the cluster as it was', () => {
  it('refuses a source in another namespace with --no-cross-namespace-refs (AccessDenied)', async () => {
    await applyAll([kustomization('cross', 'team', { sourceRef: { kind: 'GitRepository', name: 'fleet', namespace: 'default' } })], { client: kubeClient, fieldManager: 'test' })
    const ready = await readyOf('team', 'cross')
    expect(ready.reason).toBe('AccessDenied')
    expect(ready.message).toContain("can't access 'GitRepository/default/fleet'")
  })

  it('reports a missing source as ArtifactFailed, naming it', async () => {
    await applyAll([kustomization('nosource', 'team', {})], { client: kubeClient, fieldManager: 'test' })
    const ready = await readyOf('team', 'nosource')
    expect(ready).toMatchObject({ reason: 'ArtifactFailed' })
    expect(ready.message).toContain('GitRepository/team/fleet')
  })

  it('refuses a field it cannot honour by name (spec.healthCheckExprs)', async () => {
    await applyAll([kustomization('cel', 'team', { healthCheckExprs: [{ apiVersion: 'v1', kind: 'ConfigMap', current: 'true' }] })], { client: kubeClient, fieldManager: 'test' })
    const ready = await readyOf('team', 'cel')
    expect(ready.reason).toBe('ReconciliationFailed')
    expect(ready.message).toContain('spec.healthCheckExprs')
  })

  it('names the missing kubeconfig Secret of spec.kubeConfig.secretRef', async () => {
    await applyAll([kustomization('remote', 'team', { kubeConfig: { secretRef: { name: 'nowhere' } } })], { client: kubeClient, fieldManager: 'test' })
    const ready = await readyOf('team', 'remote')
    expect(ready.message).toContain('Secret/team/nowhere')
  })

  it('waits on a dependency named __proto__ without touching a prototype', async () => {
    await applyAll([kustomization('proto', 'team', { dependsOn: [{ name: '__proto__' }, { name: 'constructor' }] })], { client: kubeClient, fieldManager: 'test' })
    const ready = await readyOf('team', 'proto')
    expect(ready.reason).toBe('DependencyNotReady')
    expect(ready.message).toContain('team/__proto__, team/constructor')
    assertNoPollution()
  })

  it('deletes nothing when a refused Kustomization is deleted (no inventory)', async () => {
    await kubeClient.delete({ group: 'kustomize.toolkit.fluxcd.io', version: 'v1', kind: 'Kustomization', namespace: 'team', name: 'nosource' })
    await eventually(async () => (await cluster.client.get(KUSTOMIZATION_RESOURCE, { namespace: 'team', name: 'nosource' })) === undefined)
    expect(await kubeClient.get({ group: '', version: 'v1', kind: 'ConfigMap', namespace: 'team', name: 'sentinel' })).toMatchObject({ data: { keep: 'me' } })
  })
})

describe('installManifests', () => {
  it('refuses a replica count that is not a positive integer', () => {
    expect(() => installManifests({ replicas: 0 })).toThrow(TypeError)
    expect(() => installManifests({ replicas: 1.5 })).toThrow(TypeError)
  })

  it('names the shard Lease of a watch label selector in the Deployment', () => {
    const deployment = installManifests({ watchLabelSelector: 'sharding.fluxcd.io/key=shard1' }).find((o) => o.kind === 'Deployment')!
    expect(JSON.stringify(deployment)).toContain('--watch-label-selector=sharding.fluxcd.io/key=shard1')
  })
})
