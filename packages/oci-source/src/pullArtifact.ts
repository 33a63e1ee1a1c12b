import { createHash } from 'node:crypto'
import { gunzipSync } from 'node:zlib'
import { isGitOpsError, memoryFs } from '@gitops-sdk/core/light'
import type { GoRegexp } from '@gitops-sdk/core/go'
import { OciSourceError } from './errors.js'
import type { OciErrorCode } from './errors.js'
import { withDeadline } from './internal/call.js'
import { isValidDigest, isValidTag, parseOciUrl } from './internal/ociUrl.js'
import type { OciUrl } from './internal/ociUrl.js'
import { createRegistryClient } from './internal/registryClient.js'
import type { RegistryClient } from './internal/registryClient.js'
import { highestMatch } from './internal/resolveTag.js'
import { TarError, unpackTar } from './internal/tar.js'
import { writeTree } from './internal/writeTree.js'
import { FLUX_CONTENT_MEDIA_TYPE, OCI_MANIFEST_MEDIA_TYPE } from './mediaTypes.js'
import type { LayerSelector, OciArtifact, OciRef, PullArtifactOptions, PullResult } from './types.js'

const defaultMaxSize = 500 * 1024 * 1024
const manifestBytes = 4 * 1024 * 1024
const dockerManifest = 'application/vnd.docker.distribution.manifest.v2+json'

function fail(url: OciUrl, code: OciErrorCode, what: string): OciSourceError {
  return new OciSourceError({ code, message: `${url.display}: ${what}`, details: { url: url.display } })
}

