// Helm's chart loader (helm v4 pkg/chart/v2/loader): a chart directory or archive read into
// Chart.yaml, values.yaml, values.schema.json, templates/, the other files, and each subchart in
// charts/ (a directory or a .tgz), recursively.
import type { FileSystem } from '@gitops-sdk/core'
import type { ChartMetadata } from '../topLevel.js'
import { sprintf } from '../template/fmt.js'
import type { GoMap, GoValue } from '../template/values.js'
import { YamlValuesError, assertJsonable, parseYamlValueOnce, yamlText } from '../yamlValues.js'
import { ArchiveError, readTgz } from './archive.js'
import { IgnoreRuleError, isIgnored, parseHelmignore } from './helmignore.js'

/** One entry of Chart.yaml's `dependencies`. */
export interface Dependency {
  name: string
  readonly version: string
  readonly alias: string
  readonly condition: string
  readonly tags: readonly string[]
  importValues: GoValue[]
  enabled: boolean
}

/** A loaded chart: its metadata, values, files and subcharts. */
export interface Chart {
  meta: ChartMetadata
  dependencyList: Dependency[]
  /** Whether Chart.yaml has a `dependencies` list at all (helm processes none without one). */
  readonly dependenciesDeclared: boolean
  values: GoMap
  readonly schema: string | undefined
  /** Template files by path inside the chart (`templates/x.yaml`). */
  readonly templates: readonly { readonly name: string; readonly text: string }[]
  /** Every other file (crds/, files/, README...) by path inside the chart, in load order. */
  readonly files: ReadonlyMap<string, string>
  subcharts: Chart[]
  parent: Chart | undefined
}

/** A chart could not be loaded; `path` names the file. */
export class LoadError extends Error {
  constructor(
    message: string,
    readonly path: string,
  ) {
    super(message)
  }
}

const ownFiles: ReadonlySet<string> = new Set(['Chart.yaml', 'values.yaml', 'values.schema.json', 'Chart.lock', 'requirements.yaml', 'requirements.lock'])

/**
 * A scalar read into one of Chart.yaml's string fields. sigs.k8s.io/yaml turns a YAML 1.1 bool or
 * number bound for a string into its text (`off` is "false", `2.0` is "2"), as helm's loader does.
 */
function scalarText(v: GoValue | undefined): string | undefined {
  if (typeof v === 'string') return v
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  if (typeof v === 'number') return sprintf('%v', [v])
  return undefined
}

function str(m: GoMap, key: string): string | undefined {
  return scalarText(m.get(key))
}

function strings(v: GoValue | undefined): string[] {
  return Array.isArray(v) ? v.map(scalarText).filter((x): x is string => x !== undefined) : []
}

/** The text of a chart's YAML file; go-yaml's error, naming the file, for bytes that are not UTF-8. */
function fileText(bytes: Uint8Array, path: string, lineAtEnd: boolean): string {
  try {
    return yamlText(bytes, lineAtEnd)
  } catch (err) {
    if (err instanceof YamlValuesError) throw new LoadError(`${path}: ${err.message}`, path)
    throw err
  }
}

function readMetadata(text: string, path: string): { meta: ChartMetadata; dependencies: Dependency[]; declared: boolean } {
  let v: GoValue
  try {
    v = parseYamlValueOnce(text, path)
    // helm refuses a Chart.yaml with an infinity or NaN anywhere, as a values file (sigs.k8s.io/yaml's conversion to JSON).
    assertJsonable(v)
  } catch (err) {
    if (!(err instanceof YamlValuesError)) throw err
    // go-yaml's or the JSON conversion's own text is helm's (after its `cannot load Chart.yaml: `).
    const helmText = err.message.startsWith('error converting YAML to JSON: ')
    throw new LoadError(`${path}: ${helmText ? '' : 'not valid YAML: '}${err.message}`, path)
  }
  if (!(v instanceof Map)) throw new LoadError(`${path}: must be a mapping`, path)
  const name = str(v, 'name')
  const version = str(v, 'version')
  if (name === undefined || name === '') throw new LoadError(`${path}: validation: chart.metadata.name is required`, path)
  if (version === undefined || version === '') throw new LoadError(`${path}: validation: chart.metadata.version is required`, path)
  const list = (key: string): string[] => strings(v.get(key))
  const ann = v.get('annotations')
  const annotations: Record<string, string> = Object.create(null) as Record<string, string>
  if (ann instanceof Map) {
    for (const [k, x] of ann) {
      const t = scalarText(x)
      if (t !== undefined) annotations[k] = t
    }
  }
  const deps = v.get('dependencies')
  const dependencies: Dependency[] = []
  if (Array.isArray(deps)) {
    for (const d of deps) {
      if (!(d instanceof Map)) continue
      const tags = d.get('tags')
      const iv = d.get('import-values')
      dependencies.push({
        name: str(d, 'name') ?? '',
        version: str(d, 'version') ?? '',
        alias: str(d, 'alias') ?? '',
        condition: str(d, 'condition') ?? '',
        tags: strings(tags),
        importValues: Array.isArray(iv) ? iv : [],
        enabled: true,
      })
    }
  }
  const meta: ChartMetadata = {
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
    // Absent (or null) stays absent: Go's nil map[string]string, which toJson prints as null.
    annotations: ann instanceof Map ? annotations : undefined,
  }
  return { meta, dependencies, declared: Array.isArray(deps) }
}

