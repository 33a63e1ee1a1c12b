/**
 * The reasons Flux's controllers give in conditions and Events (fluxcd/pkg `apis/meta` and the
 * kustomize and source controllers), so that Flux's CLI, alerts and dashboards read ours.
 */
export const FluxReason = {
  /** Ready=True: the last reconcile applied everything. */
  ReconciliationSucceeded: 'ReconciliationSucceeded',
  /** Ready=False: the reconcile failed. */
  ReconciliationFailed: 'ReconciliationFailed',
  /** Reconciling=True: a reconcile is under way. */
  Progressing: 'Progressing',
  /** Reconciling=True after a failure: the next attempt is scheduled. */
  ProgressingWithRetry: 'ProgressingWithRetry',
  /** Ready=False: a `dependsOn` entry is not Ready yet. */
  DependencyNotReady: 'DependencyNotReady',
  /** Ready=False: `spec.suspend` is true. */
  Suspended: 'Suspended',
  /** Healthy=True: the health checks passed. */
  Succeeded: 'Succeeded',
  /** A generic failure (Healthy=False and others). */
  Failed: 'Failed',
  /** Ready=False: the source's artifact could not be fetched. */
  ArtifactFailed: 'ArtifactFailed',
  /** Ready=True on a source: the artifact is current. */
  ArtifactUpToDate: 'ArtifactUpToDate',
  /** An Event: a source produced a new artifact. */
  NewArtifact: 'NewArtifact',
  /** Ready=False on a GitRepository: clone or checkout failed. */
  GitOperationFailed: 'GitOperationFailed',
  /** Ready=False: kustomize build (or decryption) failed. */
  BuildFailed: 'BuildFailed',
  /** Healthy=False: the health checks failed or timed out. */
  HealthCheckFailed: 'HealthCheckFailed',
  /** Ready=False: pruning objects failed. */
  PruneFailed: 'PruneFailed',
  /** Stalled: `spec.path` does not exist in the artifact. */
  InvalidPath: 'InvalidPath',
  /** Stalled: the cloud security-token configuration is invalid. */
  InvalidSTSConfiguration: 'InvalidSTSConfiguration',
} as const

/** One of {@link FluxReason}'s values. */
export type FluxReasonValue = (typeof FluxReason)[keyof typeof FluxReason]

/** The annotation with which `flux reconcile` asks for an immediate reconcile. */
export const RECONCILE_REQUESTED_AT_ANNOTATION = 'reconcile.fluxcd.io/requestedAt'
