import { describe, expect, it } from 'vitest'
import { fetchOciChart } from './index.js'
import { chartArchive } from '../test/helpers/chartRepository.js'
import { memoryOciRepository } from '../test/helpers/ociRepository.js'

const url = 'oci://registry.example/charts/web'

function repository() {
  const repo = memoryOciRepository(url)
  for (const v of ['1.0.0', '1.2.0', '2.0.0-rc.1', '1.3.0+build.7', 'latest', 'v0.9.0']) repo.pushChart(v.replaceAll('+', '_'), chartArchive('web', v.replace(/^v/u, '')))
  return repo
}

describe('fetchOciChart', () => {
  it('picks the highest stable version by default and reads tags with _ as +, as helm pull does', async () => {
    const repo = repository()
    const chart = await fetchOciChart(url, { openRepository: () => repo })
    expect(chart).toMatchObject({ name: 'web', version: '1.3.0+build.7', url: `${url}:1.3.0_build.7`, changed: true })
    expect(new TextDecoder().decode(chart.files.get('Chart.yaml'))).toContain('version: 1.3.0+build.7')
    expect(repo.reads).toEqual(['tags', 'manifest 1.3.0_build.7', expect.stringMatching(/^blob sha256:/u)])
  })

  it('takes an exact version, a range, a tag in the reference and a digest', async () => {
    const repo = repository()
    const open = (u: string) => (u === url ? repo : (() => { throw new Error(u) })())
    expect((await fetchOciChart(url, { openRepository: open, version: '1.0.0' })).version).toBe('1.0.0')
    expect((await fetchOciChart(url, { openRepository: open, version: '~1.2' })).version).toBe('1.2.0')
    expect((await fetchOciChart(url, { openRepository: open, version: '>=1.0.0-0' })).version).toBe('2.0.0-rc.1')
    expect((await fetchOciChart(`${url}:1.2.0`, { openRepository: open })).version).toBe('1.2.0')
    expect((await fetchOciChart(url, { openRepository: open, version: '1.3.0+build.7' })).url).toBe(`${url}:1.3.0_build.7`)
    // latest was pushed from a chart of version "latest"; a tag that is no version is taken as is.
    expect(await fetchOciChart(`${url}:latest`, { openRepository: open })).toMatchObject({ url: `${url}:latest`, version: 'latest' })
    const digest = repo.pushChart('pinned', chartArchive('web', '3.1.4'))
    const pinned = await fetchOciChart(`${url}@${digest}`, { openRepository: open, version: '9.9.9' })
    expect(pinned).toMatchObject({ version: '3.1.4', digest, url: `${url}@${digest}` })
  })

  it('answers no change without downloading when the version still resolves to lastDigest', async () => {
    const repo = repository()
    const first = await fetchOciChart(url, { openRepository: () => repo, version: '1.2.0' })
    repo.reads.length = 0
    const again = await fetchOciChart(url, { openRepository: () => repo, version: '1.2.0', lastDigest: first.digest })
    expect(again).toMatchObject({ changed: false, digest: first.digest, version: '1.2.0' })
    expect(again.files.size).toBe(0)
    expect(repo.reads).toEqual(['tags', 'manifest 1.2.0'])
    repo.reads.length = 0
    expect((await fetchOciChart(`${url}@${first.digest}`, { openRepository: () => repo, lastDigest: first.digest })).changed).toBe(false)
    expect(repo.reads).toEqual([])
  })

  it('rejects with the signal reason when aborted', async () => {
    const controller = new AbortController()
    controller.abort(new Error('stop'))
    await expect(fetchOciChart(url, { openRepository: () => repository(), signal: controller.signal })).rejects.toThrow('stop')
  })
})
