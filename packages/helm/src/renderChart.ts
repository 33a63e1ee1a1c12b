import { type FileSystem, nodeFs, readTextFile } from '@gitops-sdk/core'
import { HelmError } from './errors.js'
import { EngineError, type TemplateFile, renderTemplates } from './internal/engine.js'
import { ManifestError, printManifests, sortManifests } from './internal/manifests.js'
import { type ChartMetadata, capabilities, chartObject, filesObject, releaseObject } from './internal/topLevel.js'
import { type GoMap, type GoValue, typedMap } from './internal/template/values.js'
import { YamlValuesError, parseYamlValue } from './internal/yamlValues.js'
import type { RenderedChart } from './types.js'

/** Options of {@link renderChart}. */
export interface RenderChartOptions {
  /** Where the chart is read from; `chart` is a path inside it. @defaultValue `nodeFs('/')` with `chart` absolute, or the working directory */
  readonly fs?: FileSystem | undefined
  /** `.Release.Name`. @defaultValue `'release-name'` (as `helm template` without a name) */
  readonly releaseName?: string | undefined
  /** `.Release.Namespace`. @defaultValue `'default'` */
  readonly namespace?: string | undefined
  /** `.Capabilities.KubeVersion` (`--kube-version`). @defaultValue `'v1.20.0'` (helm's default) */
  readonly kubeVersion?: string | undefined
  /** Extra `.Capabilities.APIVersions` (`--api-versions`). @defaultValue [] */
  readonly apiVersions?: readonly string[] | undefined
  /** Values merged over the chart's values.yaml (maps merge deeply; `null` deletes a key). */
  readonly values?: Readonly<Record<string, unknown>> | undefined
  /** Helm's strict mode: a missing map key is an error (missingkey=error). @defaultValue false */
  readonly strict?: boolean | undefined
  readonly signal?: AbortSignal | undefined
}

/** Files Helm's loader reads into the chart itself rather than `.Files`. */
const chartOwnFiles: ReadonlySet<string> = new Set([
  'Chart.yaml',
  'values.yaml',
  'values.schema.json',
  'Chart.lock',
  'requirements.yaml',
  'requirements.lock',
])

interface Failure {
  readonly code: 'HELM_CHART_INVALID' | 'HELM_VALUES_INVALID'
  readonly path: string
  readonly cause?: unknown
}

function fail(failure: Failure, message: string): never {
  throw new HelmError({ code: failure.code, message, details: { path: failure.path }, cause: failure.cause })
}

function str(m: GoMap, key: string): string | undefined {
  const v = m.get(key)
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined
}

function readMetadata(text: string, path: string): ChartMetadata {
  let v: GoValue
  try {
    v = parseYamlValue(text, path)
  } catch (err) {
    fail({ code: 'HELM_CHART_INVALID', path, cause: err }, `${path}: not valid YAML: ${(err as Error).message}`)
  }
  if (!(v instanceof Map)) fail({ code: 'HELM_CHART_INVALID', path }, `${path}: must be a mapping`)
  const name = str(v, 'name')
  const version = str(v, 'version')
  if (name === undefined || name === '') fail({ code: 'HELM_CHART_INVALID', path }, `${path}: validation: chart.metadata.name is required`)
  if (version === undefined || version === '') fail({ code: 'HELM_CHART_INVALID', path }, `${path}: validation: chart.metadata.version is required`)
  const list = (key: string): string[] => {
    const l = v.get(key)
    return Array.isArray(l) ? l.filter((x): x is string => typeof x === 'string') : []
  }
  const ann = v.get('annotations')
  const annotations: Record<string, string> = Object.create(null) as Record<string, string>
  if (ann instanceof Map) for (const [k, x] of ann) if (typeof x === 'string') annotations[k] = x
  return {
    name,
    version,
    apiVersion: str(v, 'apiVersion') ?? '',
    appVersion: str(v, 'appVersion'),
    description: str(v, 'description'),
    type: str(v, 'type'),
    home: str(v, 'home'),
    icon: str(v, 'icon'),
    kubeVersion: str(v, 'kubeVersion'),
    deprecated: v.get('deprecated') === true,
    keywords: list('keywords'),
    sources: list('sources'),
    annotations,
  }
}

/** Helm's coalescing of user values over chart values: maps merge, null deletes. */
function coalesce(base: GoMap, over: GoMap): GoMap {
  const out: GoMap = new Map(base)
  for (const [k, v] of over) {
    const b = out.get(k)
    if (v === null) out.delete(k)
    else if (v instanceof Map && b instanceof Map) out.set(k, coalesce(b, v))
    else out.set(k, v)
  }
  return out
}

