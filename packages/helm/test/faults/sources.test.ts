// Fault cases of fetchRepositoryChart: each is a typed error naming the URL (without its
// credentials), and nothing is returned half-fetched.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fetchRepositoryChart } from '../../src/index.js'
import { chartArchive, indexYaml, sha256, startChartRepository, tgz } from '../helpers/chartRepository.js'
import type { ChartRepositoryServer } from '../helpers/chartRepository.js'
import { typedRejection } from '../helpers/typedFailure.js'

let repo: ChartRepositoryServer
const good = chartArchive('web', '1.0.0')

function serve(path: string, archive: Uint8Array, digest: string | undefined = sha256(archive)): string {
  repo.routes.set(`${path}/index.yaml`, { body: indexYaml({ web: [{ version: '1.0.0', url: 'web-1.0.0.tgz', digest }] }) })
  repo.routes.set(`${path}/web-1.0.0.tgz`, { body: archive })
  return `${repo.url}${path}`
}

beforeAll(async () => {
  repo = await startChartRepository()
})
afterAll(() => repo.close())

const failure = typedRejection

describe('fetchRepositoryChart faults', () => {
  const broken = [
    { name: 'a tgz truncated mid-stream', archive: () => good.subarray(0, good.length - 40), code: 'HELM_CHART_INVALID', says: 'not a gzipped archive' },
    { name: 'an entry with a ../ path', archive: () => tgz([{ name: 'web/Chart.yaml', content: 'name: web\nversion: 1.0.0\n' }, { name: 'web/../../evil', content: 'x' }]), code: 'HELM_CHART_INVALID', says: 'leaves the chart folder' },
    { name: 'a symlink', archive: () => tgz([{ name: 'web/Chart.yaml', content: 'name: web\nversion: 1.0.0\n' }, { name: 'web/values.yaml', type: '2', link: '/etc/passwd' }]), code: 'HELM_CHART_INVALID', says: 'links are refused' },
    { name: 'an absolute path', archive: () => tgz([{ name: '/web/Chart.yaml', content: 'x' }]), code: 'HELM_CHART_INVALID', says: 'leaves the chart folder' },
    { name: 'no Chart.yaml', archive: () => tgz([{ name: 'web/values.yaml', content: 'a: 1\n' }]), code: 'HELM_CHART_INVALID', says: 'no Chart.yaml' },
  ]
  it.each(broken)('refuses $name with $code naming the URL', async ({ name, archive, code, says }) => {
    const url = serve(`/${name.replace(/\W+/gu, '-')}`, archive())
    const f = await failure(fetchRepositoryChart(url, { chart: 'web' }))
    expect(f.code).toBe(code)
    expect(f.message).toContain(`${url}/web-1.0.0.tgz`)
    expect(f.message).toContain(says)
  })

  it('refuses an archive whose digest differs from the index', async () => {
    const url = serve('/mismatch', good, sha256(Buffer.from('other')))
    const f = await failure(fetchRepositoryChart(url, { chart: 'web' }))
    expect(f.code).toBe('HELM_SOURCE_DIGEST_MISMATCH')
    expect(f.message).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/mismatch\/web-1\.0\.0\.tgz: digest sha256:/u)
  })

  it('names a missing repository, chart and version as not found', async () => {
    expect((await failure(fetchRepositoryChart(`${repo.url}/nowhere`, { chart: 'web' }))).code).toBe('HELM_SOURCE_NOT_FOUND')
    const url = serve('/versions', good)
    const chart = await failure(fetchRepositoryChart(url, { chart: 'api' }))
    expect([chart.code, chart.message]).toEqual(['HELM_SOURCE_NOT_FOUND', `${url} api: no such chart in the repository's index`])
    expect((await failure(fetchRepositoryChart(url, { chart: 'web', version: '>=2' }))).message).toBe(`${url} web: no version matches '>=2'`)
    repo.routes.delete('/versions/web-1.0.0.tgz')
    expect((await failure(fetchRepositoryChart(url, { chart: 'web' }))).code).toBe('HELM_SOURCE_NOT_FOUND')
  })

  it('refuses an index past its size limit and an archive past its own', async () => {
    repo.routes.set('/huge/index.yaml', { body: `apiVersion: v1\nentries: {}\n# ${'x'.repeat(200_000)}\n` })
    expect((await failure(fetchRepositoryChart(`${repo.url}/huge`, { chart: 'web', maxIndexBytes: 100_000 }))).code).toBe('HELM_SOURCE_TOO_LARGE')
    const url = serve('/bigchart', good)
    expect((await failure(fetchRepositoryChart(url, { chart: 'web', maxChartBytes: 100 }))).code).toBe('HELM_SOURCE_TOO_LARGE')
  })

  it('refuses an HTML page where an index should be', async () => {
    repo.routes.set('/login/index.yaml', { type: 'text/html; charset=utf-8', body: '<html>sign in</html>' })
    const f = await failure(fetchRepositoryChart(`${repo.url}/login`, { chart: 'web' }))
    expect([f.code, f.message]).toEqual(['HELM_SOURCE_FAILED', `${repo.url}/login/index.yaml: answered text/html; charset=utf-8, not a chart repository file`])
  })

  it('never puts credentials of the URL or of auth into errors, and does not send them to another host', async () => {
    repo.routes.set('/secret/index.yaml', { authorization: 'Basic nope', body: '' })
    const f = await failure(fetchRepositoryChart(`${repo.url.replace('http://', 'http://ci:hunter2@')}/secret`, { chart: 'web' }))
    expect(f.code).toBe('HELM_SOURCE_AUTH')
    expect(f.json).not.toContain('hunter2')
    expect(f.message.startsWith(`${repo.url}/secret/index.yaml`)).toBe(true)
    const t = await failure(fetchRepositoryChart(`${repo.url}/secret`, { chart: 'web', auth: { token: 'tok-hunter3' } }))
    expect(t.json).not.toContain('hunter3')
    // The chart lives on another origin (localhost, not 127.0.0.1): no Authorization goes there.
    const port = new URL(repo.url).port
    repo.routes.set('/cross/index.yaml', { body: indexYaml({ web: [{ version: '1.0.0', url: `http://localhost:${port}/cross/web-1.0.0.tgz`, digest: sha256(good) }] }) })
    repo.routes.set('/cross/web-1.0.0.tgz', { body: good })
    await fetchRepositoryChart(`${repo.url}/cross`, { chart: 'web', auth: { token: 'tok' } })
    const sent = repo.requests.filter((r) => r.path.startsWith('/cross/')).map((r) => [r.path, r.headers.authorization])
    expect(sent).toEqual([['/cross/index.yaml', 'Bearer tok'], ['/cross/web-1.0.0.tgz', undefined]])
  })

  it('stops at once on abort with the signal\'s reason, and fails an unreachable repository as HELM_SOURCE_FAILED', async () => {
    const controller = new AbortController()
    const reason = new Error('stop')
    controller.abort(reason)
    await expect(fetchRepositoryChart(repo.url, { chart: 'web', signal: controller.signal })).rejects.toBe(reason)
    expect((await failure(fetchRepositoryChart('http://127.0.0.1:1', { chart: 'web' }))).code).toBe('HELM_SOURCE_FAILED')
  })
})
