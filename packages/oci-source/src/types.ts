import type { Clock, FileSystem, Logger, UnchangedSource } from '@gitops-sdk/core/light'

/**
 * Registry credentials: a username and password (sent as basic auth, or traded for a bearer token
 * when the registry asks for one), or a registry token sent as `Authorization: Bearer`. They travel
 * only in `Authorization` headers: never in errors, logs or results.
 */
export interface OciAuth {
  /** Registry user name (HTTP basic, or exchanged for a token). */
  readonly username?: string | undefined
  /** Its password or access token. Never logged or put in an error. */
  readonly password?: string | undefined
  /** A bearer token for the registry; wins over username and password. */
  readonly token?: string | undefined
  /**
   * An OAuth2 refresh token (Docker's `identitytoken`): at a bearer challenge it is posted to the
   * token realm (`grant_type=refresh_token`) for an access token, as oras-go and Docker do; it wins
   * over username and password there. Never logged or put in an error.
   */
  readonly identityToken?: string | undefined
}

/** What every call that talks to a registry takes. */
export interface RegistryOptions {
  /** Registry credentials. @defaultValue anonymous */
  readonly auth?: OciAuth | undefined
  /**
   * Speak plain HTTP instead of HTTPS. `localhost`, `127.0.0.1` and `[::1]` always use plain HTTP,
   * as go-containerregistry (and so Flux) does. @defaultValue false
   */
  readonly insecure?: boolean | undefined
  /**
   * Deadline for the whole call, in milliseconds; past it the call fails with `OCI_TIMEOUT` and
   * requests in flight are aborted. @defaultValue 60000 (60 s)
   */
  readonly timeout?: number | undefined
  /** The HTTP client. @defaultValue `globalThis.fetch` */
  readonly fetch?: typeof globalThis.fetch | undefined
  /** Cancels the call; it rejects with `signal.reason`. */
  readonly signal?: AbortSignal | undefined
  /** Receives debug lines. @defaultValue silent */
  readonly logger?: Logger | undefined
}

/** Options of `pushArtifact`. */
export interface PushArtifactOptions extends RegistryOptions {
  /** The files to push: every regular file of this tree (symlinks are left out, as Flux does). */
  readonly fs: FileSystem
  /** `org.opencontainers.image.source`, e.g. the git URL the files came from. */
  readonly source?: string | undefined
  /** `org.opencontainers.image.revision`, e.g. `main@sha1:3f2a…`. */
  readonly revision?: string | undefined
  /** More manifest annotations. */
  readonly annotations?: Readonly<Record<string, string>> | undefined
  /** Source of `org.opencontainers.image.created`. @defaultValue the system clock */
  readonly clock?: Clock | undefined
  /** Largest tarball to build, in bytes. @defaultValue 500 MiB */
  readonly maxSize?: number | undefined
}

/** What `pushArtifact` pushed. */
export interface PushedArtifact {
  /** `oci://host/repo:tag`. */
  readonly url: string
  /** The manifest's digest, `sha256:…`. */
  readonly digest: string
  /** Flux's revision form: `<tag>@sha256:…`. */
  readonly revision: string
  /** The layer's digest and size. */
  readonly layer: {
    /** The layer's digest, `sha256:…`. */
    readonly digest: string
    /** The layer's size in bytes. */
    readonly size: number
  }
  /** Number of files pushed. */
  readonly files: number
  /** The manifest's annotations. */
  readonly annotations: Readonly<Record<string, string>>
}

/**
 * Which artifact to pull, as Flux's `OCIRepositoryRef`: a `digest` wins over a `semver` range, which
 * wins over a `tag`. With none, the tag `latest`.
 */
export interface OciRef {
  /** A tag to pull. @defaultValue 'latest' (when no ref is given) */
  readonly tag?: string | undefined
  /**
   * A semver range over the repository's tags, read as Flux reads it (Masterminds/semver:
   * `>=1.0.0 <2.0.0`, `>= 1.0, < 2.0`, `~1`, `1.x`, `<1 || >=3`); a tag counts when it is a full
   * MAJOR.MINOR.PATCH version, a `v` prefix allowed; the highest match wins.
   */
  readonly semver?: string | undefined
  /**
   * Only tags matching this regular expression (Go RE2, searched, not anchored) take part in the
   * `semver` selection, as Flux's `ref.semverFilter`: `.*-rc.*` picks among release candidates.
   * Ignored without `semver`. @defaultValue every tag
   */
  readonly semverFilter?: string | undefined
  /** A manifest digest, `sha256:<64 hex>`. */
  readonly digest?: string | undefined
}

/**
 * Which layer of the manifest holds the content and what to do with it, as Flux's OCIRepository
 * `layerSelector`.
 */
export interface LayerSelector {
  /** The layer's media type; the first layer with it is taken. */
  readonly mediaType: string
  /**
   * `extract` (the default) unpacks the layer, a gzipped tarball, into the artifact's files;
   * `copy` keeps the layer's bytes as they are: the artifact is one file, `<layer digest hex>.tar.gz`
   * (Flux stores the blob unaltered as the artifact). @defaultValue 'extract'
   */
  readonly operation?: 'extract' | 'copy' | undefined
}

/** Options of `pullArtifact`. */
export interface PullArtifactOptions extends RegistryOptions {
  /**
   * The layer to take. @defaultValue the layer of Flux's content media type, else the only layer,
   * extracted
   */
  readonly layerSelector?: LayerSelector | undefined
  /** Which artifact. @defaultValue the tag in the URL, else `latest` */
  readonly ref?: OciRef | undefined
  /**
   * The revision the caller already has (from a previous result). When the tag (or range) still
   * resolves to the same manifest digest, the result is `{ unchanged: true }` after one manifest
   * request and no download; for a `digest` ref equal to it, after none.
   */
  readonly lastRevision?: string | undefined
  /** Largest manifest, layer and unpacked content, in bytes. @defaultValue 500 MiB */
  readonly maxSize?: number | undefined
  /** Write the files into this directory too (replaced as a whole, atomically). @defaultValue no checkout */
  readonly dir?: string | undefined
}

/** A pulled artifact: identity, annotations and files. */
export interface OciArtifact {
  /** Always `false`: a new revision (compare {@link UnchangedSource}). */
  readonly unchanged: false
  /** Flux's revision form: `<tag>@sha256:<manifest digest>`, or `sha256:…` for a digest ref. */
  readonly revision: string
  /** The manifest's digest. */
  readonly digest: string
  /** The tag it was resolved from, or `undefined` for a digest ref. */
  readonly tag: string | undefined
  /** The manifest's annotations (`org.opencontainers.image.source`, `…revision`, `…created`). */
  readonly annotations: Readonly<Record<string, string>>
  /** Number of files. */
  readonly files: number
  /** Total bytes of the files. */
  readonly size: number
  /** The files, in memory. */
  readonly fs: FileSystem
  /** The checkout directory, when `dir` was given. */
  readonly path: string | undefined
  /** Tar entries left out (symlinks, devices), each `path: why`. */
  readonly warnings: readonly string[]
}

/** The tag still points at the manifest of `lastRevision`: nothing was downloaded or written. */
export interface UnchangedOciSource extends UnchangedSource {
  /** The manifest's digest. */
  readonly digest: string
}

/** What `pullArtifact` resolves to. */
export type PullResult = OciArtifact | UnchangedOciSource
