import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fetchSource, parseRevision } from '../../src/index.js'
import { createRepository, startGitServer } from '../../src/testing.js'
import type { GitServer, TestRepository } from '../../src/testing.js'
import { artifactOf, filesOf, tempDir } from '../helpers/workspace.js'

let server: GitServer
let repo: TestRepository
let root: { path: string; remove: () => Promise<void> }
const commits: string[] = []
let hidden: string
let url: string

beforeAll(async () => {
  root = await tempDir('refs')
  repo = await createRepository(root.path, { name: 'fleet.git' })
  commits.push(await repo.commit({ 'app.yaml': 'version: 1\n' }, { message: 'one' }))
  await repo.tag('v1.0.0', { annotated: true })
  commits.push(await repo.commit({ 'app.yaml': 'version: 2\n' }, { message: 'two' }))
  await repo.tag('v1.1.0')
  await repo.tag('1.2.0-rc.1', { annotated: true })
  hidden = await repo.commit({ 'app.yaml': 'version: 2b\n' }, { message: 'no ref points here' })
  commits.push(await repo.commit({ 'app.yaml': 'version: 3\n' }, { message: 'three' }))
  await repo.tag('v2.0.0', { annotated: true })
  await repo.commit({ 'app.yaml': 'feature\n' }, { branch: 'feature/x', message: 'feature' })
  await repo.git(['update-ref', 'refs/pull/7/head', 'refs/heads/feature/x'])
  server = await startGitServer({ root: root.path })
  url = `${server.url}/fleet.git`
})

afterAll(async () => {
  await server.stop()
  await root.remove()
})

const appOf = async (result: Awaited<ReturnType<typeof fetchSource>>): Promise<string | undefined> => (await filesOf(artifactOf(result)))['app.yaml']

