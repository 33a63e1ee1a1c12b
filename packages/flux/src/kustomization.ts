import type { FluxObjectMeta, FluxStatus, LocalObjectReference, ObjectSelector } from './common.js'

/** The API group of Flux's Kustomization. */
export const KUSTOMIZE_GROUP = 'kustomize.toolkit.fluxcd.io'

/** The label kustomize-controller sets on every object it applies: the name of the Kustomization. */
export const KUSTOMIZE_NAME_LABEL = 'kustomize.toolkit.fluxcd.io/name'

/** The label kustomize-controller sets on every object it applies: the namespace of the Kustomization. */
export const KUSTOMIZE_NAMESPACE_LABEL = 'kustomize.toolkit.fluxcd.io/namespace'

/** The `apiVersion` of Flux's Kustomization v1. */
export const KUSTOMIZATION_API_VERSION = 'kustomize.toolkit.fluxcd.io/v1'

/** The kinds a Kustomization's `sourceRef` may name. */
export type KustomizationSourceKind = 'OCIRepository' | 'GitRepository' | 'Bucket' | 'ExternalArtifact'

/** What happens to the applied objects when a Kustomization is deleted; Flux's default is `MirrorPrune`. */
export type DeletionPolicy = 'MirrorPrune' | 'Delete' | 'WaitForTermination' | 'Orphan'

/** The source a Kustomization builds from. */
export interface KustomizationSourceReference {
  readonly apiVersion?: string | undefined
  readonly kind: KustomizationSourceKind
  readonly name: string
  /** Defaults to the Kustomization's namespace. */
  readonly namespace?: string | undefined
}

/** A Kustomization that must be ready first. */
export interface DependencyReference {
  readonly name: string
  /** Defaults to the dependant's namespace. */
  readonly namespace?: string | undefined
  /** A CEL expression telling when the dependency is ready. */
  readonly readyExpr?: string | undefined
}

/** An object whose readiness is waited for after apply. */
export interface HealthCheckReference {
  readonly apiVersion?: string | undefined
  readonly kind: string
  readonly name: string
  readonly namespace?: string | undefined
}

/** CEL expressions that compute the health of one kind. */
export interface HealthCheckExpressions {
  readonly apiVersion: string
  readonly kind?: string | undefined
  readonly current: string
  readonly failed?: string | undefined
  readonly inProgress?: string | undefined
}

/** A patch and the objects it applies to. */
export interface KustomizationPatch {
  /** An inline strategic merge patch or JSON 6902 patch. */
  readonly patch: string
  readonly target?: ObjectSelector | undefined
}

/** An image override, as kustomize's `images`. */
export interface ImageOverride {
  readonly name: string
  readonly newName?: string | undefined
  readonly newTag?: string | undefined
  readonly digest?: string | undefined
}

/** A ConfigMap or Secret whose data are post-build variables. */
export interface SubstituteReference {
  readonly kind: 'ConfigMap' | 'Secret'
  readonly name: string
  /** Go on when it does not exist. @defaultValue false */
  readonly optional?: boolean | undefined
}

/** Variable substitution after the build. */
export interface PostBuild {
  readonly substitute?: Readonly<Record<string, string>> | undefined
  readonly substituteFrom?: readonly SubstituteReference[] | undefined
  readonly substituteStrategy?: 'WithVariables' | 'Always' | undefined
}

/** How SOPS-encrypted manifests are decrypted. */
export interface Decryption {
  readonly provider: 'sops'
  /** A Secret in the Kustomization's namespace holding the keys (`*.agekey`, `*.asc`, …). */
  readonly secretRef?: LocalObjectReference | undefined
  readonly serviceAccountName?: string | undefined
}

/** A kubeconfig for a remote cluster: exactly one of the two references. */
export interface KubeConfigReference {
  readonly secretRef?: { readonly name: string; readonly key?: string | undefined } | undefined
  readonly configMapRef?: LocalObjectReference | undefined
}

/** Fields of applied objects that drift detection and apply leave alone. */
export interface IgnoreRule {
  /** JSON pointers. */
  readonly paths: readonly string[]
  readonly target?: ObjectSelector | undefined
}

/** What a Flux Kustomization builds and applies. */
export interface KustomizationSpec {
  readonly sourceRef: KustomizationSourceReference
  /** Path of the kustomization directory in the source. @defaultValue the source root */
  readonly path?: string | undefined
  /** A Go duration, e.g. `10m`. */
  readonly interval: string
  /** @defaultValue the interval */
  readonly retryInterval?: string | undefined
  /** @defaultValue the interval */
  readonly timeout?: string | undefined
  readonly prune: boolean
  readonly wait?: boolean | undefined
  readonly healthChecks?: readonly HealthCheckReference[] | undefined
  readonly healthCheckExprs?: readonly HealthCheckExpressions[] | undefined
  /** @defaultValue false */
  readonly force?: boolean | undefined
  readonly targetNamespace?: string | undefined
  readonly namePrefix?: string | undefined
  readonly nameSuffix?: string | undefined
  readonly patches?: readonly KustomizationPatch[] | undefined
  readonly images?: readonly ImageOverride[] | undefined
  readonly components?: readonly string[] | undefined
  readonly ignoreMissingComponents?: boolean | undefined
  readonly commonMetadata?:
    | { readonly labels?: Readonly<Record<string, string>> | undefined; readonly annotations?: Readonly<Record<string, string>> | undefined }
    | undefined
  readonly postBuild?: PostBuild | undefined
  readonly decryption?: Decryption | undefined
  readonly dependsOn?: readonly DependencyReference[] | undefined
  readonly serviceAccountName?: string | undefined
  readonly kubeConfig?: KubeConfigReference | undefined
  readonly suspend?: boolean | undefined
  /** @defaultValue 'MirrorPrune' */
  readonly deletionPolicy?: DeletionPolicy | undefined
  readonly buildMetadata?: readonly ('originAnnotations' | 'transformerAnnotations')[] | undefined
  readonly ignore?: readonly IgnoreRule[] | undefined
}

/** One applied object in Flux's inventory format. */
export interface FluxInventoryEntry {
  /** `<namespace>_<name>_<group>_<kind>`; a `:` in a name is written `__`. */
  readonly id: string
  /** The object's API version without the group, e.g. `v1`. */
  readonly v: string
}

/** One reconciliation snapshot in `.status.history`. */
export interface ReconciliationSnapshot {
  readonly digest: string
  readonly firstReconciled: string
  readonly lastReconciled: string
  readonly lastReconciledDuration: string
  readonly lastReconciledStatus: string
  readonly metadata?: Readonly<Record<string, string>> | undefined
  readonly totalReconciliations: number
}

/** The observed state of a Kustomization, as kustomize-controller writes it. */
export interface KustomizationStatus extends FluxStatus {
  readonly inventory?: { readonly entries: readonly FluxInventoryEntry[] } | undefined
  readonly lastAppliedRevision?: string | undefined
  readonly lastAppliedOriginRevision?: string | undefined
  readonly lastAttemptedRevision?: string | undefined
  readonly history?: readonly ReconciliationSnapshot[] | undefined
}

/** A Flux `kustomize.toolkit.fluxcd.io/v1` Kustomization. */
export interface Kustomization {
  readonly apiVersion: typeof KUSTOMIZATION_API_VERSION
  readonly kind: 'Kustomization'
  readonly metadata: FluxObjectMeta
  readonly spec: KustomizationSpec
  readonly status?: KustomizationStatus | undefined
}
