// A Flux fleet end to end, as `flux bootstrap` leaves one: a repository served by git http-backend
// with clusters/prod (the flux-system GitRepository and Kustomization, infrastructure and apps
// Kustomizations, apps dependsOn infrastructure), an overlay that moves a SOPS-encrypted Secret into
// a namespace and labels it, postBuild.substitute and substituteFrom a ConfigMap and a Secret that
// live in the cluster, and every per-object annotation of kustomize-controller. Each Kustomization
// is read from the embedded apiserver, mapped by kustomizationReconcile, reconciled by the
// Reconciler (which holds apps until infrastructure is Ready) over createKubeClient (i.e.
// @kubernetes/client-node), and its outcome written to `.status` in Flux's format; kubectl checks
// part of the result as a second client.
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer } from '@gitops-sdk/apiserver'
import type { ApiServer } from '@gitops-sdk/apiserver'
import { createKubeClient } from '@gitops-sdk/apply'
import type { KubeClient } from '@gitops-sdk/apply'
import { getCondition, parseObjects } from '@gitops-sdk/core'
import type { KubeObject, KubeValue } from '@gitops-sdk/core'
import { fluxCrds } from '@gitops-sdk/flux'
import type { GitRepository, Kustomization, KustomizationStatus } from '@gitops-sdk/flux'
import { createRepository, startGitServer } from '@gitops-sdk/git-source/testing'
import type { GitServer, TestRepository } from '@gitops-sdk/git-source/testing'
import { generateIdentity } from '@gitops-sdk/secrets'
import { createReconcileSteps, kustomizationReconcile, kustomizationStatus, Reconciler } from '../../src/index.js'
import type { ReconcileStatus } from '../../src/index.js'
import { FLUX, fleetFiles, gotkSync } from '../helpers/fluxFleet.js'
import { hasKubectl, kubectl as kubectlBin } from '../../../../testing/kubectl.js'

const KS = { group: 'kustomize.toolkit.fluxcd.io', version: 'v1', kind: 'Kustomization' } as const
const GR = { group: 'source.toolkit.fluxcd.io', version: 'v1', kind: 'GitRepository' } as const

let dir: string
let apiserver: ApiServer
let gitServer: GitServer
let repo: TestRepository
let client: KubeClient
let kubeconfigPath: string
let recipient: string
const reconciler = new Reconciler([])
const statuses = new Map<string, KustomizationStatus>()

function kubectl(args: readonly string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      kubectlBin,
      ['--kubeconfig', kubeconfigPath, '--cache-dir', join(dir, 'kube-cache'), ...args],
      { env: { PATH: process.env.PATH ?? '', HOME: dir }, timeout: 30_000 },
      (err, stdout, stderr) => resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr }),
    )
  })
}

async function getKs(name: string): Promise<Kustomization> {
  const object = await client.get({ ...KS, namespace: 'flux-system', name })
  if (object === undefined) throw new Error(`Kustomization/flux-system/${name} is not in the cluster`)
  return object as unknown as Kustomization
}

/** Maps the Kustomization as it is in the cluster and (re)registers it with the Reconciler. */
async function register(name: string): Promise<void> {
  const k = await getKs(name)
  const mapped = await kustomizationReconcile(k, {
    client,
    resolveSource: async (ref) => {
      const gr = (await client.get({ ...GR, namespace: ref.namespace, name: ref.name })) as unknown as GitRepository | undefined
      return gr === undefined ? undefined : { url: gr.spec.url, ref: gr.spec.ref }
    },
  })
  reconciler.upsert({
    ...mapped.spec,
    name: `flux-system/${name}`,
    interval: mapped.interval,
    retryInterval: mapped.retryInterval,
    dependsOn: mapped.dependsOn,
    steps: createReconcileSteps(mapped.steps),
  })
}

