import type { Artifact, FluxObjectMeta, FluxStatus, LocalObjectReference } from './common.js'

/** The API group of Flux's sources. */
export const SOURCE_GROUP = 'source.toolkit.fluxcd.io'

/** The `apiVersion` of Flux's GitRepository and OCIRepository v1. */
export const SOURCE_API_VERSION = 'source.toolkit.fluxcd.io/v1'

/** The git reference to check out; Flux's precedence is commit, name, semver, tag, branch. */
export interface GitRepositoryRef {
  /** A branch to follow, e.g. `main`. */
  readonly branch?: string | undefined
  /** A tag to check out, e.g. `v1.2.0`. */
  readonly tag?: string | undefined
  /** A semver range over the tags; the highest matching tag is checked out, e.g. `>=1.0.0 <2.0.0`. */
  readonly semver?: string | undefined
  /** A full reference name: `refs/heads/main`, `refs/tags/v1`, `refs/pull/1/head`. */
  readonly name?: string | undefined
  /** A commit SHA to check out; with `branch`, the commit must be on that branch. */
  readonly commit?: string | undefined
}

/** What signature to verify before producing an artifact. */
export interface GitRepositoryVerification {
  /** @defaultValue 'HEAD' */
  readonly mode?: 'head' | 'HEAD' | 'Tag' | 'TagAndHEAD' | undefined
  /** A Secret holding the trusted OpenPGP or SSH public keys. */
  readonly secretRef: LocalObjectReference
}

/** Another GitRepository whose artifact is copied into this one. */
export interface GitRepositoryInclude {
  /** The GitRepository to include, in the same namespace. */
  readonly repository: LocalObjectReference
  /** The folder of the included artifact to copy. @defaultValue its root */
  readonly fromPath?: string | undefined
  /** Where the copy lands in this artifact. @defaultValue the included repository's name */
  readonly toPath?: string | undefined
}

/** Which repository to fetch, at which reference, how often. */
export interface GitRepositorySpec {
  /** `http://`, `https://` or `ssh://` address. */
  readonly url: string
  /** A Secret holding the credentials: `username`/`password`, `bearerToken`, or `identity`/`known_hosts` for SSH. */
  readonly secretRef?: LocalObjectReference | undefined
  /** Where credentials come from: a Secret (`generic`) or a cloud's workload identity. @defaultValue 'generic' */
  readonly provider?: 'generic' | 'aws' | 'azure' | 'github' | undefined
  /** The ServiceAccount whose workload identity authenticates (with a cloud `provider`). */
  readonly serviceAccountName?: string | undefined
  /** How often the repository is checked for a new revision, as a Go duration (`1m`). */
  readonly interval: string
  /** @defaultValue '60s' */
  readonly timeout?: string | undefined
  /** @defaultValue `{ branch: 'master' }` */
  readonly ref?: GitRepositoryRef | undefined
  /** Verify the commit or tag signature before producing an artifact. */
  readonly verify?: GitRepositoryVerification | undefined
  /** A Secret holding the proxy address and credentials (`address`, `username`, `password`). */
  readonly proxySecretRef?: LocalObjectReference | undefined
  /** `.gitignore` patterns; replace the default exclusions. */
  readonly ignore?: string | undefined
  /** Stop reconciling until set back to false. @defaultValue false */
  readonly suspend?: boolean | undefined
  /** Fetch git submodules too. @defaultValue false */
  readonly recurseSubmodules?: boolean | undefined
  /** Other GitRepositories whose artifacts are copied into this one. */
  readonly include?: readonly GitRepositoryInclude[] | undefined
  /** Only these folders are checked out (git sparse checkout). @defaultValue the whole tree */
  readonly sparseCheckout?: readonly string[] | undefined
}

/** The observed state of a GitRepository, as source-controller writes it. */
export interface GitRepositoryStatus extends FluxStatus {
  /** The last artifact produced. */
  readonly artifact?: Artifact | undefined
  /** The artifacts of `spec.include`, in order. */
  readonly includedArtifacts?: readonly Artifact[] | undefined
  /** The `spec.ignore` the artifact was built with. */
  readonly observedIgnore?: string | undefined
  /** The `spec.include` the artifact was built with. */
  readonly observedInclude?: readonly GitRepositoryInclude[] | undefined
  /** The `spec.recurseSubmodules` the artifact was built with. */
  readonly observedRecurseSubmodules?: boolean | undefined
  /** The `spec.sparseCheckout` the artifact was built with. */
  readonly observedSparseCheckout?: readonly string[] | undefined
  /** The `spec.verify.mode` the last verification used. */
  readonly sourceVerificationMode?: string | undefined
}

/** A Flux `source.toolkit.fluxcd.io/v1` GitRepository. */
export interface GitRepository {
  /** Always `source.toolkit.fluxcd.io/v1`. */
  readonly apiVersion: typeof SOURCE_API_VERSION
  /** Always `GitRepository`. */
  readonly kind: 'GitRepository'
  /** Name, namespace, labels and annotations. */
  readonly metadata: FluxObjectMeta
  /** What to fetch and how often. */
  readonly spec: GitRepositorySpec
  /** What source-controller observed; absent until it first reconciles. */
  readonly status?: GitRepositoryStatus | undefined
}
