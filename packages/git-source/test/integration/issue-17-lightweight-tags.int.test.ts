// Issue 17: a tag without a peeled entry in the advertisement is a lightweight tag, whose id is the
// commit itself; the no-change check must answer unchanged for it without downloading a pack.
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { fetchSource } from '../../src/index.js'
import { createRepository } from '../../src/testing.js'
import { artifactOf, useServedWorkspace } from '../helpers/workspace.js'

const ws = useServedWorkspace('lightweight')

function services(): string[] {
  return ws.server.requests.map((r) => r.service)
}

describe('the no-change check with lightweight tags (issue 17)', () => {
  it('answers unchanged for a lightweight tag from lastRevision and from the cache, with one ref listing', async () => {
    const repo = await createRepository(ws.root, { name: 'tags.git' })
    const first = await repo.commit({ 'a.yaml': 'a: 1\n' })
    await repo.tag('v1.0.0')
    const url = `${ws.server.url}/tags.git`
    const cacheDir = join(ws.work, 'cache-tag')
    const artifact = artifactOf(await fetchSource(url, { ref: { tag: 'v1.0.0' }, cacheDir }))
    expect(artifact.revision).toBe(`v1.0.0@sha1:${first}`)

    ws.server.clearRequests()
    await expect(fetchSource(url, { ref: { tag: 'v1.0.0' }, lastRevision: artifact.revision })).resolves.toEqual({
      unchanged: true,
      revision: artifact.revision,
      commit: first,
      ref: 'refs/tags/v1.0.0',
    })
    expect(services()).toEqual(['info-refs'])

    ws.server.clearRequests()
    await expect(fetchSource(url, { ref: { tag: 'v1.0.0' }, cacheDir })).resolves.toMatchObject({ unchanged: true, commit: first })
    expect(services()).toEqual(['info-refs'])
  })

  it('answers unchanged for a semver range over lightweight tags until a higher tag appears', async () => {
    const repo = await createRepository(ws.root, { name: 'semver.git' })
    await repo.commit({ 'a.yaml': 'a: 1\n' })
    await repo.tag('v1.0.0')
    const second = await repo.commit({ 'a.yaml': 'a: 2\n' })
    await repo.tag('v1.1.0')
    const url = `${ws.server.url}/semver.git`
    const ref = { semver: '^1.0.0' }
    const artifact = artifactOf(await fetchSource(url, { ref }))
    expect(artifact.revision).toBe(`v1.1.0@sha1:${second}`)

    ws.server.clearRequests()
    await expect(fetchSource(url, { ref, lastRevision: artifact.revision })).resolves.toMatchObject({ unchanged: true, commit: second })
    expect(services()).toEqual(['info-refs'])

    // A new highest tag is a change: the pack is fetched.
    const third = await repo.commit({ 'a.yaml': 'a: 3\n' })
    await repo.tag('v1.2.0')
    ws.server.clearRequests()
    const next = artifactOf(await fetchSource(url, { ref, lastRevision: artifact.revision }))
    expect(next.revision).toBe(`v1.2.0@sha1:${third}`)
    expect(services()).toEqual(['info-refs', 'upload-pack'])
  })

  it('fetches again when a lightweight tag is moved to another commit', async () => {
    const repo = await createRepository(ws.root, { name: 'moved.git' })
    await repo.commit({ 'a.yaml': 'a: 1\n' })
    await repo.tag('v1.0.0')
    const url = `${ws.server.url}/moved.git`
    const artifact = artifactOf(await fetchSource(url, { ref: { tag: 'v1.0.0' } }))
    const second = await repo.commit({ 'a.yaml': 'a: 2\n' })
    await repo.deleteTag('v1.0.0')
    await repo.tag('v1.0.0')
    ws.server.clearRequests()
    const next = artifactOf(await fetchSource(url, { ref: { tag: 'v1.0.0' }, lastRevision: artifact.revision }))
    expect(next.commit).toBe(second)
    expect(services()).toEqual(['info-refs', 'upload-pack'])
  })

  it('still answers unchanged for an annotated tag through its peeled entry', async () => {
    const repo = await createRepository(ws.root, { name: 'annotated.git' })
    const commit = await repo.commit({ 'a.yaml': 'a: 1\n' })
    await repo.tag('v2.0.0', { annotated: true })
    const url = `${ws.server.url}/annotated.git`
    const artifact = artifactOf(await fetchSource(url, { ref: { tag: 'v2.0.0' } }))
    expect(artifact.commit).toBe(commit)
    ws.server.clearRequests()
    await expect(fetchSource(url, { ref: { tag: 'v2.0.0' }, lastRevision: artifact.revision })).resolves.toMatchObject({ unchanged: true, commit })
    expect(services()).toEqual(['info-refs'])
  })
})
