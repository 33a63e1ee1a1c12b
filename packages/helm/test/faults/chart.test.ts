// Bad input against renderChart and renderTemplate (issue 12): each case ends in a typed error whose
// message names its subject, the file system is left as it was, and no prototype changes.
import { isGitOpsError, memoryFs } from '@gitops-sdk/core'
import type { MemoryFileSystem } from '@gitops-sdk/core'
import { afterEach, describe, expect, it } from 'vitest'
import { assertNoPollution, plantedProperty, pollutingYaml } from '../../../../testing/pollution.js'
import { renderChart, renderTemplate } from '../../src/index.js'
import { chartRejection } from '../helpers/chartRejection.js'

afterEach(() => {
  assertNoPollution()
})

const chartYaml = 'apiVersion: v2\nname: c\nversion: 0.1.0\n'

const rejection = (fs: MemoryFileSystem, chart = 'c'): Promise<{ code: string; message: string }> => chartRejection(fs, { chart })

const bomb = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ...'bcdefghi'.split('').map((n, i) => `${n}: &${n} [${Array(9).fill(`*${'abcdefghi'[i]}`).join(',')}]`),
].join('\n')

describe('renderChart on bad charts', () => {
  it('refuses a chart without Chart.yaml, naming the file', async () => {
    const r = await rejection(memoryFs({ 'c/templates/x.yaml': 'a: 1\n' }))
    expect(r).toMatchObject({ code: 'HELM_CHART_INVALID', message: expect.stringMatching(/^c\/Chart\.yaml: /) as unknown })
  })

  it('refuses a kube version that does not parse with a typed error naming it', async () => {
    const fs = memoryFs({ 'c/Chart.yaml': chartYaml, 'c/templates/a.yaml': 'a: 1\n' })
    // helm's texts (Kubernetes' generic version parser); the differential suite checks them against helm.
    const reasons: [string, string][] = [
      ['bad', 'could not parse "bad" as version'],
      ['v1', 'illegal version string "v1"'],
      ['1.x.0', 'illegal version string "1.x.0"'],
      ['v1.32\n', 'could not parse "v1.32\\n" as version'],
      ['v01.2', 'illegal zero-prefixed version component "01" in "v01.2"'],
      ['1.99999999999999999999', 'illegal non-numeric version component "99999999999999999999" in "1.99999999999999999999": strconv.ParseUint: parsing "99999999999999999999": value out of range'],
    ]
    for (const [kubeVersion, reason] of reasons) {
      const err: unknown = await renderChart('c', { fs, kubeVersion }).then(() => undefined, (e: unknown) => e)
      expect(isGitOpsError(err, 'HELM_OPTION_INVALID'), String(err)).toBe(true)
      expect((err as Error).message).toBe(`invalid kube version '${kubeVersion}': ${reason}`)
    }
    expect((await renderChart('c', { fs, kubeVersion: 'v1.32.0' })).text).toContain('a: 1')
  })

  it('refuses Chart.yaml without a name or version', async () => {
    expect(await rejection(memoryFs({ 'c/Chart.yaml': 'apiVersion: v2\nversion: 1.0.0\n' }))).toEqual({
      code: 'HELM_CHART_INVALID',
      message: 'c/Chart.yaml: validation: chart.metadata.name is required',
    })
    expect(await rejection(memoryFs({ 'c/Chart.yaml': 'apiVersion: v2\nname: c\n' }))).toMatchObject({ code: 'HELM_CHART_INVALID' })
  })

  it('refuses Chart.yaml and values.yaml whose bytes are not UTF-8 or hold a control character, with go-yaml\'s reason', async () => {
    const bytes = (text: string): Uint8Array => Buffer.from(text, 'latin1')
    expect(await rejection(memoryFs({ 'c/Chart.yaml': bytes(`${chartYaml}description: x\xc3`) }))).toEqual({
      code: 'HELM_CHART_INVALID',
      message: 'c/Chart.yaml: error converting YAML to JSON: yaml: incomplete UTF-8 octet sequence',
    })
    expect(await rejection(memoryFs({ 'c/Chart.yaml': chartYaml, 'c/values.yaml': bytes('a: x\xff\n') }))).toEqual({
      code: 'HELM_VALUES_INVALID',
      message: 'c/values.yaml: error converting YAML to JSON: yaml: invalid leading UTF-8 octet',
    })
    expect(await rejection(memoryFs({ 'c/Chart.yaml': chartYaml, 'c/values.yaml': 'a: "\u0001"\n' }))).toEqual({
      code: 'HELM_VALUES_INVALID',
      message: 'c/values.yaml: error converting YAML to JSON: yaml: control characters are not allowed',
    })
  })

  it('refuses a plain file in charts/ and a directory named like an archive there, as helm does', async () => {
    // helm: `error unpacking subchart foo in c: Chart.yaml file is missing`, and the text below for the directory.
    expect(await rejection(memoryFs({ 'c/Chart.yaml': chartYaml, 'c/charts/foo': 'hi\n' }))).toEqual({
      code: 'HELM_CHART_INVALID',
      message: 'c/charts/foo: error unpacking subchart foo in c: Chart.yaml file is missing',
    })
    // helm: `error unpacking subchart sub in c: Chart.yaml file is missing` for a directory without one.
    expect(await rejection(memoryFs({ 'c/Chart.yaml': chartYaml, 'c/charts/sub/README.md': 'hi\n' }))).toEqual({
      code: 'HELM_CHART_INVALID',
      message: 'c/charts/sub: error unpacking subchart sub in c: Chart.yaml file is missing',
    })
    expect(await rejection(memoryFs({ 'c/Chart.yaml': chartYaml, 'c/charts/sub.tgz/Chart.yaml': 'apiVersion: v2\nname: sub\nversion: 0.1.0\n' }))).toEqual({
      code: 'HELM_CHART_INVALID',
      message: 'c/charts/sub.tgz: error unpacking subchart tar in c: expected sub.tgz, got sub.tgz/Chart.yaml',
    })
  })

  it('refuses values.yaml that is not a mapping or not YAML', async () => {
    expect(await rejection(memoryFs({ 'c/Chart.yaml': chartYaml, 'c/values.yaml': '- a\n- b\n' }))).toEqual({
      code: 'HELM_VALUES_INVALID',
      message: 'c/values.yaml: values must be a mapping',
    })
    const r = await rejection(memoryFs({ 'c/Chart.yaml': chartYaml, 'c/values.yaml': 'a: [1, 2\n' }))
    expect(r).toMatchObject({ code: 'HELM_VALUES_INVALID', message: expect.stringMatching(/^c\/values\.yaml: /) as unknown })
    // go-yaml v2 refuses a sequence or mapping as a key, as helm says.
    expect(await rejection(memoryFs({ 'c/Chart.yaml': chartYaml, 'c/values.yaml': 'a:\n  ? [x, 1]\n  : b\n' }))).toEqual({
      code: 'HELM_VALUES_INVALID',
      message: 'c/values.yaml: error converting YAML to JSON: yaml: invalid map key: []interface {}{"x", 1}',
    })
    // and, converting it to JSON, an infinity or NaN.
    expect(await rejection(memoryFs({ 'c/Chart.yaml': chartYaml, 'c/values.yaml': 'b: [1, -.inf]\na: {x: .nan}\n' }))).toEqual({
      code: 'HELM_VALUES_INVALID',
      message: 'c/values.yaml: error converting YAML to JSON: json: unsupported value: NaN',
    })
    // and a \\u escape of a surrogate, even paired, which go-yaml refuses (the line when not the first).
    expect(await rejection(memoryFs({ 'c/Chart.yaml': chartYaml, 'c/values.yaml': 'a: 1\nb: "\\ud83d\\ude00"\n' }))).toEqual({
      code: 'HELM_VALUES_INVALID',
      message: 'c/values.yaml: error converting YAML to JSON: yaml: line 2: found invalid Unicode character escape code',
    })
  })

  it('refuses an alias bomb in values.yaml at once', async () => {
    const r = await rejection(memoryFs({ 'c/Chart.yaml': chartYaml, 'c/values.yaml': bomb }))
    expect(r).toMatchObject({ code: 'HELM_VALUES_INVALID', message: expect.stringMatching(/^c\/values\.yaml: /) as unknown })
  })

  it('names the template of a parse or execution error', async () => {
    const parse = await rejection(memoryFs({ 'c/Chart.yaml': chartYaml, 'c/templates/x.yaml': '{{ if }}' }))
    expect(parse).toEqual({ code: 'HELM_TEMPLATE_PARSE', message: 'parse error at (c/templates/x.yaml:1): missing value for if' })
    const exec = await rejection(memoryFs({ 'c/Chart.yaml': chartYaml, 'c/templates/x.yaml': 'a: {{ fail "no" }}' }))
    expect(exec).toEqual({ code: 'HELM_TEMPLATE_EXEC', message: 'execution error at (c/templates/x.yaml:1:6): no' })
  })

  it('refuses rendered output that is not YAML, naming the template', async () => {
    const r = await rejection(memoryFs({ 'c/Chart.yaml': chartYaml, 'c/templates/x.yaml': 'just text\n' }))
    expect(r).toMatchObject({ code: 'HELM_MANIFEST_INVALID', message: expect.stringMatching(/^YAML parse error on c\/templates\/x\.yaml: /) as unknown })
  })

  it('stops endless include recursion with a typed error', async () => {
    const text = '{{ define "r" }}{{ include "r" . }}{{ end }}a: {{ include "r" . }}'
    const r = await rejection(memoryFs({ 'c/Chart.yaml': chartYaml, 'c/templates/x.yaml': text }))
    expect(r.code).toBe('HELM_TEMPLATE_EXEC')
  })

  it.each(pollutingYaml)('keeps hostile keys of values as data: %s', async (values) => {
    const fs = memoryFs({
      'c/Chart.yaml': chartYaml,
      'c/values.yaml': values,
      'c/templates/x.yaml': 'keys: {{ keys .Values | sortAlpha | toJson }}\n',
    })
    const result = await renderChart('c', { fs })
    expect(result.text).toContain('keys: ')
    expect(({} as Record<string, unknown>)[plantedProperty]).toBeUndefined()
  })
})

describe('renderTemplate on bad templates', () => {
  it('keeps a deeply nested template within the stack, as a typed error', () => {
    const text = `${'{{ if true }}'.repeat(5000)}x${'{{ end }}'.repeat(5000)}`
    let code = ''
    try {
      renderTemplate(text, {})
    } catch (err) {
      code = isGitOpsError(err) ? err.code : String(err)
    }
    expect(['', 'HELM_TEMPLATE_PARSE', 'HELM_TEMPLATE_EXEC']).toContain(code)
  })
})