function sha256(data: Uint8Array): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`
}

function checkRef(url: OciUrl, ref: OciRef): void {
  if (ref.digest !== undefined && !isValidDigest(ref.digest)) throw fail(url, 'OCI_INVALID_OPTION', `ref.digest ${JSON.stringify(ref.digest)} is not sha256:<64 hex>`)
  if (ref.tag !== undefined && !isValidTag(ref.tag)) throw fail(url, 'OCI_INVALID_OPTION', `ref.tag ${JSON.stringify(ref.tag)} is not a valid tag`)
}

/** Refuses a `ref.semver` that Masterminds/semver (Flux's reader) does not take, with its reason. */
export async function checkRange(url: OciUrl, range: string | undefined): Promise<void> {
  if (range === undefined) return
  const reason = (await import('@gitops-sdk/core/semver')).semverConstraintError(range)
  if (reason !== undefined) throw fail(url, 'OCI_INVALID_OPTION', `ref.semver ${JSON.stringify(range)} is not a valid semver range: ${reason}`)
}

/**
 * `ref.semverFilter` compiled as Flux compiles it, with Go's regexp (core's compileGoRegexp: Go's
 * syntax, time linear in the tag's length), loaded only when a filter is given.
 */
export async function semverFilterOf(url: OciUrl, ref: OciRef): Promise<GoRegexp | undefined> {
  if (ref.semverFilter === undefined || ref.semverFilter === '' || ref.semver === undefined || ref.digest !== undefined) return undefined
  const { compileGoRegexp } = await import('@gitops-sdk/core/go')
  try {
    return compileGoRegexp(ref.semverFilter)
  } catch {
    throw fail(url, 'OCI_INVALID_OPTION', `ref.semverFilter ${JSON.stringify(ref.semverFilter)} is not a valid regular expression`)
  }
}

function checkSelector(url: OciUrl, selector: LayerSelector | undefined): void {
  if (selector === undefined) return
  if (typeof selector.mediaType !== 'string' || selector.mediaType === '' || /[\s,]/.test(selector.mediaType)) {
    throw fail(url, 'OCI_INVALID_OPTION', `layerSelector.mediaType ${JSON.stringify(selector.mediaType)} is not a media type`)
  }
  // Callers in plain JavaScript can pass anything.
  const operation: string | undefined = selector.operation
  if (operation !== undefined && operation !== 'extract' && operation !== 'copy') {
    throw fail(url, 'OCI_INVALID_OPTION', `layerSelector.operation ${JSON.stringify(selector.operation)} is neither extract nor copy`)
  }
}

/** The digest in a revision (`tag@sha256:…` or `sha256:…`). */
function lastDigest(revision: string | undefined): string | undefined {
  if (revision === undefined) return undefined
  const digest = revision.slice(revision.lastIndexOf('@') + 1)
  return isValidDigest(digest) ? digest : undefined
}

interface Descriptor {
  readonly mediaType: string
  readonly digest: string
  readonly size: number
}

function isDescriptor(value: unknown): value is Descriptor {
  const d = value as Partial<Descriptor> | null
  return typeof d === 'object' && d !== null && typeof d.mediaType === 'string' && typeof d.digest === 'string' && typeof d.size === 'number'
}

/** The manifest's layer holding the files (the selected one, with a selector), and its annotations. */
function readManifest(url: OciUrl, body: Buffer, selector: LayerSelector | undefined): { layer: Descriptor; annotations: Record<string, string> } {
  let manifest: { mediaType?: unknown; layers?: unknown; annotations?: unknown }
  try {
    manifest = JSON.parse(body.toString('utf8')) as typeof manifest
  } catch {
    throw fail(url, 'OCI_INVALID_ARTIFACT', 'the manifest is not JSON')
  }
  if (typeof manifest !== 'object' || (manifest as unknown) === null || !Array.isArray(manifest.layers)) throw fail(url, 'OCI_INVALID_ARTIFACT', 'the manifest has no layers (an image index is not an artifact)')
  const layers = manifest.layers.filter(isDescriptor)
  // With a selector, Flux takes the first layer of its media type; else the layer of its own media
  // type, and an artifact pushed by other tools has one tarball.
  const layer =
    selector !== undefined
      ? layers.find((l) => l.mediaType === selector.mediaType)
      : (layers.find((l) => l.mediaType === FLUX_CONTENT_MEDIA_TYPE) ?? (layers.length === 1 ? layers[0] : undefined))
  if (layer === undefined && selector !== undefined) {
    throw new OciSourceError({
      code: 'OCI_LAYER_NOT_FOUND',
      message: `${url.display}: the manifest has no layer of media type ${selector.mediaType} (layers: ${layers.map((l) => l.mediaType).join(', ') || 'none'})`,
      details: { url: url.display, mediaType: selector.mediaType, layers: layers.map((l) => l.mediaType) },
    })
  }
  if (layer === undefined) throw fail(url, 'OCI_INVALID_ARTIFACT', `the manifest has no ${FLUX_CONTENT_MEDIA_TYPE} layer`)
  if (!isValidDigest(layer.digest) || !Number.isSafeInteger(layer.size) || layer.size < 0) throw fail(url, 'OCI_INVALID_ARTIFACT', 'the layer descriptor has a malformed digest or size')
  const annotations: Record<string, string> = Object.create(null) as Record<string, string>
  if (typeof manifest.annotations === 'object' && manifest.annotations !== null) {
    for (const [key, value] of Object.entries(manifest.annotations)) if (typeof value === 'string') annotations[key] = value
  }
  return { layer, annotations }
}

/** The manifest digest a tag points at, from a HEAD; undefined when the registry does not say. */
async function headDigest(client: RegistryClient, reference: string): Promise<string | undefined> {
  const response = await client.request({ method: 'HEAD', path: `manifests/${reference}`, accept: `${OCI_MANIFEST_MEDIA_TYPE}, ${dockerManifest}`, maxBytes: 0, ok: [200] })
  const digest = response.headers.get('docker-content-digest') ?? undefined
  return digest !== undefined && isValidDigest(digest) ? digest : undefined
}

async function pullLayer(client: RegistryClient, layer: Descriptor, maxSize: number): Promise<Buffer> {
  const { url } = client
  if (layer.size > maxSize) {
    throw new OciSourceError({ code: 'OCI_SIZE_LIMIT_EXCEEDED', message: `${url.display}: the layer declares ${layer.size} bytes, more than the limit of ${maxSize}`, details: { url: url.display, size: layer.size, limit: maxSize } })
  }
  const blob = await client.request({ method: 'GET', path: `blobs/${layer.digest}`, maxBytes: layer.size, ok: [200] })
  const actual = sha256(blob.body)
  if (blob.body.byteLength !== layer.size || actual !== layer.digest) {
    throw new OciSourceError({ code: 'OCI_DIGEST_MISMATCH', message: `${url.display}: the layer's bytes hash to ${actual} (${blob.body.byteLength} bytes), not ${layer.digest} (${layer.size} bytes)`, details: { url: url.display, expected: layer.digest, actual } })
  }
  return blob.body
}

