// The public contract of @gitops-sdk/apply: what is not exported here does not exist.
export type { ApplyOptions } from './applyAll.js'
export { applyAll } from './applyAll.js'
export type { ApplyHistory, FieldOverride, ObservedApply } from './applyHistory.js'
export { createApplyHistory } from './applyHistory.js'
export type { SsaPolicy, UnknownAnnotation } from './annotations.js'
export { ANNOTATIONS, FLUX_ANNOTATIONS, forceEnabled, LABELS, pruneDisabled, reconcileDisabled, ssaPolicy, unknownAnnotations } from './annotations.js'
export { APPLYSET, applySetId } from './applySet.js'
export type { HealthStatus, ObjectHealth } from './computeStatus.js'
export { computeStatus } from './computeStatus.js'
export type { Impersonation, KubeClientOptions } from './createKubeClient.js'
export { createKubeClient } from './createKubeClient.js'
export type { ApplyErrorCode, ApplyErrorInit, ApplyFailure } from './errors.js'
export { ApplyError } from './errors.js'
export { DEFAULT_FIELD_MANAGER } from './fieldManager.js'
export type {
  ApiRequestEvent,
  ApiResource,
  CreateRequestOptions,
  DeleteRequestOptions,
  JsonPatchOperation,
  JsonPatchRequestOptions,
  KindTarget,
  KubeClient,
  KubeConfigLike,
  ListQuery,
  ObjectList,
  ObjectTarget,
  PropagationPolicy,
  RequestOptions,
  ServerSideApplyOptions,
} from './kubeClient.js'
export type { ApplyProgress, ApplyResult, ApplyStage, ApplyWarning, InventoryRef, PlacementOptions, ReconcileLoopWarning, UnknownAnnotationWarning } from './types.js'
export type { ObjectStatus, WaitOptions, WaitProgress } from './waitFor.js'
export { waitFor } from './waitFor.js'
export type { LoadInventoryOptions, SaveInventoryOptions, StoredInventory } from './inventoryStorage.js'
export { loadInventory, saveInventory } from './inventoryStorage.js'
export type { PruneOptions } from './prune.js'
export { prune } from './prune.js'
export type { DetectDriftOptions, DriftState } from './detectDrift.js'
export { detectDrift } from './detectDrift.js'
export type { DiffOptions, DriftedField, DriftReport, DriftStatus, ObjectDrift } from './diff.js'
export { diff } from './diff.js'
export type { FormatDiffOptions } from './formatDiff.js'
export { formatDiff } from './formatDiff.js'
