import type { KubeMap, KubeObject, KubeValue } from '@gitops-sdk/core'
import { normalizePath, isGitOpsError } from '@gitops-sdk/core'
import { RenderError } from './errors.js'
import { objectsFromText } from './internal/build/factory.js'
import { StepError, at, atAsync, renderError } from './internal/build/fail.js'
import { Loader } from './internal/build/loader.js'
import { cachedFs, kustomizationFiles, prefetch } from './internal/build/prefetch.js'
import { fixNameReferences } from './internal/fields/nameRef.js'
import { ORIGIN_ANNOTATION, TRANSFORMATIONS_ANNOTATION } from './internal/build/origin.js'
import type { Resource } from './internal/build/resource.js'
import { SchemaState } from './internal/build/schema.js'
import { sortResources } from './internal/build/sort.js'
import { Accumulator } from './internal/build/accumulator.js'
import { KustTarget } from './internal/build/target.js'
import type { BuildContext } from './internal/build/accumulator.js'
import { HashTransformer } from './internal/transformers/hashTransformer.js'
import { resolveVars } from './internal/fields/vars.js'
import { getField, isMap } from './internal/yaml/values.js'
import { parseVariables } from './parseVariables.js'
import { substituteVariables } from './substituteVariables.js'
import type { RenderOptions } from './types.js'

const MANAGED_BY = 'app.kubernetes.io/managed-by'
const LOCAL_CONFIG = 'config.kubernetes.io/local-config'

/**
 * Builds the kustomization in directory `root` of `options.fs` and returns the objects
 * `kustomize build root` (v5.5.0, as inside `kubectl kustomize`) returns, in the same order:
 * resources, bases, components, generators with hash suffixes, patches, name prefixes and
 * suffixes, namespaces, labels, annotations, images, replicas, replacements and vars, with every
 * name reference rewritten, kustomize's legacy order or `sortOptions`. Then, when
 * `options.substitute` is given, Flux's post-build substitution. `stringifyObjects` of the result
 * is byte-identical to `kubectl kustomize root`. Pure: it reads `fs` only.
 *
 * @throws `RENDER_KUSTOMIZATION_NOT_FOUND`, `RENDER_KUSTOMIZATION_INVALID`,
 * `RENDER_PATH_ESCAPES_ROOT`, `RENDER_FILE_NOT_FOUND`, `RENDER_CYCLE`, `RENDER_YAML_INVALID`,
 * `RENDER_ID_CONFLICT`, `RENDER_PATCH_FAILED`, `RENDER_REFERENCE_AMBIGUOUS`,
 * `RENDER_GENERATOR_FAILED`, `RENDER_TRANSFORM_FAILED`, `RENDER_REMOTE_DISABLED`,
 * `RENDER_PLUGIN_UNSUPPORTED`, `RENDER_SUBSTITUTE_FAILED`; each names the kustomization file
 * and field (or the object). An abort rejects with `signal.reason`.
 * @example
 * ```ts
 * import { nodeFs, stringifyObjects } from '@gitops-sdk/core'
 * const objects = await render('clusters/prod', { fs: nodeFs('/srv/fleet'), substitute: { variables: { env: 'prod' } } })
 * process.stdout.write(stringifyObjects(objects))
 * ```
 */
export async function render(root: string, options: RenderOptions): Promise<KubeObject[]> {
  if (typeof root !== 'string') throw new TypeError('render: root must be a string')
  if (typeof options !== 'object' || typeof options.fs !== 'object') throw new TypeError('render: options.fs is required')
  try {
    return await build(root, options)
  } catch (err) {
    if (options.signal?.aborted === true && err === options.signal.reason) throw err
    throw asRenderError(err, root)
  }
}