function readValues(text: string, path: string): GoMap {
  let v: GoValue
  try {
    v = parseYamlValueOnce(text, path)
    // helm refuses a values file with an infinity or NaN (sigs.k8s.io/yaml's conversion to JSON).
    assertJsonable(v)
  } catch (err) {
    if (err instanceof YamlValuesError) throw new LoadError(`${path}: ${err.message}`, path)
    throw err
  }
  if (v instanceof Map) return v
  if (v === null) return new Map()
  throw new LoadError(`${path}: values must be a mapping`, path)
}

const decoder = new TextDecoder()

/**
 * Builds a chart from its files (paths relative to the chart's root) as Helm's LoadFiles does;
 * `where` names the chart in messages.
 */
export function chartFromFiles(files: ReadonlyMap<string, Uint8Array>, where: string, depth = 0): Chart {
  if (depth > 20) throw new LoadError(`${where}: subcharts nested too deep`, where)
  const at = (p: string): string => (where === '' ? p : `${where}/${p}`)
  const chartYaml = files.get('Chart.yaml')
  if (chartYaml === undefined) throw new LoadError(`${at('Chart.yaml')}: Chart.yaml file is missing`, at('Chart.yaml'))
  const { meta, dependencies, declared } = readMetadata(fileText(chartYaml, at('Chart.yaml'), false), at('Chart.yaml'))
  const valuesBytes = files.get('values.yaml')
  const values = valuesBytes === undefined ? new Map<string, GoValue>() : readValues(fileText(valuesBytes, at('values.yaml'), true), at('values.yaml'))
  const schemaBytes = files.get('values.schema.json')
  const templates: { name: string; text: string }[] = []
  const other = new Map<string, string>()
  const sub = new Map<string, Map<string, Uint8Array>>()
  for (const [path, data] of files) {
    if (path.startsWith('templates/')) templates.push({ name: path, text: decoder.decode(data) })
    else if (path.startsWith('charts/') && !path.endsWith('.prov')) {
      const rest = path.slice('charts/'.length)
      const slash = rest.indexOf('/')
      const group = slash < 0 ? rest : rest.slice(0, slash)
      let g = sub.get(group)
      if (g === undefined) sub.set(group, (g = new Map<string, Uint8Array>()))
      g.set(slash < 0 ? '' : rest.slice(slash + 1), data)
    } else if (!ownFiles.has(path)) other.set(path, decoder.decode(data))
  }
  const chart: Chart = { meta, dependencyList: dependencies, dependenciesDeclared: declared, values, schema: schemaBytes === undefined ? undefined : decoder.decode(schemaBytes), templates, files: other, subcharts: [], parent: undefined }
  for (const [group, groupFiles] of [...sub].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (group.startsWith('_') || group.startsWith('.')) continue
    let child: Chart
    if (group.endsWith('.tgz')) {
      const data = groupFiles.get('')
      // A directory named like an archive: helm refuses it, naming its first file.
      if (data === undefined) {
        const first = [...groupFiles.keys()][0] ?? ''
        throw new LoadError(`${at(`charts/${group}`)}: error unpacking subchart tar in ${meta.name}: expected ${group}, got ${group}/${first}`, at(`charts/${group}`))
      }
      child = chartFromArchive(data, at(`charts/${group}`), depth + 1)
    } else {
      // A plain file in charts/ (not an archive) is a subchart without files: helm refuses it, as a
      // directory there without Chart.yaml, for its missing Chart.yaml.
      const inner = new Map<string, Uint8Array>([...groupFiles].filter(([p]) => p !== ''))
      if (!inner.has('Chart.yaml')) {
        throw new LoadError(`${at(`charts/${group}`)}: error unpacking subchart ${group} in ${meta.name}: Chart.yaml file is missing`, at(`charts/${group}`))
      }
      child = chartFromFiles(inner, at(`charts/${group}`), depth + 1)
    }
    child.parent = chart
    chart.subcharts.push(child)
  }
  return chart
}

