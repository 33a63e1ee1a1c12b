// Configures the builtin transformers from a kustomization's fields (in kustomize's fixed order)
// and from builtin plugin configuration objects listed under `transformers:`/`generators:`
// (apiVersion: builtin). Exec, Go and KRM function plugins are not run.
import type { KubeMap } from '@gitops-sdk/core'
import type { FieldSpec, TransformerConfig } from '../fields/configs.js'
import { toFieldSpec } from '../fields/configs.js'
import type { Shape } from './decode.js'
import { decode } from './decode.js'
import type { Where } from './fail.js'
import { atAsync, stepError } from './fail.js'
import { generate, mergeOptions } from './generators.js'
import type { FieldSpecEntry, GeneratorArgs, Image, Kustomization, Label, Patch, Replacement, Selector } from './kustomization.js'
import { configMapArgsShape, fieldSpecShape, objectMetaShape, replacementShape, secretArgsShape, selectorShape } from './kustomization.js'
import type { Loader } from './loader.js'
import { loadStrategicMergePatches, tryObjects } from '../patch/patchLoad.js'
import { ReplacementTransformer } from '../fields/replacements.js'
import { Resource } from './resource.js'
import type { Transformer } from '../transformers/context.js'
import { ImageTagTransformer } from '../transformers/images.js'
import { MapEntriesTransformer } from '../transformers/labels.js'
import { NameAffixTransformer } from '../transformers/nameAffix.js'
import { NamespaceTransformer } from '../transformers/namespace.js'
import { PatchStrategicMergeTransformer } from '../transformers/patches.js'
import { ReplicaCountTransformer } from '../transformers/replicas.js'
import { HashTransformer } from '../transformers/hashTransformer.js'
import { valueAddTargetShape, valueAddTransformer } from './valueAddPlugin.js'

export type PluginTransformer = Transformer
export type Generator = () => Promise<Resource[]>

/** The kustomization a plugin is configured in: its loader and where errors point. */
export interface PluginHost {
  readonly loader: Loader
  readonly k: Kustomization
  where(field: string): Where
}
import { json6902Transformer, labelSpecs, loadReplacements, patchTransformer, smPatches } from './transformerParts.js'


/** The builtin transformers a kustomization's fields ask for, in kustomize's order. */
export async function configureFieldTransformers(host: PluginHost, tc: TransformerConfig): Promise<{ t: Transformer; where: Where }[]> {
  const k = host.k
  const loader = host.loader
  const out: { t: Transformer; where: Where }[] = []
  const psm = k.patchesStrategicMerge ?? []
  if (psm.length > 0) {
    const where = host.where('patchesStrategicMerge')
    const patches = await atAsync(where, () => loadStrategicMergePatches(psm, loader))
    out.push({ t: new PatchStrategicMergeTransformer(smPatches(patches, undefined)), where })
  }
  const patches = k.patches ?? []
  for (let i = 0; i < patches.length; i++) {
    const where = host.where(`patches[${i}]`)
    out.push({ t: await atAsync(where, () => patchTransformer(patches[i] as Patch, loader)), where })
  }
  if (k.namespace !== undefined && k.namespace !== '') {
    out.push({
      t: new NamespaceTransformer({ namespace: k.namespace, fieldSpecs: tc.namespace, unsetOnly: false, roleBindingSubjects: 'defaultOnly' }),
      where: host.where('namespace'),
    })
  }
  if (k.namePrefix !== undefined && k.namePrefix !== '') {
    out.push({ t: new NameAffixTransformer({ prefix: k.namePrefix }, tc.namePrefix), where: host.where('namePrefix') })
  }
  if (k.nameSuffix !== undefined && k.nameSuffix !== '') {
    out.push({ t: new NameAffixTransformer({ suffix: k.nameSuffix }, tc.nameSuffix), where: host.where('nameSuffix') })
  }
  const labels = k.labels ?? []
  if (labels.length > 0 || (k.commonLabels?.size ?? 0) > 0) {
    for (let i = 0; i < labels.length; i++) {
      const label = labels[i] as Label
      const where = host.where(`labels[${i}]`)
      const specs = await atAsync(where, async () => labelSpecs(label, tc))
      out.push({ t: new MapEntriesTransformer('LabelTransformer', label.pairs ?? new Map(), specs), where })
    }
    out.push({ t: new MapEntriesTransformer('LabelTransformer', k.commonLabels ?? new Map(), tc.commonLabels), where: host.where('commonLabels') })
  }
  if ((k.commonAnnotations?.size ?? 0) > 0) {
    out.push({
      t: new MapEntriesTransformer('AnnotationsTransformer', k.commonAnnotations ?? new Map(), tc.commonAnnotations),
      where: host.where('commonAnnotations'),
    })
  }
  const j6902 = k.patchesJson6902 ?? []
  for (let i = 0; i < j6902.length; i++) {
    const p = j6902[i] as Patch
    const where = host.where(`patchesJson6902[${i}]`)
    out.push({ t: await atAsync(where, () => json6902Transformer({ target: p.target, path: p.path ?? '', jsonOp: p.patch ?? '' }, loader)), where })
  }
  ;(k.replicas ?? []).forEach((r, i) => {
    out.push({ t: new ReplicaCountTransformer({ name: r.name ?? '', count: r.count ?? 0 }, tc.replicas), where: host.where(`replicas[${i}]`) })
  })
  ;(k.images ?? []).forEach((img, i) => {
    out.push({ t: new ImageTagTransformer(img, tc.images), where: host.where(`images[${i}]`) })
  })
  const repl = k.replacements ?? []
  if (repl.length > 0) {
    const where = host.where('replacements')
    out.push({ t: new ReplacementTransformer(await atAsync(where, () => loadReplacements(repl, loader))), where })
  }
  return out
}

