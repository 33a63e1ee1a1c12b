// The public contract of @gitops-sdk/flux: Flux's API objects as typed data. What is not exported
// here does not exist.
export type { Artifact, FluxObjectMeta, FluxStatus, LocalObjectReference, ObjectSelector, SecretKeyReference } from './common.js'
export type {
  GitRepository,
  GitRepositoryInclude,
  GitRepositoryRef,
  GitRepositorySpec,
  GitRepositoryStatus,
  GitRepositoryVerification,
} from './gitRepository.js'
export { SOURCE_API_VERSION, SOURCE_GROUP } from './gitRepository.js'
export type { OCILayerSelector, OCIRepository, OCIRepositoryRef, OCIRepositorySpec, OCIRepositoryStatus } from './ociRepository.js'
export type {
  Decryption,
  DeletionPolicy,
  DependencyReference,
  FluxInventoryEntry,
  HealthCheckExpressions,
  HealthCheckReference,
  IgnoreRule,
  ImageOverride,
  KubeConfigReference,
  Kustomization,
  KustomizationPatch,
  KustomizationSourceKind,
  KustomizationSourceReference,
  KustomizationSpec,
  KustomizationStatus,
  PostBuild,
  ReconciliationSnapshot,
  SubstituteReference,
} from './kustomization.js'
export { KUSTOMIZATION_API_VERSION, KUSTOMIZE_GROUP, KUSTOMIZE_NAME_LABEL, KUSTOMIZE_NAMESPACE_LABEL } from './kustomization.js'
export type { JSONSchemaProps, SchemaIssue, ValidationRule } from './jsonSchema.js'
export type { FluxKind } from './crds.js'
export { fluxCrd, fluxCrds, fluxKinds, fluxSchema } from './crds.js'
export { validateFluxObject } from './validate.js'
export type { KustomizationTimings } from './defaults.js'
export { kustomizationSourceRef, kustomizationTimings, withFluxDefaults } from './defaults.js'
export { parseDuration } from './duration.js'
export { formatInventoryId, fromFluxInventory, parseInventoryId, toFluxInventory } from './inventory.js'
export type { FluxReadResult, FluxObject } from './read.js'
export { isFluxObject, readFluxObject } from './read.js'
export type { FluxErrorCode } from './errors.js'
export { FluxError } from './errors.js'
export type { FleetBuild, FleetBuildOptions, FleetKustomization, FleetProblem } from './fleetTypes.js'
export type {
  FetchHelmChart,
  FetchedHelmChart,
  FleetHelmRelease,
  HelmChartAuth,
  HelmChartFetchRequest,
  HelmReleaseChartRequest,
  HelmValuesDocument,
  HelmValuesLayer,
  HelmValuesSet,
  RenderHelmRelease,
} from './helmReleaseTypes.js'
export { buildFleet } from './buildFleet.js'
export type { KustomizationBuildSpec } from './withGeneratedKustomization.js'
export { withGeneratedKustomization } from './withGeneratedKustomization.js'
export type { FieldChange, KustomizationDiff } from './diffFleet.js'
export { diffFleet, formatFleetDiff } from './diffFleet.js'
export type { FleetIssue, FleetValidation } from './validateFleet.js'
export { formatFleetIssue, validateFleet } from './validateFleet.js'
