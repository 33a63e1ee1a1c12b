import { describe, expect, it } from 'vitest'
import { createChangeSet, createFakeClock, markFailed, markReady } from '@gitops-sdk/core'
import { formatReconcileStatus, reconcileStatusData } from './index.js'
import type { ReconcileStatus } from './index.js'

const ref = (kind: string, name: string) => ({ group: kind === 'Deployment' ? 'apps' : '', version: 'v1', kind, namespace: 'prod', name })
const now = createFakeClock().now()
const status: ReconcileStatus = {
  name: 'prod',
  conditions: markReady([], { reason: 'ReconciliationSucceeded', message: 'Applied revision: main@sha1:abc' }, now),
  lastAttemptedRevision: 'main@sha1:abc',
  lastAppliedRevision: 'main@sha1:abc',
  changeSet: createChangeSet([
    { ref: ref('Deployment', 'web'), action: 'configured', reason: 'changed .spec.replicas' },
    { ref: ref('Service', 'cache'), action: 'deleted' },
    { ref: ref('Service', 'web'), action: 'unchanged' },
    { ref: ref('ConfigMap', 'web'), action: 'unchanged' },
  ]),
  drifted: [ref('Deployment', 'web')],
  durations: { fetch: 12.4, apply: 30.6 },
  finishedAt: now.toISOString(),
}

describe('formatReconcileStatus', () => {
  it('lists changed objects, counts unchanged ones and names corrected drift first', () => {
    expect(formatReconcileStatus(status)).toBe(
      [
        'prod main@sha1:abc: Ready: ReconciliationSucceeded: Applied revision: main@sha1:abc',
        '  drift corrected in Deployment/prod/web',
        '  Deployment/prod/web configured: changed .spec.replicas',
        '  Service/prod/cache deleted',
        '  2 unchanged',
      ].join('\n'),
    )
  })

  it('colours only when asked, and says Not ready for a failure', () => {
    const failed = { ...status, conditions: markFailed([], { reason: 'BuildFailed', message: 'bad' }, now) }
    expect(formatReconcileStatus(failed)).toMatch(/^prod main@sha1:abc: Not ready: BuildFailed: bad\n/)
    expect(formatReconcileStatus(failed, { color: true })).toContain('\u001b[31mNot ready\u001b[0m')
    expect(formatReconcileStatus(failed)).not.toContain('\u001b[')
  })
})

describe('reconcileStatusData', () => {
  it('gives Ready as a field, the change set flat and durations in whole milliseconds', () => {
    expect(reconcileStatusData(status)).toMatchObject({
      name: 'prod',
      ready: 'True',
      changeSet: [{ kind: 'Deployment', name: 'web', action: 'configured' }, { kind: 'Service', name: 'cache', action: 'deleted' }, {}, {}],
      durationsMs: { fetch: 12, apply: 31 },
    })
  })
})

describe('unverified decryptions', () => {
  it('are named in the text and listed in the data', () => {
    const secret = { group: '', kind: 'Secret', namespace: 'prod', name: 'db' }
    const withUnverified: ReconcileStatus = { ...status, changeSet: createChangeSet([]), drifted: [], unverifiedDecryptions: [secret] }
    expect(formatReconcileStatus(withUnverified).split('\n')[1]).toBe('  decrypted without a MAC check: Secret/prod/db')
    expect(reconcileStatusData(withUnverified).unverifiedDecryptions).toEqual([secret])
  })
})
