import { describe, expect, it } from 'vitest'
import { createChangeSet, createFakeClock, createInventory, memoryFs, parseObjects, refOf } from '@gitops-sdk/core'
import type { ObjectRef } from '@gitops-sdk/core'
import { kustomizationProgressing, kustomizationStatus, reconcile } from './index.js'
import type { ReconcileSteps } from './index.js'

const revision = 'main@sha1:2222222222222222222222222222222222222222'
const objects = parseObjects('apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: web, namespace: app}\n---\napiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: "system:web"}\n')

function steps(waited: ObjectRef[][], options: { failWait?: boolean; failRender?: boolean } = {}): ReconcileSteps {
  return {
    fetch: async () => ({ revision, fs: memoryFs({}) }),
    render: async () => {
      if (options.failRender === true) throw new Error('kustomization.yaml: bad')
      return objects
    },
    apply: async (list) => ({ ...createChangeSet(list.map((o) => ({ ref: refOf(o), action: 'created' as const }))), inventory: createInventory(list.map((o) => ({ ...refOf(o), version: 'v1' }))) }),
    wait: async (refs) => {
      waited.push([...refs])
      if (options.failWait === true) throw new Error('Deployment/app/web: not ready')
    },
  }
}

describe('kustomizationStatus', () => {
  const clock = createFakeClock(new Date('2026-12-06T08:00:00Z'))

  it("writes a successful reconcile as Flux's status: Ready, Healthy, inventory ids, revisions, generation", async () => {
    const waited: ObjectRef[][] = []
    const { status } = await reconcile({ name: 'apps', wait: true }, steps(waited), { clock })
    const previous = kustomizationProgressing(undefined, { revision, timeout: 300_000, now: clock.now() })
    expect(previous.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Ready', 'Unknown', 'Progressing'],
      ['Reconciling', 'True', 'Progressing'],
    ])
    const out = kustomizationStatus(status, { previous, generation: 3, requestedAt: '2026-12-06T07:59:00Z', healthChecked: true })
    expect(out.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Ready', 'True', 'ReconciliationSucceeded'],
      ['Healthy', 'True', 'Succeeded'],
    ])
    expect(out.conditions?.[0]?.message).toBe(`Applied revision: ${revision}`)
    expect(out).toMatchObject({
      observedGeneration: 3,
      lastAppliedRevision: revision,
      lastAttemptedRevision: revision,
      lastHandledReconcileAt: '2026-12-06T07:59:00Z',
      inventory: { entries: [{ id: '_system__web_rbac.authorization.k8s.io_ClusterRole', v: 'v1' }, { id: 'app_web_apps_Deployment', v: 'v1' }] },
    })
  })

  it('keeps observedGeneration and marks Reconciling ProgressingWithRetry and Healthy False after a failed health check', async () => {
    const { status } = await reconcile({ name: 'apps', wait: true }, steps([], { failWait: true }), { clock })
    const out = kustomizationStatus(status, { previous: { observedGeneration: 2 }, generation: 3, healthChecked: true })
    expect(out.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Ready', 'False', 'HealthCheckFailed'],
      ['Healthy', 'False', 'HealthCheckFailed'],
      ['Reconciling', 'True', 'ProgressingWithRetry'],
    ])
    expect(out.observedGeneration).toBe(2)
    expect(out.lastAttemptedRevision).toBe(revision)
    expect(out.lastAppliedRevision).toBeUndefined()
  })

  it('reports a failed build as Stalled with BuildFailed and the generation observed', async () => {
    const { status } = await reconcile({ name: 'apps' }, steps([], { failRender: true }), { clock })
    const out = kustomizationStatus(status, { generation: 4 })
    expect(out.conditions?.map((c) => [c.type, c.status, c.reason])).toEqual([
      ['Ready', 'False', 'BuildFailed'],
      ['Stalled', 'True', 'BuildFailed'],
    ])
    expect(out.observedGeneration).toBe(4)
  })

  it('reports dependencies that are not ready with DependencyNotReady', async () => {
    const { status } = await reconcile({ name: 'apps' }, steps([]), { clock: createFakeClock(new Date('2026-12-06T08:00:00Z')) })
    const out = kustomizationStatus(status, { dependenciesNotReady: ['flux-system/infra'] })
    expect(out.conditions?.[0]).toMatchObject({ type: 'Ready', status: 'False', reason: 'DependencyNotReady' })
    expect(out.conditions?.[0]?.message).toContain('flux-system/infra')
  })
})

describe('healthChecks', () => {
  it('waits for the listed objects without wait, and for them besides the applied ones with wait', async () => {
    const extra = { group: 'apps', kind: 'Deployment', namespace: 'other', name: 'db' }
    const waited: ObjectRef[][] = []
    await reconcile({ name: 'apps', healthChecks: [extra] }, steps(waited))
    await reconcile({ name: 'apps', wait: true, healthChecks: [extra, { group: 'apps', kind: 'Deployment', namespace: 'app', name: 'web' }] }, steps(waited))
    await reconcile({ name: 'apps' }, steps(waited))
    expect(waited.map((refs) => refs.map((r) => `${r.kind}/${r.namespace}/${r.name}`))).toEqual([
      ['Deployment/other/db'],
      ['Deployment/app/web', 'ClusterRole//system:web', 'Deployment/other/db'],
    ])
  })

  it('counts objects decrypted without a MAC check in DecryptionVerified=False, and drops it once none is', async () => {
    const { status } = await reconcile({ name: 'apps' }, steps([]), { clock: createFakeClock(new Date('2026-12-06T08:00:00Z')) })
    const secret = { group: '', kind: 'Secret', namespace: 'app', name: 'db' }
    const warned = kustomizationStatus({ ...status, unverifiedDecryptions: [secret] }, { generation: 1 })
    expect(warned.conditions?.map((c) => [c.type, c.status, c.reason, c.message])).toEqual([
      ['Ready', 'True', 'ReconciliationSucceeded', `Applied revision: ${revision}`],
      ['DecryptionVerified', 'False', 'UnverifiedIntegrity', '1 object decrypted without a SOPS MAC check: Secret/app/db'],
    ])
    const many = kustomizationStatus({ ...status, unverifiedDecryptions: Array.from({ length: 12 }, (_, i) => ({ ...secret, name: `s${i}` })) })
    expect(many.conditions?.find((c) => c.type === 'DecryptionVerified')?.message).toMatch(/^12 objects decrypted without a SOPS MAC check: Secret\/app\/s0, .*Secret\/app\/s9 and 2 more$/)
    expect(kustomizationStatus(status, { previous: warned }).conditions?.map((c) => c.type)).toEqual(['Ready'])
  })
})
