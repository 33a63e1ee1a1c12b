import type { Clock, FileSystem, Logger, UnchangedSource } from '@gitops-sdk/core/light'
import type { GitAuth } from './auth.js'
import type { GitTransport } from './transport.js'

/**
 * Which revision to fetch, as Flux's `GitRepositoryRef`. When several fields are set the first of
 * commit > name > semver > tag > branch wins (a `branch` given with a `commit` only narrows what is
 * fetched). With none, the remote's default branch (`HEAD`).
 */
export interface GitRef {
  /** A branch name, e.g. `main`. */
  readonly branch?: string | undefined
  /** A tag name, e.g. `v1.2.3`. */
  readonly tag?: string | undefined
  /**
   * A semver range over the tags, read as Flux reads it (Masterminds/semver: `>=1.0.0 <2.0.0`,
   * `>= 1.0, < 2.0`, `~1.2`, `1.x`, `^0.2`, `<1 || >=3`); a tag counts when it is a full
   * MAJOR.MINOR.PATCH version, a `v` prefix allowed; the highest match wins; pre-releases count only
   * when the range names one.
   */
  readonly semver?: string | undefined
  /** A full commit id (40 hex digits). */
  readonly commit?: string | undefined
  /** Any full ref, e.g. `refs/pull/7/head` or `refs/heads/main`. */
  readonly name?: string | undefined
}

/**
 * What to verify, as Flux's `GitRepository.spec.verify.mode`: `HEAD` the commit the ref resolves to
 * (`head` is the same, as Flux accepts it), `Tag` the annotated tag the ref names (`tag`, `semver`, or
 * a `name` under `refs/tags/`), `TagAndHEAD` both the tag and the commit it points at.
 */
export type VerificationMode = 'HEAD' | 'head' | 'Tag' | 'TagAndHEAD'

/** Signature verification of the fetched commit or tag, as Flux's `GitRepository.spec.verify`. */
export interface GitVerification {
  /** What must be signed. @defaultValue `'HEAD'` */
  readonly mode?: VerificationMode | undefined
  /**
   * The trusted keys, each entry one of: an armored OpenPGP public key block (`gpg --export --armor`;
   * a keyring may hold several keys, as the `.asc` values of Flux's verification Secret), or SSH
   * public keys one per line (`.pub`, `authorized_keys` or git's `allowed_signers` lines; ed25519,
   * RSA, ECDSA) for signatures made with `gpg.format ssh` in the namespace `git`.
   */
  readonly keys: readonly (string | Uint8Array)[]
}

/** A signature that verified: which object, in which format, by which key. */
export interface VerifiedSignature {
  /** `commit` or `tag`. */
  readonly object: 'commit' | 'tag'
  /** The commit id, or the tag object's id. */
  readonly id: string
  /** The tag's name, for a tag. */
  readonly tag?: string | undefined
  /** `openpgp` or `ssh`. */
  readonly format: 'openpgp' | 'ssh'
  /**
   * The key that verified it: an OpenPGP primary key fingerprint in upper-case hex (as gpg prints
   * it), or an SSH key's `SHA256:…` fingerprint (as `ssh-keygen -l` prints it).
   */
  readonly fingerprint: string
}

/** Another artifact (or any file tree) copied into this one, as Flux's `GitRepositoryInclude`. */
export interface IncludeSpec {
  /**
   * What to copy from: an {@link Artifact} or anything with a `fs`. Its `digest`, when it has one,
   * stands for its content in the `cacheDir` no-change check; without it, a cache never answers
   * `{ unchanged: true }` for a request with this include (the content could have changed).
   */
  readonly artifact: {
    /** The files to copy. */
    readonly fs: FileSystem
    /** The included artifact's digest, recorded in this artifact's include list. */
    readonly digest?: string | undefined
  }
  /** Directory of the included tree to copy. @defaultValue the root */
  readonly fromPath?: string | undefined
  /** Directory of this artifact to copy to; files there are replaced. */
  readonly toPath: string
}

/** A phase of {@link FetchProgress}. */
export type FetchPhase = 'refs' | 'receiving' | 'resolving' | 'checkout'

/** A progress event: bytes received, objects resolved, or files written so far. */
export interface FetchProgress {
  /** What the fetch is doing: listing refs, receiving the pack, resolving deltas, or writing files. */
  readonly phase: FetchPhase
  /** Bytes received, objects resolved or files written so far in this phase. */
  readonly loaded: number
  /** Known total, when there is one. */
  readonly total: number | undefined
}

