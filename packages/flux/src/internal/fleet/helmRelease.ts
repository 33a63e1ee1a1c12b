// A HelmRelease of the fleet as helm-controller (Helm 4) would install it: the chart found through
// chart.spec or chartRef, values merged in Flux's order, the chart rendered by the injected
// renderer, then the post-renderers in Flux's order (kustomize patches and images, commonMetadata,
// the origin labels).
import { createHash } from 'node:crypto'
import { formatRef, isGitOpsError, memoryFs, normalizePath, parseObjects, refOf, stringifyValue } from '@gitops-sdk/core'
import type { FileSystem, KubeMap, KubeObject, KubeValue } from '@gitops-sdk/core'
import { render } from '@gitops-sdk/render'
import { FluxError } from '../../errors.js'
import type { FetchHelmChart, FleetHelmRelease, HelmValuesDocument, HelmValuesLayer, RenderHelmRelease } from '../../helmReleaseTypes.js'
import { chartValuesFiles, checkMappedVersion, sourceAuth } from './helmChartInputs.js'

export const HELM_NAME_LABEL = 'helm.toolkit.fluxcd.io/name'
export const HELM_NAMESPACE_LABEL = 'helm.toolkit.fluxcd.io/namespace'

/** What building a HelmRelease needs from the fleet build. */
export interface HelmReleaseContext {
  /** Every object the fleet renders, by `Kind/NS/NAME`. */
  readonly index: ReadonlyMap<string, KubeObject>
  /** Source file systems by `Kind/NS/NAME`, this repository's GitRepository included. */
  readonly sources: ReadonlyMap<string, FileSystem>
  /** This repository and the directory the fleet is read from in it. */
  readonly repository: { readonly fs: FileSystem; readonly base: string }
  readonly renderHelmRelease: RenderHelmRelease
  readonly fetchChart?: FetchHelmChart | undefined
  readonly signal: AbortSignal | undefined
}

/** The HelmRelease being built: its name for messages, its namespace, the fleet. */
interface At {
  readonly subject: string
  readonly namespace: string
  readonly ctx: HelmReleaseContext
}

const isMap = (v: unknown): v is KubeMap => typeof v === 'object' && v !== null && !Array.isArray(v)

function own(m: KubeMap | undefined, key: string): KubeValue | undefined {
  return m !== undefined && Object.prototype.hasOwnProperty.call(m, key) ? m[key] : undefined
}

function str(m: KubeMap | undefined, key: string): string | undefined {
  const v = own(m, key)
  return typeof v === 'string' && v !== '' ? v : undefined
}

/** Flux's release name: `spec.releaseName`, else `[targetNamespace-]name`, shortened past 53 characters with a hash as helm-controller does. */
export function releaseNameOf(name: string, spec: KubeMap): string {
  const full = str(spec, 'releaseName') ?? (str(spec, 'targetNamespace') !== undefined ? `${str(spec, 'targetNamespace') ?? ''}-${name}` : name)
  if (full.length <= 53) return full
  const sum = createHash('sha256').update(full).digest('hex')
  return `${full.slice(0, 40)}-${sum.slice(0, 12)}`
}

function fail(subject: string, message: string, cause?: unknown): never {
  throw new FluxError({ code: 'FLUX_HELMRELEASE_FAILED', message: `${subject}: ${message}`, details: { helmRelease: subject }, cause })
}

/** A chart source the build cannot reach (not this repository, not mapped, not fetched): `unavailable`, as for a Kustomization. */
function unavailable(subject: string, message: string): never {
  throw new FluxError({ code: 'FLUX_HELMRELEASE_FAILED', message: `${subject}: ${message}`, details: { helmRelease: subject, unavailable: true } })
}