/** Errors of the injected file system or of core, re-thrown as RenderErrors. */
function asRenderError(err: unknown, root: string): unknown {
  if (err instanceof RenderError || !isGitOpsError(err)) return err
  const path = typeof err.details.path === 'string' ? err.details.path : root
  const code =
    err.code === 'CORE_FS_PATH_ESCAPES_ROOT' || err.code === 'CORE_FS_SYMLINK_REFUSED'
      ? 'RENDER_PATH_ESCAPES_ROOT'
      : err.code === 'CORE_FS_NOT_FOUND' || err.code === 'CORE_FS_NOT_A_FILE' || err.code === 'CORE_FS_NOT_A_DIRECTORY'
        ? 'RENDER_FILE_NOT_FOUND'
        : err.code.startsWith('CORE_YAML') || err.code === 'CORE_OBJECT_INVALID'
          ? 'RENDER_YAML_INVALID'
          : err.code === 'CORE_VALUE_UNSUPPORTED'
            ? 'RENDER_TRANSFORM_FAILED'
            : undefined
  if (code === undefined) return err
  return new RenderError({ code, message: err.message, details: { file: path, field: '' }, cause: err })
}

async function build(root: string, options: RenderOptions): Promise<KubeObject[]> {
  const signal = options.signal
  signal?.throwIfAborted()
  const warn = options.onWarning ?? (() => undefined)
  const restrictions = options.loadRestrictions ?? 'rootOnly'
  const fs = cachedFs(options.fs, restrictions)
  const ctx: BuildContext = {
    fs,
    schemas: new SchemaState(),
    signal,
    restrictions,
    warn,
    parsed: new Map(),
    renderHelmChart: options.renderHelmChart,
  }
  let dir: string
  try {
    dir = normalizePath(root)
  } catch (err) {
    if (isGitOpsError(err, 'CORE_FS_PATH_ESCAPES_ROOT')) {
      throw new RenderError({ code: 'RENDER_PATH_ESCAPES_ROOT', message: `${root}: path escapes the root`, details: { file: root, field: '' } })
    }
    throw err
  }
  const rootWhere = { file: dir === '' ? '.' : dir, field: '' }
  const st = await atAsync(rootWhere, () => fs.stat(dir))
  if (st?.type !== 'directory') {
    throw renderError('RENDER_FILE_NOT_FOUND', rootWhere, `must build at directory: not a valid directory: '${root}' doesn't exist`)
  }
  await prefetch(fs, dir, ctx.parsed)
  signal?.throwIfAborted()
  const loader = new Loader(fs, dir, { restrictions: ctx.restrictions })
  const synthesized = options.plainDirectories === true ? await plainKustomization(loader) : undefined
  const kt = await KustTarget.load(ctx, loader, synthesized)
  await kt.applyOpenApi(true)
  const buildMetadata = kt.k.buildMetadata ?? []
  if (buildMetadata.length > 0) kt.origin = {}
  const ra = await kt.accumulate(new Accumulator(ctx.schemas))
  signal?.throwIfAborted()
  const top = kt.where('')
  at(top, () => {
    new HashTransformer().transform(ra.resMap, { schemas: ctx.schemas })
    fixNameReferences(ra.resMap, ra.config.nameReference, ctx.schemas)
  })
  at(kt.where('vars'), () => resolveVars(ra.resMap, { set: ra.vars, fieldSpecs: ra.config.varReference }, warn))
  let list = ra.resMap.resources().filter((r) => {
    const v = r.annotations().get(LOCAL_CONFIG)
    return v === undefined || v === 'false'
  })
  list = at(kt.where('sortOptions'), () => sortResources(list, kt.k.sortOptions))
  const keepOrigin = buildMetadata.includes('originAnnotations')
  const keepTransformations = buildMetadata.includes('transformerAnnotations')
  const managedBy = buildMetadata.includes('managedByLabel')
  let objects = list.map((r) => finish(r, { keepOrigin, keepTransformations, managedBy }))
  const sub = options.substitute
  if (sub !== undefined) {
    const variables: Record<string, string> = {}
    for (const file of sub.files ?? []) {
      signal?.throwIfAborted()
      const text = await atAsync({ file, field: '' }, async () => {
        try {
          return new TextDecoder().decode(await options.fs.readFile(file))
        } catch (err) {
          if (isGitOpsError(err, 'CORE_FS_NOT_FOUND', 'CORE_FS_NOT_A_FILE')) throw new StepError('RENDER_FILE_NOT_FOUND', 'no such file')
          if (isGitOpsError(err, 'CORE_FS_PATH_ESCAPES_ROOT')) throw new StepError('RENDER_PATH_ESCAPES_ROOT', 'path escapes the root')
          throw err
        }
      })
      Object.assign(variables, parseVariables(text, file))
    }
    Object.assign(variables, sub.variables ?? {})
    objects = substituteVariables(objects, { variables, strict: sub.strict })
  }
  return objects
}

