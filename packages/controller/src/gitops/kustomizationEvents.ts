// The Events kustomize-controller records at the end of a Kustomization reconcile: Progressing
// with what changed, ReconciliationSucceeded when it became Ready, changed something or applied a
// new revision, and a Warning with the Ready condition's reason when it is not Ready.
import { formatChangeSet, getCondition } from '@gitops-sdk/core'
import type { KubeObject } from '@gitops-sdk/core'
import type { KustomizationStatus } from '@gitops-sdk/flux'
import type { ReconcileStatus } from '@gitops-sdk/reconcile'
import type { EventRecorder } from '../eventRecorder.js'
import { FluxReason } from '../fluxReasons.js'

/** One finished reconcile, as its Events tell it. */
export interface KustomizationOutcome {
  readonly status: ReconcileStatus
  /** The status before this reconcile. */
  readonly previous: KustomizationStatus
  readonly revision: string
  /** `performance.now()` when the reconcile proper started. */
  readonly started: number
  /** `spec.interval` as written, for the success message. */
  readonly interval: string
}

/** Records the Events of a reconcile of `object`; answers whether it ended Ready. */
export async function recordKustomizationEvents(object: KubeObject, outcome: KustomizationOutcome, options: { readonly recorder: EventRecorder; readonly signal: AbortSignal }): Promise<boolean> {
  const { status, previous } = outcome
  const { recorder, signal } = options
  const ready = getCondition(status.conditions, 'Ready')
  const annotations = { 'kustomize.toolkit.fluxcd.io/revision': outcome.revision }
  const changed = status.changeSet.entries.filter((e) => e.action !== 'unchanged' && e.action !== 'skipped')
  if (changed.length > 0) {
    await recorder.record(object, { type: 'Normal', reason: FluxReason.Progressing, message: formatChangeSet({ entries: changed }), annotations }, { signal })
  }
  if (ready?.status === 'True') {
    const wasReady = getCondition(previous.conditions ?? [], 'Ready')?.status === 'True'
    if (!wasReady || changed.length > 0 || previous.lastAppliedRevision !== outcome.revision) {
      const seconds = ((performance.now() - outcome.started) / 1000).toFixed(3)
      await recorder.record(object, { type: 'Normal', reason: FluxReason.ReconciliationSucceeded, message: `Reconciliation finished in ${seconds}s, next run in ${outcome.interval}`, annotations }, { signal })
    }
    return true
  }
  await recorder.record(object, { type: 'Warning', reason: ready?.reason ?? FluxReason.ReconciliationFailed, message: ready?.message ?? 'reconciliation failed', annotations }, { signal })
  return false
}
