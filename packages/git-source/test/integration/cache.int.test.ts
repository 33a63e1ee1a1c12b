import { readdir, readFile, rm, stat, truncate, writeFile } from 'node:fs/promises'
import * as nodeFs from 'node:fs'
import { join } from 'node:path'
import git from 'isomorphic-git'
import { describe, expect, it } from 'vitest'
import { fetchSource } from '../../src/index.js'
import { createRepository, runGit } from '../../src/testing.js'
import type { TestRepository } from '../../src/testing.js'
import { artifactOf, filesOf, useServedWorkspace } from '../helpers/workspace.js'

const ws = useServedWorkspace('cache')

async function fleet(name: string): Promise<{ repo: TestRepository; url: string }> {
  const repo = await createRepository(ws.root, { name })
  const files: Record<string, string> = {}
  for (let i = 0; i < 40; i++) files[`apps/app-${i}.yaml`] = `kind: ConfigMap\nmetadata:\n  name: app-${i}\ndata:\n  value: "${'v'.repeat(200)}${i}"\n`
  await repo.commit(files, { message: 'forty apps' })
  return { repo, url: `${ws.server.url}/${name}` }
}

/** The single cache entry under `cacheDir`. */
async function entryOf(cacheDir: string): Promise<string> {
  const [entry, ...rest] = await readdir(cacheDir)
  expect(rest).toEqual([])
  return join(cacheDir, entry as string)
}

async function packsOf(entry: string): Promise<string[]> {
  return (await readdir(join(entry, 'objects', 'pack'))).filter((f) => f.endsWith('.pack')).sort()
}

const warner = (): { warnings: string[]; logger: { debug: () => void; info: () => void; error: () => void; warn: (m: string) => void } } => {
  const warnings: string[] = []
  return { warnings, logger: { debug: () => undefined, info: () => undefined, error: () => undefined, warn: (m: string) => warnings.push(m) } }
}

const services = (): string[] => ws.server.requests.map((r) => r.service)