const fsList: Shape = { array: fieldSpecShape }
const imageShape: Shape = { object: { name: 'string', newName: 'string', tagSuffix: 'string', newTag: 'string', digest: 'string' } }
const patchShape: Shape = { object: { path: 'string', patch: 'string', target: selectorShape, options: 'boolMap' } }

const PLUGIN_SHAPES: Readonly<Record<string, Shape>> = {
  PrefixSuffixTransformer: { object: { prefix: 'string', suffix: 'string', fieldSpecs: fsList } },
  PrefixTransformer: { object: { prefix: 'string', fieldSpecs: fsList } },
  SuffixTransformer: { object: { suffix: 'string', fieldSpecs: fsList } },
  LabelTransformer: { object: { labels: 'stringMap', fieldSpecs: fsList } },
  AnnotationsTransformer: { object: { annotations: 'stringMap', fieldSpecs: fsList } },
  NamespaceTransformer: { object: { metadata: objectMetaShape, fieldSpecs: fsList, unsetOnly: 'bool', setRoleBindingSubjects: 'string' } },
  ImageTagTransformer: { object: { imageTag: imageShape, fieldSpecs: fsList } },
  ReplicaCountTransformer: { object: { replica: { object: { name: 'string', count: 'int' } }, fieldSpecs: fsList } },
  PatchStrategicMergeTransformer: { object: { paths: 'strings', patches: 'string' } },
  PatchTransformer: patchShape,
  PatchJson6902Transformer: { object: { target: selectorShape, path: 'string', jsonOp: 'string' } },
  ReplacementTransformer: { object: { replacements: { array: { object: { ...(replacementShape as { object: Record<string, Shape> }).object, path: 'string' } } } } },
  HashTransformer: { object: {} },
  ValueAddTransformer: { object: { value: 'string', targets: { array: valueAddTargetShape }, targetFilePath: 'string' } },
  ConfigMapGenerator: { object: { ...(configMapArgsShape as { object: Record<string, Shape> }).object, metadata: objectMetaShape } },
  SecretGenerator: { object: { ...(secretArgsShape as { object: Record<string, Shape> }).object, metadata: objectMetaShape } },
  IAMPolicyGenerator: {
    object: {
      cloud: 'string',
      kubernetesService: { object: { name: 'string', namespace: 'string' } },
      serviceAccount: { object: { name: 'string', projectId: 'string' } },
    },
  },
}

