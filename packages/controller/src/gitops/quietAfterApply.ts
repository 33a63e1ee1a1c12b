// The first no-change interval after an applying reconcile, on the quiet path: what the applying
// reconcile leaves so that the next one may skip the generic reconcile, and only when that next
// one would provably end as the full path would (the same status, nothing to write or report).
import { getCondition, isKubeMap } from '@gitops-sdk/core'
import type { KubeObject } from '@gitops-sdk/core'
import type { KustomizationStatus } from '@gitops-sdk/flux'
import { kustomizationStatus } from '@gitops-sdk/reconcile'
import type { ReconcileStatus } from '@gitops-sdk/reconcile'
import { reconcileRequestedAt } from '../updateStatus.js'
import { statusInputs } from './statusInputs.js'

/** A status computation that gave the cached status back: that status, the inventory (both by identity) and the other inputs. */
export interface SettledStatus {
  readonly status: unknown
  readonly inventory: unknown
  readonly inputs: string
  /** The Kustomization object (from the informer's cache) of that reconcile. */
  readonly object: KubeObject | undefined
  /** Its interval when that reconcile was a no-change one that may be repeated on the quiet path. */
  readonly interval: number | undefined
  /**
   * With `object` undefined: the Kustomization as the status write of an applying reconcile left
   * it, which the next reconcile's object must be for the quiet path.
   */
  readonly written?: { readonly uid: string; readonly resourceVersion: string } | undefined
}

/** Whether `object` is the Kustomization `written` names (same uid and resourceVersion: nothing written since). */
export function isWritten(object: KubeObject, written: SettledStatus['written']): boolean {
  return written !== undefined && object.metadata.uid === written.uid && object.metadata.resourceVersion === written.resourceVersion
}

/** What {@link quietAfterApply} needs of the applying reconcile. */
export interface AppliedReconcile {
  /** The Kustomization as that reconcile read it. */
  readonly object: KubeObject
  readonly status: ReconcileStatus
  /** The source revision it applied. */
  readonly revision: string
  /** Its `reconcile.fluxcd.io/requestedAt` annotation then. */
  readonly requestedAt: string | undefined
  /** The Kustomization's interval in milliseconds. */
  readonly interval: number
  /** Whether it checks health (`wait` or `healthChecks`). */
  readonly healthChecked: boolean
  /** Whether its drift can be proven from the applied objects cache (applied with the controller's own client, the cache running). */
  readonly driftProven: boolean
  /** Whether the apply's objects and build inputs were kept (the apply succeeded, the inputs were known). */
  readonly applied: boolean
}

/**
 * What an applying reconcile that ended Ready leaves for the quiet path of the next interval, or
 * undefined when that interval must go the full way. The next reconcile of the object `written`
 * (the answer of this reconcile's status write) is a no-change one when the source revision and
 * the build inputs are those of this apply (quietInterval checks both) and nothing drifted (its
 * drift proof): the engine then re-marks the same Ready condition (markReady keeps an equal one as
 * it is), carries the inventory, and reports no change set, no drift and no unverified decryption.
 * The status that reconcile would write is computed here from exactly that, against `written`'s
 * status: when it differs (an unverified decryption's condition would go, say), or the next
 * reconcile would not even be routine (revision, observedGeneration or requestedAt not settled by
 * the write), or someone changed the object's spec or annotations during this reconcile, the next
 * interval goes the full way and writes what changes. Excluded as the quiet path of later
 * intervals excludes them: health checks (`wait`, `healthChecks`: Flux checks health every
 * reconcile, and the Healthy condition carries the wait's duration), impersonation and remote
 * clusters (their objects are not in the controller's watch cache), and failed reconciles.
 */
export function quietAfterApply(written: KubeObject | undefined, applied: AppliedReconcile): SettledStatus | undefined {
  if (written === undefined || applied.healthChecked || !applied.driftProven || !applied.applied) return undefined
  const { uid, resourceVersion } = written.metadata
  if (typeof uid !== 'string' || typeof resourceVersion !== 'string' || uid !== applied.object.metadata.uid) return undefined
  if (applied.status.failure !== undefined || getCondition(applied.status.conditions, 'Ready')?.status !== 'True') return undefined
  // Built from this spec and handled this request: nothing else may have changed them meanwhile.
  const generation = written.metadata.generation
  if (generation !== applied.object.metadata.generation || reconcileRequestedAt(written) !== applied.requestedAt) return undefined
  const previous = statusOf(written)
  // The next reconcile's `routine`: otherwise it writes Progressing first.
  if (previous.lastAppliedRevision !== applied.revision || previous.observedGeneration !== generation || previous.lastHandledReconcileAt !== applied.requestedAt) return undefined
  // A later finishing time, so that a condition stamped with it would differ (and not be proven).
  const finishedAt = new Date(Date.parse(applied.status.finishedAt) + 1000).toISOString()
  const next: ReconcileStatus = { ...applied.status, changeSet: { entries: [] }, drifted: [], unverifiedDecryptions: [], durations: {}, finishedAt }
  const options = { generation: generationOf(written), requestedAt: applied.requestedAt, healthChecked: false }
  if (JSON.stringify(kustomizationStatus(next, { ...options, previous })) !== JSON.stringify(written.status ?? {})) return undefined
  return { status: written.status, inventory: applied.status.inventory, inputs: statusInputs(next, options), object: undefined, interval: applied.interval, written: { uid, resourceVersion } }
}

/** `metadata.generation` when it is a number. */
export function generationOf(object: KubeObject): number | undefined {
  return typeof object.metadata.generation === 'number' ? object.metadata.generation : undefined
}

/** `.status` as a Kustomization's (empty when absent). */
export function statusOf(object: KubeObject): KustomizationStatus {
  return (isKubeMap(object.status) ? object.status : {})
}