function plainToGo(v: unknown): GoValue {
  if (v === undefined || v === null) return null
  if (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return v
  if (Array.isArray(v)) return v.map(plainToGo)
  if (typeof v === 'object') {
    const m: GoMap = new Map()
    for (const k of Object.keys(v)) m.set(k, plainToGo((v as Record<string, unknown>)[k]))
    return m
  }
  return typeof v === 'bigint' ? Number(v) : null
}

async function listFiles(fs: FileSystem, dir: string, signal: AbortSignal | undefined): Promise<string[]> {
  const out: string[] = []
  const walk = async (d: string): Promise<void> => {
    signal?.throwIfAborted()
    for (const e of await fs.readdir(d)) {
      const p = d === '' ? e.name : `${d}/${e.name}`
      if (e.type === 'directory') await walk(p)
      else if (e.type === 'file') out.push(p)
    }
  }
  await walk(dir)
  return out
}

/**
 * Renders one chart directory as `helm template` does: Chart.yaml, values.yaml (with `values`
 * merged over it), every file under `templates/` (partials `_*` shared, not printed), `.Release`,
 * `.Chart`, pinned `.Capabilities`, and the output sorted and printed with `# Source:` comments.
 * Subcharts, `crds/`, schema validation and `.Files` globbing are not handled yet.
 *
 * @experimental The renderer is new; its options may change in any minor.
 * @throws `HELM_CHART_INVALID` when Chart.yaml is missing or invalid, `HELM_VALUES_INVALID` for
 *   values.yaml that is not a YAML mapping, `HELM_TEMPLATE_PARSE` and `HELM_TEMPLATE_EXEC` with
 *   helm's message, `HELM_MANIFEST_INVALID` when a rendered document is not YAML.
 * @example
 * ```ts
 * const { text } = await renderChart('charts/web', { fs: nodeFs('.'), releaseName: 'web', kubeVersion: 'v1.32.0' })
 * process.stdout.write(text)
 * ```
 */
export async function renderChart(chart: string, options: RenderChartOptions = {}): Promise<RenderedChart> {
  const fs = options.fs ?? nodeFs(chart.startsWith('/') ? '/' : process.cwd())
  const root = chart.replace(/^\/+/, '').replace(/\/+$/, '')
  const at = (p: string): string => (root === '' ? p : `${root}/${p}`)
  const signal = options.signal
  signal?.throwIfAborted()
  let chartText: string
  try {
    chartText = await readTextFile(fs, at('Chart.yaml'))
  } catch (err) {
    fail({ code: 'HELM_CHART_INVALID', path: at('Chart.yaml'), cause: err }, `${at('Chart.yaml')}: cannot read the chart's Chart.yaml`)
  }
  const meta = readMetadata(chartText, at('Chart.yaml'))
  let values: GoMap = new Map()
  const valuesStat = await fs.stat(at('values.yaml'))
  if (valuesStat?.type === 'file') {
    const text = await readTextFile(fs, at('values.yaml'))
    let v: GoValue
    try {
      v = parseYamlValue(text, at('values.yaml'))
    } catch (err) {
      if (err instanceof YamlValuesError) fail({ code: 'HELM_VALUES_INVALID', path: at('values.yaml'), cause: err }, `${at('values.yaml')}: ${err.message}`)
      throw err
    }
    if (v instanceof Map) values = v
    else if (v !== null) fail({ code: 'HELM_VALUES_INVALID', path: at('values.yaml') }, `${at('values.yaml')}: values must be a mapping`)
  }
  if (options.values !== undefined) {
    const over = plainToGo(options.values)
    if (over instanceof Map) values = coalesce(values, over)
  }
  const templateFiles: TemplateFile[] = []
  const otherFiles = new Map<string, string>()
  const all = await listFiles(fs, root, signal)
  for (const path of all) {
    const rel = root === '' ? path : path.slice(root.length + 1)
    signal?.throwIfAborted()
    if (rel.startsWith('templates/')) {
      templateFiles.push({ name: `${meta.name}/${rel}`, text: await readTextFile(fs, path) })
    } else if (!chartOwnFiles.has(rel) && !rel.startsWith('charts/')) {
      otherFiles.set(rel, await readTextFile(fs, path))
    }
  }
  typedMap(values, 'common.Values')
  const top = (file: TemplateFile): GoValue =>
    typedMap(new Map<string, GoValue>([
      ['Capabilities', capabilities(options.kubeVersion ?? 'v1.20.0', options.apiVersions ?? [])],
      ['Chart', chartObject(meta, true)],
      ['Files', filesObject(otherFiles)],
      ['Release', releaseObject(options.releaseName ?? 'release-name', options.namespace ?? 'default')],
      ['Subcharts', new Map()],
      ['Template', typedMap(new Map<string, GoValue>([['BasePath', `${meta.name}/templates`], ['Name', file.name]]), 'common.Values')],
      ['Values', values],
    ]), 'common.Values')
  let files: Map<string, string>
  try {
    files = renderTemplates(templateFiles, top, { strict: options.strict })
  } catch (err) {
    if (err instanceof EngineError) {
      throw new HelmError({
        code: err.kind === 'parse' ? 'HELM_TEMPLATE_PARSE' : 'HELM_TEMPLATE_EXEC',
        message: err.message,
        details: { template: err.template },
        cause: err,
      })
    }
    throw err
  }
  let manifests
  try {
    manifests = sortManifests(files)
  } catch (err) {
    if (err instanceof ManifestError) {
      throw new HelmError({ code: 'HELM_MANIFEST_INVALID', message: err.message, details: { chart }, cause: err })
    }
    throw err
  }
  return { manifests, files, text: printManifests(manifests) }
}
