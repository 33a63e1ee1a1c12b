// kustomize's transformer configuration: which fields each builtin transformer touches (field
// specs), and which fields refer to which kinds by name (name back-references); how
// configurations merge and how a `configurations` file decodes. The builtin defaults are in
// builtinConfig.ts (parsed: defaultConfig.ts).
import type { KubeValue } from '@gitops-sdk/core'
import { decode } from '../build/decode.js'
import type { Shape } from '../build/decode.js'
import { stepError } from '../build/fail.js'
import type { Gvk } from '../build/ids.js'
import { gvkSelected } from '../build/ids.js'
import type { FieldSpecEntry } from '../build/kustomization.js'
import { fieldSpecShape } from '../build/kustomization.js'
import { sortByGvk } from './gvkOrder.js'

/** A field spec with every part filled in. */
export interface FieldSpec extends Gvk {
  readonly path: string
  readonly create: boolean
}

export interface NameBackRef {
  readonly gvk: Gvk
  readonly referrers: FieldSpec[]
}

export interface TransformerConfig {
  namePrefix: FieldSpec[]
  nameSuffix: FieldSpec[]
  namespace: FieldSpec[]
  commonLabels: FieldSpec[]
  labels: FieldSpec[]
  templateLabels: FieldSpec[]
  commonAnnotations: FieldSpec[]
  nameReference: NameBackRef[]
  varReference: FieldSpec[]
  images: FieldSpec[]
  replicas: FieldSpec[]
}

export type FieldSpecField = Exclude<keyof TransformerConfig, 'nameReference'>
export const FIELD_SPEC_FIELDS: readonly FieldSpecField[] = [
  'namePrefix',
  'nameSuffix',
  'namespace',
  'commonLabels',
  'labels',
  'templateLabels',
  'commonAnnotations',
  'varReference',
  'images',
  'replicas',
]

export function emptyConfig(): TransformerConfig {
  return {
    namePrefix: [],
    nameSuffix: [],
    namespace: [],
    commonLabels: [],
    labels: [],
    templateLabels: [],
    commonAnnotations: [],
    nameReference: [],
    varReference: [],
    images: [],
    replicas: [],
  }
}


export function sortConfig(c: TransformerConfig): void {
  for (const f of FIELD_SPEC_FIELDS) c[f] = sortByGvk(c[f], (x) => x)
  c.nameReference = sortByGvk(c.nameReference, (x) => x.gvk)
}

/** FsSlice.MergeOne: adds `x` unless an equivalent spec is there; a create mismatch is an error. */
export function mergeFieldSpec(list: FieldSpec[], x: FieldSpec): FieldSpec[] {
  return mergeFieldSpecs(list, [x])
}

/** FsSlice.MergeAll, with the existing specs indexed by path (equivalence needs an equal path). */
export function mergeFieldSpecs(list: FieldSpec[], incoming: readonly FieldSpec[]): FieldSpec[] {
  if (incoming.length === 0) return list
  const byPath = new Map<string, FieldSpec[]>()
  for (const s of list) {
    const l = byPath.get(s.path)
    if (l === undefined) byPath.set(s.path, [s])
    else l.push(s)
  }
  let out = list
  for (const x of incoming) {
    const same = byPath.get(x.path)
    const found = same?.find((s) => gvkSelected(s, x))
    if (found !== undefined) {
      if (found.create !== x.create) throw stepError('RENDER_KUSTOMIZATION_INVALID', `conflicting fieldspecs for path ${x.path}`)
      continue
    }
    if (out === list) out = [...list]
    out.push(x)
    if (same === undefined) byPath.set(x.path, [x])
    else same.push(x)
  }
  return out
}

function mergeNameRefs(list: NameBackRef[], incoming: readonly NameBackRef[]): NameBackRef[] {
  let out = list
  for (const other of incoming) {
    const i = out.findIndex((c) => c.gvk.group === other.gvk.group && c.gvk.version === other.gvk.version && c.gvk.kind === other.gvk.kind)
    if (i < 0) {
      out = [...out, other]
      continue
    }
    out = out.map((c, j) => (j === i ? { gvk: c.gvk, referrers: mergeFieldSpecs(c.referrers, other.referrers) } : c))
  }
  return out
}

