// Differential runs: the same chart through the SDK's renderChart and through the real helm.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { nodeFs } from '@gitops-sdk/core'
import { afterAll, beforeAll, expect } from 'vitest'
import { renderChart } from '../../src/index.js'
import { API_VERSIONS, KUBE_VERSION, helmTemplate } from './helmBinary.js'

/** One template case: a body, optional top-level defines, and the expected kind of result. */
export interface TemplateCase {
  readonly name: string
  readonly body: string
  /** `define`/`block` text placed before the case in the same file. */
  readonly defs?: string | undefined
}

/** The values every case sees. */
export const CASE_VALUES = `
str: hello
empty: ""
int: 42
zero: 0
neg: -7
float: 1.5
big: 3000000
huge: 12345678901234567890
tiny: 0.000001
bool: true
falsy: false
nil: null
list: [a, b, c]
nums: [3, 1, 2]
mixed: [1, "two", 3.5, true, null]
emptyList: []
map: {b: 2, a: 1, c: {d: "x"}}
emptyMap: {}
nested: {deep: {deeper: {value: found}}}
special: "<tag> & 'quote' \\"dq\\""
unicode: "héllo wörld ✓"
multiline: "line1\\nline2\\n"
spaces: "  padded  "
yes: yes
dotted.key: dotted
`

export interface ChartRun {
  readonly ok: boolean
  readonly text: string
}

/** Writes a chart with the given templates into a fresh temp dir; returns its path. */
export async function writeChart(templates: Readonly<Record<string, string>>, values: string = CASE_VALUES): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'helm-diff-'))
  await mkdir(join(dir, 'templates'))
  await writeFile(join(dir, 'Chart.yaml'), 'apiVersion: v2\nname: c\nversion: 0.1.0\nappVersion: "1.0"\ndescription: cases\n')
  await writeFile(join(dir, 'values.yaml'), values)
  for (const [name, text] of Object.entries(templates)) await writeFile(join(dir, 'templates', name), text)
  return dir
}

/** Helm's message without cobra's `Error: ` prefix and the `--debug` hint. */
export function helmMessage(stderr: string): string {
  return stderr
    .replace(/^Error: /, '')
    .replace(/\n\nUse --debug flag to render out invalid YAML\n$/, '')
    .replace(/\n$/, '')
}

/** Renders a chart directory through the SDK only. */
export async function renderSdk(dir: string): Promise<ChartRun> {
  try {
    const r = await renderChart('', { fs: nodeFs(dir), kubeVersion: KUBE_VERSION, apiVersions: API_VERSIONS })
    return { ok: true, text: r.text }
  } catch (err) {
    return { ok: false, text: (err as Error).message }
  }
}

/** Renders a chart directory through both sides. */
export async function renderBoth(dir: string): Promise<{ helm: ChartRun; sdk: ChartRun }> {
  const helm = await helmTemplate(dir)
  const sdk = await renderSdk(dir)
  return { helm: { ok: helm.ok, text: helm.ok ? helm.stdout : helmMessage(helm.stderr) }, sdk }
}

/** Removes a temp chart. */
export async function removeChart(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true })
}

/**
 * Splits `helm template` output into the case outputs (`out: "<base64>"` per file), byte for byte:
 * the text when the bytes are UTF-8, else `bytes <base64>` (a lossy decode to U+FFFD would hide a
 * difference in the raw bytes).
 */
export function caseOutputs(text: string): Map<string, string> {
  const out = new Map<string, string>()
  const re = /^# Source: c\/templates\/(case-\d+)\.yaml\nout: "([^"]*)"$/gm
  for (const m of text.matchAll(re)) out.set(m[1] ?? '', exactText(Buffer.from(m[2] ?? '', 'base64')))
  return out
}

/** The bytes as text when they are UTF-8 (decoding them back gives the same bytes), else as `bytes <base64>`. */
export function exactText(bytes: Buffer): string {
  const text = bytes.toString('utf8')
  return Buffer.from(text, 'utf8').equals(bytes) ? text : `bytes ${bytes.toString('base64')}`
}

/** The id of the `i`-th case in {@link caseTemplates}' chart. */
export function caseId(i: number): string {
  return `case-${String(i).padStart(3, '0')}`
}

/** The files of a chart holding every case, each wrapped so any output is valid YAML. */
export function caseTemplates(cases: readonly TemplateCase[]): Record<string, string> {
  const files: Record<string, string> = {}
  cases.forEach((c, i) => {
    const id = caseId(i)
    files[`_${id}.tpl`] = `${c.defs ?? ''}{{define "${id}"}}${c.body}{{end}}`
    files[`${id}.yaml`] = `out: {{ include "${id}" . | b64enc | quote }}\n`
  })
  return files
}

/** What helm and the SDK printed for one suite chart (filled by {@link suiteChart}'s beforeAll). */
export interface SuiteOutputs {
  helmText: string
  sdkText: string
  helm: Map<string, string>
  sdk: Map<string, string>
}

/**
 * Registers, in the calling describe block, one chart holding every case rendered by helm and by
 * the SDK before the tests (helm must succeed on it) and removed after them.
 */
export function suiteChart(cases: readonly TemplateCase[]): SuiteOutputs {
  const out: SuiteOutputs = { helmText: '', sdkText: '', helm: new Map(), sdk: new Map() }
  let dir = ''
  beforeAll(async () => {
    dir = await writeChart(caseTemplates(cases))
    const { helm, sdk } = await renderBoth(dir)
    if (!helm.ok) throw new Error(`helm failed on the suite chart: ${helm.text}`)
    out.helmText = helm.text
    out.sdkText = sdk.text
    out.helm = caseOutputs(helm.text)
    out.sdk = caseOutputs(sdk.text)
  })
  afterAll(async () => {
    await removeChart(dir)
  })
  return out
}

/** The suite chart's cases as `it.each` rows: name, id and body. */
export function caseRows(cases: readonly TemplateCase[]): { name: string; id: string; body: string }[] {
  return cases.map((c, i) => ({ name: c.name, id: caseId(i), body: c.body }))
}

/** Expects the SDK to have printed what helm printed for case `id` (whose template is `body`). */
export function expectSameCase(out: SuiteOutputs, id: string, body: string): void {
  const expected = out.helm.get(id)
  expect(expected, `helm printed no output for ${body}`).toBeDefined()
  expect({ body, out: out.sdk.get(id) ?? out.sdkText.slice(0, 2000) }).toEqual({ body, out: expected })
}

/** Renders a chart of the one template `text` through helm and the SDK: both must fail, with the same message. */
export async function expectSameFailure(text: string): Promise<void> {
  const dir = await writeChart({ 'x.yaml': text })
  try {
    const { helm: h, sdk } = await renderBoth(dir)
    expect(h.ok, `helm rendered ${text} without error`).toBe(false)
    expect({ text, ok: sdk.ok, message: sdk.text }).toEqual({ text, ok: false, message: h.text })
  } finally {
    await removeChart(dir)
  }
}