describe('fetchSource refs', () => {
  it('fetches the default branch when no ref is given', async () => {
    const artifact = artifactOf(await fetchSource(url))
    expect(artifact.revision).toBe(`main@sha1:${commits[2]}`)
    expect(artifact.ref).toBe('refs/heads/main')
    expect(await appOf(artifact)).toBe('version: 3\n')
  })

  it('follows the remote default branch when HEAD moves', async () => {
    await repo.setDefaultBranch('feature/x')
    try {
      const artifact = artifactOf(await fetchSource(url))
      expect(parseRevision(artifact.revision)?.name).toBe('feature/x')
      expect(await appOf(artifact)).toBe('feature\n')
    } finally {
      await repo.setDefaultBranch('main')
    }
  })

  it('fetches a branch by name, slashes included', async () => {
    const artifact = artifactOf(await fetchSource(url, { ref: { branch: 'feature/x' } }))
    expect(artifact.revision).toMatch(/^feature\/x@sha1:[0-9a-f]{40}$/)
    expect(await appOf(artifact)).toBe('feature\n')
  })

  it('fetches an annotated tag at the commit it points to', async () => {
    const artifact = artifactOf(await fetchSource(url, { ref: { tag: 'v1.0.0' } }))
    expect(artifact.revision).toBe(`v1.0.0@sha1:${commits[0]}`)
    expect(artifact.commit).toBe(commits[0])
    expect(await appOf(artifact)).toBe('version: 1\n')
  })

  it('fetches a lightweight tag', async () => {
    const artifact = artifactOf(await fetchSource(url, { ref: { tag: 'v1.1.0' } }))
    expect(artifact.revision).toBe(`v1.1.0@sha1:${commits[1]}`)
  })

  it.for([
    { name: 'the highest match wins', range: '>=1.0.0 <3.0.0', tag: 'v2.0.0' },
    { name: 'an upper bound excludes newer tags', range: '<2.0.0', tag: 'v1.1.0' },
    { name: 'caret range', range: '^1.0.0', tag: 'v1.1.0' },
    { name: 'comma-separated constraints as in Flux', range: '>=1.0.0, <1.1.0', tag: 'v1.0.0' },
    { name: 'pre-releases only when the range names one', range: '>=1.2.0-rc.0 <2.0.0', tag: '1.2.0-rc.1' },
  ])('semver: $name', async ({ range, tag }) => {
    const artifact = artifactOf(await fetchSource(url, { ref: { semver: range } }))
    expect(parseRevision(artifact.revision)?.name).toBe(tag)
  })

  it('fails with the range and the tags seen when no tag matches', async () => {
    await expect(fetchSource(url, { ref: { semver: '>=5.0.0' } })).rejects.toMatchObject({
      code: 'GIT_NO_SEMVER_MATCH',
      message: `${url}: no tag matches semver range ">=5.0.0" (tags: 1.2.0-rc.1, v1.0.0, v1.1.0, v2.0.0)`,
    })
  })

  it('fetches a commit that a ref points at', async () => {
    const artifact = artifactOf(await fetchSource(url, { ref: { commit: commits[2] } }))
    expect(artifact.revision).toBe(`sha1:${commits[2]}`)
    expect(artifact.ref).toBeUndefined()
  })

  it('fetches a commit no ref points at (protocol v2 want), alone or with its branch', async () => {
    const alone = artifactOf(await fetchSource(url, { ref: { commit: hidden } }))
    expect(alone.revision).toBe(`sha1:${hidden}`)
    expect(await appOf(alone)).toBe('version: 2b\n')
    const withBranch = artifactOf(await fetchSource(url, { ref: { branch: 'main', commit: hidden } }))
    expect(withBranch.revision).toBe(`main@sha1:${hidden}`)
    expect(server.requests.at(-1)?.protocol).toBe('version=2')
  })

  it('gives commit precedence over name, semver, tag and branch', async () => {
    const artifact = artifactOf(await fetchSource(url, { ref: { commit: commits[0], name: 'refs/heads/main', semver: '*', tag: 'v2.0.0' } }))
    expect(artifact.commit).toBe(commits[0])
  })

  it('gives name precedence over semver, semver over tag, tag over branch', async () => {
    const byName = artifactOf(await fetchSource(url, { ref: { name: 'refs/pull/7/head', semver: '*', tag: 'v1.0.0', branch: 'main' } }))
    expect(parseRevision(byName.revision)?.name).toBe('refs/pull/7/head')
    const bySemver = artifactOf(await fetchSource(url, { ref: { semver: '<2', tag: 'v2.0.0', branch: 'main' } }))
    expect(parseRevision(bySemver.revision)?.name).toBe('v1.1.0')
    const byTag = artifactOf(await fetchSource(url, { ref: { tag: 'v1.0.0', branch: 'feature/x' } }))
    expect(byTag.commit).toBe(commits[0])
  })

  it('fetches any full ref by name', async () => {
    const artifact = artifactOf(await fetchSource(url, { ref: { name: 'refs/pull/7/head' } }))
    expect(artifact.ref).toBe('refs/pull/7/head')
    expect(await appOf(artifact)).toBe('feature\n')
  })

  it('names the ref and close matches when it is missing', async () => {
    await expect(fetchSource(url, { ref: { branch: 'mian' } })).rejects.toMatchObject({
      code: 'GIT_REF_NOT_FOUND',
      message: `${url}: branch "mian" not found; did you mean main?`,
      details: { ref: 'mian', closeMatches: ['main'] },
    })
    await expect(fetchSource(url, { ref: { tag: 'v1.0' } })).rejects.toMatchObject({
      code: 'GIT_REF_NOT_FOUND',
      details: { closeMatches: expect.arrayContaining(['v1.0.0']) as unknown },
    })
  })

  it('sees a force-pushed branch and a deleted tag', async () => {
    const before = artifactOf(await fetchSource(url, { ref: { branch: 'main' } }))
    const rewritten = await repo.commit({ 'app.yaml': 'rewritten\n' }, { branch: 'rewrite', message: 'rewrite' })
    await repo.setBranch('main', rewritten)
    try {
      const after = artifactOf(await fetchSource(url, { ref: { branch: 'main' }, lastRevision: before.revision }))
      expect(after.commit).toBe(rewritten)
      expect(await appOf(after)).toBe('rewritten\n')
    } finally {
      await repo.setBranch('main', commits[2] as string)
    }
    await repo.tag('doomed', { target: commits[0] })
    await fetchSource(url, { ref: { tag: 'doomed' } })
    await repo.deleteTag('doomed')
    await expect(fetchSource(url, { ref: { tag: 'doomed' } })).rejects.toMatchObject({ code: 'GIT_REF_NOT_FOUND' })
  })

  it('rejects a malformed commit id or semver range before any request', async () => {
    const seen = server.requests.length
    await expect(fetchSource(url, { ref: { commit: 'abc123' } })).rejects.toMatchObject({ code: 'GIT_INVALID_OPTION' })
    await expect(fetchSource(url, { ref: { semver: 'not a range!' } })).rejects.toMatchObject({ code: 'GIT_INVALID_OPTION' })
    await expect(fetchSource(url, { ref: { name: 'main' } })).rejects.toMatchObject({ code: 'GIT_INVALID_OPTION' })
    expect(server.requests.length).toBe(seen)
  })

  it('fails on an empty repository', async () => {
    await createRepository(root.path, { name: 'empty.git' })
    await expect(fetchSource(`${server.url}/empty.git`)).rejects.toMatchObject({
      code: 'GIT_EMPTY_REPOSITORY',
      message: `${server.url}/empty.git: the repository is empty (it has no refs)`,
    })
  })

  it('finds a commit no ref points at on a server that allows only advertised wants', async () => {
    const v0 = await startGitServer({ root: root.path, protocolV2: false })
    try {
      const artifact = artifactOf(await fetchSource(`${v0.url}/fleet.git`, { ref: { branch: 'main', commit: hidden } }))
      expect(await appOf(artifact)).toBe('version: 2b\n')
      expect(v0.requests.every((r) => r.protocol === undefined || r.status === 200)).toBe(true)
      const lost = await repo.commit({ 'x.yaml': 'x\n' }, { branch: 'lost' })
      await repo.deleteBranch('lost')
      await expect(fetchSource(`${v0.url}/fleet.git`, { ref: { commit: lost } })).rejects.toMatchObject({ code: 'GIT_REF_NOT_FOUND' })
    } finally {
      await v0.stop()
    }
  })
})
