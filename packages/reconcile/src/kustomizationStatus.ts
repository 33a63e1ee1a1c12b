// A reconcile's outcome as the `.status` of a Flux Kustomization, the way kustomize-controller
// v1 finalizes it, so that `flux get kustomizations`, kstatus and dashboards read it unchanged.
import { formatRef, getCondition, removeCondition, setCondition } from '@gitops-sdk/core'
import type { Condition, ConditionInit } from '@gitops-sdk/core'
import { toFluxInventory } from '@gitops-sdk/flux'
import type { KustomizationStatus } from '@gitops-sdk/flux'
import type { ReconcileStatus } from './types.js'

/** Options of {@link kustomizationStatus}. */
export interface KustomizationStatusOptions {
  /** The Kustomization's `.status` before this reconcile: transition times and fields the reconcile did not set are kept. */
  readonly previous?: KustomizationStatus | undefined
  /** The Kustomization's `metadata.generation`; becomes `observedGeneration` when the reconcile ended Ready or Stalled. */
  readonly generation?: number | undefined
  /** The value of its `reconcile.fluxcd.io/requestedAt` annotation, if any: becomes `lastHandledReconcileAt`. */
  readonly requestedAt?: string | undefined
  /** Whether the reconcile checked health (`wait` or `healthChecks`): then the Healthy condition is reported, else removed. @defaultValue false */
  readonly healthChecked?: boolean | undefined
  /**
   * Dependencies (`namespace/name`) not ready yet, when the caller did not reconcile because of
   * them: Ready=False with reason `DependencyNotReady`, the rest of the status as it was.
   */
  readonly dependenciesNotReady?: readonly string[] | undefined
}

/** Options of {@link kustomizationProgressing}. */
export interface KustomizationProgressingOptions {
  /** The revision being reconciled, if known. */
  readonly revision?: string | undefined
  /** The reconcile's timeout in milliseconds, named in the message. */
  readonly timeout?: number | undefined
  /** When the reconcile started. */
  readonly now: Date
}

const NEUTRAL = ['Ready', 'Healthy', 'Reconciling', 'Stalled']

function conditionsOf(previous: KustomizationStatus | undefined): Condition[] {
  return [...(previous?.conditions ?? [])]
}

function set(conditions: Condition[], init: ConditionInit, at: Date): Condition[] {
  return setCondition(conditions, init, at)
}

/**
 * The `.status` of a Flux Kustomization after a reconcile, as kustomize-controller v1 writes it:
 * Ready with Flux's reason (`ReconciliationSucceeded`, `ArtifactFailed`, `BuildFailed`,
 * `HealthCheckFailed`, `ReconciliationFailed`, `PruneFailed`, `DependencyNotReady`, …);
 * Reconciling removed on success and `ProgressingWithRetry` after a failure that will be retried;
 * Stalled for a failure retrying cannot fix; Healthy (`Succeeded` or `HealthCheckFailed`) when
 * health was checked; `observedGeneration` only when Ready or Stalled; the inventory in Flux's
 * format (`<namespace>_<name>_<group>_<kind>`, `v`); `lastAppliedRevision`,
 * `lastAttemptedRevision` and `lastHandledReconcileAt`; objects decrypted without a MAC check
 * counted in a DecryptionVerified=False condition (reason `UnverifiedIntegrity`). Pure: a function of its arguments, ready to
 * be written to `.status` with a status subresource update.
 *
 * @example
 * ```ts
 * const { status } = await reconcile(spec, steps)
 * const next = kustomizationStatus(status, { previous: k.status, generation: k.metadata.generation, healthChecked: spec.wait })
 * ```
 */
