// An OCI repository in memory for fetchOciChart's tests: tags, manifests and blobs the test puts
// in it, served through the OciChartRepository seam (the real registry client is oci-source's,
// tested against docker-registry in the cli's integration suite).
import { createHash } from 'node:crypto'
import type { OciChartRepository } from '../../src/index.js'
import { HELM_CHART_CONTENT_MEDIA_TYPE, HELM_CONFIG_MEDIA_TYPE } from '../../src/index.js'

/** `sha256:<hex>` of `bytes`. */
export function digestOf(bytes: Uint8Array | string): string {
  return `sha256:${createHash('sha256').update(bytes).digest('hex')}`
}

/** A repository's content, and what was asked of it. */
export interface MemoryOciRepository extends OciChartRepository {
  readonly tags: string[]
  readonly manifests: Map<string, Uint8Array>
  readonly blobs: Map<string, Uint8Array>
  /** Every read, in order: `tags`, `manifest REF`, `blob DIGEST`. */
  readonly reads: string[]
  /** Stores `archive` as a Helm chart under `tag`; the manifest's digest. */
  pushChart(tag: string, archive: Uint8Array, overrides?: { configMediaType?: string; layerMediaType?: string; layerDigest?: string; layerSize?: number }): string
}

/** An empty repository at `url`. */
export function memoryOciRepository(url: string): MemoryOciRepository {
  const repo: MemoryOciRepository = {
    url,
    tags: [],
    manifests: new Map(),
    blobs: new Map(),
    reads: [],
    listTags() {
      repo.reads.push('tags')
      return Promise.resolve([...repo.tags])
    },
    getManifest(reference) {
      repo.reads.push(`manifest ${reference}`)
      const body = repo.manifests.get(reference)
      return body === undefined ? Promise.reject(new Error(`${url}: manifest ${reference} not found`)) : Promise.resolve({ digest: digestOf(body), body })
    },
    getBlob(digest, { maxBytes }) {
      repo.reads.push(`blob ${digest}`)
      const body = repo.blobs.get(digest)
      if (body === undefined) return Promise.reject(new Error(`${url}: blob ${digest} not found`))
      return body.byteLength > maxBytes ? Promise.reject(new Error(`${url}: blob too large`)) : Promise.resolve(body)
    },
    pushChart(tag, archive, overrides = {}) {
      const config = Buffer.from('{"name":"web"}')
      const layerDigest = digestOf(archive)
      repo.blobs.set(layerDigest, archive)
      repo.blobs.set(digestOf(config), config)
      const manifest = Buffer.from(
        JSON.stringify({
          schemaVersion: 2,
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          config: { mediaType: overrides.configMediaType ?? HELM_CONFIG_MEDIA_TYPE, digest: digestOf(config), size: config.length },
          layers: [{ mediaType: overrides.layerMediaType ?? HELM_CHART_CONTENT_MEDIA_TYPE, digest: overrides.layerDigest ?? layerDigest, size: overrides.layerSize ?? archive.length }],
        }),
      )
      const digest = digestOf(manifest)
      repo.manifests.set(tag, manifest)
      repo.manifests.set(digest, manifest)
      if (!repo.tags.includes(tag)) repo.tags.push(tag)
      return digest
    },
  }
  return repo
}
