// Bad HelmReleases in a fleet build: each is a `failed` problem naming the HelmRelease and what is
// wrong, the other objects are still built, the repository is left as it was, polluting keys of
// values stay data, and an abort rejects with the signal's reason.
import { describe, expect, it } from 'vitest'
import { memoryFs } from '@gitops-sdk/core'
import { assertNoPollution } from '../../../../testing/pollution.js'
import { buildFleet } from '../../src/index.js'
import type { HelmReleaseChartRequest, RenderHelmRelease } from '../../src/index.js'

const sync = 'apiVersion: kustomize.toolkit.fluxcd.io/v1\nkind: Kustomization\nmetadata: {name: flux-system, namespace: flux-system}\nspec: {interval: 10m, path: ./clusters/prod, prune: true, sourceRef: {kind: GitRepository, name: flux-system}}\n'
const release = (spec: string): string => `apiVersion: helm.toolkit.fluxcd.io/v2\nkind: HelmRelease\nmetadata: {name: web, namespace: apps}\nspec:\n  interval: 5m\n${spec}`
const local = '  chart: {spec: {chart: ./charts/web, sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}}}\n'

async function build(spec: string, renderer: RenderHelmRelease = async () => 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: web}\n') {
  const fs = memoryFs({
    'clusters/prod/flux-system/kustomization.yaml': 'resources: [gotk-sync.yaml]\n',
    'clusters/prod/flux-system/gotk-sync.yaml': sync,
    'clusters/prod/release.yaml': release(spec),
    'clusters/prod/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: settings, namespace: apps}\ndata: {other: "x: 1"}\n',
    'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 1.0.0\n',
  })
  const before = fs.paths().sort()
  const requests: HelmReleaseChartRequest[] = []
  const fleet = await buildFleet('.', { fs, renderHelmRelease: async (r, o) => (requests.push(r), renderer(r, o)) })
  expect(fs.paths().sort()).toEqual(before)
  expect(fleet.kustomizations.map((k) => k.kustomization)).toEqual(['flux-system/flux-system'])
  return { fleet, requests }
}

describe('HelmRelease faults in buildFleet', () => {
  it.each([
    ['no chart at all', '', 'spec.chart or spec.chartRef is required'],
    ['a chart path leaving its source', '  chart: {spec: {chart: ../../etc, sourceRef: {kind: GitRepository, name: flux-system, namespace: flux-system}}}\n', "chart path '../../etc' leaves its source"],
    ['an unknown source kind', '  chart: {spec: {chart: c, sourceRef: {kind: OCIRepository, name: o}}}\n', 'sourceRef.kind OCIRepository is not HelmRepository, GitRepository or Bucket'],
    ['a HelmChart chartRef the fleet lacks', '  chartRef: {kind: HelmChart, name: nope}\n', 'chartRef HelmChart/apps/nope is not rendered by the fleet'],
    ['a missing valuesFrom ConfigMap', `${local}  valuesFrom: [{kind: ConfigMap, name: absent}]\n`, 'spec.valuesFrom[0]: ConfigMap/apps/absent is not rendered by the fleet'],
    ['a missing valuesKey', `${local}  valuesFrom: [{kind: ConfigMap, name: settings}]\n`, "spec.valuesFrom[0]: ConfigMap/apps/settings has no key 'values.yaml'"],
    ['a valuesFrom of another kind', `${local}  valuesFrom: [{kind: Pod, name: settings}]\n`, 'spec.valuesFrom[0]: kind must be ConfigMap or Secret'],
  ])('reports %s as a failed HelmRelease, rendering nothing', async (_name, spec, says) => {
    const { fleet, requests } = await build(spec)
    expect(requests).toEqual([])
    expect(fleet.helmReleases).toEqual([])
    expect(fleet.problems).toEqual([{ type: 'failed', ref: { group: 'helm.toolkit.fluxcd.io', kind: 'HelmRelease', namespace: 'apps', name: 'web' }, message: expect.stringContaining(`HelmRelease/apps/web: ${says}`) as string }])
  })

  it.each([
    ['an unmapped GitRepository', '  chart: {spec: {chart: ./c, sourceRef: {kind: GitRepository, name: other}}}\n', 'source GitRepository/apps/other is neither this repository nor mapped'],
    ['a HelmRepository outside the repository', '  chart: {spec: {chart: web, sourceRef: {kind: HelmRepository, name: remote}}}\n', 'source HelmRepository/apps/remote is outside the repository'],
  ])('reports %s as unavailable, as an unmapped Kustomization source', async (_name, spec, says) => {
    const { fleet, requests } = await build(spec)
    expect(requests).toEqual([])
    expect(fleet.problems.map((p) => [p.type, p.message])).toEqual([['unavailable', expect.stringContaining(`HelmRelease/apps/web: ${says}`) as string]])
  })

  it('skips optional references and reports a renderer failure naming the chart', async () => {
    const spec = `${local}  valuesFrom: [{kind: Secret, name: absent, optional: true}, {kind: ConfigMap, name: settings, valuesKey: nope, optional: true}]\n`
    const { fleet, requests } = await build(spec, async () => Promise.reject(new Error('parse error at (web/templates/x.yaml:1)')))
    expect(requests[0]?.values).toEqual([])
    expect(fleet.problems[0]?.message).toBe('HelmRelease/apps/web: chart GitRepository/flux-system/flux-system ./charts/web: parse error at (web/templates/x.yaml:1)')
  })

  it('reports a post-renderer patch that does not apply', async () => {
    const { fleet } = await build(`${local}  postRenderers: [{kustomize: {patches: [{target: {kind: ConfigMap}, patch: '[{op: remove, path: /data/missing}]'}]}}]\n`)
    expect(fleet.problems[0]?.message).toMatch(/^HelmRelease\/apps\/web: spec\.postRenderers\[0\]: /u)
  })

  it('passes polluting keys of values as data', async () => {
    const { fleet, requests } = await build(`${local}  values:\n    __proto__: {gitopsPolluted: 1}\n    constructor: {prototype: {gitopsPolluted: 1}}\n`)
    expect(fleet.problems).toEqual([])
    expect(requests[0]?.values[0]).toMatchObject({ type: 'yaml', text: expect.stringContaining('"__proto__":') as string })
    assertNoPollution()
  })

  it('rejects with the signal\'s reason when aborted while rendering', async () => {
    const controller = new AbortController()
    const reason = new Error('stop')
    const fs = memoryFs({
      'clusters/prod/flux-system/kustomization.yaml': 'resources: [gotk-sync.yaml]\n',
      'clusters/prod/flux-system/gotk-sync.yaml': sync,
      'clusters/prod/release.yaml': release(local),
      'charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 1.0.0\n',
    })
    const renderHelmRelease: RenderHelmRelease = async () => (controller.abort(reason), Promise.reject(reason))
    await expect(buildFleet('.', { fs, renderHelmRelease, signal: controller.signal })).rejects.toBe(reason)
  })
})
