// Bad charts with subcharts and bad value overrides (issue 19): each case ends in a typed error
// naming its subject, the files are left as they were, and no prototype changes.
import { gzipSync } from 'node:zlib'
import { memoryFs } from '@gitops-sdk/core'
import { afterEach, describe, expect, it } from 'vitest'
import { assertNoPollution, plantedProperty, pollutingFieldPaths, pollutingJson, pollutingYaml } from '../../../../testing/pollution.js'
import { parseSetValues, parseValues, renderChart } from '../../src/index.js'
import { chartRejection } from '../helpers/chartRejection.js'
import { typedFailure } from '../helpers/typedFailure.js'

afterEach(() => {
  assertNoPollution()
})

const chartYaml = (name: string, extra = ''): string => `apiVersion: v2\nname: ${name}\nversion: 0.1.0\n${extra}`

const rejection = (files: Record<string, string | Uint8Array>, values?: Record<string, unknown>): Promise<{ code: string; message: string }> => chartRejection(memoryFs(files), { values })

describe('renderChart on bad charts with subcharts', () => {
  it('names a dependency that charts/ does not hold, with helm text', async () => {
    const r = await rejection({ 'c/Chart.yaml': chartYaml('c', 'dependencies:\n- name: gone\n  version: 1.0.0\n') })
    expect(r).toEqual({
      code: 'HELM_DEPENDENCY_MISSING',
      message: 'an error occurred while checking for chart dependencies. You may need to run `helm dependency build` to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: gone',
    })
  })

  it('names a subchart whose Chart.yaml is missing or invalid', async () => {
    const missing = await rejection({ 'c/Chart.yaml': chartYaml('c'), 'c/charts/s/values.yaml': 'a: 1\n' })
    expect(missing).toEqual({ code: 'HELM_CHART_INVALID', message: 'c/charts/s: error unpacking subchart s in c: Chart.yaml file is missing' })
    const bad = await rejection({ 'c/Chart.yaml': chartYaml('c'), 'c/charts/s/Chart.yaml': 'name: [\n' })
    expect(bad).toMatchObject({ code: 'HELM_CHART_INVALID', message: expect.stringMatching(/^c\/charts\/s\/Chart\.yaml: not valid YAML/) as unknown })
    const nameless = await rejection({ 'c/Chart.yaml': chartYaml('c'), 'c/charts/s/Chart.yaml': 'apiVersion: v2\nversion: 1.0.0\n' })
    expect(nameless).toEqual({ code: 'HELM_CHART_INVALID', message: 'c/charts/s/Chart.yaml: validation: chart.metadata.name is required' })
  })

  it('refuses a broken .tgz subchart and one that escapes its folder', async () => {
    const r = await rejection({ 'c/Chart.yaml': chartYaml('c'), 'c/charts/s-1.0.0.tgz': new Uint8Array([1, 2, 3]) })
    expect(r).toMatchObject({ code: 'HELM_CHART_INVALID', message: expect.stringMatching(/^c\/charts\/s-1\.0\.0\.tgz: not a gzipped archive/) as unknown })
    const header = Buffer.alloc(512)
    header.write('s/../../evil.yaml', 0)
    header.write('0000000', 124)
    header.write('0', 156)
    const escaping = gzipSync(Buffer.concat([header, Buffer.alloc(1024)]))
    const e = await rejection({ 'c/Chart.yaml': chartYaml('c'), 'c/charts/s.tgz': escaping })
    expect(e).toMatchObject({ code: 'HELM_CHART_INVALID', message: expect.stringMatching(/^c\/charts\/s\.tgz: chart illegally references parent directory/) as unknown })
  })

  it('stops subcharts nested past 20 levels (a self-containing tree) with a typed error', async () => {
    const files: Record<string, string> = {}
    let dir = 'c'
    for (let i = 0; i < 25; i++) {
      files[`${dir}/Chart.yaml`] = chartYaml(`n${i}`)
      dir = `${dir}/charts/n${i + 1}`
    }
    const r = await rejection(files)
    expect(r).toMatchObject({ code: 'HELM_CHART_INVALID', message: expect.stringMatching(/subcharts nested too deep$/) as unknown })
  })

  it('refuses a library chart as the chart to render', async () => {
    const r = await rejection({ 'c/Chart.yaml': chartYaml('c', 'type: library\n') })
    expect(r).toEqual({ code: 'HELM_CHART_INVALID', message: 'c: library charts are not installable' })
  })

  it('names the subchart template of an error', async () => {
    const r = await rejection({ 'c/Chart.yaml': chartYaml('c'), 'c/charts/s/Chart.yaml': chartYaml('s'), 'c/charts/s/templates/x.yaml': 'a: {{ fail "sub" }}\n' })
    expect(r).toEqual({ code: 'HELM_TEMPLATE_EXEC', message: 'execution error at (c/charts/s/templates/x.yaml:1:6): sub' })
  })

  it('refuses a subchart section that is not a map', async () => {
    const r = await rejection({ 'c/Chart.yaml': chartYaml('c'), 'c/values.yaml': 's: text\n', 'c/charts/s/Chart.yaml': chartYaml('s') })
    expect(r).toMatchObject({ code: 'HELM_VALUES_INVALID', message: expect.stringMatching(/^type mismatch on s: /) as unknown })
  })

  it.each(pollutingYaml)('keeps hostile keys of a subchart and of globals as data: %s', async (yaml) => {
    const fs = memoryFs({
      'c/Chart.yaml': chartYaml('c'),
      'c/values.yaml': `global:\n${yaml.replace(/^/gm, '  ')}s:\n${yaml.replace(/^/gm, '  ')}`,
      'c/charts/s/Chart.yaml': chartYaml('s'),
      'c/charts/s/values.yaml': yaml,
      'c/charts/s/templates/x.yaml': 'keys: {{ keys .Values | sortAlpha | toJson }}\n',
    })
    const result = await renderChart('c', { fs })
    expect(result.text).toContain('keys: ')
    expect(({} as Record<string, unknown>)[plantedProperty]).toBeUndefined()
  })
})

