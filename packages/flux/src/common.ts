import type { Condition, ObjectMeta } from '@gitops-sdk/core'

/** A reference to an object in the same namespace, by name. */
export interface LocalObjectReference {
  /** The object's `metadata.name`. */
  readonly name: string
}

/** A reference to a key of a Secret in the same namespace. */
export interface SecretKeyReference {
  /** The Secret's `metadata.name`. */
  readonly name: string
  /** Key in the Secret's data. */
  readonly key?: string | undefined
}

/**
 * The output of a source reconciliation, as `.status.artifact` of a GitRepository or OCIRepository.
 * `revision` reads `main@sha1:<commit>` for a branch, `v1.0.0@sha1:<commit>` for a tag,
 * `latest@sha256:<digest>` for an OCI tag.
 */
export interface Artifact {
  /** `<algorithm>:<checksum>` of the artifact file. */
  readonly digest: string
  /** RFC 3339 time the revision last changed. */
  readonly lastUpdateTime: string
  /** Annotations of the artifact, such as an OCI manifest's. */
  readonly metadata?: Readonly<Record<string, string>> | undefined
  /** Path of the artifact file relative to the storage root. */
  readonly path: string
  /** The revision the artifact was built from, e.g. `main@sha1:<commit>`. */
  readonly revision: string
  /** Size of the artifact file in bytes. */
  readonly size?: number | undefined
  /** HTTP address of the artifact file. */
  readonly url: string
}

/** The metadata of a Flux object: a Kubernetes `ObjectMeta` with a namespace. */
export type FluxObjectMeta = ObjectMeta

/** The status fields every Flux kind has. */
export interface FluxStatus {
  /** Ready, Reconciling, Stalled and the kind's other conditions, as the controller sets them. */
  readonly conditions?: readonly Condition[] | undefined
  /** The value of the last `reconcile.fluxcd.io/requestedAt` annotation handled. */
  readonly lastHandledReconcileAt?: string | undefined
  /** The generation last reconciled; `-1` before the first reconcile. */
  readonly observedGeneration?: number | undefined
}

/** Selects objects by group, version, kind, name, namespace, labels and annotations (a kustomize selector). */
export interface ObjectSelector {
  /** The API group, e.g. `apps`; empty for the core group. */
  readonly group?: string | undefined
  /** The API version, e.g. `v1`. */
  readonly version?: string | undefined
  /** The kind, e.g. `Deployment`. */
  readonly kind?: string | undefined
  /** A regular expression over names. */
  readonly name?: string | undefined
  /** A regular expression over namespaces. */
  readonly namespace?: string | undefined
  /** A Kubernetes label selector, e.g. `app=web,tier!=db`. */
  readonly labelSelector?: string | undefined
  /** A label-selector expression over annotations. */
  readonly annotationSelector?: string | undefined
}