/** A key of a ConfigMap or Secret of the fleet, decoded (Secret `data` is base64; `stringData` wins, as the API server merges it). */
function dataOf(object: KubeObject, key: string): string | undefined {
  const o = object as unknown as KubeMap
  if (object.kind === 'Secret') {
    const sd = own(isMap(o.stringData) ? o.stringData : undefined, key)
    if (typeof sd === 'string') return sd
    const d = own(isMap(o.data) ? o.data : undefined, key)
    return typeof d === 'string' ? Buffer.from(d, 'base64').toString('utf8') : undefined
  }
  const d = own(isMap(o.data) ? o.data : undefined, key)
  if (typeof d === 'string') return d
  const b = own(isMap(o.binaryData) ? o.binaryData : undefined, key)
  return typeof b === 'string' ? Buffer.from(b, 'base64').toString('utf8') : undefined
}

/** `valuesFrom` then `values`, as helm-controller's ChartValuesFromReferences merges them. */
function valuesLayers(at: At, spec: KubeMap): HelmValuesLayer[] {
  const { subject, namespace } = at
  const index = at.ctx.index
  const layers: HelmValuesLayer[] = []
  const refs = own(spec, 'valuesFrom')
  for (const [i, ref] of (Array.isArray(refs) ? refs : []).entries()) {
    if (!isMap(ref)) fail(subject, `spec.valuesFrom[${i}] must be a mapping`)
    const kind = str(ref, 'kind')
    const name = str(ref, 'name')
    if ((kind !== 'ConfigMap' && kind !== 'Secret') || name === undefined) fail(subject, `spec.valuesFrom[${i}]: kind must be ConfigMap or Secret and name set`)
    const key = str(ref, 'valuesKey') ?? 'values.yaml'
    const optional = own(ref, 'optional') === true
    const found = index.get(`${kind}/${namespace}/${name}`)
    const where = `${kind}/${namespace}/${name}`
    if (found === undefined) {
      if (optional) continue
      fail(subject, `spec.valuesFrom[${i}]: ${where} is not rendered by the fleet`)
    }
    const text = dataOf(found, key)
    if (text === undefined) {
      if (optional) continue
      fail(subject, `spec.valuesFrom[${i}]: ${where} has no key '${key}'`)
    }
    const targetPath = str(ref, 'targetPath')
    if (targetPath === undefined) {
      layers.push({ type: 'yaml', source: `${where} ${key}`, text })
      continue
    }
    // As helm-controller: a quoted value is set as a string, anything else as `--set` types it.
    const quoted = /^'.*'$/su.test(text) || /^".*"$/su.test(text)
    // The trailing quotes begin where their run begins (the lookbehind): the same text, where
    // `['"]+$` tried from each quote of a long run inside the value backtracked quadratically.
    const value = quoted ? text.replace(/^['"]+|(?<!['"])['"]+$/gu, '') : text
    layers.push({ type: quoted ? 'string' : 'set', source: `${where} ${key}`, expression: `${targetPath}=${value}` })
  }
  const values = own(spec, 'values')
  if (isMap(values)) layers.push({ type: 'yaml', source: `${subject} spec.values`, text: JSON.stringify(values, (_k, v: unknown) => (typeof v === 'bigint' ? Number(v) : v)) })
  return layers
}

interface ChartLocation {
  readonly fs: FileSystem
  readonly path: string
  readonly shown: string
  /** `chart.spec.valuesFiles`, read. */
  readonly valuesFiles?: HelmValuesDocument[] | undefined
}