describe('value overrides on bad input', () => {
  it.each([
    ['a.b', 'failed parsing --set data: key "a.b" has no value'],
    ['a,', 'failed parsing --set data: key "a" has no value (cannot end with ,)'],
    ['a[-1]=x', 'failed parsing --set data: error parsing index: negative -1 index not allowed'],
    ['a[70000]=x', 'failed parsing --set data: index of 70000 is greater than maximum supported index of 65536'],
    ['a={b,c', "failed parsing --set data: list must terminate with '}'"],
  ])('refuses --set %s with helm text', (expr, message) => {
    expect(typedFailure(() => parseSetValues(expr))).toEqual({ code: 'HELM_VALUES_INVALID', message: message.replace('key "a.b"', 'key "b"') })
  })

  it('refuses names nested past helm limit and bad JSON', () => {
    expect(typedFailure(() => parseSetValues(`${'a.'.repeat(40)}b=1`)).code).toBe('HELM_VALUES_INVALID')
    expect(typedFailure(() => parseSetValues('a={', { type: 'json' })).message).toMatch(/^failed parsing --set-json data: /)
  })

  it('refuses a values file that is not a map, naming it', () => {
    expect(typedFailure(() => parseValues('- a\n', { source: 'prod.yaml' }))).toEqual({ code: 'HELM_VALUES_INVALID', message: 'prod.yaml: values must be a mapping' })
    expect(typedFailure(() => parseValues('{a: {{b: 1}: 2}}\n', { source: 'prod.yaml' }))).toEqual({
      code: 'HELM_VALUES_INVALID',
      message: 'prod.yaml: error converting YAML to JSON: yaml: invalid map key: map[interface {}]interface {}{"b":1}',
    })
    expect(typedFailure(() => parseValues('a: .inf\n', { source: 'prod.yaml' }))).toEqual({
      code: 'HELM_VALUES_INVALID',
      message: 'prod.yaml: error converting YAML to JSON: json: unsupported value: +Inf',
    })
  })

  it.each(pollutingFieldPaths)('keeps a hostile --set path as data: %s', (path) => {
    const values = parseSetValues(`${path}=yes`)
    expect(Object.getPrototypeOf(values)).toBeNull()
    expect(({} as Record<string, unknown>)[plantedProperty]).toBeUndefined()
  })

  it.each(pollutingJson)('keeps hostile --set-json and values files as data: %s', async (json) => {
    const values = parseValues(json, { source: 'v.yaml', values: parseSetValues(json, { type: 'json' }) })
    const fs = memoryFs({ 'c/Chart.yaml': chartYaml('c'), 'c/templates/x.yaml': 'keys: {{ keys .Values | sortAlpha | toJson }}\n' })
    const result = await renderChart('c', { fs, values })
    expect(result.text).toContain('keys: ')
    expect(({} as Record<string, unknown>)[plantedProperty]).toBeUndefined()
  })
})
