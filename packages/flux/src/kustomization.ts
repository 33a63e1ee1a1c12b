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
  /** The source's API version, e.g. `source.toolkit.fluxcd.io/v1`. @defaultValue the kind's served version */
  readonly apiVersion?: string | undefined
  /** The source's kind. */
  readonly kind: KustomizationSourceKind
  /** The source's name. */
  readonly name: string
  /** Defaults to the Kustomization's namespace. */
  readonly namespace?: string | undefined
}

/** A Kustomization that must be ready first. */
export interface DependencyReference {
  /** The dependency's `metadata.name`. */
  readonly name: string
  /** Defaults to the dependant's namespace. */
  readonly namespace?: string | undefined
  /** A CEL expression telling when the dependency is ready. */
  readonly readyExpr?: string | undefined
}

/** An object whose readiness is waited for after apply. */
export interface HealthCheckReference {
  /** The object's API version, e.g. `apps/v1`; kube-apiserver's preferred version when absent. */
  readonly apiVersion?: string | undefined
  /** The object's kind, e.g. `Deployment`. */
  readonly kind: string
  /** The object's `metadata.name`. */
  readonly name: string
  /** The object's namespace. @defaultValue the Kustomization's namespace */
  readonly namespace?: string | undefined
}

/** CEL expressions that compute the health of one kind. */
export interface HealthCheckExpressions {
  /** The API version the expressions apply to, e.g. `cert-manager.io/v1`. */
  readonly apiVersion: string
  /** The kind the expressions apply to. @defaultValue every kind of the API version */
  readonly kind?: string | undefined
  /** A CEL expression over the object that is true once it is healthy (current). */
  readonly current: string
  /** A CEL expression that is true when the object has failed; checked before `current`. */
  readonly failed?: string | undefined
  /** A CEL expression that is true while the object is still progressing. */
  readonly inProgress?: string | undefined
}

/** A patch and the objects it applies to. */
export interface KustomizationPatch {
  /** An inline strategic merge patch or JSON 6902 patch. */
  readonly patch: string
  /** The objects the patch applies to. @defaultValue every object the build produces */
  readonly target?: ObjectSelector | undefined
}

/** An image override, as kustomize's `images`. */
export interface ImageOverride {
  /** The image name to match in containers, without tag or digest, e.g. `nginx`. */
  readonly name: string
  /** The image name to put instead, e.g. `registry.example/nginx`. */
  readonly newName?: string | undefined
  /** The tag to put instead, e.g. `1.27`. */
  readonly newTag?: string | undefined
  /** The digest to put instead of a tag, e.g. `sha256:…`. */
  readonly digest?: string | undefined
}

/** A ConfigMap or Secret whose data are post-build variables. */
export interface SubstituteReference {
  /** Which kind of object holds the variables. */
  readonly kind: 'ConfigMap' | 'Secret'
  /** The object's name, in the Kustomization's namespace. */
  readonly name: string
  /** Go on when it does not exist. @defaultValue false */
  readonly optional?: boolean | undefined
}

/** Variable substitution after the build. */
export interface PostBuild {
  /** Variables by name, put into `${name}` references; they win over `substituteFrom`. */
  readonly substitute?: Readonly<Record<string, string>> | undefined
  /** ConfigMaps and Secrets whose data are variables, read in order (later ones win). */
  readonly substituteFrom?: readonly SubstituteReference[] | undefined
  /**
   * Substitute in every object (`Always`) or only in objects that have `${` references after the variables
   * are known (`WithVariables`). @defaultValue 'WithVariables'
   */
  readonly substituteStrategy?: 'WithVariables' | 'Always' | undefined
}

/** How SOPS-encrypted manifests are decrypted. */
export interface Decryption {
  /** The decryption provider; only `sops` exists. */
  readonly provider: 'sops'
  /** A Secret in the Kustomization's namespace holding the keys (`*.agekey`, `*.asc`, …). */
  readonly secretRef?: LocalObjectReference | undefined
  /** A ServiceAccount whose workload identity reads cloud KMS keys; not used by the SDK's age decryption. */
  readonly serviceAccountName?: string | undefined
}

/** A kubeconfig for a remote cluster: exactly one of the two references. */
export interface KubeConfigReference {
  /** A Secret in the Kustomization's namespace holding the kubeconfig. */
  readonly secretRef?:
    | {
        /** The Secret's name, in the Kustomization's namespace. */
        readonly name: string
        /** The data key holding the kubeconfig. @defaultValue `value`, else `value.yaml` */
        readonly key?: string | undefined
      }
    | undefined
  /** A ConfigMap (its `provider` data) describing how to reach a remote cluster by workload identity. */
  readonly configMapRef?: LocalObjectReference | undefined
}

/** Fields of applied objects that drift detection and apply leave alone. */
export interface IgnoreRule {
  /** JSON pointers. */
  readonly paths: readonly string[]
  /** The objects the rule applies to. @defaultValue every applied object */
  readonly target?: ObjectSelector | undefined
}

