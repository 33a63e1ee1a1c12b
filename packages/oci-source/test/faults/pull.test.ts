// Bad input and hostile registries for pullArtifact and pushArtifact, through the injected `fetch`
// seam: each case asserts the code, a message starting with the artifact's URL, and that nothing
// was written (no checkout directory) and no prototype polluted.
import { createHash } from 'node:crypto'
import { existsSync } from 'node:fs'
import { mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { gzipSync } from 'node:zlib'
import { memoryFs } from '@gitops-sdk/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { assertNoPollution, plantedProperty } from '../../../../testing/pollution.js'
import { FLUX_CONTENT_MEDIA_TYPE, pullArtifact, pushArtifact } from '../../src/index.js'
import type { OciErrorCode } from '../../src/index.js'

const host = 'registry.test'
const url = `oci://${host}/acme/fleet`
let work: string
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'gitops-oci-faults-'))
})
afterAll(async () => rm(work, { recursive: true, force: true }))

const sha = (data: Uint8Array): string => `sha256:${createHash('sha256').update(data).digest('hex')}`

/** A tarball of one entry, written here byte by byte (names the SDK would never write included). */
function rawTar(name: string, content: string, type = '0'): Buffer {
  const h = Buffer.alloc(512)
  h.write(name, 0, 100)
  h.write('0000644\0', 100)
  h.write(`${content.length.toString(8).padStart(11, '0')}\0`, 124)
  h.write('00000000000\0', 136)
  h.write(' '.repeat(8), 148)
  h.write(type, 156)
  h.write('ustar\0', 257)
  h.write('00', 263)
  let sum = 0
  for (const b of h) sum += b
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148)
  const data = Buffer.alloc(Math.ceil(content.length / 512) * 512)
  data.write(content)
  return Buffer.concat([h, data, Buffer.alloc(1024)])
}

interface Served {
  readonly manifest?: Buffer | undefined
  readonly manifestDigest?: string | undefined
  readonly layer?: Buffer | undefined
}

/** A registry answering one artifact: `layer` as the blob, `manifest` (default: one naming it). */
function registry(served: Served): { fetch: typeof globalThis.fetch; requests: string[] } {
  const requests: string[] = []
  const layer = served.layer ?? gzipSync(rawTar('a.yaml', 'a: 1\n'))
  const manifest =
    served.manifest ?? Buffer.from(JSON.stringify({ schemaVersion: 2, layers: [{ mediaType: FLUX_CONTENT_MEDIA_TYPE, digest: sha(layer), size: layer.byteLength }] }))
  const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
    const target = new URL(input instanceof Request ? input.url : input)
    requests.push(`${init?.method ?? 'GET'} ${target.pathname}`)
    if (target.pathname.includes('/manifests/')) {
      return new Response(init?.method === 'HEAD' ? null : manifest, { status: 200, headers: { 'docker-content-digest': served.manifestDigest ?? sha(manifest) } })
    }
    if (target.pathname.includes('/blobs/')) return new Response(layer, { status: 200 })
    return new Response(null, { status: 404 })
  }
  return { fetch, requests }
}

async function expectRefused(served: Served, code: OciErrorCode, what: RegExp, options: { maxSize?: number } = {}): Promise<void> {
  const dir = join(work, `out-${code}-${Math.random().toString(36).slice(2)}`)
  const err = (await pullArtifact(`${url}:v1`, { fetch: registry(served).fetch, dir, ...options }).catch((e: unknown) => e)) as Error
  expect(err).toMatchObject({ code, details: { url } })
  expect(err.message.startsWith(`${url}: `)).toBe(true)
  expect(err.message).toMatch(what)
  expect(existsSync(dir)).toBe(false)
}

