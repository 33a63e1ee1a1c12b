// The kustomization file of kustomize v5.5.0: its fields, how they decode (case-insensitive
// names, unknown fields refused), the deprecation warnings, and FixKustomization's rewriting of
// legacy fields.
import type { KubeValue } from '@gitops-sdk/core'
import type { Shape } from './decode.js'
import { decode } from './decode.js'
import { stepError } from './fail.js'

export interface FieldSpecEntry {
  readonly group?: string
  readonly version?: string
  readonly kind?: string
  readonly path?: string
  readonly create?: boolean
}

export interface Selector {
  readonly group?: string
  readonly version?: string
  readonly kind?: string
  readonly name?: string
  readonly namespace?: string
  readonly annotationSelector?: string
  readonly labelSelector?: string
}

export interface Patch {
  readonly path?: string
  readonly patch?: string
  readonly target?: Selector
  readonly options?: Map<string, boolean>
}

export interface Image {
  readonly name?: string
  readonly newName?: string
  readonly tagSuffix?: string
  readonly newTag?: string
  readonly digest?: string
}

export interface Label {
  readonly pairs?: Map<string, string>
  readonly includeSelectors?: boolean
  readonly includeTemplates?: boolean
  readonly fields?: readonly FieldSpecEntry[]
}

export interface GeneratorOptions {
  readonly labels?: Map<string, string>
  readonly annotations?: Map<string, string>
  readonly disableNameSuffixHash?: boolean
  readonly immutable?: boolean
}

export interface GeneratorArgs {
  readonly namespace?: string
  readonly name?: string
  readonly behavior?: string
  readonly literals?: readonly string[]
  readonly files?: readonly string[]
  readonly envs?: readonly string[]
  readonly env?: string
  readonly options?: GeneratorOptions | undefined
  readonly type?: string
}

export interface FieldOptions {
  readonly delimiter?: string
  readonly index?: number
  readonly encoding?: string
  readonly create?: boolean
}

export interface SourceSelector extends Selector {
  readonly fieldPath?: string
  readonly options?: FieldOptions
}

export interface TargetSelector {
  readonly select?: Selector
  readonly reject?: readonly Selector[]
  readonly fieldPaths?: readonly string[]
  readonly options?: FieldOptions
}

export interface Replacement {
  readonly source?: SourceSelector
  readonly targets?: readonly TargetSelector[]
  readonly path?: string
}

export interface Var {
  readonly name?: string
  readonly objref?: {
    readonly apiVersion?: string
    readonly group?: string
    readonly version?: string
    readonly kind?: string
    readonly name?: string
    readonly namespace?: string
  }
  readonly fieldref?: { readonly fieldPath?: string }
}

export interface Kustomization {
  apiVersion?: string
  kind?: string
  metadata?: { name?: string; namespace?: string; labels?: Map<string, string>; annotations?: Map<string, string> }
  openapi?: Map<string, string>
  namePrefix?: string
  nameSuffix?: string
  namespace?: string
  commonLabels?: Map<string, string>
  labels?: Label[]
  commonAnnotations?: Map<string, string>
  patchesStrategicMerge?: string[]
  patchesJson6902?: Patch[]
  patches?: Patch[]
  images?: Image[]
  imageTags?: Image[]
  replacements?: Replacement[]
  replicas?: { name?: string; count?: number }[]
  vars?: Var[]
  sortOptions?: { order?: string; legacySortOptions?: { orderFirst?: string[]; orderLast?: string[] } }
  resources?: string[]
  components?: string[]
  crds?: string[]
  bases?: string[]
  configMapGenerator?: GeneratorArgs[]
  secretGenerator?: GeneratorArgs[]
  helmGlobals?: KubeValue
  helmCharts?: KubeValue[]
  helmChartInflationGenerator?: KubeValue[]
  generatorOptions?: GeneratorOptions
  configurations?: string[]
  generators?: string[]
  transformers?: string[]
  validators?: string[]
  buildMetadata?: string[]
}

const gvkFields = { group: 'string', version: 'string', kind: 'string' } as const
export const fieldSpecShape: Shape = { object: { ...gvkFields, path: 'string', create: 'bool' } }
export const selectorShape: Shape = {
  object: { ...gvkFields, name: 'string', namespace: 'string', annotationSelector: 'string', labelSelector: 'string' },
}
const patchShape: Shape = { object: { path: 'string', patch: 'string', target: selectorShape, options: 'boolMap' } }
const imageShape: Shape = { object: { name: 'string', newName: 'string', tagSuffix: 'string', newTag: 'string', digest: 'string' } }
export const generatorOptionsShape: Shape = {
  object: { labels: 'stringMap', annotations: 'stringMap', disableNameSuffixHash: 'bool', immutable: 'bool' },
}
const generatorFields = {
  namespace: 'string',
  name: 'string',
  behavior: 'string',
  literals: 'strings',
  files: 'strings',
  envs: 'strings',
  env: 'string',
  options: generatorOptionsShape,
} as const
export const configMapArgsShape: Shape = { object: generatorFields }
export const secretArgsShape: Shape = { object: { ...generatorFields, type: 'string' } }
const fieldOptionsShape: Shape = { object: { delimiter: 'string', index: 'int', encoding: 'string', create: 'bool' } }
export const replacementShape: Shape = {
  object: {
    source: { object: { ...gvkFields, name: 'string', namespace: 'string', fieldPath: 'string', options: fieldOptionsShape } },
    targets: {
      array: {
        object: { select: selectorShape, reject: { array: selectorShape }, fieldPaths: 'strings', options: fieldOptionsShape },
      },
    },
  },
}
const replacementFieldShape: Shape = { object: { ...(replacementShape as { object: Record<string, Shape> }).object, path: 'string' } }
export const objectMetaShape: Shape = { object: { name: 'string', namespace: 'string', labels: 'stringMap', annotations: 'stringMap' } }