/** The last steps of kustomize's Run on one object: managed-by label, annotation clean-up. */
function finish(r: Resource, o: { keepOrigin: boolean; keepTransformations: boolean; managedBy: boolean }): KubeObject {
  if (o.managedBy) {
    const labels = r.metadata().labels
    const m: KubeMap = isMap(labels) ? labels : {}
    m[MANAGED_BY] = 'kustomize-(devel)'
    r.metadata().labels = m
  }
  const md = getField(r.obj, 'metadata')
  if (isMap(md) && !settled(getField(md, 'annotations'), o)) {
    const annos = r.annotations()
    if (!o.keepOrigin) annos.delete(ORIGIN_ANNOTATION)
    if (!o.keepTransformations) annos.delete(TRANSFORMATIONS_ANNOTATION)
    const raw = getField(md, 'annotations')
    const untouchedEmpty = o.keepOrigin && o.keepTransformations && !r.touched && isMap(raw) && Object.keys(raw).length === 0
    if (!untouchedEmpty) r.setAnnotations(annos)
  }
  return r.obj as unknown as KubeObject
}

/**
 * Whether annotations are already as finish leaves them (absent, or a non-empty map of strings in
 * sorted order without the build annotations it removes), so that rewriting them would change
 * nothing.
 */
function settled(raw: KubeValue | undefined, o: { keepOrigin: boolean; keepTransformations: boolean }): boolean {
  if (raw === undefined) return true
  if (!isMap(raw)) return false
  let last: string | undefined
  for (const key in raw) {
    if (typeof raw[key] !== 'string') return false
    if (last !== undefined && !(last < key)) return false
    if ((key === ORIGIN_ANNOTATION && !o.keepOrigin) || (key === TRANSFORMATIONS_ANNOTATION && !o.keepTransformations)) return false
    last = key
  }
  return last !== undefined
}

/**
 * Flux's kustomization for a plain directory: every subdirectory holding a kustomization file,
 * and every YAML file holding Kubernetes objects, found walking the tree in name order.
 */
async function plainKustomization(loader: Loader): Promise<KubeValue | undefined> {
  if ((await kustomizationFiles(loader.fs, loader.root)).length > 0) return undefined
  const resources: string[] = []
  const fs = loader.fs
  const walk = async (dir: string, rel: string): Promise<void> => {
    for (const e of await fs.readdir(dir)) {
      const path = dir === '' ? e.name : `${dir}/${e.name}`
      const relPath = `${rel}/${e.name}`
      const st = await fs.stat(path)
      if (st?.type === 'directory') {
        let hasK = false
        for (const name of ['kustomization.yaml', 'kustomization.yml', 'Kustomization']) {
          if ((await fs.stat(`${path}/${name}`))?.type === 'file') hasK = true
        }
        if (hasK) resources.push(relPath)
        else await walk(path, relPath)
        continue
      }
      if (!/\.ya?ml$/.test(e.name)) continue
      const text = new TextDecoder().decode(await fs.readFile(path))
      try {
        objectsFromText(text, path)
      } catch (err) {
        if (!(err instanceof StepError)) throw err
        // As Flux's generator words it; the file is named once, by the error's subject.
        const detail = err.message.startsWith(`${path}: `) ? err.message.slice(path.length + 2) : err.message
        throw renderError(err.code, { file: path, field: '' }, { message: `failed to decode Kubernetes YAML: ${detail}`, cause: err })
      }
      resources.push(relPath)
    }
  }
  await walk(loader.root, '.')
  return resources.length === 0
    ? { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', namespace: '_placeholder' }
    : { apiVersion: 'kustomize.config.k8s.io/v1beta1', kind: 'Kustomization', resources }
}
