// The generator and transformer stages of one kustomization (kustomize's KustTarget.runGenerators
// and runTransformers): builtin ones from its fields, helmCharts, and plugin configs listed under
// `generators:`/`transformers:`, each run in kustomize v5.5.0's order.
import { Accumulator } from './accumulator.js'
import type { BuildContext } from './accumulator.js'
import type { Where } from './fail.js'
import { at, atAsync, renderError } from './fail.js'
import { tryObjects } from '../patch/patchLoad.js'
import { absorb, generate, mergeOptions } from './generators.js'
import { chartHomeOf, inflateHelmChart } from './helmCharts.js'
import type { GeneratorArgs } from './kustomization.js'
import type { Origin } from './origin.js'
import { ORIGIN_ANNOTATION, addTransformation, appendOrigin, builtinOrigin, originString, pluginOrigin, setOriginIfAbsent } from './origin.js'
import { configureFieldTransformers, loadPlugins } from './plugins.js'
import type { Generator, PluginHost, PluginTransformer } from './plugins.js'
import { Resource } from './resource.js'

/** The kustomization whose stages run (a KustTarget): what the stages read of it. */
export interface StageTarget extends PluginHost {
  /** Path of the kustomization file from the file system root. */
  readonly file: string
  /** Its name: kustomization.yaml, kustomization.yml or Kustomization. */
  readonly fileName: string
  /** The build's origin tracking, when buildMetadata asks for it. */
  readonly origin: Origin | undefined
  /** The injected world and per-build state. */
  readonly context: BuildContext
  /** Adds the objects of `paths` (files, or directories with a kustomization) to `ra`. */
  accumulateResources(ra: Accumulator, paths: readonly string[], field: string): Promise<Accumulator>
}

function generatorOrigin(target: StageTarget, kind: string): Origin | undefined {
  return builtinOrigin(target.origin, target.fileName, kind)
}

/** Runs the kustomization's generators and adds what they make to `acc`. */
export async function runGenerators(target: StageTarget, acc: Accumulator): Promise<void> {
  const k = target.k
  const gens: { readonly where: Where; readonly origin: Origin | undefined; readonly gen: Generator }[] = []
  const add = (field: string, list: readonly GeneratorArgs[] | undefined, kind: 'ConfigMap' | 'Secret'): void => {
    ;(list ?? []).forEach((args, i) => {
      const merged = { ...args, options: mergeOptions(args.options, k.generatorOptions) }
      gens.push({
        where: target.where(`${field}[${i}]`),
        origin: generatorOrigin(target, `${kind}Generator`),
        gen: async () => [await generate(kind, merged, target.loader)],
      })
    })
  }
  add('configMapGenerator', k.configMapGenerator, 'ConfigMap')
  add('secretGenerator', k.secretGenerator, 'Secret')
  if ((k.helmChartInflationGenerator ?? []).length > 0) {
    throw renderError('RENDER_PLUGIN_UNSUPPORTED', target.where('helmChartInflationGenerator'), 'helmChartInflationGenerator is not supported by this build; use helmCharts')
  }
  const renderHelmChart = target.context.renderHelmChart
  if ((k.helmCharts ?? []).length > 0 && renderHelmChart === undefined) {
    throw renderError('RENDER_PLUGIN_UNSUPPORTED', target.where('helmCharts'), 'helm charts are not enabled for this build (kustomize needs --enable-helm)')
  }
  if (renderHelmChart !== undefined) {
    const chartHome = at(target.where('helmGlobals'), () => chartHomeOf(k.helmGlobals))
    ;(k.helmCharts ?? []).forEach((entry, i) => {
      gens.push({
        where: target.where(`helmCharts[${i}]`),
        origin: generatorOrigin(target, 'HelmChartInflationGenerator'),
        gen: () => inflateHelmChart(entry, { loader: target.loader, kustomization: target.file, chartHome, renderHelmChart, signal: target.context.signal }),
      })
    })
  }
  const external = await loadPluginConfigs(target, k.generators ?? [], 'generators')
  for (const p of external) {
    const loaded = await atAsync(p.where, async () => loadPlugins(p.resource, target, 'generator'))
    for (const g of loaded.generators) gens.push({ where: p.where, origin: pluginOrigin(p.resource, target.origin), gen: g })
  }
  for (const g of gens) {
    target.context.signal?.throwIfAborted()
    const made = await atAsync(g.where, g.gen)
    for (const r of made) {
      if (g.origin !== undefined) setOriginIfAbsent(r, g.origin)
      await atAsync(g.where, async () => absorb(acc.resMap, r, ORIGIN_ANNOTATION))
    }
  }
}

/** Entries of `transformers`/`generators`: inline plugin configs, or files and directories of them. */
async function loadPluginConfigs(target: StageTarget, entries: readonly string[], field: string): Promise<{ resource: Resource; where: Where }[]> {
  const out: { resource: Resource; where: Where }[] = []
  // Inline configs are annotated with the kustomization that holds them: one origin for all.
  const origin = target.origin === undefined ? undefined : originString(appendOrigin(target.origin, target.fileName))
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i] as string
    const where = target.where(`${field}[${i}]`)
    const inline = tryObjects(entry, `${field}[${i}]`)
    if (inline !== undefined) {
      for (const o of inline) {
        const r = new Resource(o)
        if (origin !== undefined) {
          const annos = r.annotations()
          annos.set(ORIGIN_ANNOTATION, origin)
          r.setAnnotations(annos)
        }
        out.push({ resource: r, where })
      }
      continue
    }
    const acc = await target.accumulateResources(new Accumulator(target.context.schemas), [entry], field)
    for (const r of acc.resMap.resources()) out.push({ resource: r, where })
  }
  return out
}

/** Runs the kustomization's builtin field transformers, then its `transformers:` plugins, on `acc`. */
export async function runTransformers(target: StageTarget, acc: Accumulator): Promise<void> {
  const list: { readonly t: PluginTransformer; readonly where: Where; readonly origin: Origin | undefined }[] = []
  for (const c of await configureFieldTransformers(target, acc.config)) {
    list.push({ t: c.t, where: c.where, origin: generatorOrigin(target, c.t.kind) })
  }
  for (const p of await loadPluginConfigs(target, target.k.transformers ?? [], 'transformers')) {
    const loaded = await atAsync(p.where, async () => loadPlugins(p.resource, target, 'transformer'))
    for (const t of loaded.transformers) list.push({ t, where: p.where, origin: pluginOrigin(p.resource, target.origin) })
  }
  const tctx = { schemas: target.context.schemas }
  for (const { t, where, origin } of list) {
    target.context.signal?.throwIfAborted()
    await atAsync(where, async () => t.transform(acc.resMap, tctx))
    if (origin !== undefined) for (const r of acc.resMap.resources()) addTransformation(r, origin)
    acc.resMap.dropDeleted()
  }
}
