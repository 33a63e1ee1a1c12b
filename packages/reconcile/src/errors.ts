import { GitOpsError } from '@gitops-sdk/core'
import type { ChangeSet, ErrorDetails } from '@gitops-sdk/core'

/** Codes of the errors `@gitops-sdk/reconcile` throws or reports. */
export type ReconcileErrorCode =
  | 'RECONCILE_FAILED'
  | 'RECONCILE_STEP_FAILED'
  | 'RECONCILE_EMPTY_RENDER'
  | 'RECONCILE_SOURCE_NO_CONTENT'
  | 'RECONCILE_SUBSTITUTE_FROM_NOT_FOUND'
  | 'RECONCILE_SUBSTITUTE_FROM_FAILED'
  | 'RECONCILE_VARIABLE_INVALID'
  | 'RECONCILE_KUSTOMIZATION_UNSUPPORTED'
  | 'RECONCILE_SOURCE_NOT_FOUND'
  | 'RECONCILE_DECRYPTION_SECRET_INVALID'
  | 'RECONCILE_KUBECONFIG_INVALID'

/**
 * An error of `@gitops-sdk/reconcile`. A failing reconcile does not throw it: its status says what
 * failed, with the error's code in `status.failure.code`; {@link reconcileFailure} turns that
 * status into a `RECONCILE_FAILED` error for callers that prefer to throw.
 */
export class ReconcileError extends GitOpsError<ReconcileErrorCode> {
  /** Always `'ReconcileError'`, so logs and `toJSON()` name the class. */
  override readonly name: string = 'ReconcileError'
}

/** What a {@link ReconcileStepError} is made from. */
export interface ReconcileStepErrorInit {
  /** One line, starting with the subject (e.g. `ConfigMap/app/b: admission denied`). */
  readonly message: string
  /** What the step had already done when it failed (applied, pruned, failed entries). */
  readonly changeSet: ChangeSet
  /** JSON-safe facts about the failure (never secret values). */
  readonly details?: ErrorDetails | undefined
  /** The error that made the step fail. */
  readonly cause?: unknown
}

/**
 * The failure of a custom apply or prune step that had already changed something
 * (`RECONCILE_STEP_FAILED`): `changeSet` says what, and the reconcile's status includes it. The
 * steps of {@link createReconcileSteps} report the same through `ApplyError.changeSet` instead.
 *
 * @example
 * ```ts
 * throw new ReconcileStepError({ message: `${formatRef(ref)}: admission denied`, changeSet: createChangeSet(done) })
 * ```
 */
export class ReconcileStepError extends ReconcileError {
  /** Always `'ReconcileStepError'`, so logs and `toJSON()` name the class. */
  override readonly name: string = 'ReconcileStepError'
  /** What the step had already done when it failed. */
  readonly changeSet: ChangeSet

  constructor(init: ReconcileStepErrorInit) {
    super({ code: 'RECONCILE_STEP_FAILED', message: init.message, details: init.details, cause: init.cause })
    this.changeSet = init.changeSet
  }
}