/** One reconcile of a registered Kustomization, its outcome written to `.status` as kustomize-controller writes it. */
async function reconcileKs(name: string): Promise<{ result: ReconcileStatus; status: KustomizationStatus }> {
  const k = await getKs(name)
  const result = await reconciler.reconcileNow(`flux-system/${name}`)
  const ready = getCondition(result.conditions, 'Ready')
  const blocked = ready?.reason === 'DependencyNotReady' ? (k.spec.dependsOn ?? []).map((d) => `${d.namespace ?? 'flux-system'}/${d.name}`) : []
  const status = kustomizationStatus(result, {
    previous: k.status,
    generation: typeof k.metadata.generation === 'number' ? k.metadata.generation : undefined,
    healthChecked: k.spec.wait === true || (k.spec.healthChecks ?? []).length > 0,
    dependenciesNotReady: blocked,
  })
  apiserver.setStatus({ group: KS.group, kind: KS.kind, namespace: 'flux-system', name }, status as unknown as KubeValue, { manager: 'kustomize-controller' })
  statuses.set(name, status)
  return { result, status }
}

const cm = (name: string): Promise<KubeObject | undefined> => client.get({ group: '', version: 'v1', kind: 'ConfigMap', namespace: 'apps', name })
const secretValue = (s: KubeObject | undefined, key: string): string => Buffer.from((s?.data as Record<string, string> | undefined)?.[key] ?? '', 'base64').toString()

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gitops-flux-fleet-'))
  gitServer = await startGitServer({ root: join(dir, 'repos') })
  apiserver = await startApiServer({ controllers: 'ready', readyDelayMs: 10 })
  kubeconfigPath = join(dir, 'kubeconfig')
  writeFileSync(kubeconfigPath, apiserver.kubeconfigYaml())
  client = await createKubeClient({ kubeconfigYaml: apiserver.kubeconfigYaml() })
  const key = await generateIdentity()
  recipient = key.recipient
  // What `flux bootstrap` and the platform team put there before the fleet runs: the CRDs, the
  // namespace, the age key, and the variables of the cluster.
  for (const crd of fluxCrds()) await client.apply(crd, { fieldManager: 'flux-install' })
  await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'flux-system' } }, { fieldManager: 'flux-install' })
  const put = (object: KubeObject): Promise<KubeObject> => client.apply(object, { fieldManager: 'platform' })
  await put({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'sops-age', namespace: 'flux-system' }, data: { 'age.agekey': Buffer.from(key.secretKey).toString('base64') } })
  await put({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'cluster-vars', namespace: 'flux-system' }, data: { cluster_name: 'from-configmap', region: 'eu-west-1', db_user: 'app' } })
  const b64 = (s: string): string => Buffer.from(s).toString('base64')
  await put({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 'cluster-secrets', namespace: 'flux-system' }, data: { api_token: b64('s3cr3t-t0ken\n'), region: b64('eu-central-1') } })
  repo = await createRepository(join(dir, 'repos'), { name: 'fleet' })
  for (let i = 0; i < 40 && (await client.resource(KS)) === undefined; i++) await new Promise((r) => setTimeout(r, 50))
}, 60_000)

