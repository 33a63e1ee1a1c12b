import { describe, expect, it } from 'vitest'
import { memoryFs } from '@gitops-sdk/core'
import { helmChartRenderer, helmReleaseRenderer } from './helmCharts.js'

const chart = {
  'web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 1.0.0\n',
  'web/values.yaml': 'a: from-chart\nb: from-chart\nnested: {p: 1, q: 2}\n',
  'web/values-prod.yaml': 'b: prod\nnested: {q: 20, r: 30}\n',
  'web/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata:\n  a: {{ .Values.a | quote }}\n  b: {{ .Values.b | quote }}\n  nested: {{ toJson .Values.nested | quote }}\n',
}

describe('helmReleaseRenderer', () => {
  const request = { helmRelease: 'apps/web', path: 'web', releaseName: 'web', namespace: 'apps', includeCrds: false }

  it('renders with the merge of chart.spec.valuesFiles in place of values.yaml, release values over it', async () => {
    const fs = memoryFs(chart)
    const text = await helmReleaseRenderer()(
      {
        ...request,
        fs,
        values: [{ type: 'yaml', source: 'spec.values', text: 'nested: {r: 300}\n' }],
        chartValuesFiles: [
          { type: 'yaml', source: 'values.yaml', text: chart['web/values.yaml'] },
          { type: 'yaml', source: 'values-prod.yaml', text: chart['web/values-prod.yaml'] },
        ],
      },
      {},
    )
    expect(text).toContain('a: "from-chart"\n  b: "prod"\n  nested: "{\\"p\\":1,\\"q\\":20,\\"r\\":300}"')
    // The chart in the file system is untouched.
    expect(new TextDecoder().decode(await fs.readFile('web/values.yaml'))).toBe(chart['web/values.yaml'])
  })

  it('leaves out the chart values.yaml when valuesFiles do not list it, as source-controller packages the chart', async () => {
    const text = await helmReleaseRenderer()({ ...request, fs: memoryFs(chart), values: [], chartValuesFiles: [{ type: 'yaml', source: 'values-prod.yaml', text: chart['web/values-prod.yaml'] }] }, {})
    expect(text).toContain('a: \n  b: "prod"\n  nested: "{\\"q\\":20,\\"r\\":30}"')
  })
})

describe('the zone of the date functions', () => {
  const dates = {
    'web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 1.0.0\n',
    'web/templates/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: cm}\ndata:\n  at: {{ toDate "2006-01-02 15:04" "2024-07-01 12:00" | quote }}\n  zone: {{ now.Location | quote }}\n',
  }
  const chartRequest = {
    fs: memoryFs(dates), kustomization: '', name: 'web', releaseName: 'web', chartPath: 'web', chartPresent: true,
    valuesFiles: () => [], includeCrds: false, skipTests: false, apiVersions: [],
  }

  it("follows the environment's TZ for kustomize's helmCharts, as the helm kustomize runs does; UTC without an environment", async () => {
    const paris = await helmChartRenderer({ env: { TZ: 'Europe/Paris' } })(chartRequest, {})
    expect(paris).toContain('at: "2024-07-01 12:00:00 +0200 CEST"\n  zone: "Europe/Paris"')
    const none = await helmChartRenderer()(chartRequest, {})
    expect(none).toContain('at: "2024-07-01 12:00:00 +0000 UTC"\n  zone: "UTC"')
  })

  it("renders HelmReleases in UTC, helm-controller's zone, whatever TZ the cli runs under", async () => {
    const text = await helmReleaseRenderer()({ helmRelease: 'apps/web', path: 'web', releaseName: 'web', namespace: 'apps', includeCrds: false, fs: memoryFs(dates), values: [] }, {})
    expect(text).toContain('at: "2024-07-01 12:00:00 +0000 UTC"\n  zone: "UTC"')
  })
})
