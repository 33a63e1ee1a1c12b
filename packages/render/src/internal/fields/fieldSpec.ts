// Walks the fields a field spec names (kustomize's fieldspec filter): `a/b/c`, where a sequence
// on the way is entered element by element, `name[]` marks a field that holds a sequence, and
// `\/` escapes a slash inside a field name. Missing fields are created when the spec says so.
import type { KubeMap } from '@gitops-sdk/core'
import type { FieldSpec } from './configs.js'
import { stepError } from '../build/fail.js'
import { parseGroupVersion } from '../build/ids.js'
import type { Value } from '../yaml/values.js'
import { getField, isMap, nodeText, setField } from '../yaml/values.js'

/** What to create for a missing last field: a scalar or a mapping (nothing when undefined). */
export type CreateKind = 'scalar' | 'map' | undefined

/** Receives a found (or created) value and a way to replace it. */
export type Visit = (value: Value, set: (v: Value) => void) => void

/** kyaml PathSplitter: splits on `/`, keeping `\/` as a slash inside a name. */
export function splitPath(path: string, delimiter = '/'): string[] {
  let ps = path.split(delimiter)
  if (ps.length > 1 && ps[0] === '') ps = ps.slice(1)
  const res: string[] = [ps[0] ?? '']
  for (let i = 1; i < ps.length; i++) {
    const last = res.length - 1
    const prev = res[last] as string
    if (prev.endsWith('\\')) res[last] = `${prev.slice(0, -1)}${delimiter}${ps[i] as string}`
    else res.push(ps[i] as string)
  }
  return res
}

/** A field spec's path split once: each part's field name, and whether the part is a list (`name[]`). */
interface SplitPath {
  readonly names: readonly string[]
  readonly seqs: readonly boolean[]
}

const splitCache = new Map<string, SplitPath>()

function cachedSplit(path: string): SplitPath {
  let s = splitCache.get(path)
  if (s === undefined) {
    const parts = splitPath(path)
    s = { names: parts.map((p) => (p.endsWith('[]') ? p.slice(0, -2) : p)), seqs: parts.map((p) => p.endsWith('[]')) }
    splitCache.set(path, s)
  }
  return s
}

/** Whether `fieldSpec`'s group, version and kind select object `obj`. */
export function fieldSpecMatches(fieldSpec: FieldSpec, obj: KubeMap): boolean {
  if (fieldSpec.kind !== '' && fieldSpec.kind !== nodeText(getField(obj, 'kind'))) return false
  if (fieldSpec.group === '' && fieldSpec.version === '') return true
  const { group, version } = parseGroupVersion(nodeText(getField(obj, 'apiVersion')))
  if (fieldSpec.group !== '' && fieldSpec.group !== group) return false
  if (fieldSpec.version !== '' && fieldSpec.version !== version) return false
  return true
}

/** Field specs grouped by the kind they name, for transformers that apply many specs to many objects. */
export class SpecsByKind {
  private readonly byKind = new Map<string, FieldSpec[]>()
  constructor(private readonly specs: readonly FieldSpec[]) {}

  /** The specs that may apply to objects of `kind` (same order as given). */
  for(kind: string): readonly FieldSpec[] {
    let l = this.byKind.get(kind)
    if (l === undefined) {
      l = this.specs.filter((fieldSpec) => fieldSpec.kind === '' || fieldSpec.kind === kind)
      this.byKind.set(kind, l)
    }
    return l
  }
}

/** Applies `visit` to every field `fieldSpec` names in `obj` (whose GVK it must match). */
export function applyFieldSpec(obj: KubeMap, spec: { readonly fieldSpec: FieldSpec; readonly create: CreateKind }, visit: Visit): void {
  const { fieldSpec, create: createKind } = spec
  if (!fieldSpecMatches(fieldSpec, obj)) return
  const { names, seqs } = cachedSplit(fieldSpec.path)
  // The root itself is never replaced.
  walk(obj, 0, { names, seqs, fieldSpec, createKind, visit, parent: undefined, key: '' })
}

interface WalkState {
  /** The path's field names and list marks (cachedSplit). */
  readonly names: readonly string[]
  readonly seqs: readonly boolean[]
  readonly fieldSpec: FieldSpec
  readonly createKind: CreateKind
  readonly visit: Visit
  /** Where the node being walked sits (set by the caller just before each step; none for the root). */
  parent: KubeMap | Value[] | undefined
  key: string | number
}

/** Walks `node`, found at `st.parent[st.key]`, from path part `index` on. */
function walk(node: Value, index: number, st: WalkState): void {
  if (index >= st.names.length) {
    const { parent, key } = st
    st.visit(node, (v) => {
      if (parent === undefined) return
      if (Array.isArray(parent)) parent[key as number] = v
      else setField(parent, key as string, v)
    })
    return
  }
  if (node === null) return
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      st.parent = node
      st.key = i
      walk(node[i] as Value, index, st)
    }
    return
  }
  if (!isMap(node)) {
    throw stepError('RENDER_TRANSFORM_FAILED', `considering field '${st.fieldSpec.path}': expected sequence or mapping node`)
  }
  const isSeq = st.seqs[index] === true
  const name = st.names[index] as string
  if (name === '') throw stepError('RENDER_TRANSFORM_FAILED', `considering field '${st.fieldSpec.path}': cannot set or create an empty field name`)
  const last = index >= st.names.length - 1
  let kind: 'scalar' | 'map' | 'seq' | undefined
  let field = getField(node, name)
  if (!st.fieldSpec.create || st.createKind === undefined || isSeq) {
    kind = isSeq ? 'seq' : undefined
    if (field === undefined) return
  } else {
    kind = last ? st.createKind : 'map'
    if (field === undefined) {
      field = kind === 'map' ? {} : ''
      setField(node, name, field)
    }
  }
  if (field === null && kind !== undefined) {
    field = kind === 'map' ? {} : kind === 'seq' ? [] : ''
    setField(node, name, field)
  }
  st.parent = node
  st.key = name
  walk(field, index + 1, st)
}
