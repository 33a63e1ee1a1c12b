/**
 * The reasons Flux's controllers give in conditions and Events (fluxcd/pkg `apis/meta` and the
 * kustomize and source controllers), so that Flux's CLI, alerts and dashboards read ours.
 */
export const FluxReason = {
  ReconciliationSucceeded: 'ReconciliationSucceeded',
  ReconciliationFailed: 'ReconciliationFailed',
  Progressing: 'Progressing',
  ProgressingWithRetry: 'ProgressingWithRetry',
  DependencyNotReady: 'DependencyNotReady',
  Suspended: 'Suspended',
  Succeeded: 'Succeeded',
  Failed: 'Failed',
  ArtifactFailed: 'ArtifactFailed',
  ArtifactUpToDate: 'ArtifactUpToDate',
  NewArtifact: 'NewArtifact',
  GitOperationFailed: 'GitOperationFailed',
  BuildFailed: 'BuildFailed',
  HealthCheckFailed: 'HealthCheckFailed',
  PruneFailed: 'PruneFailed',
  InvalidPath: 'InvalidPath',
  InvalidSTSConfiguration: 'InvalidSTSConfiguration',
} as const

/** One of {@link FluxReason}'s values. */
export type FluxReasonValue = (typeof FluxReason)[keyof typeof FluxReason]

/** The annotation with which `flux reconcile` asks for an immediate reconcile. */
export const RECONCILE_REQUESTED_AT_ANNOTATION = 'reconcile.fluxcd.io/requestedAt'
