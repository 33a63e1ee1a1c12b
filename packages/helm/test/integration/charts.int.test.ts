// Charts with subcharts, dependencies and value overrides, through renderChart and helm template.
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { nodeFs } from '@gitops-sdk/core'
import { describe, expect, it } from 'vitest'
import { renderChart } from '../../src/index.js'
import { API_VERSIONS, KUBE_VERSION, helmBinary, helmTemplate } from '../helpers/helmBinary.js'

const charts = join(fileURLToPath(new URL('.', import.meta.url)), '..', 'fixtures', 'charts')
const helm = helmBinary()

interface ChartCase {
  readonly name: string
  readonly chart: string
  readonly includeCrds?: boolean
  readonly values?: Record<string, unknown>
  readonly helmArgs?: readonly string[]
}

const cases: ChartCase[] = [
  // alias, tags, condition (YAML 1.1: the dependency `off` is named "false"), import-values both
  // forms, a .tgz subchart, a library chart, a nested subchart, globals, null deletion, crds/
  { name: 'umbrella with --include-crds', chart: 'umbrella', includeCrds: true, helmArgs: ['--include-crds'] },
  {
    name: 'umbrella with user values over the defaults',
    chart: 'umbrella',
    values: { tags: { extra: false }, sub2: { replicas: null, kept: 'user' }, global: { env: 'stage', extra: [1, 2] }, imported: null },
    helmArgs: ['--set-json', 'tags={"extra":false}', '--set', 'sub2.replicas=null,sub2.kept=user', '--set-json', 'global={"env":"stage","extra":[1,2]}', '--set', 'imported=null'],
  },
  // .helmignore: base-name and path rules, directories, the templates/.?* default, and a
  // subchart's own .helmignore left unread (only the top chart's applies, as in helm)
  { name: 'a chart with .helmignore', chart: 'ignored' },
  // every copy of an aliased subchart has its own children, so paths and values follow the tree
  {
    name: 'nested subcharts under an alias',
    chart: 'nested',
    values: { mid: { leaf: { on: false } }, midA: { leaf: { v: 4 }, leafy: { deep: { v: 2 } } } },
    helmArgs: ['--set', 'mid.leaf.on=false,midA.leaf.v=4,midA.leafy.deep.v=2'],
  },
  // dependency versions as Masterminds/semver reads them: a bare 1.5 is ~1.5, comma and, or,
  // hyphen, caret, pre-releases only for a group naming one, no version matching nothing
  { name: 'dependency version constraints', chart: 'depversions' },
]

describe.skipIf(helm === undefined)('charts through renderChart and helm template', () => {
  it.each(cases)('$name', async ({ chart, includeCrds, values, helmArgs }) => {
    const expected = await helmTemplate(join(charts, chart), { releaseName: 'rel', extraArgs: helmArgs })
    expect(expected.stderr).toBe('')
    const result = await renderChart(chart, { fs: nodeFs(charts), releaseName: 'rel', kubeVersion: KUBE_VERSION, apiVersions: API_VERSIONS, includeCrds, values })
    expect(result.text).toBe(expected.stdout)
  })
})
