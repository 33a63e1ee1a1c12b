// HelmRelease inputs of the fleet build beyond values: a source's secretRef (credentials handed to
// the fetcher, never into messages), chart.spec.valuesFiles, the version range of a mapped chart,
// and dependsOn (order, missing and cyclic dependencies refused as helm-controller would).
import { describe, expect, it } from 'vitest'
import { memoryFs } from '@gitops-sdk/core'
import { buildFleet } from '../../src/index.js'
import type { FetchHelmChart, HelmChartFetchRequest, HelmReleaseChartRequest } from '../../src/index.js'

const sync = 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: flux-system, namespace: flux-system}\nspec: {interval: 10m, path: ./clusters/prod, prune: true, sourceRef: {kind: GitRepository, name: flux-system}}\n'
const hr = (name: string, spec: string): string => `---\napiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: ${name}, namespace: apps}\nspec:\n  interval: 5m\n${spec}`
const local = '  chart: {spec: {chart: ./charts/web, sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}}}\n'
const password = 's3cr3t-Pa55word'

async function build(releases: string, extra: { files?: Record<string, string>; sources?: Record<string, Record<string, string>>; fetchChart?: FetchHelmChart } = {}) {
  const fs = memoryFs({
    'clusters/prod/flux-system/kustomization.yaml': 'resources: [gotk-sync.yaml]\n',
    'clusters/prod/flux-system/gotk-sync.yaml': sync,
    'clusters/prod/releases.yaml': releases,
    'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 1.0.0\n',
    'charts/web/values.yaml': 'a: 1\n',
    ...extra.files,
  })
  const before = fs.paths().sort()
  const requests: HelmReleaseChartRequest[] = []
  const sources = Object.fromEntries(Object.entries(extra.sources ?? {}).map(([k, files]) => [k, memoryFs(files)]))
  const fleet = await buildFleet('.', {
    fs,
    sources,
    fetchChart: extra.fetchChart,
    renderHelmRelease: async (r) => (requests.push(r), `apiVersion: v1\nkind: ConfigMap\nmetadata: {name: ${r.releaseName}}\n`),
  })
  expect(fs.paths().sort()).toEqual(before)
  // HelmRepositories themselves are reported as kinds the SDK does not build; only the releases matter here.
  const problems = fleet.problems.filter((p) => p.ref.kind === 'HelmRelease' || p.type !== 'unsupported')
  return { fleet: { ...fleet, problems }, requests }
}

const repoWithSecret = (type: string, secret: string): string =>
  `---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata: {name: charts, namespace: apps}\nspec: {interval: 1h, url: ${type === 'oci' ? 'oci://registry.example/charts' : 'https://charts.example'}, ${type === 'oci' ? 'type: oci, ' : ''}secretRef: {name: creds}}\n${secret}`

describe('HelmRelease chart source secretRef', () => {
  const fromRepo = '  chart: {spec: {chart: web, version: 1.x, sourceRef: {kind: HelmRepository, name: charts}}}\n'
  const fetcher = (seen: HelmChartFetchRequest[]): FetchHelmChart => async (request) => {
    seen.push(request)
    return { fs: memoryFs({ 'web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 1.2.0\n' }), path: 'web' }
  }

  it('hands username/password of the Secret (data base64, stringData winning) to the fetcher', async () => {
    const secret = `---\napiVersion: v1\nkind: Secret\nmetadata: {name: creds, namespace: apps}\ndata: {username: ${Buffer.from('bot').toString('base64')}, password: ${Buffer.from('old').toString('base64')}}\nstringData: {password: ${password}}\n`
    const seen: HelmChartFetchRequest[] = []
    const { fleet } = await build(repoWithSecret('oci', secret) + hr('web', fromRepo), { fetchChart: fetcher(seen) })
    expect(fleet.problems).toEqual([])
    expect(seen[0]).toMatchObject({ chart: 'web', version: '1.x', auth: { username: 'bot', password } })
  })

  it('hands a bearerToken and a .dockerconfigjson on as they are', async () => {
    const docker = JSON.stringify({ auths: { 'registry.example': { auth: Buffer.from(`bot:${password}`).toString('base64') } } })
    const secret = `---\napiVersion: v1\nkind: Secret\nmetadata: {name: creds, namespace: apps}\ntype: kubernetes.io/dockerconfigjson\nstringData: {.dockerconfigjson: '${docker}', bearerToken: tok-${password}}\n`
    const seen: HelmChartFetchRequest[] = []
    await build(repoWithSecret('oci', secret) + hr('web', fromRepo), { fetchChart: fetcher(seen) })
    expect(seen[0]?.auth).toEqual({ username: undefined, password: undefined, token: `tok-${password}`, dockerConfigJson: docker })
  })

  it.each([
    ['a Secret the fleet does not render', '', 'the secretRef Secret/apps/creds of HelmRepository/apps/charts is not rendered by the fleet'],
    ['a Secret without credential keys', '---\napiVersion: v1\nkind: Secret\nmetadata: {name: creds, namespace: apps}\nstringData: {other: x}\n', 'the secretRef Secret/apps/creds has none of the keys'],
    ['a username without password', `---\napiVersion: v1\nkind: Secret\nmetadata: {name: creds, namespace: apps}\nstringData: {username: ${password}}\n`, 'the secretRef Secret/apps/creds has username without password'],
  ])('fails the HelmRelease for %s, naming the Secret, not its values', async (_name, secret, says) => {
    const seen: HelmChartFetchRequest[] = []
    const { fleet } = await build(repoWithSecret('http', secret) + hr('web', fromRepo), { fetchChart: fetcher(seen) })
    expect(seen).toEqual([])
    expect(fleet.problems).toEqual([{ type: 'failed', ref: expect.objectContaining({ name: 'web' }) as unknown, message: expect.stringContaining(`HelmRelease/apps/web: ${says}`) as string }])
    expect(JSON.stringify(fleet.problems)).not.toContain(password)
  })
})