/** Options of `fetchSource`. */
export interface FetchSourceOptions {
  /** The revision to fetch. @defaultValue the remote's default branch */
  readonly ref?: GitRef | undefined
  /** HTTPS credentials. Credentials in the URL (`https://user:pass@host/…`) are used too, and removed from it. */
  readonly auth?: GitAuth | undefined
  /** PEM certificates to trust in addition to Node's bundled roots, for a private CA. */
  readonly ca?: string | Uint8Array | undefined
  /**
   * Check the artifact out into this directory (replaced as a whole, atomically). With `cacheDir`
   * (and no `lastRevision`), the result is `{ unchanged: true }` only when the cache's last fetch
   * checked this same request out to this directory and the directory is still the one it wrote
   * (same device, inode and change time); a new, deleted or replaced directory gets a full artifact
   * and a fresh checkout. Edits to files inside the directory are not detected: pass `force`.
   * @defaultValue no checkout
   */
  readonly dir?: string | undefined
  /**
   * Directory for a cache of fetched objects, one bare repository per URL. Later fetches send only
   * what changed; a damaged cache is detected and rebuilt. It also remembers the last revision and
   * a fingerprint of the request that built it (ref selection, `ignore` and the built-in exclusions,
   * `include` digests, `dir`): the same request for the same commit answers `{ unchanged: true }`
   * after one ref listing; a different one builds the artifact again from the cached objects,
   * without downloading a pack. @defaultValue no cache
   */
  readonly cacheDir?: string | undefined
  /**
   * The revision the caller already has (from a previous result). When the remote ref still points
   * at the same commit, the result is `{ unchanged: true }` after one ref listing and no download,
   * whatever `dir`, `ignore` or `include` say: the caller asserts it holds that revision's artifact
   * (and its checkout). It wins over the revision a `cacheDir` remembers.
   */
  readonly lastRevision?: string | undefined
  /**
   * Verify the signature of the fetched commit, tag, or both before anything is built or written:
   * an unsigned object fails with `GIT_SIGNATURE_MISSING`, one no given key verifies with
   * `GIT_SIGNATURE_INVALID`, a signature that does not parse with `GIT_SIGNATURE_MALFORMED`. The
   * keys that verified are in the result's `verified`. A `cacheDir` only answers `{ unchanged: true }`
   * for a request with the same verification (mode and keys).
   * @defaultValue no verification
   */
  readonly verify?: GitVerification | undefined
  /** Fetch even when the revision is unchanged. @defaultValue false */
  readonly force?: boolean | undefined
  /** History depth to fetch; 0 for the full history. @defaultValue 1 */
  readonly depth?: number | undefined
  /**
   * Extra ignore rules in `.sourceignore` (gitignore) syntax, applied after the repository's
   * `.sourceignore` files, as Flux's `spec.ignore`. Setting it (or having a `.sourceignore`) drops
   * Flux's default exclusions except the VCS ones.
   */
  readonly ignore?: string | undefined
  /** Other artifacts copied in, at `toPath`. */
  readonly include?: readonly IncludeSpec[] | undefined
  /** Largest total size of the artifact's files, in bytes. @defaultValue 500 MiB */
  readonly maxSize?: number | undefined
  /**
   * Deadline for the whole fetch (ref listing, pack, checkout), in milliseconds; past it the fetch
   * fails with `GIT_TIMEOUT` and the requests in flight are aborted. It is what ends a fetch from a
   * server that accepts the connection and never answers. Raise it for large repositories on slow
   * links; the caller's `signal` can end the fetch earlier.
   * @defaultValue 60000 (60 s)
   */
  readonly timeout?: number | undefined
  /** How to reach the remote. @defaultValue smart HTTP(S) through isomorphic-git (`createHttpTransport`) */
  readonly transport?: GitTransport | undefined
  /** Cancels the fetch; it rejects with `signal.reason`. */
  readonly signal?: AbortSignal | undefined
  /** Called as bytes arrive, objects resolve and files are written. */
  readonly onProgress?: ((event: FetchProgress) => void) | undefined
  /** Source of `fetchedAt`. @defaultValue the system clock */
  readonly clock?: Clock | undefined
  /** Receives debug lines and warnings (e.g. a rebuilt cache, a skipped symlink). @defaultValue silent */
  readonly logger?: Logger | undefined
}

/**
 * Something a fetch left out of the artifact, reported rather than silent: `symlink-outside` is a
 * symlink whose target leads outside the artifact (an absolute target, or one that climbs above the
 * root), dropped as unsafe.
 */
export interface FetchWarning {
  /** Always `symlink-outside`: a symlink leading outside the artifact, dropped. */
  readonly type: 'symlink-outside'
  /** The file's path in the artifact, e.g. `apps/secrets`. */
  readonly path: string
  /** The path, then what happened: `apps/secrets: left out, a symlink to "/etc" that leads outside the artifact`. */
  readonly message: string
}

/** A fetched revision: identity, content digest, and its files. */
export interface Artifact {
  /** Always `false`: a new revision (compare {@link UnchangedSource}). */
  readonly unchanged: false
  /** Flux's revision form: `main@sha1:<commit>`, `v1.2.3@sha1:<commit>`, or `sha1:<commit>`. */
  readonly revision: string
  /** `sha256:<hex>` over the artifact's sorted paths, modes and contents (see the README). */
  readonly digest: string
  /** The checkout directory, when `dir` was given. */
  readonly path: string | undefined
  /** The commit id. */
  readonly commit: string
  /** The full ref the commit came from (`refs/heads/main`), or `undefined` for a bare commit. */
  readonly ref: string | undefined
  /** When the fetch finished, ISO 8601. */
  readonly fetchedAt: string
  /** Number of files (symlinks included). */
  readonly files: number
  /** Total bytes of the files. */
  readonly size: number
  /** The files, read straight from the fetched git objects (ignore rules and includes applied). */
  readonly fs: FileSystem
  /** What was left out and why (also logged as warnings); empty when nothing was. */
  readonly warnings: readonly FetchWarning[]
  /** The signatures checked by `verify`, tag first; absent without `verify`. */
  readonly verified?: readonly VerifiedSignature[] | undefined
}

/**
 * The ref still points at the commit of `lastRevision` (or of the cache's last fetch of this same
 * request): nothing was downloaded and nothing written. Core's `UnchangedSource`, plus the commit
 * and the ref it was resolved from.
 */
export interface UnchangedGitSource extends UnchangedSource {
  /** The commit id. */
  readonly commit: string
  /** The full ref the commit came from (`refs/heads/main`), or `undefined` for a bare commit. */
  readonly ref: string | undefined
}

/** What `fetchSource` resolves to. */
export type FetchResult = Artifact | UnchangedGitSource
