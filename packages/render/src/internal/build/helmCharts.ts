// kustomize's HelmChartInflationGenerator (the `helmCharts` field), as kustomize v5.5.0 runs it
// with --enable-helm: each entry is resolved here (chart home, chart directory, values files and
// the valuesInline merge) and rendered by the injected renderer, whose output is read as the
// generator's objects.
import type { KubeMap, KubeValue } from '@gitops-sdk/core'
import { isGitOpsError, stringifyValue, trimCharRun } from '@gitops-sdk/core'
import type { HelmChartRequest, HelmValuesFile, RenderHelmChart } from '../../types.js'
import { objectsFromText, parseYaml } from './factory.js'
import { StepError, stepError } from './fail.js'
import type { Loader } from './loader.js'
import { Resource } from './resource.js'
import { isMap } from '../yaml/values.js'

const MERGE_MODES = ['override', 'replace', 'merge'] as const

function own(m: KubeMap, key: string): KubeValue | undefined {
  return Object.prototype.hasOwnProperty.call(m, key) ? m[key] : undefined
}

function optionalString(m: KubeMap, key: string): string | undefined {
  const v = own(m, key)
  if (v === undefined || v === null) return undefined
  if (typeof v !== 'string') throw stepError('RENDER_HELM_FAILED', `${key} must be a string`)
  return v
}

function stringList(m: KubeMap, key: string): string[] {
  const v = own(m, key)
  if (v === undefined || v === null) return []
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) throw stepError('RENDER_HELM_FAILED', `${key} must be a list of strings`)
  return v as string[]
}

function flag(m: KubeMap, key: string): boolean {
  const v = own(m, key)
  if (v === undefined || v === null) return false
  if (typeof v !== 'boolean') throw stepError('RENDER_HELM_FAILED', `${key} must be true or false`)
  return v
}

/** kyaml's merge2 as kustomize merges values: maps deeply, `src` wins, a null in `src` removes the key, lists are replaced. */
function mergeValues(dst: KubeMap, src: KubeMap): KubeMap {
  const out = Object.create(null) as KubeMap
  for (const k of Object.keys(dst)) if (own(src, k) !== null) out[k] = dst[k] as KubeValue
  for (const k of Object.keys(src)) {
    const s = src[k] as KubeValue
    const d = out[k]
    if (s !== null) out[k] = isMap(d) && isMap(s) ? mergeValues(d, s) : s
  }
  return out
}

function valuesMap(text: string, source: string): KubeMap {
  const docs = parseYaml(text, source)
  const first = docs[0]
  if (first === undefined || first === null) return Object.create(null) as KubeMap
  if (!isMap(first)) throw stepError('RENDER_HELM_FAILED', `${source}: values must be a mapping`)
  return first
}

/** The chart home of `helmGlobals` (`charts` by default), relative to the kustomization. */
export function chartHomeOf(helmGlobals: KubeValue | undefined): string {
  if (helmGlobals === undefined || helmGlobals === null) return 'charts'
  if (!isMap(helmGlobals)) throw stepError('RENDER_HELM_FAILED', 'helmGlobals must be a mapping')
  return optionalString(helmGlobals, 'chartHome') ?? 'charts'
}

