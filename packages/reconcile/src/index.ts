// The public contract of @gitops-sdk/reconcile: what is not exported here does not exist.
export type { ReconcileErrorCode, ReconcileStepErrorInit } from './errors.js'
export { ReconcileError, ReconcileStepError } from './errors.js'
export type {
  AppliedState,
  ApplyStepInput,
  ApplyStepResult,
  FetchedSource,
  ReconcileEvent,
  ReconcilePhase,
  ReconcileResult,
  ReconcileSpec,
  ReconcileState,
  ReconcileStatus,
  ReconcileSteps,
} from './types.js'
export type { ReconcileOptions } from './reconcile.js'
export { reconcile } from './reconcile.js'
export { reconcileFailure } from './reconcileFailure.js'
export type { ReconcileAlert, ReconcilerEvent, ReconcilerOptions, ReconcilerSpec } from './reconciler.js'
export { Reconciler } from './reconciler.js'
// Moved to @gitops-sdk/secrets (the fleet build uses it too); re-exported for existing callers.
export type { DecryptedObjects, DecryptionIntegrity, DecryptRenderedOptions } from '@gitops-sdk/secrets'
export { decryptRendered } from '@gitops-sdk/secrets'
export type { LoadVariablesOptions, SubstituteFromReference } from './loadVariables.js'
export { loadVariables } from './loadVariables.js'
export type { GitSourceSpec, PostBuildOptions, ReconcileStepsOptions } from './createReconcileSteps.js'
export { createReconcileSteps } from './createReconcileSteps.js'
export type { KustomizationProgressingOptions, KustomizationStatusOptions } from './kustomizationStatus.js'
export { DECRYPTION_VERIFIED, kustomizationProgressing, kustomizationStatus } from './kustomizationStatus.js'
export type { KustomizationReconcile, KustomizationReconcileOptions, ResolvedSourceRef } from './kustomizationReconcile.js'
export { kustomizationReconcile } from './kustomizationReconcile.js'
export type { ReconcileRecord } from './reconcileRecord.js'
export { MANAGED_BY, readRecord, recordOf, STATUS_ANNOTATION, writeRecord } from './reconcileRecord.js'
export type { ReconcilerMetrics } from './metrics.js'
export { createReconcilerMetrics, serveMetrics } from './metrics.js'
export type { FormatReconcileStatusOptions } from './formatReconcileStatus.js'
export { formatReconcileStatus, reconcileStatusData } from './formatReconcileStatus.js'
export type { KustomizationClientFactoryOptions, KustomizationClientInput } from './kustomizationClientFactory.js'
export { kustomizationClientFactory } from './kustomizationClientFactory.js'
