// One object during a build, with the bookkeeping kustomize keeps in internal annotations
// (previous ids, name prefixes and suffixes, generator behavior, hash suffix) held as fields.
import type { KubeMap } from '@gitops-sdk/core'
import type { Gvk, ResId } from './ids.js'
import { DEFAULT_NAMESPACE, NOT_NAMESPACEABLE, parseGroupVersion } from './ids.js'
import type { SchemaState } from './schema.js'
import type { Value } from '../yaml/values.js'
import { deleteField, getField, isMap, isNilOrEmpty, nodeText, setField, stringMapOf } from '../yaml/values.js'

/** A previous identity: name, effective namespace and kind (the group/version stay current). */
export interface PrevId {
  readonly name: string
  readonly namespace: string
  readonly kind: string
}

export type Behavior = 'create' | 'merge' | 'replace' | 'unspecified'

export class Resource {
  obj: KubeMap
  prevIds: PrevId[] = []
  prefixes: string[] = []
  suffixes: string[] = []
  behavior: Behavior | undefined
  needsHash = false
  /** Whether kustomize would have written a build annotation on this object. */
  touched = false
  refVarNames: string[] = []
  allowNameChange = false
  allowKindChange = false
  /** Set when a patch deleted the object; dropped after the transformer. */
  deleted = false
  /** Set when the object came from a generator or file, for error messages. */
  source = ''

  constructor(obj: KubeMap) {
    this.obj = obj
  }

  // The id's fields are read hundreds of thousands of times in a build of 1,000 objects (ids,
  // indexes, selectors): with fixed keys, which no plain object inherits, a property read is what
  // getField does, less its call (TurboFan does not inline under `gitops build`'s flags) and its
  // key checks. A function (only something inherited could be one) still reads as '': nodeText
  // and isMap answer that for anything but a string, number, boolean or mapping.

  get apiVersion(): string {
    return nodeText(this.obj.apiVersion)
  }

  get kind(): string {
    return nodeText(this.obj.kind)
  }

  get name(): string {
    return this.metaString('name')
  }

  get namespace(): string {
    return this.metaString('namespace')
  }

  private metaString(field: 'name' | 'namespace'): string {
    const md = this.obj.metadata
    if (!isMap(md)) return ''
    const v = md[field]
    return isNilOrEmpty(v) ? '' : nodeText(v)
  }

  gvk(): Gvk {
    const { group, version } = parseGroupVersion(this.apiVersion)
    return { group, version, kind: this.kind }
  }

  curId(): ResId {
    const { group, version } = parseGroupVersion(this.apiVersion)
    return { group, version, kind: this.kind, name: this.name, namespace: this.namespace }
  }

  /** The first previous id, else the current one. */
  orgId(): ResId {
    const first = this.prevIds[0]
    if (first === undefined) return this.curId()
    return this.prevId(first)
  }

  prevIdList(): ResId[] {
    return this.prevIds.map((p) => this.prevId(p))
  }

  /** Whether a previous id has the name `name`. */
  hasPreviousName(name: string): boolean {
    const prev = this.prevIds
    for (let i = 0; i < prev.length; i++) if ((prev[i] as PrevId).name === name) return true
    return false
  }

  /** Whether the group, version and kind of a previous id match `selector` (blank parts match anything). */
  previousGvkSelected(selector: Partial<Gvk>): boolean {
    const prev = this.prevIds
    if (prev.length === 0) return false
    const { group, version } = parseGroupVersion(this.apiVersion)
    if (selector.group !== undefined && selector.group !== '' && group !== selector.group) return false
    if (selector.version !== undefined && selector.version !== '' && version !== selector.version) return false
    if (selector.kind === undefined || selector.kind === '') return true
    for (let i = 0; i < prev.length; i++) if ((prev[i] as PrevId).kind === selector.kind) return true
    return false
  }

  /** The namespace the current id compares by (see {@link effectiveNamespace}). */
  effectiveNamespace(schemas: SchemaState): string {
    return effectiveNs(schemas.isClusterScoped(this.apiVersion, this.kind), this.namespace)
  }