describe('pullArtifact refuses', () => {
  it('a manifest whose bytes do not hash to the digest the registry names', async () => {
    await expectRefused({ manifestDigest: `sha256:${'0'.repeat(64)}` }, 'OCI_DIGEST_MISMATCH', /the manifest of v1 hashes to sha256:/)
  })

  it('a layer whose bytes do not hash to its descriptor', async () => {
    const good = gzipSync(rawTar('a.yaml', 'a\n'))
    const evil = Buffer.from(good)
    evil.writeUInt8((evil.readUInt8(evil.length - 5) ^ 0xff) & 0xff, evil.length - 5)
    const manifest = Buffer.from(JSON.stringify({ layers: [{ mediaType: FLUX_CONTENT_MEDIA_TYPE, digest: sha(good), size: good.byteLength }] }))
    await expectRefused({ manifest, layer: evil }, 'OCI_DIGEST_MISMATCH', /the layer's bytes hash to/)
  })

  it.for([
    { name: 'a path that climbs out', entry: '../evil.yaml' },
    { name: 'an absolute path', entry: '/etc/evil.yaml' },
    { name: 'a path through .git', entry: 'a/.git/hooks/post-checkout' },
  ])('a tarball holding $name', async ({ entry }) => {
    await expectRefused({ layer: gzipSync(rawTar(entry, 'x')) }, 'OCI_UNSAFE_PATH', /the layer's tarball/)
  })

  it('a tarball with a broken header checksum', async () => {
    const tar = rawTar('a.yaml', 'x')
    tar[0] = 'b'.charCodeAt(0)
    await expectRefused({ layer: gzipSync(tar) }, 'OCI_INVALID_ARTIFACT', /wrong checksum/)
  })

  it('a layer that is not gzip', async () => {
    await expectRefused({ layer: Buffer.from('not gzip at all') }, 'OCI_INVALID_ARTIFACT', /is not gzip/)
  })

  it('a small layer that inflates past maxSize, without inflating it all', async () => {
    const bomb = gzipSync(Buffer.alloc(64 * 1024 * 1024))
    expect(bomb.byteLength).toBeLessThan(256 * 1024)
    await expectRefused({ layer: bomb }, 'OCI_SIZE_LIMIT_EXCEEDED', /inflates past the limit|more than the limit/, { maxSize: 1024 * 1024 })
  })

  it('a layer that declares more than maxSize, before downloading it', async () => {
    const { fetch, requests } = registry({ manifest: Buffer.from(JSON.stringify({ layers: [{ mediaType: FLUX_CONTENT_MEDIA_TYPE, digest: `sha256:${'a'.repeat(64)}`, size: 10 * 1024 * 1024 }] })) })
    await expect(pullArtifact(`${url}:v1`, { fetch, maxSize: 1024 * 1024 })).rejects.toMatchObject({ code: 'OCI_SIZE_LIMIT_EXCEEDED' })
    expect(requests.some((r) => r.includes('/blobs/'))).toBe(false)
  })

  it.for([
    { name: 'not JSON', manifest: 'nope' },
    { name: 'an image index', manifest: JSON.stringify({ manifests: [] }) },
    { name: 'no Flux layer among several', manifest: JSON.stringify({ layers: [{ mediaType: 'a', digest: `sha256:${'a'.repeat(64)}`, size: 1 }, { mediaType: 'b', digest: `sha256:${'b'.repeat(64)}`, size: 1 }] }) },
    { name: 'a malformed layer digest', manifest: JSON.stringify({ layers: [{ mediaType: FLUX_CONTENT_MEDIA_TYPE, digest: 'md5:abc', size: 1 }] }) },
  ])('a manifest that is $name', async ({ manifest }) => {
    await expectRefused({ manifest: Buffer.from(manifest) }, 'OCI_INVALID_ARTIFACT', /manifest|layer descriptor/)
  })

  it('a manifest larger than the limit', async () => {
    await expectRefused({ manifest: Buffer.alloc(5 * 1024 * 1024, 0x20) }, 'OCI_SIZE_LIMIT_EXCEEDED', /more than the limit/)
  })

  it('manifest annotations that reach for a prototype, keeping them as plain data', async () => {
    const layer = gzipSync(rawTar('a.yaml', 'a\n'))
    const manifest = Buffer.from(`{"layers":[{"mediaType":"${FLUX_CONTENT_MEDIA_TYPE}","digest":"${sha(layer)}","size":${layer.byteLength}}],"annotations":{"__proto__":{"${plantedProperty}":"yes"},"constructor":"x"}}`)
    const result = await pullArtifact(`${url}:v1`, { fetch: registry({ manifest, layer }).fetch })
    if (result.unchanged) throw new Error('expected an artifact')
    expect(Object.getPrototypeOf(result.annotations)).toBe(null)
    expect(result.annotations.constructor).toBe('x')
    assertNoPollution()
  })

  it('a registry that never answers, at the deadline, with OCI_TIMEOUT', async () => {
    const stall = (_: unknown, init?: RequestInit): Promise<Response> =>
      new Promise((_resolve, reject) => init?.signal?.addEventListener('abort', () => reject(init.signal?.reason as Error)))
    await expect(pullArtifact(`${url}:v1`, { fetch: stall, timeout: 200 })).rejects.toMatchObject({ code: 'OCI_TIMEOUT', message: `${url}: no result within 200 ms` })
  })
})

describe('bad options, refused before any request', () => {
  const noFetch = (): Promise<Response> => Promise.reject(new Error('no request expected'))
  it.for([
    { name: 'a URL without oci://', target: 'https://registry.test/acme/fleet', options: {} },
    { name: 'credentials in the URL', target: 'oci://bot:secret-pw@registry.test/acme/fleet', options: {} },
    { name: 'an upper-case repository', target: 'oci://registry.test/Acme/fleet', options: {} },
    { name: 'a bad tag', target: `${url}:-bad`, options: {} },
    { name: 'a bad digest ref', target: url, options: { ref: { digest: 'sha256:xyz' } } },
    { name: 'a bad semver range', target: url, options: { ref: { semver: '>=1 <<2' } } },
  ])('$name', async ({ target, options }) => {
    const err = (await pullArtifact(target, { ...options, fetch: noFetch }).catch((e: unknown) => e)) as Error
    expect(err).toMatchObject({ code: 'OCI_INVALID_OPTION' })
    expect(err.message).not.toContain('secret-pw')
  })

  it('a push without a tag', async () => {
    await expect(pushArtifact(url, { fs: memoryFs({}), fetch: noFetch })).rejects.toMatchObject({ code: 'OCI_INVALID_OPTION', message: `${url}: push needs a tag (oci://host/repo:tag)` })
  })

  it('an upload location on another host, which never gets the credentials', async () => {
    const seen: string[] = []
    const fetch = async (input: string | URL | Request, init?: RequestInit): Promise<Response> => {
      const target = new URL(input instanceof Request ? input.url : input)
      seen.push(`${init?.method ?? 'GET'} ${target.host}`)
      if (init?.method === 'HEAD') return new Response(null, { status: 404 })
      return new Response(null, { status: 202, headers: { location: 'https://elsewhere.test/upload' } })
    }
    await expect(pushArtifact(`${url}:v1`, { fs: memoryFs({ 'a.yaml': 'a\n' }), fetch, auth: { token: 'secret-token-1' } })).rejects.toMatchObject({ code: 'OCI_PROTOCOL_ERROR' })
    expect(seen.every((s) => s.endsWith(host))).toBe(true)
  })
})