const merged = new WeakMap<TransformerConfig, WeakMap<TransformerConfig, TransformerConfig>>()
/** Configurations that merging into an empty configuration leaves equal (the builtin defaults). */
const mergedForm = new WeakSet<TransformerConfig>()

/** Records that mergeConfig(empty, c) equals `c`, so that it returns `c` itself. */
export function markMerged(c: TransformerConfig): void {
  mergedForm.add(c)
}

/** TransformerConfig.Merge: a new config with `b`'s specs merged into `a`'s, sorted (memoised: configs are immutable). */
export function mergeConfig(a: TransformerConfig, b: TransformerConfig | undefined): TransformerConfig {
  if (b === undefined || isEmptyConfig(b)) return a
  // Merging the builtin defaults into an empty configuration (every build's first accumulator)
  // gives an equal copy of them: skip the copy. (Not so for every merge result: a merge into an
  // empty configuration can fold specs of one result together.)
  if (mergedForm.has(b) && isEmptyConfig(a)) return b
  let byB = merged.get(a)
  if (byB === undefined) {
    byB = new WeakMap()
    merged.set(a, byB)
  }
  let out = byB.get(b)
  if (out === undefined) {
    out = mergeFresh(a, b)
    byB.set(b, out)
  }
  return out
}

function isEmptyConfig(c: TransformerConfig): boolean {
  return c.nameReference.length === 0 && FIELD_SPEC_FIELDS.every((f) => c[f].length === 0)
}

function mergeFresh(a: TransformerConfig, b: TransformerConfig): TransformerConfig {
  const out = emptyConfig()
  for (const f of FIELD_SPEC_FIELDS) out[f] = mergeFieldSpecs(a[f], b[f])
  out.nameReference = mergeNameRefs(a.nameReference, b.nameReference)
  sortConfig(out)
  return intern(out)
}

const interned = new Map<string, TransformerConfig>()

function fieldSpecKey(f: FieldSpec): string {
  return `${f.group}/${f.version}/${f.kind}/${f.path}/${f.create ? '+' : ''}`
}

/** One object per distinct configuration, so that merging equal configurations hits the memo. */
function intern(c: TransformerConfig): TransformerConfig {
  const parts: string[] = []
  for (const f of FIELD_SPEC_FIELDS) parts.push(`${f}:${c[f].map(fieldSpecKey).join(';')}`)
  parts.push(`nr:${c.nameReference.map((n) => `${n.gvk.group}/${n.gvk.version}/${n.gvk.kind}=${n.referrers.map(fieldSpecKey).join(';')}`).join('|')}`)
  const key = parts.join('\n')
  const known = interned.get(key)
  if (known !== undefined) return known
  if (interned.size > 1000) interned.clear()
  interned.set(key, c)
  return c
}

const configShape: Shape = {
  object: {
    ...Object.fromEntries(FIELD_SPEC_FIELDS.map((f) => [f, { array: fieldSpecShape }])),
    nameReference: {
      array: { object: { group: 'string', version: 'string', kind: 'string', fieldSpecs: { array: fieldSpecShape } } },
    },
  },
}

/** Reads a `configurations` file (UnmarshalStrict into a TransformerConfig). */
export function parseConfig(value: KubeValue | undefined): TransformerConfig {
  const raw = (decode(value, configShape, { strict: true }) ?? {}) as Record<string, unknown>
  const out = emptyConfig()
  for (const f of FIELD_SPEC_FIELDS) out[f] = ((raw[f] ?? []) as FieldSpecEntry[]).map(toFieldSpec)
  out.nameReference = ((raw.nameReference ?? []) as { group?: string; version?: string; kind?: string; fieldSpecs?: FieldSpecEntry[] }[]).map((n) => ({
    gvk: { group: n.group ?? '', version: n.version ?? '', kind: n.kind ?? '' },
    referrers: (n.fieldSpecs ?? []).map(toFieldSpec),
  }))
  sortConfig(out)
  return out
}

export function toFieldSpec(f: FieldSpecEntry): FieldSpec {
  return { group: f.group ?? '', version: f.version ?? '', kind: f.kind ?? '', path: f.path ?? '', create: f.create ?? false }
}
