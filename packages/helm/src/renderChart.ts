import { type Clock, type FileSystem, isGitOpsError, nodeFs } from '@gitops-sdk/core'
import { type SetValue, parseSetValues, setValueOrder } from './parseSetValues.js'
import { HelmError } from './errors.js'
import { EngineError, type TemplateFile, renderTemplates } from './internal/engine.js'
import { ManifestError, printManifests, sortManifests } from './internal/manifests.js'
import { chartValues } from './internal/chart/coalesce.js'
import { missingDependencies, processEnabled, processImportValues } from './internal/chart/dependencies.js'
import { type Chart, LoadError, loadChartDir } from './internal/chart/load.js'
import { SchemaFileError, schemaViolations } from './internal/chart/schema.js'
import { capabilities, chartObject, filesObject, releaseObject } from './internal/topLevel.js'
import { FuncError, type GoMap, type GoStruct, type GoValue, int64, namedView, typedMap } from './internal/template/values.js'
import type { RenderedChart } from './types.js'
import type { HelmTimeZone } from './timeZone.js'

/** Options of {@link renderChart}. */
export interface RenderChartOptions {
  /** Where the chart is read from; `chart` is a path inside it. @defaultValue `nodeFs('/')` with `chart` absolute, or the working directory */
  readonly fs?: FileSystem | undefined
  /** `.Release.Name`. @defaultValue `'release-name'` (as `helm template` without a name) */
  readonly releaseName?: string | undefined
  /** `.Release.Namespace`. @defaultValue `'default'` */
  readonly namespace?: string | undefined
  /**
   * `.Capabilities.KubeVersion` (`--kube-version`); empty is the default, as helm reads an empty flag.
   * @defaultValue `'v1.35.0'` (the default of Helm v4.1.4's `helm template`)
   */
  readonly kubeVersion?: string | undefined
  /** Extra `.Capabilities.APIVersions` (`--api-versions`). @defaultValue [] */
  readonly apiVersions?: readonly string[] | undefined
  /**
   * User values coalesced over the chart's values.yaml and its subcharts' (maps merge deeply;
   * `null` deletes a key; `bigint` is Go's int64, as `parseSetValues` returns integers).
   */
  readonly values?: Readonly<Record<string, unknown>> | undefined
  /**
   * `--set`, `--set-string`, `--set-json`, `--set-file` and `--set-literal` expressions applied over
   * `values` in helm's order (json, set, string, file, literal; in the given order within a kind).
   * @defaultValue []
   */
  readonly set?: readonly SetValue[] | undefined
  /**
   * Where `--set-file` paths are read. @defaultValue `nodeFs('/')`, relative paths resolved
   * against the working directory (as helm reads them)
   */
  readonly setFileFs?: FileSystem | undefined
  /** The time `now`, `date`, `ago` and the other date functions see. @defaultValue the system clock */
  readonly clock?: Clock | undefined
  /**
   * The zone Go's `time.Local` is in: what `now`, `date`, `htmlDate`, `dateInZone "Local"`,
   * `toDate` (which parses in Local) and time.Time's `Format`, `Location` and `Local` print and
   * parse in. `helm template` takes it from `$TZ` (unset: `/etc/localtime`); library code reads no
   * environment, so the default is UTC; {@link loadLocalTimeZone} resolves `$TZ` as Go does.
   * Flux's helm-controller renders in its container's zone, which is normally UTC.
   * @defaultValue `'UTC'`
   */
  readonly timeZone?: HelmTimeZone | undefined
  /** Helm's strict mode: a missing map key is an error (missingkey=error). @defaultValue false */
  readonly strict?: boolean | undefined
  /** Print the charts' `crds/` files first, as `helm template --include-crds`. @defaultValue false */
  readonly includeCrds?: boolean | undefined
  /** Skip the charts' `values.schema.json` checks, as `helm template --skip-schema-validation`. @defaultValue false */
  readonly skipSchemaValidation?: boolean | undefined
  /** Cancels the render between files; the promise then rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined
}

interface Failure {
  readonly code: 'HELM_CHART_INVALID' | 'HELM_VALUES_INVALID' | 'HELM_DEPENDENCY_MISSING' | 'HELM_OPTION_INVALID'
  readonly path: string
  readonly cause?: unknown
}

function fail(failure: Failure, message: string): never {
  throw new HelmError({ code: failure.code, message, details: { path: failure.path }, cause: failure.cause })
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
  return typeof v === 'bigint' ? int64(v) : null
}

/** `values` with the `set` expressions applied in helm's order, `--set-file` files read first. */
async function applySetValues(options: RenderChartOptions): Promise<Readonly<Record<string, unknown>>> {
  let values = options.values ?? {}
  const set = options.set ?? []
  if (set.length === 0) return values
  const files = new Map<string, string>()
  const fileFs = options.setFileFs ?? nodeFs('/')
  const where = (p: string): string => {
    if (options.setFileFs !== undefined) return p.replace(/^\/+/, '')
    return (p.startsWith('/') ? p : `${process.cwd()}/${p}`).replace(/^\/+/, '')
  }
  for (const s of set) {
    if (s.type !== 'file') continue
    const paths: string[] = []
    parseSetValues(s.expression, { type: 'file', readFile: (p) => (paths.push(p), '') })
    for (const p of paths) {
      options.signal?.throwIfAborted()
      const data = await fileFs.readFile(where(p)).catch((err: unknown) => {
        if (isGitOpsError(err, 'CORE_FS_NOT_FOUND') || (err as NodeJS.ErrnoException).code === 'ENOENT') return undefined
        throw err
      })
      if (data !== undefined) files.set(p, new TextDecoder().decode(data))
    }
  }
  const readFile = (p: string): string => {
    const text = files.get(p)
    if (text === undefined) throw Object.assign(new Error('no such file or directory'), { code: 'ENOENT' })
    return text
  }
  for (const type of setValueOrder) {
    for (const s of set) if (s.type === type) values = parseSetValues(s.expression, { type, values, readFile })
  }
  return values
}

/** Helm's ChartFullPath: `parent/charts/child`. */
function fullPath(chart: Chart): string {
  return chart.parent === undefined ? chart.meta.name : `${fullPath(chart.parent)}/charts/${chart.meta.name}`
}

interface Collected {
  readonly capabilities: GoValue
  readonly release: GoValue
  readonly templates: TemplateFile[]
  readonly data: Map<string, GoValue>
}

/** Helm's recAllTpls: every chart's templates under its full path, each with its own top-level object. */
function collect(chart: Chart, values: GoValue, out: Collected): GoMap {
  const subcharts: GoMap = new Map()
  const next: GoMap = typedMap(new Map<string, GoValue>([
    ['Capabilities', out.capabilities],
    ['Chart', chartObject(chart.meta, chart.parent === undefined)],
    ['Files', filesObject(chart.files)],
    ['Release', out.release],
    ['Subcharts', subcharts],
    ['Values', values],
  ]), 'common.Values')
  const own = values instanceof Map ? values : new Map<string, GoValue>()
  for (const child of chart.subcharts) {
    const childValues = own.get(child.meta.name)
    // The parent's values keep the subchart's map unnamed (map[string]interface {}); the subchart sees it as common.Values.
    subcharts.set(child.meta.name, collect(child, childValues instanceof Map ? namedView(childValues, 'common.Values') : typedMap(new Map(), 'common.Values'), out))
  }
  const base = fullPath(chart)
  const library = chart.meta.type === 'library'
  for (const t of chart.templates) {
    // A library chart lends its partials; its other files are not templates at all.
    if (library && !(t.name.split('/').pop() ?? '').startsWith('_')) continue
    const name = `${base}/${t.name}`
    out.templates.push({ name, text: t.text })
    const template = typedMap(new Map<string, GoValue>([['BasePath', `${base}/templates`], ['Name', name]]), 'common.Values')
    out.data.set(name, typedMap(new Map([...next, ['Template', template]]), 'common.Values'))
  }
  return next
}

/** Helm's CRDObjects: every `crds/*.{yaml,yml,json}` of the chart, then of its subcharts. */
function crdObjects(chart: Chart): { source: string; content: string }[] {
  const out: { source: string; content: string }[] = []
  for (const [name, text] of chart.files) {
    if (name.startsWith('crds/') && /\.(ya?ml|json)$/.test(name)) out.push({ source: `${fullPath(chart)}/${name}`, content: text })
  }
  for (const sub of chart.subcharts) out.push(...crdObjects(sub))
  return out
}

/**
 * Renders a chart directory as `helm template` does: Chart.yaml, values.yaml with `values`
 * coalesced over it, subcharts in `charts/` (directories and `.tgz`) enabled by `tags` and
 * `condition`, aliased and importing values, globals, library charts, every file under
 * `templates/` (partials `_*` shared, not printed), `.Release`, `.Chart`, pinned `.Capabilities`,
 * `.Files`, `.Subcharts`, and the output sorted and printed with `# Source:` comments (`crds/`
 * first with `includeCrds`). The values are checked against every chart's `values.schema.json`
 * first, as helm does (JSON Schema drafts 4 to 2020-12, helm's messages).
 *
 * @experimental The renderer is new; its options may change in any minor.
 * @throws `HELM_CHART_INVALID` when a Chart.yaml is missing or invalid, a `.tgz` is broken or the
 *   chart is a library, `HELM_DEPENDENCY_MISSING` when charts/ lacks a dependency,
 *   `HELM_VALUES_INVALID` for values that are not a YAML mapping or fail a chart's
 *   `values.schema.json` (helm's message, every failing chart named), `HELM_CHART_INVALID` for a
 *   schema file that is not JSON, has a bad pattern or a `$ref` outside the file, `HELM_TEMPLATE_PARSE` and
 *   `HELM_TEMPLATE_EXEC` with helm's message, `HELM_MANIFEST_INVALID` when a rendered document is
 *   not YAML.
 * @example
 * ```ts
 * const { text } = await renderChart('charts/web', { fs: nodeFs('.'), releaseName: 'web', kubeVersion: 'v1.32.0' })
 * process.stdout.write(text)
 * ```
 */
export async function renderChart(chart: string, options: RenderChartOptions = {}): Promise<RenderedChart> {
  const fs = options.fs ?? nodeFs(chart.startsWith('/') ? '/' : process.cwd())
  const root = chart.replace(/^\/+/, '').replace(/(?<!\/)\/+$/, '')
  const signal = options.signal
  signal?.throwIfAborted()
  let loaded: Chart
  try {
    loaded = await loadChartDir(fs, root, signal)
  } catch (err) {
    if (err instanceof LoadError) {
      const code = /values\.yaml$/.test(err.path) ? 'HELM_VALUES_INVALID' : 'HELM_CHART_INVALID'
      fail({ code, path: err.path, cause: err }, err.message)
    }
    throw err
  }
  if (loaded.meta.type === 'library') fail({ code: 'HELM_CHART_INVALID', path: root }, `${root === '' ? loaded.meta.name : root}: library charts are not installable`)
  const missing = missingDependencies(loaded)
  if (missing.length > 0) {
    fail(
      { code: 'HELM_DEPENDENCY_MISSING', path: root },
      `an error occurred while checking for chart dependencies. You may need to run \`helm dependency build\` to fetch missing dependencies: found in Chart.yaml, but missing in charts/ directory: ${missing.join(', ')}`,
    )
  }
  const user = plainToGo(await applySetValues(options))
  if (!(user instanceof Map)) fail({ code: 'HELM_VALUES_INVALID', path: root }, `${root}: values must be a mapping`)
  let values: GoMap
  try {
    processEnabled(loaded, user, '')
    processImportValues(loaded)
    values = chartValues(loaded, user)
  } catch (err) {
    fail({ code: 'HELM_VALUES_INVALID', path: root, cause: err }, (err as Error).message)
  }
  typedMap(values, 'common.Values')
  if (options.skipSchemaValidation !== true) {
    let violations: string | undefined
    try {
      violations = schemaViolations(loaded, values)
    } catch (err) {
      if (err instanceof SchemaFileError) fail({ code: 'HELM_CHART_INVALID', path: root, cause: err }, err.message)
      throw err
    }
    if (violations !== undefined) fail({ code: 'HELM_VALUES_INVALID', path: root }, violations)
  }
  let caps: GoStruct
  try {
    // helm leaves its default in place for an empty --kube-version.
    caps = capabilities(options.kubeVersion === undefined || options.kubeVersion === '' ? 'v1.35.0' : options.kubeVersion, options.apiVersions ?? [])
  } catch (err) {
    if (err instanceof FuncError) fail({ code: 'HELM_OPTION_INVALID', path: root, cause: err }, err.message)
    throw err
  }
  const collected: Collected = {
    capabilities: caps,
    release: releaseObject(options.releaseName ?? 'release-name', options.namespace ?? 'default'),
    templates: [],
    data: new Map(),
  }
  collect(loaded, values, collected)
  const templateFiles = collected.templates
  const top = (file: TemplateFile): GoValue => collected.data.get(file.name) ?? null
  let files: Map<string, string>
  try {
    files = renderTemplates(templateFiles, top, { strict: options.strict, clock: options.clock, timeZone: options.timeZone })
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
  const crds = options.includeCrds === true ? crdObjects(loaded) : []
  const crdText = crds.map((c) => `---\n# Source: ${c.source}\n${c.content}\n`).join('')
  return { manifests, files, text: crdText + printManifests(manifests) }
}