afterAll(async () => {
  await reconciler.stop()
  await gitServer.stop()
  await apiserver.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe('a Flux fleet reconciled with Flux semantics', () => {
  let revision1: string

  it('bootstraps: flux-system applies the GitRepository and the Kustomizations, labelled as Flux labels them', async () => {
    const url = `${gitServer.url}/fleet`
    revision1 = `main@sha1:${await repo.commit(await fleetFiles(url, 1, recipient), { message: 'fleet' })}`
    // `flux bootstrap` applies gotk-sync.yaml once; from then on flux-system manages itself.
    for (const object of parseObjects(gotkSync(url))) await client.apply(object, { fieldManager: 'flux-bootstrap' })
    await register('flux-system')
    const { result, status } = await reconcileKs('flux-system')
    expect(result.failure).toBeUndefined()
    expect(status.lastAppliedRevision).toBe(revision1)
    expect(status.inventory?.entries.map((e) => e.id).sort()).toEqual([
      'flux-system_apps_kustomize.toolkit.fluxcd.io_Kustomization',
      'flux-system_flux-system_kustomize.toolkit.fluxcd.io_Kustomization',
      'flux-system_flux-system_source.toolkit.fluxcd.io_GitRepository',
      'flux-system_infrastructure_kustomize.toolkit.fluxcd.io_Kustomization',
    ])
    expect(status.inventory?.entries.every((e) => e.v === 'v1')).toBe(true)
    const apps = await getKs('apps')
    expect(apps.metadata.labels).toMatchObject({ [`${FLUX}/name`]: 'flux-system', [`${FLUX}/namespace`]: 'flux-system' })
  })

  it('holds apps until infrastructure is Ready (dependsOn), then applies both with Flux semantics', async () => {
    await register('infrastructure')
    await register('apps')
    const blocked = await reconcileKs('apps')
    expect(getCondition(blocked.status.conditions ?? [], 'Ready')).toMatchObject({ status: 'False', reason: 'DependencyNotReady' })
    expect(await client.get({ group: '', version: 'v1', kind: 'Namespace', namespace: '', name: 'apps' })).toBeUndefined()

    const infra = await reconcileKs('infrastructure')
    expect(infra.result.failure).toBeUndefined()
    expect(infra.status.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Ready', 'True', 'ReconciliationSucceeded'],
      ['Healthy', 'True', 'Succeeded'],
    ])
    expect(getCondition(infra.status.conditions ?? [], 'Ready')?.message).toBe(`Applied revision: ${revision1}`)
    expect(infra.status.inventory?.entries).toEqual(
      expect.arrayContaining([
        { id: '_apps__Namespace', v: 'v1' },
        { id: '_vaultsecrets.example.com_apiextensions.k8s.io_CustomResourceDefinition', v: 'v1' },
      ]),
    )
    // Pre-existing objects: one created by hand that IfNotPresent must leave alone.
    await client.apply({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'if-not-present', namespace: 'apps' }, data: { key: 'by-hand' } }, { fieldManager: 'kubectl' })

    const apps = await reconcileKs('apps')
    expect(apps.result.failure).toBeUndefined()
    expect(apps.status.lastAppliedRevision).toBe(revision1)
    expect(apps.status.lastAttemptedRevision).toBe(revision1)
    expect(apps.status.observedGeneration).toBe((await getKs('apps')).metadata.generation)
    expect(getCondition(apps.status.conditions ?? [], 'Ready')).toMatchObject({ status: 'True', reason: 'ReconciliationSucceeded' })
    // The overlay moved db into `apps` and labelled it: its MAC verified against the source file;
    // api's encrypted values were patched, so it was decrypted without a MAC check, and counted.
    expect(apps.result.unverifiedDecryptions).toEqual([{ group: '', kind: 'Secret', namespace: 'apps', name: 'api' }])
    expect(getCondition(apps.status.conditions ?? [], 'DecryptionVerified')).toMatchObject({ status: 'False', reason: 'UnverifiedIntegrity' })
    expect(getCondition(apps.status.conditions ?? [], 'DecryptionVerified')?.message).toMatch(/^1 object decrypted without a SOPS MAC check: Secret\/apps\/api/)
  })

  it('leaves the cluster as Flux would: decrypted, substituted, labelled, each per-object annotation honoured', async () => {
    const db = await client.get({ group: '', version: 'v1', kind: 'Secret', namespace: 'apps', name: 'db' })
    expect(db?.metadata.labels).toMatchObject({ env: 'prod', [`${FLUX}/name`]: 'apps', [`${FLUX}/namespace`]: 'flux-system' })
    // Inline substitute wins over substituteFrom; variables inside encrypted values are filled in.
    expect([secretValue(db, 'password'), secretValue(db, 'user')]).toEqual(['pw-prod-eu', 'app'])
    const api = await client.get({ group: '', version: 'v1', kind: 'Secret', namespace: 'apps', name: 'api' })
    expect(Object.keys((api?.data as Record<string, string> | undefined) ?? {})).toEqual(['password'])
    // decrypt: Disabled: applied as it is in Git, still encrypted.
    const vault = await client.get({ group: 'example.com', version: 'v1', kind: 'VaultSecret', namespace: 'apps', name: 'vault' })
    expect(String((vault?.spec as Record<string, unknown> | undefined)?.path)).toMatch(/^ENC\[AES256_GCM,/)
    expect(vault?.sops).toBeDefined()
    // substituteFrom in order (the Secret's region wins over the ConfigMap's), Secret values decoded
    // and stripped of newlines, defaults, and the inline variables over all.
    expect((await cm('settings'))?.data).toEqual({ cluster: 'prod-eu', region: 'eu-central-1', env: 'production', token: 's3cr3t-t0ken', tier: 'bronze' })
    expect((await cm('literal'))?.data).toEqual({ cluster: '${cluster_name}' })
    expect((await cm('literal-label'))?.data).toEqual({ cluster: '${cluster_name}' })
    expect(await cm('ignored')).toBeUndefined()
    expect(await cm('frozen')).toBeUndefined()
    expect((await cm('if-not-present'))?.data).toEqual({ key: 'by-hand' })
    expect((await cm('override'))?.data).toEqual({ key: 'git' })
    const ids = (statuses.get('apps')?.inventory?.entries ?? []).map((e) => e.id)
    expect(ids).toEqual(expect.arrayContaining(['apps_db__Secret', 'apps_api__Secret', 'apps_vault_example.com_VaultSecret', 'apps_settings__ConfigMap', 'apps_kept__ConfigMap', 'apps_gone__ConfigMap']))
    expect(JSON.stringify([...statuses.values()])).not.toContain('s3cr3t')
    expect(JSON.stringify([...statuses.values()])).not.toContain('pw-prod')
  })

  it.skipIf(!hasKubectl)('is read by kubectl as Flux objects: Ready, revisions, inventory', async () => {
    const wait = await kubectl(['-n', 'flux-system', 'wait', '--for=condition=Ready', '--timeout=10s', 'kustomization/flux-system', 'kustomization/infrastructure', 'kustomization/apps'])
    expect([wait.code, wait.stderr]).toEqual([0, ''])
    const listed = await kubectl(['-n', 'flux-system', 'get', 'kustomizations.kustomize.toolkit.fluxcd.io', '-o', 'json'])
    const items = (JSON.parse(listed.stdout) as { items: Kustomization[] }).items
    expect(items.map((k) => [k.metadata.name, k.status?.lastAppliedRevision])).toEqual([
      ['apps', revision1],
      ['flux-system', revision1],
      ['infrastructure', revision1],
    ])
    const apps = items.find((k) => k.metadata.name === 'apps')
    expect(apps?.status?.inventory?.entries.find((e) => e.id === 'apps_db__Secret')).toEqual({ id: 'apps_db__Secret', v: 'v1' })
    // Someone at the keyboard: drift on objects with and without a say in the matter.
    const patch = (name: string, data: Record<string, string>): Promise<unknown> => kubectl(['-n', 'apps', 'patch', 'configmap', name, '--type=merge', '-p', JSON.stringify({ data })])
    await patch('override', { key: 'by-hand', extra: 'x' })
    await patch('merge', { key: 'by-hand', extra: 'x' })
    expect((await kubectl(['-n', 'apps', 'annotate', 'configmap/hands-off', `${FLUX}/reconcile=disabled`])).code).toBe(0)
    await patch('hands-off', { key: 'by-hand' })
  })

  it('applies the next commit: takeover unless Merge, reconcile disabled kept, force re-creates, prune disabled kept', async () => {
    const pinned = await cm('pinned')
    const revision2 = `main@sha1:${await repo.commit(await fleetFiles(`${gitServer.url}/fleet`, 2, recipient), { message: 'next', replace: true })}`
    for (const name of ['flux-system', 'infrastructure', 'apps']) {
      const { result } = await reconcileKs(name)
      expect([name, result.failure]).toEqual([name, undefined])
    }
    const apps = statuses.get('apps')
    expect(apps?.lastAppliedRevision).toBe(revision2)
    expect(getCondition(apps?.conditions ?? [], 'Ready')?.message).toBe(`Applied revision: ${revision2}`)
    if (hasKubectl) {
      expect((await cm('override'))?.data).toEqual({ key: 'git' })
      expect((await cm('merge'))?.data).toEqual({ key: 'git', extra: 'x' })
      expect((await cm('hands-off'))?.data).toEqual({ key: 'by-hand' })
    }
    const repinned = await cm('pinned')
    expect(repinned?.data).toEqual({ key: 'v2' })
    expect(repinned?.metadata.uid).not.toBe(pinned?.metadata.uid)
    expect((await cm('kept'))?.data).toEqual({ key: 'git' })
    expect(await cm('gone')).toBeUndefined()
    const ids = (apps?.inventory?.entries ?? []).map((e) => e.id)
    expect(ids).not.toContain('apps_kept__ConfigMap')
    expect(ids).not.toContain('apps_gone__ConfigMap')
  })
})

