// issue 12: a first reconcile that fails leaves its record on a new inventory object; the next
// reconcile must accept that object instead of failing on "it is not an inventory" forever.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer } from '@gitops-sdk/apiserver'
import type { ApiServer } from '@gitops-sdk/apiserver'
import { createKubeClient, loadInventory } from '@gitops-sdk/apply'
import type { KubeClient } from '@gitops-sdk/apply'
import { getCondition } from '@gitops-sdk/core'
import { createRepository, startGitServer } from '@gitops-sdk/git-source/testing'
import type { GitServer, TestRepository } from '@gitops-sdk/git-source/testing'
import { createReconcileSteps, readRecord, reconcile, recordOf, writeRecord } from '../../src/index.js'
import type { ReconcileRecord, ReconcileStatus } from '../../src/index.js'

let dir: string
let apiserver: ApiServer
let gitServer: GitServer
let repo: TestRepository
let client: KubeClient

const configMap = (name: string): string => `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${name}, namespace: default}\ndata: {v: "1"}\n`

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gitops-record-'))
  repo = await createRepository(join(dir, 'repos'), { name: 'app' })
  gitServer = await startGitServer({ root: join(dir, 'repos') })
  apiserver = await startApiServer({ controllers: 'ready' })
  const kubeconfig = join(dir, 'kubeconfig')
  writeFileSync(kubeconfig, apiserver.kubeconfigYaml())
  client = await createKubeClient({ kubeconfig })
})

afterAll(async () => {
  await gitServer.stop()
  await apiserver.stop()
  rmSync(dir, { recursive: true, force: true })
})

describe('writeRecord', () => {
  it.each([
    { name: 'ConfigMap', kind: undefined },
    { name: 'Secret', kind: 'Secret' as const },
  ])('after a failed first reconcile, leaves a $name the next reconcile takes as an empty inventory', async ({ kind }) => {
    const inventory = { namespace: 'default', name: `first-${kind ?? 'configmap'}`.toLowerCase(), kind }
    const steps = createReconcileSteps({ source: { url: `${gitServer.url}/app` }, client, inventory })
    const spec = { name: inventory.name, path: 'app', prune: true }
    const target = { group: '', version: 'v1', kind: kind ?? 'ConfigMap', namespace: 'default', name: inventory.name }
    let last: ReconcileRecord | undefined
    const record = async (status: ReconcileStatus): Promise<void> => {
      last = recordOf(status, last)
      await writeRecord(last, { client, inventory })
    }

    await repo.commit({ 'app/kustomization.yaml': 'resources: [missing.yaml]\n' }, { message: 'broken' })
    const failed = await reconcile(spec, steps)
    expect(failed.status.failure?.phase).toBe('render')
    await record(failed.status)
    // A second failure writes the record onto the object that now exists.
    await record((await reconcile(spec, steps)).status)
    expect(await loadInventory(inventory, { client })).toMatchObject({ inventory: { entries: [] } })
    expect(readRecord((await client.get(target))!)).toMatchObject({ ready: 'False', reason: 'BuildFailed' })

    await repo.commit({ 'app/kustomization.yaml': 'resources: [a.yaml]\n', 'app/a.yaml': configMap(`${inventory.name}-a`) }, { message: 'fixed' })
    const fixed = await reconcile(spec, steps)
    expect(fixed.status.failure).toBeUndefined()
    expect(getCondition(fixed.status.conditions, 'Ready')?.status).toBe('True')
    await record(fixed.status)
    // The record's writes leave the saved inventory alone.
    const stored = await loadInventory(inventory, { client })
    expect(stored?.inventory.entries.map((e) => e.name)).toEqual([`${inventory.name}-a`])
    expect(readRecord((await client.get(target))!)).toMatchObject({ ready: 'True', lastAppliedRevision: fixed.status.lastAppliedRevision })
  })

  it('never overwrites an inventory that already exists', async () => {
    const inventory = { namespace: 'default', name: 'existing' }
    const steps = createReconcileSteps({ source: { url: `${gitServer.url}/app` }, client, inventory })
    await repo.commit({ 'app/kustomization.yaml': 'resources: [a.yaml]\n', 'app/a.yaml': configMap('existing-a') }, { message: 'one object' })
    const { status } = await reconcile({ name: 'existing', path: 'app' }, steps)
    expect(status.failure).toBeUndefined()
    await writeRecord(recordOf(status), { client, inventory })
    await writeRecord(recordOf(status), { client, inventory })
    expect((await loadInventory(inventory, { client }))?.inventory.entries.map((e) => e.name)).toEqual(['existing-a'])
  })
})

describe('a reconcile whose inventory lives in a namespace the source stops declaring', () => {
  it('keeps that namespace (PRUNE_HOLDS_INVENTORY), saves the inventory and writes the record there', async () => {
    const ns = `own-${Math.random().toString(36).slice(2, 8)}`
    const inventory = { namespace: ns, name: 'own' }
    const steps = createReconcileSteps({ source: { url: `${gitServer.url}/app` }, client, inventory })
    const namespaceYaml = `apiVersion: v1\nkind: Namespace\nmetadata: {name: ${ns}}\n`
    const inNs = `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: a, namespace: ${ns}}\ndata: {v: "1"}\n`
    await repo.commit({ 'app/kustomization.yaml': 'resources: [ns.yaml, a.yaml]\n', 'app/ns.yaml': namespaceYaml, 'app/a.yaml': inNs }, { message: 'own namespace' })
    const first = await reconcile({ name: 'own', path: 'app', prune: true }, steps)
    expect(first.status.failure).toBeUndefined()

    await repo.commit({ 'app/kustomization.yaml': 'resources: []\n', 'app/ns.yaml': null, 'app/a.yaml': null }, { message: 'empty' })
    const emptied = await reconcile({ name: 'own', path: 'app', prune: true, allowEmpty: true }, steps)
    expect(emptied.status.failure).toBeUndefined()
    const skipped = emptied.status.changeSet.entries.find((e) => e.ref.kind === 'Namespace')
    expect(skipped).toMatchObject({ action: 'skipped', reasonCode: 'PRUNE_HOLDS_INVENTORY' })
    await writeRecord(recordOf(emptied.status), { client, inventory })
    expect(await client.get({ group: '', version: 'v1', kind: 'Namespace', namespace: '', name: ns })).toBeDefined()
    expect(await client.get({ group: '', version: 'v1', kind: 'ConfigMap', namespace: ns, name: 'a' })).toBeUndefined()
    expect(await loadInventory(inventory, { client })).toMatchObject({ inventory: { entries: [] } })
  })
})
