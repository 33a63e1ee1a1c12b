import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'
import { runIsolated } from '../../../../testing/isolated.js'

// A failure message with a long run of spaces without a line break (a YAML or plugin error quoting
// the input) on which making it one line took seconds: run from the sources in a child process
// (testing/isolated.ts), bounded, so that a regression fails the test instead of holding the test
// runner. Not a timing test: the bound is far from the linear time.
const here = fileURLToPath(new URL('.', import.meta.url))

describe('patterns that backtracked', () => {
  it('makes one line of a failure message with a long run of spaces in linear time', async () => {
    const run = await runIsolated(`
      import { renderError } from '../../src/internal/build/fail.js'
      const error = renderError('RENDER_KUSTOMIZATION_INVALID', { file: 'app/kustomization.yaml', field: '' }, 'bad' + ' '.repeat(300_000) + 'value \\n  here')
      console.log(error.code, error.message.includes('\\n'), JSON.stringify(error.message.slice(-12)))`, here, 20_000)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.trim()).toBe('RENDER_KUSTOMIZATION_INVALID false "  value here"')
  })

  it('reads a replacement field path with a long run of brackets in linear time', async () => {
    const run = await runIsolated(`
      import { memoryFs } from '@gitops-sdk/core'
      import { render } from '../../src/index.js'
      const fieldPath = '[a.' + ']'.repeat(300_000) + 'b'
      const fs = memoryFs({
        'kustomization.yaml': "resources: [cm.yaml]\\nreplacements:\\n- source: {kind: ConfigMap, fieldPath: '" + fieldPath + "'}\\n  targets:\\n  - select: {kind: ConfigMap}\\n    fieldPaths: [data.k]\\n",
        'cm.yaml': 'apiVersion: v1\\nkind: ConfigMap\\nmetadata: {name: a}\\ndata: {k: v}\\n',
      })
      console.log(await render('.', { fs }).then(() => 'rendered', (e) => e.code))`, here, 20_000)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.trim()).toBe('RENDER_TRANSFORM_FAILED')
  })

  it('reads a helmGlobals chartHome with a long run of slashes in linear time', async () => {
    const run = await runIsolated(`
      import { memoryFs } from '@gitops-sdk/core'
      import { render } from '../../src/index.js'
      const fs = memoryFs({
        'app/kustomization.yaml': 'helmGlobals: {chartHome: "charts' + '/'.repeat(300_000) + 'x"}\\nhelmCharts: [{name: web}]\\n',
        'app/charts/web/Chart.yaml': 'apiVersion: v2\\nname: web\\nversion: 1.0.0\\n',
      })
      const renderHelmChart = async () => 'apiVersion: v1\\nkind: ConfigMap\\nmetadata:\\n  name: x\\n'
      console.log(await render('app', { fs, renderHelmChart }).then(() => 'rendered', (e) => e.code))`, here, 20_000)
    expect(run.status, run.stderr).toBe(0)
    expect(run.stdout.trim()).toBe('RENDER_HELM_FAILED')
  })
})