const GENERATORS = new Set(['ConfigMapGenerator', 'SecretGenerator', 'IAMPolicyGenerator', 'HelmChartInflationGenerator'])

type Cfg = Record<string, unknown>

function fieldSpecsOf(c: Cfg): FieldSpec[] | undefined {
  const list = c.fieldSpecs as FieldSpecEntry[] | undefined
  return list?.map(toFieldSpec)
}

function requireFieldSpecs(c: Cfg): FieldSpec[] {
  const fieldSpecs = fieldSpecsOf(c)
  if (fieldSpecs === undefined) throw stepError('RENDER_TRANSFORM_FAILED', 'fieldSpecs is not expected to be nil')
  return fieldSpecs
}

/** Instantiates the builtin plugin a configuration object (apiVersion: builtin) describes. */
export async function loadPlugins(
  r: Resource,
  host: PluginHost,
  role: 'transformer' | 'generator',
): Promise<{ transformers: Transformer[]; generators: Generator[] }> {
  const gvk = r.gvk()
  const id = `${r.kind}.${gvk.version}.${gvk.group === '' ? '[noGrp]' : gvk.group}`
  if (!(gvk.group === '' && gvk.version === 'builtin')) {
    throw stepError('RENDER_PLUGIN_UNSUPPORTED', `external plugins disabled; unable to load external plugin '${r.kind}'`)
  }
  const shape = PLUGIN_SHAPES[r.kind]
  if (shape === undefined) {
    if (r.kind === 'HelmChartInflationGenerator') throw stepError('RENDER_PLUGIN_UNSUPPORTED', 'helm charts are not supported by this build')
    throw stepError('RENDER_PLUGIN_UNSUPPORTED', `unable to load builtin ${id}`)
  }
  const isGen = GENERATORS.has(r.kind)
  if (role === 'generator' && !isGen) throw stepError('RENDER_PLUGIN_UNSUPPORTED', `plugin ${id} not a generator`)
  if (role === 'transformer' && isGen) throw stepError('RENDER_PLUGIN_UNSUPPORTED', `plugin ${id} not a transformer`)
  const decoded = decode(r.obj, shape, { strict: false, scalarsAsStrings: true })
  const c = (decoded ?? {}) as Cfg
  const loader = host.loader
  const one = (t: Transformer): { transformers: Transformer[]; generators: Generator[] } => ({ transformers: [t], generators: [] })
  switch (r.kind) {
    case 'PrefixSuffixTransformer': {
      const fieldSpecs = requireFieldSpecs(c)
      return {
        transformers: [new NameAffixTransformer({ prefix: (c.prefix as string | undefined) ?? '' }, fieldSpecs), new NameAffixTransformer({ suffix: (c.suffix as string | undefined) ?? '' }, fieldSpecs)],
        generators: [],
      }
    }
    case 'PrefixTransformer':
      return one(new NameAffixTransformer({ prefix: (c.prefix as string | undefined) ?? '' }, requireFieldSpecs(c)))
    case 'SuffixTransformer':
      return one(new NameAffixTransformer({ suffix: (c.suffix as string | undefined) ?? '' }, requireFieldSpecs(c)))
    case 'LabelTransformer':
      return one(new MapEntriesTransformer('LabelTransformer', (c.labels as Map<string, string> | undefined) ?? new Map(), fieldSpecsOf(c) ?? []))
    case 'AnnotationsTransformer':
      return one(new MapEntriesTransformer('AnnotationsTransformer', (c.annotations as Map<string, string> | undefined) ?? new Map(), fieldSpecsOf(c) ?? []))
    case 'NamespaceTransformer': {
      const mode = (c.setRoleBindingSubjects as string | undefined) ?? ''
      if (mode !== '' && mode !== 'defaultOnly' && mode !== 'allServiceAccounts' && mode !== 'none') {
        throw stepError('RENDER_TRANSFORM_FAILED', `invalid value "${mode}" for setRoleBindingSubjects: must be one of "defaultOnly", "none" or "allServiceAccounts"`)
      }
      const md = (c.metadata as { namespace?: string } | undefined) ?? {}
      return one(
        new NamespaceTransformer({
          namespace: md.namespace ?? '',
          fieldSpecs: fieldSpecsOf(c) ?? [],
          unsetOnly: (c.unsetOnly as boolean | undefined) ?? false,
          roleBindingSubjects: mode === '' ? 'defaultOnly' : mode,
        }),
      )
    }
    case 'ImageTagTransformer':
      return one(new ImageTagTransformer((c.imageTag as Image | undefined) ?? {}, fieldSpecsOf(c) ?? []))
    case 'ReplicaCountTransformer': {
      const rep = (c.replica as { name?: string; count?: number } | undefined) ?? {}
      return one(new ReplicaCountTransformer({ name: rep.name ?? '', count: rep.count ?? 0 }, fieldSpecsOf(c) ?? []))
    }
    case 'PatchStrategicMergeTransformer': {
      const paths = (c.paths as string[] | undefined) ?? []
      const inline = (c.patches as string | undefined) ?? ''
      if (paths.length === 0 && inline === '') throw stepError('RENDER_PATCH_FAILED', 'empty file path and empty patch content')
      const objs: KubeMap[] = []
      if (paths.length > 0) objs.push(...(await loadStrategicMergePatches(paths, loader)))
      if (inline !== '') {
        const parsed = tryObjects(inline, 'patches')
        if (parsed === undefined) throw stepError('RENDER_PATCH_FAILED', 'unable to parse the inline patches')
        objs.push(...parsed)
      }
      if (objs.length === 0) throw stepError('RENDER_PATCH_FAILED', 'patch appears to be empty')
      return one(new PatchStrategicMergeTransformer(smPatches(objs, undefined)))
    }
    case 'PatchTransformer':
      return one(await patchTransformer(c, loader))
    case 'PatchJson6902Transformer':
      return one(await json6902Transformer({ target: c.target as Selector | undefined, path: (c.path as string | undefined) ?? '', jsonOp: (c.jsonOp as string | undefined) ?? '' }, loader))
    case 'ReplacementTransformer':
      return one(new ReplacementTransformer(await loadReplacements((c.replacements as Replacement[] | undefined) ?? [], loader)))
    case 'HashTransformer':
      return one(new HashTransformer())
    case 'ValueAddTransformer':
      return one(await valueAddTransformer(c, loader))
    case 'ConfigMapGenerator':
    case 'SecretGenerator': {
      const md = (c.metadata as { name?: string; namespace?: string } | undefined) ?? {}
      const args: GeneratorArgs = {
        ...(c as GeneratorArgs),
        name: (c.name as string | undefined) || md.name,
        namespace: (c.namespace as string | undefined) || md.namespace,
        options: mergeOptions((c as GeneratorArgs).options, undefined),
      } as GeneratorArgs
      const kind = r.kind === 'ConfigMapGenerator' ? 'ConfigMap' : 'Secret'
      return { transformers: [], generators: [async () => [await generate(kind, args, loader)]] }
    }
    case 'IAMPolicyGenerator':
      return { transformers: [], generators: [async () => [iamServiceAccount(c)]] }
    default:
      throw stepError('RENDER_PLUGIN_UNSUPPORTED', `unable to load builtin ${id}`)
  }
}

function iamServiceAccount(c: Cfg): Resource {
  if (c.cloud !== 'gke') throw stepError('RENDER_GENERATOR_FAILED', `cloud provider ${typeof c.cloud === 'string' ? c.cloud : ''} not supported yet`)
  const ks = (c.kubernetesService as { name?: string; namespace?: string } | undefined) ?? {}
  const sa = (c.serviceAccount as { name?: string; projectId?: string } | undefined) ?? {}
  const metadata: KubeMap = {
    annotations: { 'iam.gke.io/gcp-service-account': `${sa.name ?? ''}@${sa.projectId ?? ''}.iam.gserviceaccount.com` },
    name: ks.name ?? '',
  }
  if (ks.namespace !== undefined && ks.namespace !== '') metadata.namespace = ks.namespace
  return new Resource({ apiVersion: 'v1', kind: 'ServiceAccount', metadata })
}

