// Fault cases of fetchOciChart: each is a typed error naming the chart reference, and no files are
// returned; the registry's own errors (401, 404, 500 from oci-source) pass through unchanged.
import { describe, expect, it } from 'vitest'
import { fetchOciChart } from '../../src/index.js'
import { chartArchive, tgz } from '../helpers/chartRepository.js'
import { digestOf, memoryOciRepository } from '../helpers/ociRepository.js'
import { typedRejection } from '../helpers/typedFailure.js'

const url = 'oci://registry.example/charts/web'

const failure = typedRejection

describe('fetchOciChart faults', () => {
  it('refuses a manifest that is not a Helm chart (a Flux artifact config, another layer type)', async () => {
    const repo = memoryOciRepository(url)
    repo.pushChart('1.0.0', chartArchive('web', '1.0.0'), { configMediaType: 'application/vnd.cncf.flux.config.v1+json' })
    repo.pushChart('2.0.0', chartArchive('web', '2.0.0'), { layerMediaType: 'application/vnd.cncf.flux.content.v1.tar+gzip' })
    const flux = await failure(fetchOciChart(url, { openRepository: () => repo, version: '1.0.0' }))
    expect([flux.code, flux.message]).toEqual(['HELM_CHART_INVALID', `${url}:1.0.0: not a Helm chart: the manifest's config is application/vnd.cncf.flux.config.v1+json, not application/vnd.cncf.helm.config.v1+json`])
    const layer = await failure(fetchOciChart(url, { openRepository: () => repo, version: '2.0.0' }))
    expect(layer.code).toBe('HELM_CHART_INVALID')
    expect(layer.message).toMatch(/^oci:\/\/registry\.example\/charts\/web:2\.0\.0: not a Helm chart: no layer of media type application\/vnd\.cncf\.helm\.chart\.content\.v1\.tar\+gzip/u)
    expect(repo.reads.filter((r) => r.startsWith('blob'))).toEqual([])
  })

  it('refuses a manifest that is not JSON and an image index', async () => {
    const repo = memoryOciRepository(url)
    repo.tags.push('1.0.0', '1.1.0')
    repo.manifests.set('1.0.0', Buffer.from('<html>'))
    repo.manifests.set('1.1.0', Buffer.from(JSON.stringify({ mediaType: 'application/vnd.oci.image.index.v1+json', manifests: [] })))
    expect((await failure(fetchOciChart(url, { openRepository: () => repo, version: '1.0.0' }))).message).toBe(`${url}:1.0.0: the manifest is not JSON`)
    expect((await failure(fetchOciChart(url, { openRepository: () => repo, version: '1.1.0' }))).code).toBe('HELM_CHART_INVALID')
  })

  it('refuses a layer whose bytes do not hash to its descriptor', async () => {
    const repo = memoryOciRepository(url)
    const archive = chartArchive('web', '1.0.0')
    // Same size, one bit flipped: what a proxy or a corrupted store would serve.
    const other = Buffer.from(archive)
    other[other.length - 5] = (other[other.length - 5] as number) ^ 1
    repo.pushChart('1.0.0', archive)
    repo.blobs.set(digestOf(archive), other)
    const f = await failure(fetchOciChart(url, { openRepository: () => repo }))
    expect(f.code).toBe('HELM_SOURCE_DIGEST_MISMATCH')
    expect(f.message).toMatch(/^oci:\/\/registry\.example\/charts\/web:1\.0\.0: the chart layer hashes to sha256:/u)
  })

  it('refuses a layer past maxChartBytes before downloading it, and one that inflates past it', async () => {
    const repo = memoryOciRepository(url)
    repo.pushChart('1.0.0', chartArchive('web', '1.0.0'), { layerSize: 64 * 1024 * 1024 })
    const declared = await failure(fetchOciChart(url, { openRepository: () => repo }))
    expect([declared.code, declared.message]).toEqual(['HELM_SOURCE_TOO_LARGE', `${url}:1.0.0: the chart layer declares 67108864 bytes, more than the limit of 33554432`])
    expect(repo.reads.some((r) => r.startsWith('blob'))).toBe(false)
    const bomb = tgz([{ name: 'web/Chart.yaml', content: 'name: web\nversion: 2.0.0\n' }, { name: 'web/zeros', content: '\0'.repeat(400_000) }])
    repo.pushChart('2.0.0', bomb)
    const inflated = await failure(fetchOciChart(url, { openRepository: () => repo, version: '2.0.0', maxChartBytes: 100_000 }))
    expect(inflated.code).toBe('HELM_CHART_INVALID')
    expect(inflated.message).toContain('decompresses past 100000 bytes')
  })

  it('refuses unsafe archives as the HTTP source does', async () => {
    const repo = memoryOciRepository(url)
    repo.pushChart('1.0.0', tgz([{ name: 'web/Chart.yaml', content: 'name: web\nversion: 1.0.0\n' }, { name: 'web/../../evil', content: 'x' }]))
    repo.pushChart('1.0.1', tgz([{ name: 'web/Chart.yaml', content: 'name: web\nversion: 1.0.1\n' }, { name: 'web/values.yaml', type: '2', link: '/etc/passwd' }]))
    expect((await failure(fetchOciChart(url, { openRepository: () => repo, version: '1.0.0' }))).message).toContain('leaves the chart folder')
    expect((await failure(fetchOciChart(url, { openRepository: () => repo, version: '1.0.1' }))).message).toContain('links are refused')
  })

  it('names the range and the tags seen when no tag matches', async () => {
    const repo = memoryOciRepository(url)
    for (const v of ['1.0.0', '1.1.0', 'latest']) repo.pushChart(v, chartArchive('web', v))
    const f = await failure(fetchOciChart(url, { openRepository: () => repo, version: '>=2.0.0' }))
    expect([f.code, f.message]).toEqual(['HELM_SOURCE_NOT_FOUND', `${url}: no version matches '>=2.0.0' (tags seen: 1.1.0, 1.0.0)`])
    const empty = await failure(fetchOciChart(url, { openRepository: () => memoryOciRepository(url) }))
    expect(empty.message).toBe(`${url}: no version matches '*' (tags seen: none)`)
    expect((await failure(fetchOciChart(url, { openRepository: () => repo, version: 'not a range!' }))).code).toBe('HELM_SOURCE_NOT_FOUND')
    expect((await failure(fetchOciChart(`${url}:1.0.0`, { openRepository: () => repo, version: '1.1.0' }))).message).toBe(`${url}: the reference's tag 1.0.0 and version '1.1.0' disagree`)
  })

  it('lets the registry client errors through and refuses credentials in the reference', async () => {
    const refused = Object.assign(memoryOciRepository(url), { listTags: () => Promise.reject(new Error('oci://registry.example/charts/web: the registry refused the credentials (HTTP 401)')) })
    await expect(fetchOciChart(url, { openRepository: () => refused })).rejects.toThrow('HTTP 401')
    await expect(fetchOciChart('oci://bot:hunter2@registry.example/charts/web', { openRepository: () => refused })).rejects.toThrow(TypeError)
    await expect(fetchOciChart('oci://bot:hunter2@registry.example/charts/web', { openRepository: () => refused })).rejects.not.toThrow('hunter2')
    await expect(fetchOciChart('https://registry.example/charts/web', { openRepository: () => refused })).rejects.toThrow(TypeError)
  })
})
