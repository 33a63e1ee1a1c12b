import { createHash } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import type { FileSystem } from '@gitops-sdk/core/light'
import { systemClock } from '@gitops-sdk/core/light'
import { OciSourceError } from './errors.js'
import { withDeadline } from './internal/call.js'
import { parseOciUrl } from './internal/ociUrl.js'
import type { OciUrl } from './internal/ociUrl.js'
import { createRegistryClient } from './internal/registryClient.js'
import type { RegistryClient } from './internal/registryClient.js'
import type { TarFile } from './internal/tar.js'
import { packTar } from './internal/tar.js'
import {
  CREATED_ANNOTATION,
  FLUX_CONFIG_MEDIA_TYPE,
  FLUX_CONTENT_MEDIA_TYPE,
  OCI_MANIFEST_MEDIA_TYPE,
  REVISION_ANNOTATION,
  SOURCE_ANNOTATION,
} from './mediaTypes.js'
import type { PushArtifactOptions, PushedArtifact } from './types.js'

const defaultMaxSize = 500 * 1024 * 1024

function digestOf(data: Uint8Array): string {
  return `sha256:${createHash('sha256').update(data).digest('hex')}`
}

async function collect(fs: FileSystem, limits: { maxSize: number; url: OciUrl; signal: AbortSignal }): Promise<TarFile[]> {
  const { maxSize, url, signal } = limits
  const files: TarFile[] = []
  let total = 0
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await fs.readdir(dir)) {
      signal.throwIfAborted()
      const path = dir === '' ? entry.name : `${dir}/${entry.name}`
      if (entry.type === 'directory') await walk(path)
      // Only regular files, as `flux push artifact` packs them: symlinks and devices stay behind.
      if (entry.type !== 'file') continue
      const data = await fs.readFile(path)
      const stat = await fs.stat(path)
      total += data.byteLength
      if (total > maxSize) {
        throw new OciSourceError({ code: 'OCI_SIZE_LIMIT_EXCEEDED', message: `${url.display}: the files add up to more than the limit of ${maxSize} bytes`, details: { url: url.display, limit: maxSize } })
      }
      files.push({ path, data, mode: ((stat?.mode ?? 0o644) & 0o111) !== 0 ? 0o755 : 0o644 })
    }
  }
  await walk('')
  return files
}

async function uploadBlob(client: RegistryClient, data: Uint8Array, digest: string): Promise<void> {
  const exists = await client.request({ method: 'HEAD', path: `blobs/${digest}`, maxBytes: 0, ok: [200, 404] })
  if (exists.status === 200) return
  const started = await client.request({ method: 'POST', path: 'blobs/uploads/', maxBytes: 64 * 1024, ok: [202] })
  const location = started.headers.get('location')
  if (location === null) throw new OciSourceError({ code: 'OCI_PROTOCOL_ERROR', message: `${client.url.display}: the registry started an upload without a location`, details: { url: client.url.display } })
  return finishUpload(client, { location, data, digest })
}

async function finishUpload(client: RegistryClient, upload: { location: string; data: Uint8Array; digest: string }): Promise<void> {
  // A monolithic upload: the whole blob in the PUT that closes the session, its digest in the query.
  const target = client.resolve(upload.location)
  target.searchParams.set('digest', upload.digest)
  await client.request({ method: 'PUT', path: target.toString(), body: upload.data, contentType: 'application/octet-stream', maxBytes: 64 * 1024, ok: [201] })
}

