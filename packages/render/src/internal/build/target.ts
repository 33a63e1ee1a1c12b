// One kustomization directory being built (kustomize's KustTarget): resources, configurations,
// crds, generators, components, transformers and vars, in kustomize v5.5.0's order; bases are
// built on their own and merged in, components work on their parent's objects. The generator and
// transformer stages are in pluginStages.ts.
import type { KubeValue } from '@gitops-sdk/core'
import type { TransformerConfig } from '../fields/configs.js'
import { defaultConfig } from '../fields/defaultConfig.js'
import { emptyConfig, mergeConfig, parseConfig } from '../fields/configs.js'
import { loadCrdConfig } from '../fields/crds.js'
import { objectsFromText, parseYaml } from './factory.js'
import type { Where } from './fail.js'
import { at, atAsync, renderError } from './fail.js'
import type { Kustomization } from './kustomization.js'
import { parseKustomization } from './kustomization.js'
import type { Loader } from './loader.js'
import { isRemote } from './loader.js'
import type { Origin } from './origin.js'
import { ORIGIN_ANNOTATION, appendOrigin, originString } from './origin.js'
import { Accumulator } from './accumulator.js'
import type { BuildContext } from './accumulator.js'
import { runGenerators, runTransformers } from './pluginStages.js'
import { Resource } from './resource.js'
import { parseCustomSchema } from './schema.js'
import { parseYaml11 } from '../yaml/yaml11.js'
import { kustomizationFiles } from './prefetch.js'
import { mergeVars } from '../fields/vars.js'

export const VERSION_DEFAULT_OPENAPI = 'v1.21.2'

export class KustTarget {
  /** The build's origin tracking, when buildMetadata asks for it. */
  origin: Origin | undefined

  readonly k: Kustomization
  /** Path of the kustomization file from the file system root. */
  readonly file: string
  /** Its name: kustomization.yaml, kustomization.yml or Kustomization. */
  readonly fileName: string
  readonly loader: Loader
  private readonly ctx: BuildContext

  private constructor(init: { k: Kustomization; file: string; fileName: string; loader: Loader; ctx: BuildContext }) {
    this.k = init.k
    this.file = init.file
    this.fileName = init.fileName
    this.loader = init.loader
    this.ctx = init.ctx
  }

  /** Loads the kustomization file of `loader`'s directory (or a synthesized one, for plain directories). */
  static async load(ctx: BuildContext, loader: Loader, synthesized?: KubeValue): Promise<KustTarget> {
    ctx.signal?.throwIfAborted()
    const dir = loader.root === '' ? '.' : loader.root
    let fileName = 'kustomization.yaml'
    let value: KubeValue | undefined
    if (synthesized !== undefined) {
      value = synthesized
    } else {
      const found = await kustomizationFiles(loader.fs, loader.root)
      if (found.length === 0) {
        throw renderError(
          'RENDER_KUSTOMIZATION_NOT_FOUND',
          { file: dir, field: '' },
          `unable to find one of 'kustomization.yaml', 'kustomization.yml' or 'Kustomization' in directory '${dir}'`,
        )
      }
      if (found.length > 1) {
        throw renderError('RENDER_KUSTOMIZATION_NOT_FOUND', { file: dir, field: '' }, `Found multiple kustomization files under: ${dir}`)
      }
      fileName = found[0] as string
      const path = loader.root === '' ? fileName : `${loader.root}/${fileName}`
      if (ctx.parsed.has(path)) {
        value = ctx.parsed.get(path)
      } else {
        const text = await atAsync({ file: path, field: '' }, () => loader.load(fileName))
        value = await atAsync({ file: path, field: '' }, async () => parseYaml11(text, path))
      }
    }
    const file = loader.root === '' ? fileName : `${loader.root}/${fileName}`
    const where: Where = { file, field: '' }
    const { k, warnings } = await atAsync(where, async () => parseKustomization(value))
    for (const w of warnings) ctx.warn(w)
    return new KustTarget({ k, file, fileName, loader, ctx })
  }

  where(field: string): Where {
    return { file: this.file, field }
  }

  /** Reads the `openapi` field and applies it to the schema state (kyaml SetSchema). */
  async applyOpenApi(reset: boolean): Promise<void> {
    const o = this.k.openapi
    const where = this.where('openapi')
    const path = o?.get('path')
    let custom: ReturnType<typeof parseCustomSchema> | undefined
    if (path !== undefined) {
      const text = await atAsync(where, () => this.loader.load(path))
      if (o?.has('version') === true) throw renderError('RENDER_KUSTOMIZATION_INVALID', where, 'builtin version and custom schema provided, cannot use both')
      const docs = await atAsync(where, async () => parseYaml(text, path))
      custom = parseCustomSchema(docs[0] ?? null)
    }
    const version = o?.get('version')
    if (custom === undefined && version !== undefined && version !== '' && version !== VERSION_DEFAULT_OPENAPI) {
      throw renderError('RENDER_KUSTOMIZATION_INVALID', where, 'the specified OpenAPI version is not built in')
    }
    this.ctx.schemas.configure(custom, version, reset)
  }

  /** AccumulateTarget: everything this kustomization produces, before hashes, references and vars. */
  async accumulate(ra: Accumulator): Promise<Accumulator> {
    const k = this.k
    let acc = ra
    acc = await this.accumulateResources(acc, k.resources ?? [], 'resources')
    const configs = await this.transformerConfig()
    acc.mergeConfig(configs)
    acc.mergeConfig(await this.crdConfig())
    await runGenerators(this, acc)
    acc = await this.accumulateComponents(acc, k.components ?? [])
    await runTransformers(this, acc)
    if ((k.validators ?? []).length > 0) {
      throw renderError('RENDER_PLUGIN_UNSUPPORTED', this.where('validators'), 'validators run external plugins, which this build does not support')
    }
    await atAsync(this.where('vars'), async () => mergeVars(acc.resMap, { list: k.vars ?? [], into: acc.vars }, this.ctx.schemas))
    return acc
  }

