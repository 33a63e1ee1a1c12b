import type { Artifact, FluxObjectMeta, FluxStatus, LocalObjectReference } from './common.js'
import type { SOURCE_API_VERSION } from './gitRepository.js'

/** The OCI reference to pull; Flux's precedence is digest, semver, tag. @defaultValue `{ tag: 'latest' }` */
export interface OCIRepositoryRef {
  /** A manifest digest to pull, e.g. `sha256:…`; wins over semver and tag. */
  readonly digest?: string | undefined
  /** A semver range over the tags; the highest matching tag is pulled. */
  readonly semver?: string | undefined
  /** A regular expression the tags must match before the semver range is applied. */
  readonly semverFilter?: string | undefined
  /** A tag to pull. @defaultValue 'latest' */
  readonly tag?: string | undefined
}

/** Which layer holds the content and what to do with it. */
export interface OCILayerSelector {
  /** The media type of the layer to take. @defaultValue the first layer */
  readonly mediaType?: string | undefined
  /** @defaultValue 'extract' */
  readonly operation?: 'extract' | 'copy' | undefined
}

/** Which OCI artifact to pull, at which reference, how often. */
export interface OCIRepositorySpec {
  /** `oci://host/path`. */
  readonly url: string
  /** Which tag, semver range or digest to pull. @defaultValue `{ tag: 'latest' }` */
  readonly ref?: OCIRepositoryRef | undefined
  /** Which layer holds the content and whether it is extracted or copied. */
  readonly layerSelector?: OCILayerSelector | undefined
  /** @defaultValue 'generic' */
  readonly provider?: 'generic' | 'aws' | 'azure' | 'gcp' | undefined
  /** A Secret of type `kubernetes.io/dockerconfigjson` with the registry credentials. */
  readonly secretRef?: LocalObjectReference | undefined
  /** Verify the artifact's signature (cosign or notation) before producing an artifact. */
  readonly verify?:
    | {
        /** The signature format to verify. */
        readonly provider: 'cosign' | 'notation'
        /** A Secret holding the trusted public keys (cosign) or certificates (notation). */
        readonly secretRef?: LocalObjectReference | undefined
        /** A Secret holding a Sigstore trusted root for keyless verification. */
        readonly trustedRootSecretRef?: LocalObjectReference | undefined
        /** Keyless signatures must come from one of these OIDC identities. */
        readonly matchOIDCIdentity?:
          | readonly {
              /** A regular expression over the OIDC issuer URL. */
              readonly issuer: string
              /** A regular expression over the certificate's subject. */
              readonly subject: string
            }[]
          | undefined
      }
    | undefined
  /** The ServiceAccount whose image pull secrets or workload identity authenticate. */
  readonly serviceAccountName?: string | undefined
  /** A Secret with the TLS client certificate and CA (`tls.crt`, `tls.key`, `ca.crt`). */
  readonly certSecretRef?: LocalObjectReference | undefined
  /** A Secret holding the proxy address and credentials. */
  readonly proxySecretRef?: LocalObjectReference | undefined
  /** How often the registry is checked for a new revision, as a Go duration (`5m`). */
  readonly interval: string
  /** @defaultValue '60s' */
  readonly timeout?: string | undefined
  /** `.gitignore` patterns of files left out of the artifact. */
  readonly ignore?: string | undefined
  /** Talk plain HTTP to the registry. @defaultValue false */
  readonly insecure?: boolean | undefined
  /** Stop reconciling until set back to false. @defaultValue false */
  readonly suspend?: boolean | undefined
}

/** The observed state of an OCIRepository, as source-controller writes it. */
export interface OCIRepositoryStatus extends FluxStatus {
  /** The last artifact produced. */
  readonly artifact?: Artifact | undefined
  /** The OCI URL (with the resolved tag) the artifact was pulled from. */
  readonly url?: string | undefined
  /** The `spec.ignore` the artifact was built with. */
  readonly observedIgnore?: string | undefined
  /** The `spec.layerSelector` the artifact was built with. */
  readonly observedLayerSelector?: OCILayerSelector | undefined
}

/** A Flux `source.toolkit.fluxcd.io/v1` OCIRepository. */
export interface OCIRepository {
  /** Always `source.toolkit.fluxcd.io/v1`. */
  readonly apiVersion: typeof SOURCE_API_VERSION
  /** Always `OCIRepository`. */
  readonly kind: 'OCIRepository'
  /** Name, namespace, labels and annotations. */
  readonly metadata: FluxObjectMeta
  /** What to pull and how often. */
  readonly spec: OCIRepositorySpec
  /** What source-controller observed; absent until it first reconciles. */
  readonly status?: OCIRepositoryStatus | undefined
}
