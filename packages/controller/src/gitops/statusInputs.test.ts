import { describe, expect, it } from 'vitest'
import { kustomizationStatus } from '@gitops-sdk/reconcile'
import type { ReconcileStatus } from '@gitops-sdk/reconcile'
import { statusInputs } from './statusInputs.js'

const inventory = { entries: [{ group: 'apps', kind: 'Deployment', namespace: 'apps', name: 'web', version: 'v1' }] }
const base: ReconcileStatus = {
  name: 'apps',
  conditions: [{ type: 'Ready', status: 'True', reason: 'ReconciliationSucceeded', message: 'Applied revision: main@sha1:aaa', lastTransitionTime: '2026-01-01T00:00:00.000Z' }],
  lastAppliedRevision: 'main@sha1:aaa',
  lastAttemptedRevision: 'main@sha1:aaa',
  changeSet: { entries: [] },
  inventory,
  drifted: [],
  durations: { drift: 1 },
  finishedAt: '2026-01-01T00:00:01.000Z',
}
type Options = Parameters<typeof statusInputs>[1]
const options: Options = { generation: 1, requestedAt: undefined, healthChecked: false }
// The cached status: what the base outcome wrote.
const live = kustomizationStatus(base, options)
const outcome = (status: ReconcileStatus, o: Options): string => JSON.stringify(kustomizationStatus(status, { ...o, previous: live }))

describe('statusInputs', () => {
  it('changes with every input that changes the status computed over the cached one', () => {
    const failed: ReconcileStatus = {
      ...base,
      conditions: [{ type: 'Ready', status: 'False', reason: 'BuildFailed', message: 'kustomization.yaml: bad', lastTransitionTime: '2026-01-01T00:00:01.000Z' }],
      failure: { phase: 'render', message: 'kustomization.yaml: bad' },
    }
    const variants: [string, ReconcileStatus, Options][] = [
      ['Ready message', { ...base, conditions: [{ ...base.conditions[0]!, message: 'Applied revision: main@sha1:bbb' }] }, options],
      ['a failure', failed, options],
      ['stalled', { ...failed, conditions: [...failed.conditions, { type: 'Stalled', status: 'True', reason: 'BuildFailed', message: 'bad', lastTransitionTime: '2026-01-01T00:00:01.000Z' }] }, options],
      ['lastAppliedRevision', { ...base, lastAppliedRevision: 'main@sha1:bbb' }, options],
      ['lastAttemptedRevision', { ...base, lastAttemptedRevision: 'main@sha1:bbb' }, options],
      ['unverified decryptions', { ...base, unverifiedDecryptions: [{ group: '', kind: 'Secret', namespace: 'apps', name: 's' }] }, options],
      ['health checked', base, { ...options, healthChecked: true }],
      ['generation', base, { ...options, generation: 2 }],
      ['requestedAt', base, { ...options, requestedAt: '2026-01-01T00:00:05Z' }],
    ]
    const healthy = kustomizationStatus({ ...base, durations: { wait: 1200 } }, { ...options, healthChecked: true, previous: live })
    expect(JSON.stringify(kustomizationStatus({ ...base, durations: { wait: 2500 } }, { ...options, healthChecked: true, previous: healthy }))).not.toBe(JSON.stringify(healthy))
    expect(statusInputs({ ...base, durations: { wait: 2500 } }, { ...options, healthChecked: true })).not.toBe(statusInputs({ ...base, durations: { wait: 1200 } }, { ...options, healthChecked: true }))
    for (const [what, status, o] of variants) {
      expect(outcome(status, o), what).not.toBe(JSON.stringify(live))
      expect(statusInputs(status, o), what).not.toBe(statusInputs(base, options))
    }
  })

  it('leaves out only what the computation does not read: the status stays the cached one', () => {
    const ignored: [string, ReconcileStatus][] = [
      ['finishing time', { ...base, finishedAt: '2026-01-01T01:00:00.000Z' }],
      ['change set', { ...base, changeSet: { entries: [{ ref: { group: 'apps', kind: 'Deployment', namespace: 'apps', name: 'web' }, action: 'configured' }] } }],
      ['drifted', { ...base, drifted: [{ group: 'apps', kind: 'Deployment', namespace: 'apps', name: 'web' }] }],
      ['other durations', { ...base, durations: { drift: 9, apply: 3 } }],
      ['build digest', { ...base, buildDigest: 'sha256:00' }],
    ]
    for (const [what, status] of ignored) {
      expect(outcome(status, options), what).toBe(JSON.stringify(live))
      expect(statusInputs(status, options), what).toBe(statusInputs(base, options))
    }
  })
})
