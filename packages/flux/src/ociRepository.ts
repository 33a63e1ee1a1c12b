import type { Artifact, FluxObjectMeta, FluxStatus, LocalObjectReference } from './common.js'
import type { SOURCE_API_VERSION } from './gitRepository.js'

/** The OCI reference to pull; Flux's precedence is digest, semver, tag. @defaultValue `{ tag: 'latest' }` */
export interface OCIRepositoryRef {
  readonly digest?: string | undefined
  readonly semver?: string | undefined
  readonly semverFilter?: string | undefined
  readonly tag?: string | undefined
}

/** Which layer holds the content and what to do with it. */
export interface OCILayerSelector {
  readonly mediaType?: string | undefined
  /** @defaultValue 'extract' */
  readonly operation?: 'extract' | 'copy' | undefined
}

/** Which OCI artifact to pull, at which reference, how often. */
export interface OCIRepositorySpec {
  /** `oci://host/path`. */
  readonly url: string
  readonly ref?: OCIRepositoryRef | undefined
  readonly layerSelector?: OCILayerSelector | undefined
  /** @defaultValue 'generic' */
  readonly provider?: 'generic' | 'aws' | 'azure' | 'gcp' | undefined
  readonly secretRef?: LocalObjectReference | undefined
  readonly verify?:
    | {
        readonly provider: 'cosign' | 'notation'
        readonly secretRef?: LocalObjectReference | undefined
        readonly trustedRootSecretRef?: LocalObjectReference | undefined
        readonly matchOIDCIdentity?: readonly { readonly issuer: string; readonly subject: string }[] | undefined
      }
    | undefined
  readonly serviceAccountName?: string | undefined
  readonly certSecretRef?: LocalObjectReference | undefined
  readonly proxySecretRef?: LocalObjectReference | undefined
  readonly interval: string
  /** @defaultValue '60s' */
  readonly timeout?: string | undefined
  readonly ignore?: string | undefined
  readonly insecure?: boolean | undefined
  readonly suspend?: boolean | undefined
}

/** The observed state of an OCIRepository, as source-controller writes it. */
export interface OCIRepositoryStatus extends FluxStatus {
  readonly artifact?: Artifact | undefined
  readonly url?: string | undefined
  readonly observedIgnore?: string | undefined
  readonly observedLayerSelector?: OCILayerSelector | undefined
}

/** A Flux `source.toolkit.fluxcd.io/v1` OCIRepository. */
export interface OCIRepository {
  readonly apiVersion: typeof SOURCE_API_VERSION
  readonly kind: 'OCIRepository'
  readonly metadata: FluxObjectMeta
  readonly spec: OCIRepositorySpec
  readonly status?: OCIRepositoryStatus | undefined
}