/**
 * Pulls a Flux artifact from `url` (`oci://host/repo[:tag]`) by tag, semver range over the tags, or
 * manifest digest, as Flux's OCIRepository does: the manifest and the layer are checked against
 * their digests and bounded by `maxSize`, the tarball unpacked in memory (paths that leave the
 * root refused), and the files returned as a `FileSystem`. With `lastRevision`, a tag still at the
 * same manifest costs one HEAD request and yields `{ unchanged: true }`.
 *
 * With `ref.semverFilter` only the tags it matches are ranked; with `layerSelector` the first layer
 * of its media type is taken, extracted or (`copy`) kept as it is.
 *
 * @throws `OCI_INVALID_OPTION`, `OCI_LAYER_NOT_FOUND`, `OCI_UNREACHABLE`, `OCI_AUTH_FAILED`, `OCI_NOT_FOUND`,
 * `OCI_NO_SEMVER_MATCH`, `OCI_DIGEST_MISMATCH`, `OCI_SIZE_LIMIT_EXCEEDED`, `OCI_TIMEOUT`,
 * `OCI_PROTOCOL_ERROR`, `OCI_INVALID_ARTIFACT`, `OCI_UNSAFE_PATH`; rejects with `signal.reason`
 * when aborted.
 *
 * @example
 * ```ts
 * const result = await pullArtifact('oci://ghcr.io/acme/fleet', {
 *   ref: { semver: '>=1.0.0 <2.0.0' },
 *   lastRevision: previous?.revision,
 *   signal: AbortSignal.timeout(120_000),
 * })
 * if (!result.unchanged) console.log(result.revision, await result.fs.readdir(''))
 * ```
 */
