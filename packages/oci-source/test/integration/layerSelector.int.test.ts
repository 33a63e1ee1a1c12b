// Flux's OCIRepository `layerSelector` and `ref.semverFilter` against Debian's docker-registry on
// 127.0.0.1: a manifest of several layers pushed here through the registry API, its layers selected
// by media type, extracted or copied byte for byte; tags ranked only among those the filter keeps.
import { createHash } from 'node:crypto'
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { memoryFs } from '@gitops-sdk/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FLUX_CONTENT_MEDIA_TYPE, pullArtifact, pushArtifact } from '../../src/index.js'
import type { OciArtifact, PullResult } from '../../src/index.js'
import { registryAvailable, startRegistry } from '../../src/testing.js'
import type { TestRegistry } from '../../src/testing.js'

const skipNotice = registryAvailable ? '' : ' (skipped: docker-registry is absent; apt-get install docker-registry)'
const sha256 = (data: Uint8Array): string => `sha256:${createHash('sha256').update(data).digest('hex')}`

function artifactOf(result: PullResult): OciArtifact {
  if (result.unchanged) throw new Error(`expected an artifact, got unchanged ${result.revision}`)
  return result
}

/** One tar entry (ustar, a regular file), enough for a layer. */
function tarOf(files: Record<string, string>): Buffer {
  const blocks: Buffer[] = []
  for (const [name, text] of Object.entries(files)) {
    const body = Buffer.from(text)
    const header = Buffer.alloc(512)
    header.write(name, 0)
    header.write('0000644\0', 100)
    header.write('0000000\0', 108)
    header.write('0000000\0', 116)
    header.write(`${body.length.toString(8).padStart(11, '0')}\0`, 124)
    header.write('00000000000\0', 136)
    header.write('        ', 148)
    header.write('0', 156)
    header.write('ustar\0', 257)
    header.write('00', 263)
    let sum = 0
    for (const byte of header) sum += byte
    header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148)
    blocks.push(header, body, Buffer.alloc((512 - (body.length % 512)) % 512))
  }
  return Buffer.concat([...blocks, Buffer.alloc(1024)])
}

