import type { Artifact, FluxObjectMeta, FluxStatus, LocalObjectReference } from './common.js'

/** The API group of Flux's sources. */
export const SOURCE_GROUP = 'source.toolkit.fluxcd.io'

/** The `apiVersion` of Flux's GitRepository and OCIRepository v1. */
export const SOURCE_API_VERSION = 'source.toolkit.fluxcd.io/v1'

/** The git reference to check out; Flux's precedence is commit, name, semver, tag, branch. */
export interface GitRepositoryRef {
  readonly branch?: string | undefined
  readonly tag?: string | undefined
  readonly semver?: string | undefined
  /** A full reference name: `refs/heads/main`, `refs/tags/v1`, `refs/pull/1/head`. */
  readonly name?: string | undefined
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
  readonly repository: LocalObjectReference
  readonly fromPath?: string | undefined
  readonly toPath?: string | undefined
}

/** Which repository to fetch, at which reference, how often. */
export interface GitRepositorySpec {
  /** `http://`, `https://` or `ssh://` address. */
  readonly url: string
  readonly secretRef?: LocalObjectReference | undefined
  readonly provider?: 'generic' | 'aws' | 'azure' | 'github' | undefined
  readonly serviceAccountName?: string | undefined
  readonly interval: string
  /** @defaultValue '60s' */
  readonly timeout?: string | undefined
  /** @defaultValue `{ branch: 'master' }` */
  readonly ref?: GitRepositoryRef | undefined
  readonly verify?: GitRepositoryVerification | undefined
  readonly proxySecretRef?: LocalObjectReference | undefined
  /** `.gitignore` patterns; replace the default exclusions. */
  readonly ignore?: string | undefined
  readonly suspend?: boolean | undefined
  readonly recurseSubmodules?: boolean | undefined
  readonly include?: readonly GitRepositoryInclude[] | undefined
  readonly sparseCheckout?: readonly string[] | undefined
}

/** The observed state of a GitRepository, as source-controller writes it. */
export interface GitRepositoryStatus extends FluxStatus {
  readonly artifact?: Artifact | undefined
  readonly includedArtifacts?: readonly Artifact[] | undefined
  readonly observedIgnore?: string | undefined
  readonly observedInclude?: readonly GitRepositoryInclude[] | undefined
  readonly observedRecurseSubmodules?: boolean | undefined
  readonly observedSparseCheckout?: readonly string[] | undefined
  readonly sourceVerificationMode?: string | undefined
}

/** A Flux `source.toolkit.fluxcd.io/v1` GitRepository. */
export interface GitRepository {
  readonly apiVersion: typeof SOURCE_API_VERSION
  readonly kind: 'GitRepository'
  readonly metadata: FluxObjectMeta
  readonly spec: GitRepositorySpec
  readonly status?: GitRepositoryStatus | undefined
}
