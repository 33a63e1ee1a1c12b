import { createHash } from 'node:crypto'
import { OciSourceError } from './errors.js'
import { withDeadline } from './internal/call.js'
import { isValidDigest, isValidTag, parseOciUrl } from './internal/ociUrl.js'
import type { OciUrl } from './internal/ociUrl.js'
import { createRegistryClient } from './internal/registryClient.js'
import type { RegistryClient } from './internal/registryClient.js'
import { listTags } from './internal/resolveTag.js'
import { OCI_MANIFEST_MEDIA_TYPE } from './mediaTypes.js'
import type { RegistryOptions } from './types.js'

const dockerManifest = 'application/vnd.docker.distribution.manifest.v2+json'
const defaultManifestBytes = 4 * 1024 * 1024

/** What each read of an {@link OciRepository} takes. */
export interface OciReadOptions {
  /** Largest body accepted, in bytes. @defaultValue 4 MiB for a manifest; required for a blob */
  readonly maxBytes?: number | undefined
  /** Cancels this read (on top of the repository's own `signal`); it rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined
}

/** A manifest as the registry served it, checked against its digest. */
export interface OciManifest {
  /** `sha256:…` of the bytes (equal to the digest asked for, or the one the registry named). */
  readonly digest: string
  /** The manifest's bytes, as served. */
  readonly body: Uint8Array
}

/**
 * Reads of one repository of a registry, each bounded by the options' `timeout` and byte limits,
 * with the auth flow of {@link pullArtifact} (basic, or a bearer token from the registry's realm).
 * For callers with rules of their own about tags and manifests (Helm charts, for instance).
 */
export interface OciRepository {
  /** `oci://host/repository`, the subject of every message. */
  readonly url: string
  /** Every tag of the repository (all pages of the tag list). */
  listTags(options?: OciReadOptions): Promise<string[]>
  /** The manifest of a tag or a `sha256:` digest; its bytes hash to that digest (or the one the registry names). */
  getManifest(reference: string, options?: OciReadOptions): Promise<OciManifest>
  /** A blob by digest, at most `maxBytes`; its bytes hash to the digest. */
  getBlob(digest: string, options: OciReadOptions & { readonly maxBytes: number }): Promise<Uint8Array>
}

function sha256(data: Uint8Array): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`
}

function mismatch(url: OciUrl, what: string, digests: { readonly expected: string; readonly actual: string }): OciSourceError {
  const { expected, actual } = digests
  return new OciSourceError({ code: 'OCI_DIGEST_MISMATCH', message: `${url.display}: ${what} hashes to ${actual}, not ${expected}`, details: { url: url.display, expected, actual } })
}

/**
 * Opens `url` (`oci://host/repository`, a tag or digest in it is ignored) for reading: tags,
 * manifests and blobs, each call under its own `timeout` deadline and the caller's signal, every
 * body bounded and checked against its digest. Credentials stay in `Authorization` headers and go
 * only to the registry and the token realm it names.
 *
 * @throws `OCI_INVALID_OPTION` (a malformed URL, reference or digest), then from each read
 *   `OCI_UNREACHABLE`, `OCI_AUTH_FAILED`, `OCI_NOT_FOUND`, `OCI_DIGEST_MISMATCH`,
 *   `OCI_SIZE_LIMIT_EXCEEDED`, `OCI_TIMEOUT`, `OCI_PROTOCOL_ERROR`; an abort rejects with the
 *   signal's reason.
 * @example
 * ```ts
 * const repo = openRepository('oci://ghcr.io/acme/charts/web', { auth: { username: 'bot', password } })
 * const tags = await repo.listTags()
 * const { digest, body } = await repo.getManifest('1.2.0')
 * ```
 */
export function openRepository(url: string, options: RegistryOptions = {}): OciRepository {
  if (typeof url !== 'string') throw new TypeError('openRepository: url must be a string')
  const parsed = parseOciUrl(url)
  const target: OciUrl = { ...parsed, tag: undefined, digest: undefined }
  const run = <T>(read: OciReadOptions | undefined, body: (client: RegistryClient) => Promise<T>): Promise<T> => {
    const signals = [options.signal, read?.signal].filter((s): s is AbortSignal => s !== undefined)
    const signal = signals.length === 0 ? undefined : signals.length === 1 ? signals[0] : AbortSignal.any(signals)
    return withDeadline(target, { ...options, signal }, (inner) =>
      body(createRegistryClient({ url: target, auth: options.auth, insecure: options.insecure ?? false, fetch: options.fetch ?? globalThis.fetch, signal: inner, actions: 'pull' })),
    )
  }
  return {
    url: target.display,
    listTags: (read) => run(read, (client) => listTags(client)),
    getManifest(reference, read) {
      if (!isValidDigest(reference) && !isValidTag(reference)) {
        return Promise.reject(new OciSourceError({ code: 'OCI_INVALID_OPTION', message: `${target.display}: ${JSON.stringify(reference)} is neither a tag nor a sha256 digest`, details: { url: target.display } }))
      }
      return run(read, async (client) => {
        const response = await client.request({ method: 'GET', path: `manifests/${reference}`, accept: `${OCI_MANIFEST_MEDIA_TYPE}, ${dockerManifest}`, maxBytes: read?.maxBytes ?? defaultManifestBytes, ok: [200] })
        const digest = sha256(response.body)
        const claimed = isValidDigest(reference) ? reference : (response.headers.get('docker-content-digest') ?? digest)
        if (claimed !== digest) throw mismatch(target, `the manifest of ${reference}`, { expected: claimed, actual: digest })
        return { digest, body: new Uint8Array(response.body) }
      })
    },
    getBlob(digest, read) {
      if (!isValidDigest(digest)) return Promise.reject(new OciSourceError({ code: 'OCI_INVALID_OPTION', message: `${target.display}: ${JSON.stringify(digest)} is not a sha256 digest`, details: { url: target.display } }))
      if (!(read.maxBytes >= 0)) throw new TypeError('openRepository: getBlob needs maxBytes')
      return run(read, async (client) => {
        const response = await client.request({ method: 'GET', path: `blobs/${digest}`, maxBytes: read.maxBytes, ok: [200] })
        const actual = sha256(response.body)
        if (actual !== digest) throw mismatch(target, `the blob ${digest}`, { expected: digest, actual })
        return new Uint8Array(response.body)
      })
    },
  }
}