  /** {@link idKey} of the current id, without building the id. */
  curKey(schemas: SchemaState): string {
    const apiVersion = this.apiVersion
    const kind = this.kind
    const { group, version } = parseGroupVersion(apiVersion)
    return `${group}\u0000${version}\u0000${kind}\u0000${this.name}\u0000${effectiveNs(schemas.isClusterScoped(apiVersion, kind), this.namespace)}`
  }

  private prevId(p: PrevId): ResId {
    const { group, version } = parseGroupVersion(this.apiVersion)
    return { group, version, kind: p.kind, name: p.name, namespace: p.namespace }
  }

  /** kustomize StorePreviousId: remembers the current name, effective namespace and kind. */
  storePreviousId(schemas: SchemaState): void {
    const id = this.curId()
    this.prevIds.push({ name: id.name, namespace: effectiveNamespace(id, schemas), kind: id.kind })
    this.touched = true
  }

  metadata(): KubeMap {
    let md = getField(this.obj, 'metadata')
    if (!isMap(md)) {
      md = {}
      setField(this.obj, 'metadata', md)
    }
    return md
  }

  setName(name: string): void {
    setField(this.metadata(), 'name', name)
  }

  /** kyaml SetNamespace: '' removes the field. */
  setNamespace(ns: string): void {
    if (ns === '') {
      const md = getField(this.obj, 'metadata')
      if (isMap(md)) delete md.namespace
      return
    }
    setField(this.metadata(), 'namespace', ns)
  }

  setKind(kind: string): void {
    setField(this.obj, 'kind', kind)
  }

  setApiVersion(apiVersion: string): void {
    setField(this.obj, 'apiVersion', apiVersion)
  }

  labels(): Map<string, string> {
    return stringMapOf(getField(this.metadata(), 'labels'))
  }

  annotations(): Map<string, string> {
    return stringMapOf(getField(this.metadata(), 'annotations'))
  }

  /** kyaml SetLabels: replaces the map with string values; an empty map removes the field. */
  setLabels(m: ReadonlyMap<string, string>): void {
    setStringMap(this.metadata(), 'labels', m)
  }

  setAnnotations(m: ReadonlyMap<string, string>): void {
    setStringMap(this.metadata(), 'annotations', m)
  }

  /** Data of a ConfigMap or Secret as kyaml GetDataMap reads it. */
  dataMap(field: 'data' | 'binaryData'): Map<string, string> {
    return stringMapOf(getField(this.obj, field))
  }

  describe(): string {
    const ns = this.namespace
    return ns === '' ? `${this.kind}/${this.name}` : `${this.kind}/${ns}/${this.name}`
  }
}

function setStringMap(md: KubeMap, field: string, m: ReadonlyMap<string, string>): void {
  if (m.size === 0) {
    deleteField(md, field)
    return
  }
  const out: KubeMap = {}
  for (const k of [...m.keys()].sort()) setField(out, k, m.get(k) as string)
  setField(md, field, out)
}

/** The namespace ids compare by: `_non_namespaceable_` for cluster-scoped kinds, `default` for blank. */
export function effectiveNamespace(id: ResId, schemas: SchemaState): string {
  return effectiveNs(schemas.isClusterScoped(id.group === '' ? id.version : `${id.group}/${id.version}`, id.kind), id.namespace)
}

function effectiveNs(clusterScoped: boolean, namespace: string): string {
  if (clusterScoped) return NOT_NAMESPACEABLE
  return namespace === '' || namespace === DEFAULT_NAMESPACE ? DEFAULT_NAMESPACE : namespace
}

export function isClusterScopedId(id: Gvk, schemas: SchemaState): boolean {
  return schemas.isClusterScoped(id.group === '' ? id.version : `${id.group}/${id.version}`, id.kind)
}

/** A key equal for ids kustomize's ResId.Equals treats as equal. */
export function idKey(id: ResId, schemas: SchemaState): string {
  return `${id.group}\u0000${id.version}\u0000${id.kind}\u0000${id.name}\u0000${effectiveNamespace(id, schemas)}`
}

/** Reads a value as a manifest object, if it is one. */
export function asObject(v: Value): KubeMap | undefined {
  return isMap(v) ? v : undefined
}