export function kustomizationStatus(status: ReconcileStatus, options: KustomizationStatusOptions = {}): KustomizationStatus {
  const previous = options.previous
  const at = new Date(status.finishedAt)
  let conditions = conditionsOf(previous)
  const lastHandled = options.requestedAt ?? previous?.lastHandledReconcileAt
  const base = {
    ...(previous ?? {}),
    ...(lastHandled === undefined ? {} : { lastHandledReconcileAt: lastHandled }),
  }
  const notReady = options.dependenciesNotReady ?? []
  if (notReady.length > 0) {
    const message = `Dependencies do not meet ready condition (${notReady.join(', ')}), retrying`
    conditions = set(conditions, { type: 'Ready', status: 'False', reason: 'DependencyNotReady', message }, at)
    return { ...base, conditions: ordered(conditions) }
  }
  const ready = getCondition(status.conditions, 'Ready')
  const stalled = getCondition(status.conditions, 'Stalled')
  if (ready !== undefined) conditions = set(conditions, { type: 'Ready', status: ready.status, reason: ready.reason, message: ready.message }, new Date(ready.lastTransitionTime))
  const succeeded = ready?.status === 'True'
  const observed = succeeded || stalled?.status === 'True'
  if (succeeded) {
    conditions = removeCondition(removeCondition(conditions, 'Reconciling'), 'Stalled')
  } else if (stalled?.status === 'True') {
    conditions = removeCondition(conditions, 'Reconciling')
    conditions = set(conditions, { type: 'Stalled', status: 'True', reason: stalled.reason, message: stalled.message }, new Date(stalled.lastTransitionTime))
  } else if (ready?.status === 'False') {
    conditions = removeCondition(conditions, 'Stalled')
    conditions = set(conditions, { type: 'Reconciling', status: 'True', reason: 'ProgressingWithRetry', message: ready.message }, at)
  }
  if (options.healthChecked !== true) {
    conditions = removeCondition(conditions, 'Healthy')
  } else if (succeeded) {
    const seconds = ((status.durations.wait ?? 0) / 1000).toFixed(1)
    conditions = set(conditions, { type: 'Healthy', status: 'True', reason: 'Succeeded', message: `Health check passed in ${seconds}s` }, at)
  } else if (status.failure?.phase === 'wait') {
    conditions = set(conditions, { type: 'Healthy', status: 'False', reason: 'HealthCheckFailed', message: status.failure.message }, at)
  }
  conditions = integrityCondition(conditions, status, succeeded)
  const generation = options.generation
  return {
    ...base,
    conditions: ordered(conditions),
    ...(observed && generation !== undefined ? { observedGeneration: generation } : {}),
    ...(status.inventory === undefined ? {} : { inventory: toFluxInventory(status.inventory) }),
    ...(status.lastAppliedRevision === undefined ? {} : { lastAppliedRevision: status.lastAppliedRevision }),
    ...(status.lastAttemptedRevision === undefined ? {} : { lastAttemptedRevision: status.lastAttemptedRevision }),
  }
}

/**
 * The `.status` of a Flux Kustomization while a reconcile runs: Reconciling=True and Ready=Unknown,
 * both with reason `Progressing`, as kustomize-controller marks them before it fetches.
 *
 * @example
 * ```ts
 * await writeStatus(kustomizationProgressing(k.status, { revision, timeout: 300_000, now: new Date() }))
 * ```
 */
export function kustomizationProgressing(previous: KustomizationStatus | undefined, options: KustomizationProgressingOptions): KustomizationStatus {
  const seconds = options.timeout === undefined ? undefined : `${Math.round(options.timeout / 1000)}s`
  const message =
    options.revision === undefined
      ? 'Reconciliation in progress'
      : `Fetching manifests for revision ${options.revision}${seconds === undefined ? '' : ` with a timeout of ${seconds}`}`
  let conditions = conditionsOf(previous)
  conditions = set(conditions, { type: 'Reconciling', status: 'True', reason: 'Progressing', message }, options.now)
  conditions = set(conditions, { type: 'Ready', status: 'Unknown', reason: 'Progressing', message: 'Reconciliation in progress' }, options.now)
  return { ...(previous ?? {}), conditions: ordered(conditions) }
}

/** The condition type that counts objects decrypted without a MAC check (the SDK's; Flux has none). */
export const DECRYPTION_VERIFIED = 'DecryptionVerified'

/**
 * Objects decrypted without a SOPS MAC check (lenient integrity) are a warning, not a failure:
 * DecryptionVerified=False with reason `UnverifiedIntegrity`, their count and names. Flux's
 * tools ignore a condition they do not know; kstatus reads only Ready, Reconciling and Stalled.
 * A successful reconcile with none removes it.
 */
function integrityCondition(conditions: Condition[], status: ReconcileStatus, succeeded: boolean): Condition[] {
  const refs = status.unverifiedDecryptions ?? []
  if (refs.length === 0) return succeeded ? removeCondition(conditions, DECRYPTION_VERIFIED) : conditions
  const shown = refs.slice(0, 10).map(formatRef).join(', ')
  const more = refs.length > 10 ? ` and ${refs.length - 10} more` : ''
  const message = `${refs.length} object${refs.length === 1 ? '' : 's'} decrypted without a SOPS MAC check: ${shown}${more}`
  return set(conditions, { type: DECRYPTION_VERIFIED, status: 'False', reason: 'UnverifiedIntegrity', message }, new Date(status.finishedAt))
}

/** Flux's conditions first, in a stable order, then any others as they were. */
function ordered(conditions: readonly Condition[]): Condition[] {
  const known = NEUTRAL.map((t) => conditions.find((c) => c.type === t)).filter((c): c is Condition => c !== undefined)
  return [...known, ...conditions.filter((c) => !NEUTRAL.includes(c.type))]
}