describe.skipIf(!registryAvailable)(`layerSelector and semverFilter against docker-registry${skipNotice}`, () => {
  let registry: TestRegistry
  let work: string
  const deployType = 'application/vnd.acme.deploy.content.v1.tar+gzip'
  const docsType = 'application/vnd.acme.docs.content.v1.tar+gzip'
  let deployLayer: Buffer

  async function pushBlob(repo: string, data: Uint8Array): Promise<string> {
    const digest = sha256(data)
    const start = await fetch(`http://${registry.host}/v2/${repo}/blobs/uploads/`, { method: 'POST' })
    const location = new URL(start.headers.get('location') ?? '', `http://${registry.host}`)
    location.searchParams.set('digest', digest)
    const put = await fetch(location, { method: 'PUT', body: data, headers: { 'content-type': 'application/octet-stream' } })
    expect(put.status).toBe(201)
    return digest
  }

  beforeAll(async () => {
    registry = await startRegistry()
    work = await mkdtemp(join(tmpdir(), 'gitops-oci-layers-'))
    // An artifact of two layers: documentation first, the deploy manifests second.
    const docsLayer = gzipSync(tarOf({ 'README.md': '# docs\n' }))
    deployLayer = gzipSync(tarOf({ 'deploy/app.yaml': 'kind: ConfigMap\n' }))
    const config = Buffer.from('{}')
    const layers = [
      { mediaType: docsType, digest: await pushBlob('acme/multi', docsLayer), size: docsLayer.length },
      { mediaType: deployType, digest: await pushBlob('acme/multi', deployLayer), size: deployLayer.length },
    ]
    const manifest = Buffer.from(
      JSON.stringify({
        schemaVersion: 2,
        mediaType: 'application/vnd.oci.image.manifest.v1+json',
        config: { mediaType: 'application/vnd.acme.config.v1+json', digest: await pushBlob('acme/multi', config), size: config.length },
        layers,
      }),
    )
    const put = await fetch(`http://${registry.host}/v2/acme/multi/manifests/v1.0.0`, { method: 'PUT', body: manifest, headers: { 'content-type': 'application/vnd.oci.image.manifest.v1+json' } })
    expect(put.status).toBe(201)
    for (const tag of ['v1.0.0', 'v1.1.0-rc.1', 'v1.2.0', 'v2.0.0-rc.1']) await pushArtifact(`oci://${registry.host}/acme/tags:${tag}`, { fs: memoryFs({ 'tag.txt': tag }) })
  })
  afterAll(async () => {
    await registry.stop()
    await rm(work, { recursive: true, force: true })
  })

  it('extracts the first layer of the selected media type', async () => {
    const pulled = artifactOf(await pullArtifact(`oci://${registry.host}/acme/multi:v1.0.0`, { layerSelector: { mediaType: deployType }, dir: join(work, 'extract') }))
    expect(pulled.files).toBe(1)
    expect(new TextDecoder().decode(await pulled.fs.readFile('deploy/app.yaml'))).toBe('kind: ConfigMap\n')
    expect(await readFile(join(work, 'extract/deploy/app.yaml'), 'utf8')).toBe('kind: ConfigMap\n')
  })

  it('copies the selected layer byte for byte with operation copy', async () => {
    const pulled = artifactOf(await pullArtifact(`oci://${registry.host}/acme/multi:v1.0.0`, { layerSelector: { mediaType: deployType, operation: 'copy' }, dir: join(work, 'copy') }))
    const name = `${sha256(deployLayer).slice('sha256:'.length)}.tar.gz`
    expect(await readdir(join(work, 'copy'))).toEqual([name])
    expect((await readFile(join(work, 'copy', name))).equals(deployLayer)).toBe(true)
    expect(Buffer.from(await pulled.fs.readFile(name)).equals(deployLayer)).toBe(true)
  })

  it('fails with OCI_LAYER_NOT_FOUND naming the layers there are, and writes nothing', async () => {
    const error = await pullArtifact(`oci://${registry.host}/acme/multi:v1.0.0`, { layerSelector: { mediaType: FLUX_CONTENT_MEDIA_TYPE }, dir: join(work, 'none') }).catch((e: unknown) => e)
    expect(error).toMatchObject({ code: 'OCI_LAYER_NOT_FOUND' })
    expect((error as Error).message).toBe(`oci://${registry.host}/acme/multi: the manifest has no layer of media type ${FLUX_CONTENT_MEDIA_TYPE} (layers: ${docsType}, ${deployType})`)
    await expect(readdir(join(work, 'none'))).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('ranks only the tags semverFilter keeps', async () => {
    const url = `oci://${registry.host}/acme/tags`
    expect(artifactOf(await pullArtifact(url, { ref: { semver: '>=1.0.0' } })).tag).toBe('v1.2.0')
    expect(artifactOf(await pullArtifact(url, { ref: { semver: '>=1.0.0', semverFilter: '^v1\\.0' } })).tag).toBe('v1.0.0')
    expect(artifactOf(await pullArtifact(url, { ref: { semver: '>=1.0.0', semverFilter: '1\\.[01]' } })).tag).toBe('v1.0.0')
    // Unanchored, as Go's MatchString: "2" is found inside v1.2.0.
    expect(artifactOf(await pullArtifact(url, { ref: { semver: '^1.0.0', semverFilter: '2' } })).tag).toBe('v1.2.0')
    await expect(pullArtifact(url, { ref: { semver: '>=1.0.0', semverFilter: '^release-' } })).rejects.toMatchObject({ code: 'OCI_NO_SEMVER_MATCH', message: expect.stringContaining('among those matching ^release-') as unknown })
  })
})
