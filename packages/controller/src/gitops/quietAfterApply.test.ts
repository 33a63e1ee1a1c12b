// Which applying reconciles let the next interval take the quiet path: only those after which a
// full no-change reconcile would end with the status as written; every excluded case answers
// undefined (the full path).
import { describe, expect, it } from 'vitest'
import { markReady, markReconciling } from '@gitops-sdk/core'
import type { KubeMap, KubeObject } from '@gitops-sdk/core'
import { kustomizationStatus } from '@gitops-sdk/reconcile'
import type { ReconcileStatus } from '@gitops-sdk/reconcile'
import { isWritten, quietAfterApply } from './quietAfterApply.js'
import type { AppliedReconcile } from './quietAfterApply.js'

const REVISION = 'main@sha1:0123456789abcdef0123456789abcdef01234567'
const REQUESTED = 'reconcile.fluxcd.io/requestedAt'
const started = new Date('2026-12-06T23:00:00Z')
const finished = new Date('2026-12-06T23:00:02Z')
const ref = { group: '', version: 'v1', kind: 'ConfigMap', namespace: 'apps', name: 'settings' }

function kustomization(overrides: { readonly generation?: number; readonly annotations?: Record<string, string>; readonly status?: unknown; readonly resourceVersion?: string } = {}): KubeObject {
  return {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: {
      name: 'app',
      namespace: 'apps',
      uid: 'uid-1',
      generation: overrides.generation ?? 1,
      resourceVersion: overrides.resourceVersion ?? '10',
      ...(overrides.annotations === undefined ? {} : { annotations: overrides.annotations }),
    },
    spec: { interval: '1m', path: './app', prune: true, sourceRef: { kind: 'GitRepository', name: 'fleet' } },
    ...(overrides.status === undefined ? {} : { status: overrides.status }),
  } as KubeObject
}

function appliedStatus(extra: Partial<ReconcileStatus> = {}): ReconcileStatus {
  const progressing = markReconciling([], { reason: 'Progressing', message: 'Reconciliation in progress' }, started)
  return {
    name: 'app',
    conditions: markReady(progressing, { reason: 'ReconciliationSucceeded', message: `Applied revision: ${REVISION}` }, finished),
    lastAppliedRevision: REVISION,
    lastAttemptedRevision: REVISION,
    changeSet: { entries: [{ ref, action: 'created' }] },
    inventory: { entries: [{ ...ref, version: 'v1' }] },
    drifted: [],
    durations: { render: 5, apply: 20 },
    finishedAt: finished.toISOString(),
    ...extra,
  }
}

/** The Kustomization as the applying reconcile's status write left it (resourceVersion 11). */
function written(status: ReconcileStatus, object: KubeObject, options: { readonly healthChecked?: boolean; readonly requestedAt?: string | undefined } = {}): KubeObject {
  const previous = { conditions: markReconciling([], { reason: 'Progressing', message: 'Reconciliation in progress' }, started), lastAttemptedRevision: REVISION }
  const next = kustomizationStatus(status, { previous, generation: object.metadata.generation as number, requestedAt: options.requestedAt, healthChecked: options.healthChecked ?? false })
  return { ...object, metadata: { ...object.metadata, resourceVersion: '11' }, status: next as unknown as KubeMap }
}

function reconcileOf(status: ReconcileStatus, overrides: Partial<AppliedReconcile> = {}): AppliedReconcile {
  return { object: kustomization(), status, revision: REVISION, requestedAt: undefined, interval: 60_000, healthChecked: false, driftProven: true, applied: true, ...overrides }
}

