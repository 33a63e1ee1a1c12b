// `gitops fetch --ca --cache-dir --ignore`, and `--last-revision` over lightweight tags, against git
// http-backend on 127.0.0.1 (plain and HTTPS with a test-only CA), counting the requests it serves.
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createRepository, startGitServer } from '@gitops-sdk/git-source/testing'
import type { GitServer, TestRepository } from '@gitops-sdk/git-source/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { run } from '../helpers/run.js'

const tlsDir = new URL('../../../git-source/test/fixtures/tls/', import.meta.url)
let root: string
let server: GitServer
let https: GitServer
let repo: TestRepository
let url: string

beforeAll(async () => {
  root = await mkdtemp(join(tmpdir(), 'gitops-cli-fetch-flags-'))
  repo = await createRepository(join(root, 'repos'), { name: 'fleet.git' })
  await repo.commit({ 'apps/web.yaml': 'kind: ConfigMap\n', 'apps/README.md': '# web\n', 'logo.png': 'png', 'docs/a.md': 'a\n' })
  await repo.tag('v1.0.0')
  server = await startGitServer({ root: join(root, 'repos') })
  https = await startGitServer({
    root: join(root, 'repos'),
    tls: { key: await readFile(new URL('test-only-server.key', tlsDir)), cert: await readFile(new URL('test-only-server.pem', tlsDir)) },
  })
  url = `${server.url}/fleet.git`
})

afterAll(async () => {
  await Promise.all([server.stop(), https.stop()])
  await rm(root, { recursive: true, force: true })
})

const services = (s: GitServer): string[] => s.requests.map((r) => r.service)

describe('gitops fetch --ca', () => {
  it('trusts a private CA for an https:// remote, which is refused without it', async () => {
    const httpsUrl = `${https.url}/fleet.git`
    const refused = await run(['fetch', httpsUrl, '--out', 'out-noca'], { cwd: root })
    expect(refused.code).not.toBe(0)
    expect(refused.error).toMatchObject({ code: expect.stringMatching(/^GIT_/) as unknown })
    await expect(readdir(join(root, 'out-noca'))).rejects.toMatchObject({ code: 'ENOENT' })

    const ok = await run(['fetch', httpsUrl, '--out', 'out-ca', '--ca', new URL('test-only-ca.pem', tlsDir).pathname], { cwd: root })
    expect(ok.error).toBeUndefined()
    expect(JSON.parse(ok.out)).toMatchObject({ revision: expect.stringMatching(/^main@sha1:/) as unknown })
    expect(await readFile(join(root, 'out-ca/apps/web.yaml'), 'utf8')).toBe('kind: ConfigMap\n')
  })
})

describe('gitops fetch --ignore', () => {
  it('leaves out the matching files, as Flux spec.ignore (which replaces the default exclusions)', async () => {
    const plain = await run(['fetch', url, '--out', 'out-plain'], { cwd: root })
    expect(plain.error).toBeUndefined()
    // Flux's default exclusions drop *.png.
    expect((await readdir(join(root, 'out-plain'))).sort()).toEqual(['.gitops-fetch', 'apps', 'docs'])

    const ignored = await run(['fetch', url, '--out', 'out-ignored', '--ignore', '*.md', '--ignore', '/docs/'], { cwd: root })
    expect(ignored.error).toBeUndefined()
    expect((await readdir(join(root, 'out-ignored'))).sort()).toEqual(['.gitops-fetch', 'apps', 'logo.png'])
    expect(await readdir(join(root, 'out-ignored/apps'))).toEqual(['web.yaml'])
    expect(JSON.parse(ignored.out).digest).not.toBe(JSON.parse(plain.out).digest)
  })
})

describe('gitops fetch --cache-dir', () => {
  it('downloads the pack once; a second fetch of the same commit checks out from the cache after one ref listing', async () => {
    server.clearRequests()
    const first = await run(['fetch', url, '--out', 'out-cached', '--cache-dir', 'cache'], { cwd: root })
    expect(first.error).toBeUndefined()
    expect(services(server)).toEqual(['info-refs', 'upload-pack'])
    expect((await readdir(join(root, 'cache'))).length).toBeGreaterThan(0)

    server.clearRequests()
    const second = await run(['fetch', url, '--out', 'out-cached-2', '--cache-dir', 'cache'], { cwd: root })
    expect(second.error).toBeUndefined()
    expect(services(server)).toEqual(['info-refs'])
    expect(JSON.parse(second.out)).toMatchObject({ revision: JSON.parse(first.out).revision, digest: JSON.parse(first.out).digest })
    expect(await readFile(join(root, 'out-cached-2/apps/web.yaml'), 'utf8')).toBe('kind: ConfigMap\n')
  })
})

describe('gitops fetch --last-revision over lightweight tags', () => {
  it('prints unchanged after one ref listing for a lightweight tag and a semver range over them, and fetches when a higher tag appears', async () => {
    const tagged = await run(['fetch', url, '--ref', 'tag:v1.0.0', '--out', 'out-tag'], { cwd: root })
    const revision = (JSON.parse(tagged.out) as { revision: string }).revision
    expect(revision).toMatch(/^v1\.0\.0@sha1:[0-9a-f]{40}$/)

    for (const ref of ['tag:v1.0.0', 'semver:^1.0.0']) {
      server.clearRequests()
      const again = await run(['fetch', url, '--ref', ref, '--out', 'out-tag', '--last-revision', revision], { cwd: root })
      expect(again.error, ref).toBeUndefined()
      expect(JSON.parse(again.out), ref).toEqual({ unchanged: true, revision })
      expect(services(server), ref).toEqual(['info-refs'])
    }

    const next = await repo.commit({ 'apps/web.yaml': 'kind: ConfigMap\ndata: {}\n' })
    await repo.tag('v1.1.0')
    server.clearRequests()
    const moved = await run(['fetch', url, '--ref', 'semver:^1.0.0', '--out', 'out-tag', '--last-revision', revision], { cwd: root })
    expect(JSON.parse(moved.out)).toMatchObject({ revision: `v1.1.0@sha1:${next}` })
    expect(services(server)).toEqual(['info-refs', 'upload-pack'])
  })
})
