// Values files and templates whose brackets do not nest (in quoted strings, comments and block
// scalars) fail core's cheap nesting scan; the real measure lets them through, and the chart
// renders as `helm template` renders it. Real nesting past the budget is still refused, typed.
import { afterAll, describe, expect, it } from 'vitest'
import { helmBinary } from '../helpers/helmBinary.js'
import { removeChart, renderBoth, renderSdk, writeChart } from '../helpers/differential.js'

const helm = helmBinary()
const brackets = '['.repeat(1200) + '{'.repeat(1200)
// In template text `{{` starts an action: there the braces are spaced.
const textBrackets = '['.repeat(1200) + '{ '.repeat(1200)
const dirs: string[] = []
afterAll(async () => {
  for (const d of dirs) await removeChart(d)
})

const values = [
  `# ${brackets}`,
  `re: "^${brackets}\\\\[x\\\\]$"`,
  `single: '${brackets} '' ${brackets}'`,
  'script: |',
  `  match = ${brackets}`,
  `  ${' '.repeat(1100)}${brackets}`,
  `plain: x${brackets}`,
  `list: ["${brackets}", {k: '${brackets}'}]`,
  '',
].join('\n')

const template = [
  'apiVersion: v1',
  'kind: ConfigMap',
  'metadata:',
  `  name: patterns # ${textBrackets}`,
  'data:',
  '  re: {{ .Values.re | quote }}',
  '  single: {{ .Values.single | quote }}',
  '  script: |',
  '{{ .Values.script | indent 4 }}',
  '  plain: {{ .Values.plain }}',
  '  all: {{ toJson .Values | quote }}',
  `  literal: "${textBrackets}"`,
  '',
].join('\n')

describe.skipIf(helm === undefined)('charts whose brackets do not nest, through the SDK and helm', () => {
  it('renders values and a template holding 2,400 brackets in strings, comments and block scalars as helm does', async () => {
    const dir = await writeChart({ 'cm.yaml': template }, values)
    dirs.push(dir)
    const { helm: h, sdk } = await renderBoth(dir)
    expect(h.ok, h.text.slice(0, 500)).toBe(true)
    expect(sdk.ok, sdk.text.slice(0, 500)).toBe(true)
    expect(sdk.text).toBe(h.text)
  })
})

describe('charts nested past the budget', () => {
  it('refuses values nested 1,001 real levels deep, naming values.yaml and the line', async () => {
    const dir = await writeChart({ 'cm.yaml': 'kind: ConfigMap\n' }, `# ${brackets}\nx: 1\ny: ${'['.repeat(1000)}${']'.repeat(1000)}\n`)
    dirs.push(dir)
    const sdk = await renderSdk(dir)
    expect(sdk.ok).toBe(false)
    expect(sdk.text).toMatch(/values\.yaml.*line 3: nested more than 1000 levels deep/)
  })
})