export async function pullArtifact(url: string, options: PullArtifactOptions = {}): Promise<PullResult> {
  if (typeof url !== 'string') throw new TypeError('pullArtifact: url must be a string')
  const parsed = parseOciUrl(url)
  const ref: OciRef = options.ref ?? (parsed.digest !== undefined ? { digest: parsed.digest } : { tag: parsed.tag ?? 'latest' })
  checkRef(parsed, ref)
  await checkRange(parsed, ref.digest === undefined ? ref.semver : undefined)
  const filter = await semverFilterOf(parsed, ref)
  checkSelector(parsed, options.layerSelector)
  const maxSize = options.maxSize ?? defaultMaxSize
  const last = options.lastRevision === undefined ? undefined : lastDigest(options.lastRevision)
  // A digest never moves: when it is the one we have, there is nothing to ask the registry.
  if (ref.digest !== undefined && last === ref.digest) return { unchanged: true, revision: ref.digest, digest: ref.digest }
  return withDeadline(parsed, options, async (signal) => {
    const client = createRegistryClient({ url: parsed, auth: options.auth, insecure: options.insecure ?? false, fetch: options.fetch ?? globalThis.fetch, signal, actions: 'pull' })
    const tag = ref.digest !== undefined ? undefined : ref.semver !== undefined ? await highestMatch(client, ref.semver, filter) : (ref.tag ?? 'latest')
    const reference = ref.digest ?? tag ?? 'latest'
    if (tag !== undefined && last !== undefined && options.lastRevision === `${tag}@${last}`) {
      const current = await headDigest(client, tag)
      if (current === last) return { unchanged: true, revision: `${tag}@${last}`, digest: last }
    }
    const response = await client.request({ method: 'GET', path: `manifests/${reference}`, accept: `${OCI_MANIFEST_MEDIA_TYPE}, ${dockerManifest}`, maxBytes: Math.min(manifestBytes, maxSize), ok: [200] })
    const digest = sha256(response.body)
    const claimed = ref.digest ?? response.headers.get('docker-content-digest') ?? digest
    if (claimed !== digest) {
      throw new OciSourceError({ code: 'OCI_DIGEST_MISMATCH', message: `${parsed.display}: the manifest of ${reference} hashes to ${digest}, not ${claimed}`, details: { url: parsed.display, expected: claimed, actual: digest } })
    }
    const { layer, annotations } = readManifest(parsed, response.body, options.layerSelector)
    const gz = await pullLayer(client, layer, maxSize)
    if (options.layerSelector?.operation === 'copy') {
      const file = { path: `${layer.digest.slice('sha256:'.length)}.tar.gz`, data: new Uint8Array(gz), mode: 0o644 }
      if (options.dir !== undefined) await writeTree(options.dir, [file], signal)
      return { unchanged: false, revision: tag === undefined ? digest : `${tag}@${digest}`, digest, tag, annotations, files: 1, size: gz.byteLength, fs: memoryFs({ [file.path]: file.data }), path: options.dir, warnings: [] }
    }
    let tar: Buffer
    try {
      // Bounded inflation: a small layer of zeros cannot become more than the files may hold plus
      // what headers and padding take (up to 1 KiB a file; half the limit again is plenty).
      tar = gunzipSync(gz, { maxOutputLength: Math.floor(maxSize * 1.5) + 1024 * 1024 })
    } catch (err) {
      const tooLarge = (err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE' || err instanceof RangeError
      throw new OciSourceError({
        code: tooLarge ? 'OCI_SIZE_LIMIT_EXCEEDED' : 'OCI_INVALID_ARTIFACT',
        message: `${parsed.display}: the layer ${tooLarge ? `inflates past the limit of ${maxSize} bytes` : `is not gzip: ${(err as Error).message}`}`,
        details: { url: parsed.display, layer: layer.digest },
        cause: err,
      })
    }
    let unpacked
    try {
      unpacked = unpackTar(tar, maxSize)
    } catch (err) {
      if (!(err instanceof TarError)) throw err
      const code: OciErrorCode = err.kind === 'unsafe' ? 'OCI_UNSAFE_PATH' : err.kind === 'size' ? 'OCI_SIZE_LIMIT_EXCEEDED' : 'OCI_INVALID_ARTIFACT'
      throw new OciSourceError({ code, message: `${parsed.display}: the layer's tarball: ${err.message}`, details: { url: parsed.display, layer: layer.digest }, cause: err })
    }
    const fs = memoryFs()
    let size = 0
    for (const file of unpacked.files) {
      try {
        fs.writeFile(file.path, file.data, file.mode)
      } catch (err) {
        if (!isGitOpsError(err)) throw err
        throw new OciSourceError({ code: 'OCI_INVALID_ARTIFACT', message: `${parsed.display}: the layer's tarball: ${file.path} is both a file and a directory`, details: { url: parsed.display, path: file.path }, cause: err })
      }
      size += file.data.byteLength
    }
    if (options.dir !== undefined) await writeTree(options.dir, unpacked.files, signal)
    const artifact: OciArtifact = {
      unchanged: false,
      revision: tag === undefined ? digest : `${tag}@${digest}`,
      digest,
      tag,
      annotations,
      files: unpacked.files.length,
      size,
      fs,
      path: options.dir,
      warnings: unpacked.warnings,
    }
    return artifact
  })
}