describe('fetchSource cache', () => {
  it('writes a bare repository that native git and isomorphic-git verify', async () => {
    const { url } = await fleet('verify.git')
    const cacheDir = join(ws.work, 'verify')
    const artifact = artifactOf(await fetchSource(url, { cacheDir }))
    const entry = await entryOf(cacheDir)
    await runGit(['fsck', '--strict', '--no-dangling'], { cwd: entry })
    const [pack] = await packsOf(entry)
    await runGit(['verify-pack', join('objects', 'pack', (pack as string).replace(/\.pack$/, '.idx'))], { cwd: entry })
    const commit = await git.readCommit({ fs: nodeFs, gitdir: entry, oid: artifact.commit })
    expect(commit.commit.message).toBe('forty apps\n')
    expect(JSON.parse(await readFile(join(entry, 'gitops-source.json'), 'utf8'))).toMatchObject({ revision: artifact.revision, commit: artifact.commit })
  })

  it('fetches only what changed, and answers unchanged from the remembered revision', async () => {
    const { repo, url } = await fleet('incremental.git')
    const cacheDir = join(ws.work, 'incremental')
    ws.server.clearRequests()
    const first = artifactOf(await fetchSource(url, { cacheDir }))
    const firstPack = ws.server.requests.find((r) => r.service === 'upload-pack')?.bytes ?? 0
    await repo.commit({ 'apps/app-3.yaml': 'kind: ConfigMap\nmetadata:\n  name: changed\n' }, { message: 'change one' })
    ws.server.clearRequests()
    const second = artifactOf(await fetchSource(url, { cacheDir }))
    const secondPack = ws.server.requests.find((r) => r.service === 'upload-pack')?.bytes ?? 0
    expect(second.commit).not.toBe(first.commit)
    expect(secondPack).toBeLessThan(firstPack / 4)
    expect((await filesOf(second))['apps/app-3.yaml']).toContain('changed')
    expect(await packsOf(await entryOf(cacheDir))).toHaveLength(2)
    // The second pack came thin and was completed with its bases: git accepts it as it is.
    await runGit(['fsck', '--strict', '--no-dangling'], { cwd: await entryOf(cacheDir) })
    // Both fetches give the digest a fresh clone gives.
    expect(second.digest).toBe(artifactOf(await fetchSource(url)).digest)

    ws.server.clearRequests()
    const unchanged = await fetchSource(url, { cacheDir })
    expect(unchanged).toEqual({ unchanged: true, revision: second.revision, commit: second.commit, ref: 'refs/heads/main' })
    expect(ws.server.requests.map((r) => r.service)).toEqual(['info-refs'])

    ws.server.clearRequests()
    const forced = artifactOf(await fetchSource(url, { cacheDir, force: true }))
    expect(forced.digest).toBe(second.digest)
    expect(ws.server.requests.map((r) => r.service)).toEqual(['info-refs'])
  })

  it('writes a new dir after a cached fetch, from the cache, then answers unchanged while it stays', async () => {
    const { url } = await fleet('new-dir.git')
    const cacheDir = join(ws.work, 'new-dir-cache')
    const dir = join(ws.work, 'new-dir-checkout')
    const first = artifactOf(await fetchSource(url, { cacheDir }))
    ws.server.clearRequests()
    const checkedOut = artifactOf(await fetchSource(url, { cacheDir, dir }))
    // The commit is in the cache: the artifact is built again without a pack request.
    expect(services()).toEqual(['info-refs'])
    expect(checkedOut).toMatchObject({ revision: first.revision, digest: first.digest, path: dir })
    expect(await readFile(join(dir, 'apps', 'app-7.yaml'), 'utf8')).toContain('name: app-7')
    expect(await readdir(join(dir, 'apps'))).toHaveLength(40)

    ws.server.clearRequests()
    expect(await fetchSource(url, { cacheDir, dir })).toEqual({ unchanged: true, revision: first.revision, commit: first.commit, ref: 'refs/heads/main' })
    expect(services()).toEqual(['info-refs'])

    // Another directory, and the same directory once deleted, get a checkout again.
    const other = join(ws.work, 'new-dir-other')
    expect(artifactOf(await fetchSource(url, { cacheDir, dir: other })).path).toBe(other)
    expect((await stat(join(other, 'apps', 'app-0.yaml'))).isFile()).toBe(true)
    await rm(other, { recursive: true })
    artifactOf(await fetchSource(url, { cacheDir, dir: other }))
    expect((await stat(join(other, 'apps', 'app-0.yaml'))).isFile()).toBe(true)
    // So does a directory another fetch (without this cache) replaced in between.
    artifactOf(await fetchSource(url, { dir: other, ignore: 'apps/app-1*' }))
    const restored = artifactOf(await fetchSource(url, { cacheDir, dir: other }))
    expect(restored.digest).toBe(first.digest)
    expect(await readdir(join(other, 'apps'))).toHaveLength(40)
  })

  it('builds a new artifact for different ignore rules, then answers unchanged for the same ones', async () => {
    const { url } = await fleet('ignore-change.git')
    const cacheDir = join(ws.work, 'ignore-change')
    const all = artifactOf(await fetchSource(url, { cacheDir }))
    ws.server.clearRequests()
    const fewer = artifactOf(await fetchSource(url, { cacheDir, ignore: 'apps/app-1*\n' }))
    expect(services()).toEqual(['info-refs'])
    expect(fewer.commit).toBe(all.commit)
    expect(fewer.digest).not.toBe(all.digest)
    expect(fewer.digest).toBe(artifactOf(await fetchSource(url, { ignore: 'apps/app-1*\n' })).digest)
    expect(Object.keys(await filesOf(fewer))).toHaveLength(29)

    ws.server.clearRequests()
    expect((await fetchSource(url, { cacheDir, ignore: 'apps/app-1*\n' })).unchanged).toBe(true)
    expect(services()).toEqual(['info-refs'])
    // Back to no ignore option: Flux's default exclusions apply again, a different artifact.
    expect(artifactOf(await fetchSource(url, { cacheDir })).digest).toBe(all.digest)
  })

  it('builds a new artifact when an include changes, and for an include without a digest', async () => {
    const { url } = await fleet('include-change.git')
    const { url: otherUrl, repo: otherRepo } = await fleet('include-source.git')
    const cacheDir = join(ws.work, 'include-change')
    const v1 = artifactOf(await fetchSource(otherUrl))
    const first = artifactOf(await fetchSource(url, { cacheDir, include: [{ artifact: v1, fromPath: 'apps', toPath: 'vendor' }] }))
    expect((await fetchSource(url, { cacheDir, include: [{ artifact: v1, fromPath: 'apps', toPath: 'vendor' }] })).unchanged).toBe(true)

    await otherRepo.commit({ 'apps/app-0.yaml': 'kind: ConfigMap\nmetadata:\n  name: vendored\n' })
    const v2 = artifactOf(await fetchSource(otherUrl))
    const second = artifactOf(await fetchSource(url, { cacheDir, include: [{ artifact: v2, fromPath: 'apps', toPath: 'vendor' }] }))
    expect(second.digest).not.toBe(first.digest)
    expect((await filesOf(second))['vendor/app-0.yaml']).toContain('vendored')

    const plain = { fs: v2.fs }
    expect((await fetchSource(url, { cacheDir, include: [{ artifact: plain, fromPath: 'apps', toPath: 'vendor' }] })).unchanged).toBe(false)
    expect((await fetchSource(url, { cacheDir, include: [{ artifact: plain, fromPath: 'apps', toPath: 'vendor' }] })).unchanged).toBe(false)
  })

  it('answers unchanged to an explicit lastRevision whatever dir is asked for', async () => {
    const { url } = await fleet('explicit-last.git')
    const cacheDir = join(ws.work, 'explicit-last')
    const first = artifactOf(await fetchSource(url, { cacheDir }))
    const dir = join(ws.work, 'explicit-last-checkout')
    expect((await fetchSource(url, { cacheDir, dir, lastRevision: first.revision })).unchanged).toBe(true)
    await expect(stat(dir)).rejects.toMatchObject({ code: 'ENOENT' })
  })

  it('builds the artifact again once for a cache written before fingerprints', async () => {
    const { url } = await fleet('old-state.git')
    const cacheDir = join(ws.work, 'old-state')
    const first = artifactOf(await fetchSource(url, { cacheDir }))
    const stateFile = join(await entryOf(cacheDir), 'gitops-source.json')
    const { fingerprint, ...old } = JSON.parse(await readFile(stateFile, 'utf8')) as Record<string, unknown>
    expect(fingerprint).toMatch(/^sha256:[0-9a-f]{64}$/)
    await writeFile(stateFile, JSON.stringify(old))
    ws.server.clearRequests()
    expect(artifactOf(await fetchSource(url, { cacheDir })).digest).toBe(first.digest)
    expect(services()).toEqual(['info-refs'])
    expect((await fetchSource(url, { cacheDir })).unchanged).toBe(true)
  })

  it('deepens a shallow cache to the full history on request', async () => {
    const { repo, url } = await fleet('deepen.git')
    await repo.commit({ 'b.yaml': 'b\n' })
    const cacheDir = join(ws.work, 'deepen')
    await fetchSource(url, { cacheDir })
    await repo.commit({ 'c.yaml': 'c\n' })
    await fetchSource(url, { cacheDir, depth: 0 })
    const entry = await entryOf(cacheDir)
    expect(await readFile(join(entry, 'shallow'), 'utf8')).toBe('')
    expect((await runGit(['rev-list', '--count', 'HEAD'], { cwd: entry })).trim()).toBe('3')
  })

  it.for([
    { name: 'a flipped byte in a pack', damage: async (entry: string, pack: string) => {
      const path = join(entry, 'objects', 'pack', pack)
      const bytes = await readFile(path)
      const at = Math.floor(bytes.byteLength / 2)
      bytes[at] = (bytes[at] as number) ^ 0xff
      await writeFile(path, bytes)
    } },
    { name: 'a truncated pack', damage: (entry: string, pack: string) => truncate(join(entry, 'objects', 'pack', pack), 100) },
    { name: 'a missing index', damage: (entry: string, pack: string) => rm(join(entry, 'objects', 'pack', pack.replace(/\.pack$/, '.idx'))) },
    { name: 'an unreadable state file', damage: (entry: string) => writeFile(join(entry, 'gitops-source.json'), '{"version": 1, "url"') },
  ])('detects $name and rebuilds the cache', async ({ damage }, { task }) => {
    const name = `corrupt-${task.id}.git`
    const { repo, url } = await fleet(name)
    const cacheDir = join(ws.work, `corrupt-${task.id}`)
    await fetchSource(url, { cacheDir })
    const entry = await entryOf(cacheDir)
    const [pack] = await packsOf(entry)
    await damage(entry, pack as string)
    const next = await repo.commit({ 'apps/app-1.yaml': 'kind: ConfigMap\n' })
    const { warnings, logger } = warner()
    const artifact = artifactOf(await fetchSource(url, { cacheDir, logger }))
    expect(artifact.commit).toBe(next)
    expect(artifact.digest).toBe(artifactOf(await fetchSource(url)).digest)
    expect(warnings).toEqual(['the cache is damaged; rebuilding it'])
    await runGit(['fsck', '--no-dangling'], { cwd: await entryOf(cacheDir) })
  })
})