describe('HelmRelease chart.spec.valuesFiles', () => {
  it('reads them in order from the source root (GitRepository) and from the chart (HelmRepository)', async () => {
    const files = { 'charts/web/values-prod.yaml': 'a: 2\n', 'envs/prod.yaml': 'b: 3\n' }
    const git = '  chart: {spec: {chart: ./charts/web, valuesFiles: [charts/web/values.yaml, envs/prod.yaml], sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}}}\n'
    const { requests } = await build(hr('web', git), { files })
    expect(requests[0]?.chartValuesFiles).toEqual([
      { type: 'yaml', source: 'charts/web/values.yaml', text: 'a: 1\n' },
      { type: 'yaml', source: 'envs/prod.yaml', text: 'b: 3\n' },
    ])
    const repo = '---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata: {name: charts, namespace: apps}\nspec: {interval: 1h, url: https://charts.example}\n'
    const mapped = { 'web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 1.0.0\n', 'web/values-prod.yaml': 'c: 4\n' }
    const { requests: fromRepo, fleet } = await build(repo + hr('web', '  chart: {spec: {chart: web, valuesFiles: [values-prod.yaml], sourceRef: {kind: HelmRepository, name: charts}}}\n'), { sources: { 'apps/charts': mapped } })
    expect(fleet.problems).toEqual([])
    expect(fromRepo[0]?.chartValuesFiles).toEqual([{ type: 'yaml', source: 'values-prod.yaml', text: 'c: 4\n' }])
  })

  it('fails on a missing file unless ignoreMissingValuesFiles, and on a path leaving the source', async () => {
    const spec = (extra: string): string => `  chart: {spec: {chart: ./charts/web, valuesFiles: [${extra}], sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}}}\n`
    const missing = await build(hr('web', spec('nope.yaml')))
    expect(missing.fleet.problems[0]?.message).toBe("HelmRelease/apps/web: chart.spec.valuesFiles[0] 'nope.yaml' does not exist in the chart's source")
    const ignored = await build(hr('web', '  chart: {spec: {chart: ./charts/web, valuesFiles: [nope.yaml], ignoreMissingValuesFiles: true, sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}}}\n'))
    expect(ignored.fleet.problems).toEqual([])
    expect(ignored.requests[0]?.chartValuesFiles).toBeUndefined()
    const leaving = await build(hr('web', spec('../../../etc/passwd')))
    expect(leaving.fleet.problems[0]?.message).toContain("chart.spec.valuesFiles[0] '../../../etc/passwd' leaves its source")
  })
})