/** Builds a chart from a `.tgz` archive, as Helm's LoadArchive: every entry under one top folder. */
export function chartFromArchive(data: Uint8Array, where: string, depth = 0): Chart {
  let entries: Map<string, Buffer>
  try {
    entries = readTgz(data)
  } catch (err) {
    if (err instanceof ArchiveError) throw new LoadError(`${where}: ${err.message}`, where)
    throw err
  }
  const files = new Map<string, Uint8Array>()
  for (const [name, bytes] of entries) {
    const parts = name.split('/').filter((p) => p !== '' && p !== '.')
    if (parts.includes('..')) throw new LoadError(`${where}: chart illegally references parent directory: ${name}`, where)
    if (parts.length < 2) continue
    files.set(parts.slice(1).join('/'), bytes)
  }
  return chartFromFiles(files, where, depth)
}

// How many files of one directory are read at once.
const readBatch = 32

/**
 * Reads every file of a chart directory (Helm's LoadDir) that its `.helmignore` keeps, and builds
 * the chart. As helm does, only the top chart's `.helmignore` applies: it covers the files of the
 * subchart directories in charts/ too, whose own `.helmignore` files are plain files.
 */
export async function loadChartDir(fs: FileSystem, root: string, signal: AbortSignal | undefined): Promise<Chart> {
  const files = new Map<string, Uint8Array>()
  const at = (p: string): string => (root === '' ? p : `${root}/${p}`)
  const ignoreFile = at('.helmignore')
  let rules
  try {
    rules = parseHelmignore((await fs.stat(ignoreFile))?.type === 'file' ? decoder.decode(await fs.readFile(ignoreFile)) : undefined)
  } catch (err) {
    if (err instanceof IgnoreRuleError) throw new LoadError(`${ignoreFile}: ${err.message}`, ignoreFile)
    throw err
  }
  const walk = async (dir: string, rel: string): Promise<void> => {
    signal?.throwIfAborted()
    const entries = [...(await fs.readdir(dir))].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    // A directory's files are read a batch at a time, not one after the other (a chart's templates/
    // holds hundreds), and kept in name order.
    let batch: [string, Promise<Uint8Array>][] = []
    const settle = async (): Promise<void> => {
      for (const [r, data] of batch) files.set(r, await data)
      batch = []
    }
    try {
      for (const e of entries) {
        const p = dir === '' ? e.name : `${dir}/${e.name}`
        const r = rel === '' ? e.name : `${rel}/${e.name}`
        if (e.type === 'directory') {
          if (isIgnored(rules, r, true)) continue
          await settle()
          await walk(p, r)
        } else if (e.type === 'file' && !isIgnored(rules, r, false)) {
          batch.push([r, fs.readFile(p)])
          if (batch.length >= readBatch) await settle()
        }
      }
      await settle()
    } finally {
      // A failed read leaves the batch's other reads to finish unobserved, never unhandled.
      for (const [, data] of batch) data.catch(() => undefined)
    }
  }
  const chartYaml = at('Chart.yaml')
  const stat = await fs.stat(chartYaml)
  if (stat?.type !== 'file') throw new LoadError(`${chartYaml}: cannot read the chart's Chart.yaml`, chartYaml)
  await walk(root, '')
  if (!files.has('Chart.yaml')) throw new LoadError(`${chartYaml}: Chart.yaml file is missing (its .helmignore leaves it out)`, chartYaml)
  return chartFromFiles(files, root)
}