/** Resolves one `helmCharts` entry and renders it; the objects helm printed, in its order. */
export async function inflateHelmChart(
  entry: KubeValue,
  context: {
    readonly loader: Loader
    readonly kustomization: string
    readonly chartHome: string
    readonly renderHelmChart: RenderHelmChart
    readonly signal: AbortSignal | undefined
  },
): Promise<Resource[]> {
  const { loader } = context
  if (!isMap(entry)) throw stepError('RENDER_HELM_FAILED', 'an entry must be a mapping')
  const name = optionalString(entry, 'name') ?? ''
  if (name === '') throw stepError('RENDER_HELM_FAILED', 'chart name cannot be empty')
  if (name.includes('/') || name === '..' || name === '.') throw stepError('RENDER_HELM_FAILED', `chart name '${name}' must not be a path`)
  const repo = optionalString(entry, 'repo')
  const version = optionalString(entry, 'version')
  const valuesMerge = optionalString(entry, 'valuesMerge') ?? 'override'
  if (!(MERGE_MODES as readonly string[]).includes(valuesMerge)) {
    throw stepError('RENDER_HELM_FAILED', `valuesMerge must be one of [${MERGE_MODES.join(' ')}]`)
  }
  const inline = own(entry, 'valuesInline')
  if (inline !== undefined && inline !== null && !isMap(inline)) throw stepError('RENDER_HELM_FAILED', 'valuesInline must be a mapping')
  // As kustomize: a chart pulled at a version lives in its own folder, so versions do not collide.
  const home = trimCharRun(context.chartHome, '/', 'end')
  const chartDir = repo !== undefined && repo !== '' && version !== undefined && version !== '' ? `${home}/${name}-${version}` : home
  const chartPath = loader.resolve(`${chartDir}/${name}`)
  loader.checkRestriction(`${chartDir}/${name}/Chart.yaml`, `${chartPath}/Chart.yaml`)
  const stat = await loader.stat(`${chartDir}/${name}`)
  const chartPresent = stat?.type === 'directory'
  if (!chartPresent && (repo === undefined || repo === '')) {
    throw stepError('RENDER_HELM_FAILED', `no repo specified for pull, no chart found at '${chartPath}'`)
  }
  const valuesFile = optionalString(entry, 'valuesFile')
  const explicitValues = valuesFile === undefined || valuesFile === '' ? undefined : { source: loader.resolve(valuesFile), text: await loader.load(valuesFile) }
  const additional: HelmValuesFile[] = []
  for (const file of stringList(entry, 'additionalValuesFiles')) additional.push({ source: loader.resolve(file), text: await loader.load(file) })
  const inlineValues = isMap(inline) && Object.keys(inline).length > 0 ? inline : undefined
  const valuesFiles = (chartValues: string | undefined): HelmValuesFile[] => {
    const defaultSource = `${chartPath}/values.yaml`
    let first: HelmValuesFile | undefined = explicitValues
    if (first === undefined && !(inlineValues !== undefined && valuesMerge === 'replace')) {
      if (chartValues === undefined) throw stepError('RENDER_FILE_NOT_FOUND', `'${defaultSource}' doesn't exist`)
      first = { source: defaultSource, text: chartValues }
    }
    if (inlineValues !== undefined) {
      // kustomize writes the merged values to a file of its own and passes only that one.
      let merged: KubeMap = inlineValues
      if (valuesMerge !== 'replace' && first !== undefined) {
        const fileValues = valuesMap(first.text, first.source)
        merged = valuesMerge === 'override' ? mergeValues(fileValues, inlineValues) : mergeValues(inlineValues, fileValues)
      }
      first = { source: 'valuesInline', text: stringifyValue(merged, 'valuesInline') }
    }
    return first === undefined ? additional : [first, ...additional]
  }
  const request: HelmChartRequest = {
    fs: loader.fs,
    kustomization: context.kustomization,
    name,
    repo: repo === '' ? undefined : repo,
    version: version === '' ? undefined : version,
    releaseName: optionalString(entry, 'releaseName') || 'release-name',
    namespace: optionalString(entry, 'namespace') || undefined,
    chartPath,
    chartPresent,
    valuesFiles,
    includeCrds: flag(entry, 'includeCRDs'),
    skipTests: flag(entry, 'skipTests'),
    apiVersions: stringList(entry, 'apiVersions'),
    kubeVersion: optionalString(entry, 'kubeVersion') || undefined,
  }
  let text: string
  try {
    text = await context.renderHelmChart(request, { signal: context.signal })
  } catch (err) {
    if (context.signal?.aborted === true && err === context.signal.reason) throw err
    if (err instanceof StepError) throw err
    const message = err instanceof Error ? err.message : String(err)
    throw stepError('RENDER_HELM_FAILED', `chart '${name}': ${message}`, err)
  }
  try {
    return objectsFromText(text, `${chartPath} (helm template)`).map((o) => new Resource(o))
  } catch (err) {
    if (isGitOpsError(err)) throw stepError('RENDER_HELM_FAILED', `chart '${name}': ${err.message}`, err)
    throw err
  }
}