/** The chart of `chart.spec` (or of a HelmChart's spec): a source of the fleet (mapped or this repository), or fetched. */
async function chartFromSpec(at: At, spec: KubeMap): Promise<ChartLocation> {
  const { subject, namespace, ctx } = at
  const sourceRef = isMap(spec.sourceRef) ? spec.sourceRef : undefined
  const chart = str(spec, 'chart')
  const kind = str(sourceRef, 'kind')
  const name = str(sourceRef, 'name')
  if (chart === undefined || kind === undefined || name === undefined) fail(subject, 'the chart spec needs chart and sourceRef.kind/name')
  const key = `${kind}/${str(sourceRef, 'namespace') ?? namespace}/${name}`
  const sourceFs = ctx.sources.get(key)
  if (kind === 'GitRepository' || kind === 'Bucket') {
    if (sourceFs === undefined) unavailable(subject, `source ${key} is neither this repository nor mapped with a source option`)
    const base = sourceFs === ctx.repository.fs ? ctx.repository.base : ''
    let path: string
    try {
      path = normalizePath(`${base}/${chart}`)
    } catch (err) {
      fail(subject, `chart path '${chart}' leaves its source`, err)
    }
    // valuesFiles of a chart in a GitRepository or Bucket are paths from the source's root.
    const valuesFiles = await chartValuesFiles(subject, spec, { fs: sourceFs, base, signal: ctx.signal })
    return { fs: sourceFs, path, shown: `${key} ${chart}`, valuesFiles }
  }
  if (kind !== 'HelmRepository') fail(subject, `sourceRef.kind ${kind} is not HelmRepository, GitRepository or Bucket`)
  let location: ChartLocation
  if (sourceFs !== undefined) {
    // A mapped HelmRepository is a directory of unpacked charts by name; its chart must be one the
    // version range would have picked.
    location = { fs: sourceFs, path: normalizePath(chart), shown: `${key} ${chart}` }
    await checkMappedVersion(subject, location, str(spec, 'version'))
  } else {
    location = await fetched(at, key, { chart, version: str(spec, 'version') })
  }
  // valuesFiles of a chart from a HelmRepository are paths in the chart.
  return { ...location, valuesFiles: await chartValuesFiles(subject, spec, { fs: location.fs, base: location.path, signal: ctx.signal }) }
}

async function fetched(at: At, key: string, what: { chart?: string | undefined; version?: string | undefined }): Promise<ChartLocation> {
  const { subject, ctx } = at
  const source = ctx.index.get(key)
  if (ctx.fetchChart === undefined) unavailable(subject, `source ${key} is outside the repository: map it with a source option, or allow fetching`)
  if (source === undefined) fail(subject, `source ${key} is not rendered by the fleet`)
  const auth = sourceAuth(subject, source, ctx.index)
  let got: { readonly fs: FileSystem; readonly path: string }
  try {
    got = await ctx.fetchChart({ helmRelease: subject, source, chart: what.chart, version: what.version, auth }, { signal: ctx.signal })
  } catch (err) {
    if (ctx.signal?.aborted === true && err === ctx.signal.reason) throw err
    fail(subject, `source ${key}: ${err instanceof Error ? err.message : String(err)}`, err)
  }
  return { fs: got.fs, path: got.path, shown: `${key}${what.chart === undefined ? '' : ` ${what.chart}`}` }
}

async function chartOf(at: At, spec: KubeMap): Promise<ChartLocation> {
  const { subject, namespace, ctx } = at
  const chart = own(spec, 'chart')
  const chartRef = own(spec, 'chartRef')
  if (isMap(chart) && isMap(chart.spec)) return chartFromSpec(at, chart.spec)
  if (!isMap(chartRef)) fail(subject, 'spec.chart or spec.chartRef is required')
  const kind = str(chartRef, 'kind')
  const name = str(chartRef, 'name')
  const key = `${kind ?? ''}/${str(chartRef, 'namespace') ?? namespace}/${name ?? ''}`
  if (kind === 'HelmChart') {
    const helmChart = ctx.index.get(key)
    const hcSpec = helmChart === undefined ? undefined : (helmChart as unknown as KubeMap).spec
    if (!isMap(hcSpec)) fail(subject, `chartRef ${key} is not rendered by the fleet`)
    return chartFromSpec({ ...at, namespace: helmChart?.metadata.namespace ?? namespace }, hcSpec)
  }
  if (kind !== 'OCIRepository') fail(subject, `chartRef.kind ${kind ?? ''} is not OCIRepository or HelmChart`)
  // A mapped OCIRepository is the chart's own directory (its artifact unpacked).
  const mapped = ctx.sources.get(key)
  if (mapped !== undefined) return { fs: mapped, path: '', shown: key }
  return fetched(at, key, {})
}

function objectsOf(subject: string, text: string): KubeObject[] {
  try {
    return parseObjects(text, { source: `${subject} (rendered chart)` })
  } catch (err) {
    if (isGitOpsError(err)) fail(subject, err.message, err)
    throw err
  }
}