describe('quietAfterApply', () => {
  it('primes the next interval with the written object when a no-change reconcile would leave its status as written', () => {
    const status = appliedStatus()
    const object = kustomization()
    const primed = quietAfterApply(written(status, object), reconcileOf(status, { object }))
    expect(primed).toMatchObject({ interval: 60_000, object: undefined, written: { uid: 'uid-1', resourceVersion: '11' }, inventory: status.inventory })
    expect(isWritten(written(status, object), primed?.written)).toBe(true)
  })

  it('handles a reconcile request: the next interval is quiet only for the request this reconcile handled', () => {
    const object = kustomization({ annotations: { [REQUESTED]: 'now' } })
    const status = appliedStatus()
    expect(quietAfterApply(written(status, object, { requestedAt: 'now' }), reconcileOf(status, { object, requestedAt: 'now' }))).toBeDefined()
    // A new request annotated while this reconcile ran is in the written object: the full path handles it.
    const annotated = { ...written(status, object, { requestedAt: 'now' }), metadata: { ...object.metadata, resourceVersion: '11', annotations: { [REQUESTED]: 'later' } } }
    expect(quietAfterApply(annotated, reconcileOf(status, { object, requestedAt: 'now' }))).toBeUndefined()
  })

  it('takes the full path after each excluded reconcile', () => {
    const status = appliedStatus()
    const object = kustomization()
    const cases: Record<string, [KubeObject | undefined, AppliedReconcile]> = {
      'the object is gone': [undefined, reconcileOf(status)],
      // Flux checks health every reconcile, and the Healthy condition names the wait's duration.
      'health checks or wait': [written(status, object, { healthChecked: true }), reconcileOf(status, { healthChecked: true })],
      // A service account or a remote cluster: the objects are not in the controller's watch cache.
      'impersonation or a remote cluster': [written(status, object), reconcileOf(status, { driftProven: false })],
      'the apply or its inputs were not kept': [written(status, object), reconcileOf(status, { applied: false })],
      'a failed reconcile': [written(status, object), reconcileOf(appliedStatus({ failure: { phase: 'apply', message: 'boom' } }))],
      // The next reconcile would drop the unverified decryption's condition: a status to write.
      'unverified decryptions': [written(appliedStatus({ unverifiedDecryptions: [ref] }), object), reconcileOf(appliedStatus({ unverifiedDecryptions: [ref] }))],
      'the spec changed during the reconcile': [written(status, kustomization({ generation: 2 })), reconcileOf(status)],
      'another object of the same name': [{ ...written(status, object), metadata: { ...written(status, object).metadata, uid: 'uid-2' } }, reconcileOf(status)],
      'another revision was applied': [written(status, object), reconcileOf(status, { revision: 'main@sha1:ffff' })],
      'no resourceVersion': [{ ...written(status, object), metadata: { name: 'app', namespace: 'apps', uid: 'uid-1', generation: 1 } }, reconcileOf(status)],
    }
    for (const [name, [object, reconcile]] of Object.entries(cases)) expect(quietAfterApply(object, reconcile), name).toBeUndefined()
  })

  it('takes the full path when the written status is not what the next reconcile would compute', () => {
    const status = appliedStatus()
    const object = kustomization()
    const base = written(status, object)
    const stale = { ...base, status: { ...(base.status as KubeMap), observedGeneration: 0 } }
    expect(quietAfterApply(stale, reconcileOf(status))).toBeUndefined()
    const conditions = [...(base.status as { conditions: KubeMap[] }).conditions, { type: 'Reconciling', status: 'True', reason: 'Progressing', message: '', lastTransitionTime: started.toISOString() }]
    const extra = { ...base, status: { ...(base.status as KubeMap), conditions } }
    expect(quietAfterApply(extra, reconcileOf(status))).toBeUndefined()
  })

  it('accepts only the written object: any later write to the Kustomization takes the full path', () => {
    const status = appliedStatus()
    const object = kustomization()
    const primed = quietAfterApply(written(status, object), reconcileOf(status))
    expect(isWritten(kustomization({ resourceVersion: '12' }), primed?.written)).toBe(false)
    expect(isWritten({ ...kustomization({ resourceVersion: '11' }), metadata: { ...kustomization().metadata, uid: 'uid-2', resourceVersion: '11' } }, primed?.written)).toBe(false)
    expect(isWritten(kustomization({ resourceVersion: '11' }), undefined)).toBe(false)
  })
})