  private async transformerConfig(): Promise<TransformerConfig> {
    let extra: TransformerConfig | undefined
    const paths = this.k.configurations ?? []
    for (let i = 0; i < paths.length; i++) {
      const path = paths[i] as string
      const where = this.where(`configurations[${i}]`)
      const text = await atAsync(where, () => this.loader.load(path))
      const docs = await atAsync(where, async () => parseYaml(text, path))
      const c = await atAsync(where, async () => parseConfig(docs[0]))
      extra = extra === undefined ? mergeConfig(emptyConfig(), c) : mergeConfig(extra, c)
    }
    return extra === undefined ? defaultConfig() : mergeConfig(defaultConfig(), extra)
  }

  private async crdConfig(): Promise<TransformerConfig> {
    let tc = emptyConfig()
    const paths = this.k.crds ?? []
    for (let i = 0; i < paths.length; i++) {
      const path = paths[i] as string
      const where = this.where(`crds[${i}]`)
      const text = await atAsync(where, () => this.loader.load(path))
      tc = mergeConfig(tc, await atAsync(where, async () => loadCrdConfig(text, path)))
    }
    return tc
  }

  /** accumulateResources: each entry is a file of objects or a directory with a kustomization. */
  async accumulateResources(ra: Accumulator, paths: readonly string[], field: string): Promise<Accumulator> {
    let acc = ra
    for (let i = 0; i < paths.length; i++) {
      this.ctx.signal?.throwIfAborted()
      const path = paths[i] as string
      const where = this.where(`${field}[${i}]`)
      if (isRemote(path)) throw renderError('RENDER_REMOTE_DISABLED', where, `'${path}' is a remote resource; remote resources are disabled`)
      const st = await atAsync(where, () => this.loader.stat(path))
      if (st === undefined) {
        const full = await atAsync(where, async () => this.loader.resolve(path))
        throw renderError('RENDER_FILE_NOT_FOUND', where, `'${full}' doesn't exist`)
      }
      if (st.type === 'file') {
        await this.accumulateFile(acc, path, where)
        continue
      }
      const child = await atAsync(where, () => this.loader.child(path))
      const saved = this.origin
      if (this.origin !== undefined) this.origin = appendOrigin(this.origin, path)
      try {
        acc = await this.accumulateDirectory(acc, { child, isComponent: false }, where)
      } finally {
        this.origin = saved
      }
    }
    return acc
  }

  private async accumulateFile(acc: Accumulator, path: string, where: Where): Promise<void> {
    const text = await atAsync(where, () => this.loader.load(path))
    const full = this.loader.resolve(path)
    const objects = at(where, () => objectsFromText(text, full))
    const resources = objects.map((o) => new Resource(o))
    if (this.origin !== undefined) {
      const annotation = originString(appendOrigin(this.origin, path))
      for (const r of resources) {
        const annos = r.annotations()
        annos.set(ORIGIN_ANNOTATION, annotation)
        r.setAnnotations(annos)
      }
    }
    at(where, () => acc.resMap.appendAll(resources))
  }

  private async accumulateComponents(ra: Accumulator, paths: readonly string[]): Promise<Accumulator> {
    let acc = ra
    for (let i = 0; i < paths.length; i++) {
      const path = paths[i] as string
      const where = this.where(`components[${i}]`)
      if (isRemote(path)) throw renderError('RENDER_REMOTE_DISABLED', where, `'${path}' is a remote component; remote resources are disabled`)
      const child = await atAsync(where, () => this.loader.child(path))
      const saved = this.origin
      if (this.origin !== undefined) this.origin = appendOrigin(this.origin, path)
      try {
        acc = await this.accumulateDirectory(acc, { child, isComponent: true }, where)
      } finally {
        this.origin = saved
      }
    }
    return acc
  }

  private async accumulateDirectory(
    ra: Accumulator,
    dir0: { readonly child: Loader; readonly isComponent: boolean },
    where: Where,
  ): Promise<Accumulator> {
    const { child, isComponent } = dir0
    const sub = await KustTarget.load(this.ctx, child)
    if (this.k.buildMetadata === undefined) delete sub.k.buildMetadata
    else sub.k.buildMetadata = this.k.buildMetadata
    sub.origin = this.origin
    await sub.applyOpenApi(false)
    const dir = child.root === '' ? '.' : child.root
    if (isComponent && sub.k.kind !== 'Component') {
      throw renderError('RENDER_KUSTOMIZATION_INVALID', where, `expected kind 'Component' for path '${dir}' but got '${sub.k.kind ?? ''}'`)
    }
    if (!isComponent && sub.k.kind === 'Component') {
      throw renderError('RENDER_KUSTOMIZATION_INVALID', where, `expected kind != 'Component' for path '${dir}'`)
    }
    if (isComponent) {
      const subRa = await sub.accumulate(ra)
      const fresh = new Accumulator(this.ctx.schemas)
      await atAsync(where, async () => fresh.merge(subRa))
      return fresh
    }
    const subRa = await sub.accumulate(new Accumulator(this.ctx.schemas))
    await atAsync(where, async () => ra.merge(subRa))
    return ra
  }

  get context(): BuildContext {
    return this.ctx
  }
}
