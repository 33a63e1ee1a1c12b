import { refKey } from '@gitops-sdk/core'
import type { KubeObject, ObjectRef } from '@gitops-sdk/core'
import { exclusionReason } from './annotations.js'
import type { KubeClient } from './kubeClient.js'
import { fetchLive } from './internal/liveObjects.js'
import { provablyUnchanged } from './internal/noop.js'
import { ownershipSelector, prepareObjects, prepareSettings } from './internal/prepare.js'
import type { PlacementOptions } from './types.js'

/** What {@link detectDrift} checks: objects as last applied and their resourceVersions afterwards. */
export interface DriftState {
  /** The objects as the last apply sent them. */
  readonly objects: readonly KubeObject[]
  /** refKey → `metadata.resourceVersion` after the apply (what `applyAll`'s entries carry). */
  readonly resourceVersions: ReadonlyMap<string, string>
}

/** Options of {@link detectDrift}: the client, and the settings the objects were applied with. */
export interface DetectDriftOptions extends PlacementOptions {
  /** The cluster's client, from `createKubeClient`. */
  readonly client: KubeClient
  /**
   * The field manager of the apply. With it, an object whose resourceVersion moved only because
   * something else changed (its status, another manager's field) is not reported when applying it
   * would provably change nothing.
   */
  readonly fieldManager?: string | undefined
  /** @defaultValue 8 */
  readonly concurrency?: number | undefined
  /** Cancels the operation: it stops promptly and rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined
}

/**
 * Tells which applied objects were changed or deleted in the cluster since they were applied, in
 * as few requests as possible: one LIST per kind (per kind and namespace without an inventory, or
 * when listing across namespaces is forbidden), narrowed by the inventory's ownership labels, and
 * a comparison of resourceVersions. A no-change check of 1,000 objects of a few kinds costs a
 * handful of requests. Fits `ReconcileSteps.checkDrift` of `@gitops-sdk/core`.
 *
 * @throws API errors of the reads (`APPLY_FORBIDDEN`, `APPLY_UNREACHABLE`, …). An abort rejects
 * with `signal.reason`.
 * @example
 * ```ts
 * const checkDrift = (state: AppliedState, { signal }: { signal: AbortSignal }) =>
 *   detectDrift(state, { client, fieldManager: 'gitops', inventory, signal })
 * ```
 */
export async function detectDrift(state: DriftState, options: DetectDriftOptions): Promise<ObjectRef[]> {
  if (typeof state !== 'object' || !Array.isArray(state.objects)) throw new TypeError('detectDrift: state.objects must be an array')
  if (typeof options !== 'object' || typeof options.client !== 'object') throw new TypeError('detectDrift: options.client is required')
  const { client, signal } = options
  signal?.throwIfAborted()
  const concurrency = options.concurrency ?? 8
  // Only read here: objects as last applied are used as they are, not copied.
  const { prepared, failures } = await prepareObjects(state.objects, { ...prepareSettings(options, concurrency), readOnly: true })
  const served = prepared.filter((p) => p.served)
  const live = await fetchLive(served.map((p) => ({ ref: p.ref, version: p.version })), {
    client,
    selector: options.inventory === undefined ? undefined : ownershipSelector(options.inventory),
    concurrency,
    signal,
  })
  // Objects that cannot even be prepared any more (their CRD is gone) need an apply to tell.
  const drifted: ObjectRef[] = [...failures.map((f) => f.ref), ...prepared.filter((p) => !p.served).map((p) => p.ref)]
  for (const p of served) {
    // `reconcile: disabled` or `ssa: Ignore` in Git: apply leaves it alone, so it is no drift.
    if (exclusionReason(p.object) !== undefined) continue
    const key = refKey(p.ref)
    const current = live.get(key)
    // Absent from a label-selected LIST: deleted, or its labels were removed. Either way, drift.
    if (current === undefined || current === null) {
      drifted.push(p.ref)
      continue
    }
    if (current.metadata.resourceVersion === state.resourceVersions.get(key)) continue
    if (exclusionReason(current) !== undefined) continue
    if (options.fieldManager !== undefined && provablyUnchanged(p.object, current, options.fieldManager)) continue
    drifted.push(p.ref)
  }
  return drifted
}
