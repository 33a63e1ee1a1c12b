// fetchRepositoryChart against a Helm HTTP repository served on 127.0.0.1: version choice, the
// digest check, credentials, the no-change answer, and the fetched chart rendered as the real helm
// renders the same archive.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { memoryFs } from '@gitops-sdk/core'
import { fetchRepositoryChart, renderChart } from '../../src/index.js'
import { chartArchive, indexYaml, sha256, startChartRepository } from '../helpers/chartRepository.js'
import type { ChartRepositoryServer } from '../helpers/chartRepository.js'
import { KUBE_VERSION, helmBinary, helmTemplate } from '../helpers/helmBinary.js'

let repo: ChartRepositoryServer
const v1 = chartArchive('web', '1.2.0')
const v2 = chartArchive('web', '1.3.0', { 'values.yaml': 'greeting: hi\n' })
const pre = chartArchive('web', '2.0.0-rc.1')
const dir = mkdtempSync(join(tmpdir(), 'helm-repo-'))

beforeAll(async () => {
  repo = await startChartRepository()
  repo.routes.set('/index.yaml', {
    type: 'text/yaml',
    body: indexYaml({
      web: [
        { version: '2.0.0-rc.1', url: 'charts/web-2.0.0-rc.1.tgz', digest: sha256(pre) },
        { version: '1.3.0', url: 'charts/web-1.3.0.tgz', digest: sha256(v2) },
        { version: '1.2.0', url: 'http://127.0.0.1:1/elsewhere/web-1.2.0.tgz', digest: sha256(v1) },
      ],
    }),
  })
  repo.routes.set('/charts/web-1.3.0.tgz', { body: v2, type: 'application/gzip' })
  repo.routes.set('/charts/web-2.0.0-rc.1.tgz', { body: pre })
})
afterAll(async () => {
  await repo.close()
  rmSync(dir, { recursive: true, force: true })
})

describe('fetchRepositoryChart', () => {
  it('picks the highest stable version of a range, checks its digest and unpacks it', async () => {
    const chart = await fetchRepositoryChart(repo.url, { chart: 'web', version: '1.x' })
    expect(chart).toMatchObject({ name: 'web', version: '1.3.0', digest: `sha256:${sha256(v2)}`, url: `${repo.url}/charts/web-1.3.0.tgz`, changed: true })
    expect([...chart.files.keys()].sort()).toEqual(['Chart.yaml', 'templates/cm.yaml', 'values.yaml'])
    expect(Buffer.from(chart.files.get('values.yaml') ?? []).toString()).toBe('greeting: hi\n')
    expect((await fetchRepositoryChart(repo.url, { chart: 'web' })).version).toBe('1.3.0')
    expect((await fetchRepositoryChart(repo.url, { chart: 'web', version: '2.0.0-rc.1' })).version).toBe('2.0.0-rc.1')
  })

  it('answers no change without downloading when the index names the last digest', async () => {
    const before = repo.requests.length
    const chart = await fetchRepositoryChart(repo.url, { chart: 'web', version: '1.3.0', lastDigest: `sha256:${sha256(v2)}` })
    expect(chart.changed).toBe(false)
    expect(chart.files.size).toBe(0)
    expect(repo.requests.slice(before).map((r) => r.path)).toEqual(['/index.yaml'])
  })

  it('sends credentials to the repository only, from auth or from the URL, and a bearer token', async () => {
    const basic = `Basic ${Buffer.from('ci:s3cret').toString('base64')}`
    repo.routes.set('/private/index.yaml', { authorization: basic, body: indexYaml({ web: [{ version: '1.3.0', url: '/charts/web-1.3.0.tgz', digest: sha256(v2) }] }) })
    const withUrl = `${repo.url.replace('http://', 'http://ci:s3cret@')}/private`
    expect((await fetchRepositoryChart(withUrl, { chart: 'web' })).url).toBe(`${repo.url}/charts/web-1.3.0.tgz`)
    expect((await fetchRepositoryChart(`${repo.url}/private`, { chart: 'web', auth: { username: 'ci', password: 's3cret' } })).version).toBe('1.3.0')
    repo.routes.set('/token/index.yaml', { authorization: 'Bearer t0k', body: indexYaml({ web: [{ version: '1.3.0', url: '/charts/web-1.3.0.tgz' }] }) })
    expect((await fetchRepositoryChart(`${repo.url}/token`, { chart: 'web', auth: { token: 't0k' } })).digest).toBe(`sha256:${sha256(v2)}`)
  })

  it.skipIf(helmBinary() === undefined)('renders the fetched chart as helm renders the same archive', async () => {
    const chart = await fetchRepositoryChart(repo.url, { chart: 'web', version: '1.3.0' })
    const files = Object.fromEntries([...chart.files].map(([path, bytes]) => [`web/${path}`, bytes]))
    const ours = await renderChart('web', { fs: memoryFs(files), releaseName: 'r', kubeVersion: KUBE_VERSION })
    writeFileSync(join(dir, 'web-1.3.0.tgz'), v2)
    const theirs = await helmTemplate(join(dir, 'web-1.3.0.tgz'), { releaseName: 'r' })
    expect(theirs.ok).toBe(true)
    expect(ours.text).toBe(theirs.stdout)
  })

  // Masterminds/semver's rules, against `helm template --repo` on the same index: a bare or
  // v-prefixed 1.3 is ~1.3, comma and, hyphen range, pre-releases only for an and-group naming one
  // (node-semver would also want the same major.minor.patch), a range admitting only a pre-release
  // of another group matching nothing.
  it.skipIf(helmBinary() === undefined)('picks the version helm picks for each constraint', async () => {
    const wanted = ['1.3', 'v1.3', '>=1.2, <2', '>=1.0.0-0', '1.2 - 2', '^1 || >=2.0.0-0', '2']
    const runs = await Promise.all(wanted.map(async (version) => {
      const theirs = await helmTemplate('web', { releaseName: 'r', extraArgs: ['--repo', repo.url, '--version', version] })
      try {
        const chart = await fetchRepositoryChart(repo.url, { chart: 'web', version })
        const files = Object.fromEntries([...chart.files].map(([path, bytes]) => [`web/${path}`, bytes]))
        const ours = await renderChart('web', { fs: memoryFs(files), releaseName: 'r', kubeVersion: KUBE_VERSION })
        return { version, helm: theirs.ok ? theirs.stdout : 'failed', sdk: `${chart.version}:${ours.text}` }
      } catch (err) {
        return { version, helm: theirs.ok ? theirs.stdout : 'failed', sdk: (err as { code?: string }).code === 'HELM_SOURCE_NOT_FOUND' ? 'failed' : String(err) }
      }
    }))
    const picked = (text: string): string => /^[^:]*:/.exec(text)?.[0] ?? ''
    expect(runs.map((r) => ({ version: r.version, sdk: r.sdk.slice(picked(r.sdk).length) || r.sdk }))).toEqual(runs.map((r) => ({ version: r.version, sdk: r.helm })))
    expect(runs.map((r) => picked(r.sdk))).toEqual(['1.3.0:', '1.3.0:', '1.3.0:', '2.0.0-rc.1:', '1.3.0:', '2.0.0-rc.1:', ''])
  })
})