/** What a Flux Kustomization builds and applies. */
export interface KustomizationSpec {
  /** The source (GitRepository, OCIRepository, …) whose artifact is built. */
  readonly sourceRef: KustomizationSourceReference
  /** Path of the kustomization directory in the source. @defaultValue the source root */
  readonly path?: string | undefined
  /** A Go duration, e.g. `10m`. */
  readonly interval: string
  /** @defaultValue the interval */
  readonly retryInterval?: string | undefined
  /** @defaultValue the interval */
  readonly timeout?: string | undefined
  /** Delete objects that were applied before and are no longer in the build (garbage collection through the inventory). */
  readonly prune: boolean
  /**
   * Wait for every applied object to become ready (kstatus) before reporting Ready; `healthChecks` is then
   * ignored. @defaultValue false
   */
  readonly wait?: boolean | undefined
  /** Objects whose readiness is waited for after each apply. */
  readonly healthChecks?: readonly HealthCheckReference[] | undefined
  /** Custom health rules as CEL expressions, for kinds kstatus does not know. */
  readonly healthCheckExprs?: readonly HealthCheckExpressions[] | undefined
  /** @defaultValue false */
  readonly force?: boolean | undefined
  /** The namespace set on every namespaced object of the build (kustomize's `namespace`). */
  readonly targetNamespace?: string | undefined
  /** Prefix added to the names of the built objects (kustomize's `namePrefix`). */
  readonly namePrefix?: string | undefined
  /** Suffix added to the names of the built objects (kustomize's `nameSuffix`). */
  readonly nameSuffix?: string | undefined
  /** Patches applied to the built objects, as kustomize's `patches`. */
  readonly patches?: readonly KustomizationPatch[] | undefined
  /** Image overrides, as kustomize's `images`. */
  readonly images?: readonly ImageOverride[] | undefined
  /** Paths (relative to `path`) of kustomize Components added to the build. */
  readonly components?: readonly string[] | undefined
  /** Skip components in `components` that do not exist instead of failing. @defaultValue false */
  readonly ignoreMissingComponents?: boolean | undefined
  /** Labels and annotations set on every built object (unlike kustomize's commonLabels, never on selectors). */
  readonly commonMetadata?:
    | {
        /** Labels added to every object. */
        readonly labels?: Readonly<Record<string, string>> | undefined
        /** Annotations added to every object. */
        readonly annotations?: Readonly<Record<string, string>> | undefined
      }
    | undefined
  /** Variable substitution after the build. */
  readonly postBuild?: PostBuild | undefined
  /** How SOPS-encrypted manifests are decrypted; absent, nothing is decrypted. */
  readonly decryption?: Decryption | undefined
  /** Kustomizations that must be Ready (at their current revision) before this one reconciles. */
  readonly dependsOn?: readonly DependencyReference[] | undefined
  /** The ServiceAccount to impersonate when applying. @defaultValue the controller's own */
  readonly serviceAccountName?: string | undefined
  /** Apply to a remote cluster through this kubeconfig instead of the local one. */
  readonly kubeConfig?: KubeConfigReference | undefined
  /** Stop reconciling until set back to false. @defaultValue false */
  readonly suspend?: boolean | undefined
  /** @defaultValue 'MirrorPrune' */
  readonly deletionPolicy?: DeletionPolicy | undefined
  /**
   * Annotations kustomize adds to each object about where it came from (`config.kubernetes.io/origin`) and
   * what transformed it.
   */
  readonly buildMetadata?: readonly ('originAnnotations' | 'transformerAnnotations')[] | undefined
  /** Fields that apply leaves alone and drift detection ignores. */
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
  /** The digest of the built manifests (`sha256:…`). */
  readonly digest: string
  /** When this build was first applied (RFC 3339). */
  readonly firstReconciled: string
  /** When this build was last applied (RFC 3339). */
  readonly lastReconciled: string
  /** How long the last reconciliation took, as a Go duration (`1.5s`). */
  readonly lastReconciledDuration: string
  /** The Ready reason of the last reconciliation, e.g. `ReconciliationSucceeded`. */
  readonly lastReconciledStatus: string
  /** Extra facts about the snapshot, such as the source revision. */
  readonly metadata?: Readonly<Record<string, string>> | undefined
  /** How many reconciliations applied this build. */
  readonly totalReconciliations: number
}

/** The observed state of a Kustomization, as kustomize-controller writes it. */
export interface KustomizationStatus extends FluxStatus {
  /** Every object the last successful apply produced, in Flux's format. */
  readonly inventory?:
    | {
        /** One entry per applied object. */
        readonly entries: readonly FluxInventoryEntry[]
      }
    | undefined
  /** The source revision last applied successfully, e.g. `main@sha1:…`. */
  readonly lastAppliedRevision?: string | undefined
  /** The origin revision (an OCI artifact's `org.opencontainers.image.revision`) of the last applied source. */
  readonly lastAppliedOriginRevision?: string | undefined
  /** The source revision last attempted, successful or not. */
  readonly lastAttemptedRevision?: string | undefined
  /** The last reconciliations, newest first (one entry per build digest). */
  readonly history?: readonly ReconciliationSnapshot[] | undefined
}

/** A Flux `kustomize.toolkit.fluxcd.io/v1` Kustomization. */
export interface Kustomization {
  /** Always `kustomize.toolkit.fluxcd.io/v1`. */
  readonly apiVersion: typeof KUSTOMIZATION_API_VERSION
  /** Always `Kustomization`. */
  readonly kind: 'Kustomization'
  /** Name, namespace, labels and annotations. */
  readonly metadata: FluxObjectMeta
  /** What to build and apply. */
  readonly spec: KustomizationSpec
  /** What kustomize-controller observed; absent until it first reconciles. */
  readonly status?: KustomizationStatus | undefined
}