/**
 * Pushes every regular file of `options.fs` to `url` (`oci://host/repo:tag`) as a Flux artifact,
 * as `flux push artifact` does: one reproducible tar+gzip layer
 * (`application/vnd.cncf.flux.content.v1.tar+gzip`), the config `{}`
 * (`application/vnd.cncf.flux.config.v1+json`), and the manifest annotated with its `source`,
 * `revision` and creation time. Blobs the registry already has are not sent again.
 *
 * @throws `OCI_INVALID_OPTION`, `OCI_UNREACHABLE`, `OCI_AUTH_FAILED`, `OCI_NOT_FOUND`, `OCI_TIMEOUT`,
 * `OCI_SIZE_LIMIT_EXCEEDED`, `OCI_PROTOCOL_ERROR`; rejects with `signal.reason` when aborted.
 *
 * @example
 * ```ts
 * const pushed = await pushArtifact('oci://ghcr.io/acme/fleet:v1.2.0', {
 *   fs: nodeFs('./deploy'),
 *   source: 'https://github.com/acme/fleet',
 *   revision: 'main@sha1:3f2a…',
 *   auth: { username: 'bot', password: process.env.REGISTRY_TOKEN },
 * })
 * console.log(pushed.revision) // 'v1.2.0@sha256:…'
 * ```
 */
export async function pushArtifact(url: string, options: PushArtifactOptions): Promise<PushedArtifact> {
  if (typeof url !== 'string') throw new TypeError('pushArtifact: url must be a string')
  if (typeof options !== 'object' || typeof options.fs !== 'object') throw new TypeError('pushArtifact: options.fs must be a FileSystem')
  const parsed = parseOciUrl(url)
  if (parsed.digest !== undefined || parsed.tag === undefined) {
    throw new OciSourceError({ code: 'OCI_INVALID_OPTION', message: `${parsed.display}: push needs a tag (oci://host/repo:tag)`, details: { url: parsed.display } })
  }
  const tag = parsed.tag
  const maxSize = options.maxSize ?? defaultMaxSize
  return withDeadline(parsed, options, async (signal) => {
    const files = await collect(options.fs, { maxSize, url: parsed, signal })
    const layer = gzipSync(packTar(files))
    const config = Buffer.from('{}')
    const annotations: Record<string, string> = Object.create(null) as Record<string, string>
    for (const [key, value] of Object.entries(options.annotations ?? {})) annotations[key] = value
    annotations[CREATED_ANNOTATION] = (options.clock ?? systemClock).now().toISOString().replace(/\.\d{3}Z$/, 'Z')
    if (options.source !== undefined) annotations[SOURCE_ANNOTATION] = options.source
    if (options.revision !== undefined) annotations[REVISION_ANNOTATION] = options.revision
    const layerDigest = digestOf(layer)
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: OCI_MANIFEST_MEDIA_TYPE,
        config: { mediaType: FLUX_CONFIG_MEDIA_TYPE, digest: digestOf(config), size: config.byteLength },
        layers: [{ mediaType: FLUX_CONTENT_MEDIA_TYPE, digest: layerDigest, size: layer.byteLength }],
        annotations: { ...annotations },
      }),
    )
    const client = createRegistryClient({ url: parsed, auth: options.auth, insecure: options.insecure ?? false, fetch: options.fetch ?? globalThis.fetch, signal, actions: 'pull,push' })
    await uploadBlob(client, config, digestOf(config))
    await uploadBlob(client, layer, layerDigest)
    const digest = digestOf(manifest)
    const put = await client.request({ method: 'PUT', path: `manifests/${tag}`, body: manifest, contentType: OCI_MANIFEST_MEDIA_TYPE, maxBytes: 64 * 1024, ok: [201] })
    const echoed = put.headers.get('docker-content-digest')
    if (echoed !== null && echoed !== digest) {
      throw new OciSourceError({ code: 'OCI_DIGEST_MISMATCH', message: `${parsed.display}: the registry stored the manifest as ${echoed}, not ${digest}`, details: { url: parsed.display, expected: digest, actual: echoed } })
    }
    options.logger?.debug('pushed an artifact', { url: `${parsed.display}:${tag}`, digest, files: files.length })
    return { url: `${parsed.display}:${tag}`, digest, revision: `${tag}@${digest}`, layer: { digest: layerDigest, size: layer.byteLength }, files: files.length, annotations: { ...annotations } }
  })
}
