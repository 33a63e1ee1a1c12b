// The inputs of a Kustomization's status computation, so that a no-change reconcile whose inputs
// are those that last gave the cached status back can skip computing and comparing it.
import type { ReconcileStatus } from '@gitops-sdk/reconcile'

/**
 * Everything `kustomizationStatus` reads besides the previous status and the inventory: the
 * conditions, failure, revisions, unverified decryptions, the wait's duration when health is
 * checked, the generation, `requestedAt` and whether health was checked. Left out, because it reads
 * none of them: the name, change set, drifted objects, build digest, other durations and the
 * finishing time (which only stamps a condition that changes status, and a status equal to the
 * cached one changed none).
 */
export function statusInputs(status: ReconcileStatus, options: { readonly generation: number | undefined; readonly requestedAt: string | undefined; readonly healthChecked: boolean }): string {
  return JSON.stringify([
    status.conditions,
    status.failure ?? null,
    status.lastAppliedRevision ?? null,
    status.lastAttemptedRevision ?? null,
    status.unverifiedDecryptions ?? [],
    options.healthChecked ? (status.durations.wait ?? null) : null,
    options.generation ?? null,
    options.requestedAt ?? null,
    options.healthChecked,
  ])
}