/** `postRenderers[].kustomize` as helm-controller runs them: a kustomize build of the output with the patches and images. */
async function postRender(at: At, objects: KubeObject[], postRenderers: KubeValue | undefined): Promise<KubeObject[]> {
  const { subject } = at
  const signal = at.ctx.signal
  let out = objects
  for (const [i, r] of (Array.isArray(postRenderers) ? postRenderers : []).entries()) {
    const k = isMap(r) && isMap(r.kustomize) ? r.kustomize : undefined
    if (k === undefined || out.length === 0) continue
    const kustomization: KubeMap = { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources: ['helm-output.yaml'] }
    if (Array.isArray(k.images)) kustomization.images = k.images
    if (Array.isArray(k.patches)) kustomization.patches = k.patches
    const fs = memoryFs({
      'kustomization.yaml': stringifyValue(kustomization),
      'helm-output.yaml': out.map((o) => `---\n${stringifyValue(o)}`).join(''),
    })
    try {
      out = await render('', { fs, loadRestrictions: 'none', signal })
    } catch (err) {
      if (signal?.aborted === true && err === signal.reason) throw err
      fail(subject, `spec.postRenderers[${i}]: ${err instanceof Error ? err.message : String(err)}`, err)
    }
  }
  return out
}

function withMetadata(object: KubeObject, spec: KubeMap, hr: { readonly name: string; readonly namespace: string }): KubeObject {
  const { name, namespace } = hr
  const common = isMap(spec.commonMetadata) ? spec.commonMetadata : undefined
  const labels: Record<string, string> = { ...(object.metadata.labels ?? {}) }
  const annotations: Record<string, string> = { ...(object.metadata.annotations ?? {}) }
  for (const [k, v] of Object.entries(isMap(common?.labels) ? common.labels : {})) if (typeof v === 'string') labels[k] = v
  for (const [k, v] of Object.entries(isMap(common?.annotations) ? common.annotations : {})) if (typeof v === 'string') annotations[k] = v
  labels[HELM_NAME_LABEL] = name
  labels[HELM_NAMESPACE_LABEL] = namespace
  const metadata = { ...object.metadata, labels }
  if (Object.keys(annotations).length > 0) metadata.annotations = annotations
  return { ...object, metadata }
}

/** Builds one HelmRelease of the fleet; throws FLUX_HELMRELEASE_FAILED naming it. */
export async function buildHelmRelease(hr: KubeObject, kustomization: string, ctx: HelmReleaseContext): Promise<FleetHelmRelease> {
  const name = hr.metadata.name
  const namespace = hr.metadata.namespace ?? 'default'
  const subject = `${namespace}/${name}`
  const shown = formatRef(refOf(hr))
  const spec = (hr as unknown as KubeMap).spec
  if (!isMap(spec)) fail(shown, 'spec is required')
  const releaseName = releaseNameOf(name, spec)
  const releaseNamespace = str(spec, 'targetNamespace') ?? namespace
  const at: At = { subject: shown, namespace, ctx }
  const chart = await chartOf(at, spec)
  const values = valuesLayers(at, spec)
  const install = isMap(spec.install) ? spec.install : undefined
  let text: string
  try {
    text = await ctx.renderHelmRelease(
      { helmRelease: subject, fs: chart.fs, path: chart.path, releaseName, namespace: releaseNamespace, values, includeCrds: str(install, 'crds') !== 'Skip', chartValuesFiles: chart.valuesFiles },
      { signal: ctx.signal },
    )
  } catch (err) {
    if (ctx.signal?.aborted === true && err === ctx.signal.reason) throw err
    fail(shown, `chart ${chart.shown}: ${err instanceof Error ? err.message : String(err)}`, err)
  }
  const rendered = await postRender(at, objectsOf(shown, text), own(spec, 'postRenderers'))
  return {
    helmRelease: subject,
    releaseName,
    namespace: releaseNamespace,
    chart: chart.shown,
    kustomization,
    objects: rendered.map((o) => withMetadata(o, spec, { name, namespace })),
  }
}