describe('HelmRelease version range of a mapped chart', () => {
  const repo = '---\napiVersion: source.toolkit.fluxcd.io/v1\nkind: HelmRepository\nmetadata: {name: charts, namespace: apps}\nspec: {interval: 1h, url: https://charts.example}\n'
  const mapped = { 'web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 2.3.0\n' }
  const spec = (version: string): string => `  chart: {spec: {chart: web, version: '${version}', sourceRef: {kind: HelmRepository, name: charts}}}\n`

  it('accepts a chart inside the range and refuses one outside it, naming the HelmRelease', async () => {
    expect((await build(repo + hr('web', spec('>=2.0.0 <3.0.0')), { sources: { 'apps/charts': mapped } })).fleet.problems).toEqual([])
    expect((await build(repo + hr('web', spec('2.3.0')), { sources: { 'apps/charts': mapped } })).fleet.problems).toEqual([])
    const { fleet, requests } = await build(repo + hr('web', spec('1.x')), { sources: { 'apps/charts': mapped } })
    expect(requests).toEqual([])
    expect(fleet.problems).toEqual([{ type: 'failed', ref: expect.objectContaining({ kind: 'HelmRelease', name: 'web' }) as unknown, message: "HelmRelease/apps/web: chart HelmRepository/apps/charts web: version 2.3.0 is outside chart.spec.version '1.x'" }])
    const bad = await build(repo + hr('web', spec('not a range!')), { sources: { 'apps/charts': mapped } })
    expect(bad.fleet.problems[0]?.message).toBe("HelmRelease/apps/web: chart.spec.version 'not a range!' is not a semver range: improper constraint: not a range!")
  })

  it("refuses a range that is no constraint with Masterminds' message even where an or-group holds the chart's version, after checking the chart has a version", async () => {
    const ored = await build(repo + hr('web', spec('2.3.0 ||| 3')), { sources: { 'apps/charts': mapped } })
    expect(ored.fleet.problems).toEqual([{ type: 'failed', ref: expect.objectContaining({ kind: 'HelmRelease', name: 'web' }) as unknown, message: "HelmRelease/apps/web: chart.spec.version '2.3.0 ||| 3' is not a semver range: constraint parser error" }])
    const unversioned = await build(repo + hr('web', spec('not a range!')), { sources: { 'apps/charts': { 'web/Chart.yaml': 'apiVersion: v2\nname: web\n' } } })
    expect(unversioned.fleet.problems[0]?.message).toBe('HelmRelease/apps/web: chart HelmRepository/apps/charts web: Chart.yaml has no semver version')
  })

  it('reads the range as Masterminds/semver does (comma and, ||, a pre-release upper bound)', async () => {
    const withVersion = (v: string): Record<string, string> => ({ 'web/Chart.yaml': `apiVersion: v2\nname: web\nversion: ${v}\n` })
    for (const [version, range] of [['2.3.0', '>= 2.0, < 3.0'], ['2.3.0', '<1 || >=2'], ['2.0.0-rc.1', '>=1.0.0-0 <2'], ['0.2.9', '^0.2']] as const) {
      const { fleet } = await build(repo + hr('web', spec(range)), { sources: { 'apps/charts': withVersion(version) } })
      expect({ version, range, problems: fleet.problems }).toEqual({ version, range, problems: [] })
    }
    const partial = await build(repo + hr('web', spec('*')), { sources: { 'apps/charts': withVersion('2.3') } })
    expect(partial.fleet.problems[0]?.message).toBe('HelmRelease/apps/web: chart HelmRepository/apps/charts web: Chart.yaml has no semver version')
  })
})

describe('HelmRelease dependsOn', () => {
  it('builds dependencies first', async () => {
    const { fleet } = await build(hr('app', `${local}  dependsOn: [{name: db}]\n`) + hr('db', `${local}  dependsOn: [{name: crds, namespace: apps}]\n`) + hr('crds', local))
    expect(fleet.problems).toEqual([])
    expect(fleet.helmReleases?.map((h) => h.helmRelease)).toEqual(['apps/crds', 'apps/db', 'apps/app'])
  })

  it('refuses releases with a missing dependency, on a cycle, or waiting on either, and builds the rest', async () => {
    const { fleet, requests } = await build(
      hr('a', `${local}  dependsOn: [{name: b}]\n`) + hr('b', `${local}  dependsOn: [{name: a}]\n`) + hr('c', `${local}  dependsOn: [{name: ghost}]\n`) + hr('d', `${local}  dependsOn: [{name: c}]\n`) + hr('e', local),
    )
    expect(requests.map((r) => r.helmRelease)).toEqual(['apps/e'])
    expect(fleet.problems.map((p) => [p.type, p.message])).toEqual([
      ['dependency', 'HelmRelease/apps/c: depends on HelmRelease apps/ghost, which the fleet does not define'],
      ['dependency', 'HelmRelease/apps/d: depends on HelmRelease apps/c, which cannot be installed'],
      ['dependency', 'HelmRelease/apps/a: dependency cycle through HelmRelease apps/b'],
      ['dependency', 'HelmRelease/apps/b: dependency cycle through HelmRelease apps/a'],
    ])
  })
})