export const kustomizationShape: Shape = {
  object: {
    apiVersion: 'string',
    kind: 'string',
    metadata: objectMetaShape,
    openapi: 'stringMap',
    namePrefix: 'string',
    nameSuffix: 'string',
    namespace: 'string',
    commonLabels: 'stringMap',
    labels: {
      array: { object: { pairs: 'stringMap', includeSelectors: 'bool', includeTemplates: 'bool', fields: { array: fieldSpecShape } } },
    },
    commonAnnotations: 'stringMap',
    patchesStrategicMerge: 'strings',
    patchesJson6902: { array: patchShape },
    patches: { array: patchShape },
    images: { array: imageShape },
    imageTags: { array: imageShape },
    replacements: { array: replacementFieldShape },
    replicas: { array: { object: { name: 'string', count: 'int' } } },
    vars: {
      array: {
        object: {
          name: 'string',
          objref: { object: { apiVersion: 'string', ...gvkFields, name: 'string', namespace: 'string' } },
          fieldref: { object: { fieldPath: 'string' } },
        },
      },
    },
    sortOptions: { object: { order: 'string', legacySortOptions: { object: { orderFirst: 'strings', orderLast: 'strings' } } } },
    resources: 'strings',
    components: 'strings',
    crds: 'strings',
    bases: 'strings',
    configMapGenerator: { array: configMapArgsShape },
    secretGenerator: { array: secretArgsShape },
    helmGlobals: 'any',
    helmCharts: { array: 'any' },
    helmChartInflationGenerator: { array: 'any' },
    generatorOptions: generatorOptionsShape,
    configurations: 'strings',
    generators: 'strings',
    transformers: 'strings',
    validators: 'strings',
    buildMetadata: 'strings',
  },
}

export const KUSTOMIZATION_VERSION = 'kustomize.config.k8s.io/v1beta1'
export const COMPONENT_VERSION = 'kustomize.config.k8s.io/v1alpha1'

const fixHint = "Run 'kustomize edit fix' to update your Kustomization automatically."
const deprecations: readonly (readonly [keyof Kustomization, string])[] = [
  ['bases', `# Warning: 'bases' is deprecated. Please use 'resources' instead. ${fixHint}`],
  ['commonLabels', `# Warning: 'commonLabels' is deprecated. Please use 'labels' instead. ${fixHint}`],
  ['imageTags', `# Warning: 'imageTags' is deprecated. Please use 'images' instead. ${fixHint}`],
  ['patchesJson6902', `# Warning: 'patchesJson6902' is deprecated. Please use 'patches' instead. ${fixHint}`],
  ['patchesStrategicMerge', `# Warning: 'patchesStrategicMerge' is deprecated. Please use 'patches' instead. ${fixHint}`],
  ['vars', `# Warning: 'vars' is deprecated. Please use 'replacements' instead. [EXPERIMENTAL] ${fixHint}`],
]

/**
 * Decodes a kustomization, applies FixKustomization and validates kind and apiVersion. Returns
 * the deprecation warnings kustomize prints to stderr.
 */
export function parseKustomization(value: KubeValue | undefined): { k: Kustomization; warnings: string[] } {
  const k = (decode(value, kustomizationShape, { strict: true }) ?? {}) as Kustomization
  const warnings = deprecations.filter(([f]) => k[f] !== undefined).map(([, w]) => w)
  k.kind ||= 'Kustomization'
  k.apiVersion ||= k.kind === 'Component' ? COMPONENT_VERSION : KUSTOMIZATION_VERSION
  if (k.bases !== undefined) {
    k.resources = [...(k.resources ?? []), ...k.bases]
    delete k.bases
  }
  if (k.imageTags !== undefined) {
    k.images = [...(k.images ?? []), ...k.imageTags]
    delete k.imageTags
  }
  const fixEnv = (g: GeneratorArgs): GeneratorArgs =>
    g.env !== undefined && g.env !== '' ? { ...g, envs: [...(g.envs ?? []), g.env], env: '' } : g
  if (k.configMapGenerator !== undefined) k.configMapGenerator = k.configMapGenerator.map(fixEnv)
  if (k.secretGenerator !== undefined) k.secretGenerator = k.secretGenerator.map(fixEnv)
  const content = Object.keys(k).filter((f) => f !== 'kind' && f !== 'apiVersion')
  if (content.length === 0) throw stepError('RENDER_KUSTOMIZATION_INVALID', 'kustomization.yaml is empty')
  const errs: string[] = []
  if (k.kind !== 'Kustomization' && k.kind !== 'Component') errs.push('kind should be Kustomization or Component')
  const required = k.kind === 'Component' ? COMPONENT_VERSION : KUSTOMIZATION_VERSION
  if (k.apiVersion !== required) errs.push(`apiVersion for ${k.kind} should be ${required}`)
  if (errs.length > 0) throw stepError('RENDER_KUSTOMIZATION_INVALID', errs.join('; '))
  return { k, warnings }
}
