// Push and pull against Debian's docker-registry on 127.0.0.1: an artifact pushed by the SDK pulled
// back byte for byte, by tag, semver range and digest, the no-change check by manifest digest, and
// basic (htpasswd) and bearer token auth.
import { mkdtemp, readFile, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { memoryFs } from '@gitops-sdk/core'
import type { FileSystem } from '@gitops-sdk/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { FLUX_CONFIG_MEDIA_TYPE, FLUX_CONTENT_MEDIA_TYPE, pullArtifact, pushArtifact } from '../../src/index.js'
import type { OciArtifact, PullResult } from '../../src/index.js'
import { authToolsAvailable, registryAvailable, startRegistry } from '../../src/testing.js'
import type { TestRegistry as Registry } from '../../src/testing.js'

const skipNotice = registryAvailable ? '' : ' (skipped: docker-registry is absent; apt-get install docker-registry)'
const fixedClock = { now: () => new Date('2024-05-01T12:00:00Z'), sleep: async () => undefined }

function artifactOf(result: PullResult): OciArtifact {
  if (result.unchanged) throw new Error(`expected an artifact, got unchanged ${result.revision}`)
  return result
}

async function filesOf(fs: FileSystem): Promise<Record<string, string>> {
  const out: Record<string, string> = {}
  const walk = async (dir: string): Promise<void> => {
    for (const entry of await fs.readdir(dir)) {
      const path = dir === '' ? entry.name : `${dir}/${entry.name}`
      if (entry.type === 'directory') await walk(path)
      else out[path] = Buffer.from(await fs.readFile(path)).toString('base64')
    }
  }
  await walk('')
  return out
}

const tree = {
  'clusters/prod/kustomization.yaml': 'resources: [../../apps]\n',
  'apps/web.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: web\n',
  [`deep/${'d'.repeat(90)}/${'f'.repeat(60)}.yaml`]: 'long: path\n',
  'bin/blob': new Uint8Array([0, 1, 2, 255, 254, 0, 10, 13]),
}

describe.skipIf(!registryAvailable)(`pushArtifact and pullArtifact against docker-registry${skipNotice}`, () => {
  let registry: Registry
  let work: string
  beforeAll(async () => {
    registry = await startRegistry()
    work = await mkdtemp(join(tmpdir(), 'gitops-oci-'))
  })
  afterAll(async () => {
    await registry.stop()
    await rm(work, { recursive: true, force: true })
  })

  it('pushes a tree as a Flux artifact and pulls it back byte for byte, with its annotations', async () => {
    const url = `oci://${registry.host}/acme/fleet:v1.0.0`
    const pushed = await pushArtifact(url, { fs: memoryFs(tree), source: 'https://github.com/acme/fleet', revision: 'main@sha1:0123456789abcdef0123456789abcdef01234567', clock: fixedClock })
    expect(pushed).toMatchObject({ url, revision: `v1.0.0@${pushed.digest}`, files: 4 })
    const manifest = (await (await fetch(`http://${registry.host}/v2/acme/fleet/manifests/v1.0.0`, { headers: { accept: 'application/vnd.oci.image.manifest.v1+json' } })).json()) as Record<string, unknown>
    expect(manifest).toMatchObject({
      mediaType: 'application/vnd.oci.image.manifest.v1+json',
      config: { mediaType: FLUX_CONFIG_MEDIA_TYPE },
      layers: [{ mediaType: FLUX_CONTENT_MEDIA_TYPE, digest: pushed.layer.digest, size: pushed.layer.size }],
      annotations: {
        'org.opencontainers.image.source': 'https://github.com/acme/fleet',
        'org.opencontainers.image.revision': 'main@sha1:0123456789abcdef0123456789abcdef01234567',
        'org.opencontainers.image.created': '2024-05-01T12:00:00Z',
      },
    })

    const dir = join(work, 'checkout')
    const pulled = artifactOf(await pullArtifact(`oci://${registry.host}/acme/fleet`, { ref: { tag: 'v1.0.0' }, dir }))
    expect(pulled).toMatchObject({ revision: `v1.0.0@${pushed.digest}`, digest: pushed.digest, tag: 'v1.0.0', files: 4, path: dir, warnings: [] })
    expect(pulled.annotations['org.opencontainers.image.source']).toBe('https://github.com/acme/fleet')
    expect(await filesOf(pulled.fs)).toEqual(await filesOf(memoryFs(tree)))
    expect(await readFile(join(dir, 'bin/blob'))).toEqual(Buffer.from(tree['bin/blob']))
  })

  it('pushes the same tree to the same digest (a reproducible layer) and sends no blob twice', async () => {
    const first = await pushArtifact(`oci://${registry.host}/acme/repro:a`, { fs: memoryFs(tree), clock: fixedClock })
    const second = await pushArtifact(`oci://${registry.host}/acme/repro:b`, { fs: memoryFs(tree), clock: fixedClock })
    expect(second.digest).toBe(first.digest)
    expect(second.layer).toEqual(first.layer)
  })

  it('pulls by semver range over the tags and by digest, and answers unchanged by manifest digest', async () => {
    const base = `oci://${registry.host}/acme/versions`
    const pushed: Record<string, string> = {}
    for (const tag of ['v1.0.0', 'v1.2.0', '1.3.0-rc.1', 'v2.0.0', 'latest']) {
      pushed[tag] = (await pushArtifact(`${base}:${tag}`, { fs: memoryFs({ 'version.txt': tag }), clock: fixedClock })).digest
    }
    const ranged = artifactOf(await pullArtifact(base, { ref: { semver: '^1.0.0' } }))
    expect(ranged.revision).toBe(`v1.2.0@${pushed['v1.2.0']}`)
    expect(Buffer.from(await ranged.fs.readFile('version.txt')).toString()).toBe('v1.2.0')

    await expect(pullArtifact(base, { ref: { semver: '^1.0.0' }, lastRevision: ranged.revision })).resolves.toEqual({ unchanged: true, revision: ranged.revision, digest: pushed['v1.2.0'] })
    // The tag moves: a change.
    const moved = await pushArtifact(`${base}:v1.2.0`, { fs: memoryFs({ 'version.txt': 'v1.2.0 again' }), clock: fixedClock })
    const next = artifactOf(await pullArtifact(base, { ref: { semver: '^1.0.0' }, lastRevision: ranged.revision }))
    expect(next.digest).toBe(moved.digest)

    const byDigest = artifactOf(await pullArtifact(base, { ref: { digest: pushed['v2.0.0'] } }))
    expect(byDigest).toMatchObject({ revision: pushed['v2.0.0'], tag: undefined })
    // A digest equal to the last one costs no request at all: the fetch below would throw.
    const noFetch = (): Promise<Response> => Promise.reject(new Error('no request expected'))
    await expect(pullArtifact(base, { ref: { digest: pushed['v2.0.0'] as string }, lastRevision: byDigest.revision, fetch: noFetch })).resolves.toMatchObject({ unchanged: true })
    // The default is latest.
    expect(artifactOf(await pullArtifact(base)).revision).toBe(`latest@${pushed.latest}`)
    await expect(pullArtifact(base, { ref: { semver: '>=3.0.0' } })).rejects.toMatchObject({ code: 'OCI_NO_SEMVER_MATCH', message: expect.stringContaining('tags seen:') as unknown })
    await expect(pullArtifact(base, { ref: { tag: 'v9' } })).rejects.toMatchObject({ code: 'OCI_NOT_FOUND', message: expect.stringMatching(new RegExp(`^${base}: manifest v9 not found`)) as unknown })
  })
})

describe.skipIf(!registryAvailable || !authToolsAvailable)(`registry auth${skipNotice}`, () => {
  const user = { username: 'bot', password: 'test-only-Pa55word' }
  const identityToken = 'test-only-refresh-T0ken'
  let basic: Registry
  let token: Registry
  beforeAll(async () => {
    basic = await startRegistry({ auth: 'htpasswd', user })
    token = await startRegistry({ auth: 'token', user: { ...user, identityToken } })
  })
  afterAll(async () => {
    await basic.stop()
    await token.stop()
  })

  it.for(['htpasswd', 'token'] as const)('pushes and pulls with %s auth and refuses wrong or missing credentials without leaking them', async (mode) => {
    const registry = mode === 'htpasswd' ? basic : token
    const url = `oci://${registry.host}/acme/private:v1`
    const pushed = await pushArtifact(url, { fs: memoryFs({ 'a.yaml': 'a: 1\n' }), auth: user })
    const pulled = artifactOf(await pullArtifact(url, { auth: user }))
    expect(pulled.digest).toBe(pushed.digest)
    if (mode === 'token') expect(token.tokenRequests.some((q) => q.includes('scope=repository%3Aacme%2Fprivate%3Apull%2Cpush'))).toBe(true)

    const wrong = { username: 'bot', password: 'wrong-Pa55word-x' }
    const refused = (await pullArtifact(url, { auth: wrong }).catch((e: unknown) => e)) as Error
    expect(refused).toMatchObject({ code: 'OCI_AUTH_FAILED' })
    expect(refused.message.startsWith(`oci://${registry.host}/acme/private: `)).toBe(true)
    expect(JSON.stringify({ m: refused.message, d: (refused as { details?: unknown }).details })).not.toContain('wrong-Pa55word-x')
    await expect(pullArtifact(url)).rejects.toMatchObject({ code: 'OCI_AUTH_FAILED' })
    await expect(pushArtifact(url, { fs: memoryFs({ 'b.yaml': 'b\n' }), auth: wrong })).rejects.toMatchObject({ code: 'OCI_AUTH_FAILED' })
    // Nothing was pushed by the refused push.
    expect(artifactOf(await pullArtifact(url, { auth: user })).digest).toBe(pushed.digest)
  })

  it('trades an identity token at the realm (OAuth2 refresh-token grant) and refuses a wrong one without leaking it', async () => {
    const url = `oci://${token.host}/acme/refresh:v1`
    const pushed = await pushArtifact(url, { fs: memoryFs({ 'a.yaml': 'a: 1\n' }), auth: user })
    const before = token.tokenRequests.length
    const pulled = artifactOf(await pullArtifact(url, { auth: { identityToken: identityToken } }))
    expect(pulled.digest).toBe(pushed.digest)
    expect(token.tokenRequests.slice(before)).toEqual(['POST grant_type=refresh_token&service=test-registry&scope=repository:acme/refresh:pull'])
    // The identity token wins over a (wrong) password at the realm, as in oras-go.
    expect(artifactOf(await pullArtifact(url, { auth: { username: 'bot', password: 'nope', identityToken: identityToken } })).digest).toBe(pushed.digest)
    const refused = (await pullArtifact(url, { auth: { identityToken: 'wrong-refresh-T0ken' } }).catch((e: unknown) => e)) as Error
    expect(refused).toMatchObject({ code: 'OCI_AUTH_FAILED' })
    expect(refused.message.startsWith(`oci://${token.host}/acme/refresh: `)).toBe(true)
    expect(JSON.stringify({ m: refused.message, d: (refused as { details?: unknown }).details })).not.toContain('wrong-refresh-T0ken')
  })
})
