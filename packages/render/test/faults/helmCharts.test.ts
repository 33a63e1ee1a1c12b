// Bad helmCharts entries and failing renderers: each ends in a typed RenderError naming the
// kustomization file and the entry, the renderer is not called for an entry that is refused,
// polluting keys in valuesInline stay plain data, and the file system is left as it was.
import { memoryFs } from '@gitops-sdk/core'
import type { FileSystem } from '@gitops-sdk/core'
import { describe, expect, it } from 'vitest'
import { assertNoPollution } from '../../../../testing/pollution.js'
import { isRenderError, render } from '../../src/index.js'
import type { HelmChartRequest, RenderHelmChart } from '../../src/index.js'

const chart = { 'app/charts/web/Chart.yaml': 'apiVersion: v2\nname: web\nversion: 1.0.0\n', 'app/charts/web/values.yaml': 'a: 1\n' }

async function failure(files: Record<string, string>, renderer?: RenderHelmChart): Promise<{ code: string; message: string; cause: unknown; calls: number; fs: FileSystem }> {
  const fs = memoryFs({ ...chart, ...files })
  const before = fs.paths().sort()
  let calls = 0
  const counting: RenderHelmChart | undefined = renderer === undefined ? undefined : (r, o) => ((calls += 1), renderer(r, o))
  try {
    await render('app', { fs, renderHelmChart: counting })
  } catch (err) {
    if (!isRenderError(err)) throw err
    expect(fs.paths().sort()).toEqual(before)
    return { code: err.code, message: err.message, cause: err.cause, calls, fs }
  }
  throw new Error('expected a failure')
}

const ok: RenderHelmChart = async () => 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: x\n'

describe('render helmCharts faults', () => {
  it.each([
    { name: 'no renderer (no --enable-helm)', k: 'helmCharts: [{name: web}]', code: 'RENDER_PLUGIN_UNSUPPORTED', says: 'app/kustomization.yaml: helmCharts: helm charts are not enabled', renderer: undefined },
    { name: 'an entry without a name', k: 'helmCharts: [{releaseName: r}]', code: 'RENDER_HELM_FAILED', says: 'app/kustomization.yaml: helmCharts[0]: chart name cannot be empty' },
    { name: 'a name that is a path', k: 'helmCharts: [{name: ../web}]', code: 'RENDER_HELM_FAILED', says: "chart name '../web' must not be a path" },
    { name: 'an unknown valuesMerge', k: 'helmCharts: [{name: web, valuesMerge: deep}]', code: 'RENDER_HELM_FAILED', says: 'valuesMerge must be one of [override replace merge]' },
    { name: 'a chart neither local nor with a repo', k: 'helmCharts: [{name: api}]', code: 'RENDER_HELM_FAILED', says: "no repo specified for pull, no chart found at 'app/charts/api'" },
    { name: 'a valuesFile outside the kustomization', k: 'helmCharts: [{name: web, valuesFile: ../secret.yaml}]', code: 'RENDER_PATH_ESCAPES_ROOT', says: "security; file '../secret.yaml' is not in or below 'app'" },
    { name: 'a chartHome outside the kustomization', k: 'helmGlobals: {chartHome: ../elsewhere}\nhelmCharts: [{name: web}]', code: 'RENDER_PATH_ESCAPES_ROOT', says: 'is not in or below' },
    { name: 'a missing additional values file', k: 'helmCharts: [{name: web, additionalValuesFiles: [nope.yaml]}]', code: 'RENDER_FILE_NOT_FOUND', says: "'app/nope.yaml' doesn't exist" },
    { name: 'a mistyped includeCRDs', k: 'helmCharts: [{name: web, includeCRDs: "yes"}]', code: 'RENDER_HELM_FAILED', says: 'includeCRDs must be true or false' },
    { name: 'the old helmChartInflationGenerator', k: 'helmChartInflationGenerator: [{chartName: web}]', code: 'RENDER_PLUGIN_UNSUPPORTED', says: 'helmChartInflationGenerator is not supported' },
  ])('refuses $name with $code before rendering', async ({ k, code, says, ...rest }) => {
    const f = await failure({ 'app/kustomization.yaml': `${k}\n`, 'secret.yaml': 'a: 1\n' }, 'renderer' in rest ? undefined : ok)
    expect(f.code).toBe(code)
    expect(f.message).toContain(says)
    expect(f.calls).toBe(0)
  })

  it('wraps a renderer failure with the entry named and the error as cause', async () => {
    const boom = Object.assign(new Error('template: web/templates/x.yaml:1:3: bad'), { code: 'HELM_TEMPLATE_PARSE' })
    const f = await failure({ 'app/kustomization.yaml': 'helmCharts: [{name: web}]\n' }, async () => Promise.reject(boom))
    expect([f.code, f.message]).toEqual(['RENDER_HELM_FAILED', "app/kustomization.yaml: helmCharts[0]: chart 'web': template: web/templates/x.yaml:1:3: bad"])
    expect(f.cause).toBe(boom)
  })

  it('refuses renderer output that is not Kubernetes objects', async () => {
    const f = await failure({ 'app/kustomization.yaml': 'helmCharts: [{name: web}]\n' }, async () => 'just: text\n')
    expect(f.code).toBe('RENDER_YAML_INVALID')
    expect(f.message).toContain('app/kustomization.yaml: helmCharts[0]')
  })

  it('rejects with the signal\'s reason when aborted inside the renderer', async () => {
    const controller = new AbortController()
    const reason = new Error('stop')
    const fs = memoryFs({ ...chart, 'app/kustomization.yaml': 'helmCharts: [{name: web}]\n' })
    const renderer: RenderHelmChart = async () => {
      controller.abort(reason)
      return Promise.reject(reason)
    }
    await expect(render('app', { fs, renderHelmChart: renderer, signal: controller.signal })).rejects.toBe(reason)
  })

  it('keeps polluting keys of valuesInline as plain data in the merged values', async () => {
    let seen: HelmChartRequest | undefined
    const fs = memoryFs({ ...chart, 'app/kustomization.yaml': 'helmCharts:\n- name: web\n  valuesInline:\n    __proto__: {gitopsPolluted: 1}\n    constructor: {prototype: {gitopsPolluted: 1}}\n' })
    await render('app', { fs, renderHelmChart: async (r, o) => ((seen = r), ok(r, o)) })
    const files = seen?.valuesFiles('a: 1\n') ?? []
    expect(files.map((f) => f.source)).toEqual(['valuesInline'])
    expect(files[0]?.text).toContain('__proto__:')
    assertNoPollution()
  })
})
