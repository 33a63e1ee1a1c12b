// Name reference fixing (kustomize's nameReferenceTransformer and nameref filter): after names
// changed (prefix, suffix, hash, namespace), every field that refers to an object by name (a
// ConfigMap in a pod template, a roleRef, RoleBinding subjects, an Ingress backend…) is updated
// to the object's new name. A referral target must have had the old name as a previous name, be
// of the referred kind, be visible from the referrer's namespace and, among several, share its
// name prefixes and suffixes. Candidates come from an index by previous name, not a scan.
import type { KubeMap } from '@gitops-sdk/core'
import type { FieldSpec, NameBackRef } from './configs.js'
import { stepError } from '../build/fail.js'
import { applyFieldSpec } from './fieldSpec.js'
import type { Gvk, ResId } from '../build/ids.js'
import { NOT_NAMESPACEABLE, gvkSelected, idString } from '../build/ids.js'
import type { Resource } from '../build/resource.js'
import { effectiveNamespace, isClusterScopedId } from '../build/resource.js'
import type { ResMap } from '../build/resMap.js'
import type { SchemaState } from '../build/schema.js'
import type { Value } from '../yaml/values.js'
import { getField, isMap, nodeText, setField } from '../yaml/values.js'

interface Filter {
  readonly fieldSpec: FieldSpec
  readonly target: Gvk
  /** `fieldSpec` without its group, version and kind: the walk after the referrer was selected. */
  readonly anyFieldSpec: FieldSpec
}

export function fixNameReferences(m: ResMap, backRefs: readonly NameBackRef[], schemas: SchemaState): void {
  const flat: Filter[] = []
  for (const br of backRefs) for (const fieldSpec of br.referrers) flat.push({ fieldSpec, target: br.gvk, anyFieldSpec: { ...fieldSpec, group: '', version: '', kind: '' } })
  const byPrevName = new Map<string, Resource[]>()
  for (const r of m.resources()) {
    const seen = new Set<string>()
    for (const p of r.prevIds) {
      if (seen.has(p.name)) continue
      seen.add(p.name)
      const l = byPrevName.get(p.name)
      if (l === undefined) byPrevName.set(p.name, [r])
      else l.push(r)
    }
  }
  const byOrgNs = new Map<string, Resource[]>()
  const orgIds: ResId[] = []
  for (const r of m.resources()) {
    const org = r.orgId()
    orgIds.push(org)
    const ns = effectiveNamespace(org, schemas)
    const l = byOrgNs.get(ns)
    if (l === undefined) byOrgNs.set(ns, [r])
    else l.push(r)
  }
  const index = { byPrevName, byOrgNs }
  const filtersFor = new Map<string, Filter[]>()
  const list = m.resources()
  for (let i = 0; i < list.length; i++) {
    const r = list[i] as Resource
    const org = orgIds[i] as ResId
    const key = `${org.group}\u0000${org.version}\u0000${org.kind}`
    let filters = filtersFor.get(key)
    if (filters === undefined) {
      filters = flat.filter((f) => gvkSelected(org, f.fieldSpec))
      filtersFor.set(key, filters)
    }
    if (filters.length === 0) continue
    const ctx = new Referrer(r, schemas, index)
    for (const f of filters) ctx.apply(f)
  }
}

class Referrer {
  private readonly curId: ResId
  private readonly clusterScoped: boolean
  private readonly effNs: string
  private readonly roleBindingNamespaces: Set<string>

  constructor(
    private readonly r: Resource,
    private readonly schemas: SchemaState,
    private readonly index: { readonly byPrevName: ReadonlyMap<string, Resource[]>; readonly byOrgNs: ReadonlyMap<string, Resource[]> },
  ) {
    this.curId = r.curId()
    this.clusterScoped = isClusterScopedId(this.curId, schemas)
    this.effNs = effectiveNamespace(this.curId, schemas)
    this.roleBindingNamespaces = roleBindingNamespaces(r)
  }

  /** SubsetThatCouldBeReferencedByResource, as a predicate. */
  private couldBeReferenced(c: Resource): boolean {
    if (this.clusterScoped) return true
    const ns = c.effectiveNamespace(this.schemas)
    if (ns === NOT_NAMESPACEABLE) return true
    if (ns === this.effNs) return true
    return this.roleBindingNamespaces.has(c.namespace)
  }

  apply(f: Filter): void {
    applyFieldSpec(this.r.obj, { fieldSpec: f.anyFieldSpec, create: undefined }, (v, set) => {
      try {
        this.set(v, set, f)
      } catch (err) {
        throw stepError('RENDER_REFERENCE_AMBIGUOUS', `updating name reference in '${f.fieldSpec.path}' field of '${idString(this.curId)}': ${(err as Error).message}`)
      }
    })
  }

  private set(v: Value, set: (v: Value) => void, f: Filter): void {
    if (v === null) return
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) {
        const e = v[i] as Value
        if (e === null) continue
        if (isMap(e)) this.setMapping(e, f)
        else if (typeof e !== 'object') {
          this.setScalar(e, (nv) => {
            v[i] = nv
          }, f)
        } else throw new Error('element is expected to be either a string or a map of string')
      }
      return
    }
    if (isMap(v)) this.setMapping(v, f)
    else this.setScalar(v, set, f)
  }

  private candidates(oldName: string): Resource[] {
    return (this.index.byPrevName.get(oldName) ?? []).filter((c) => this.couldBeReferenced(c))
  }

  private setScalar(v: Value, set: (v: Value) => void, f: Filter): void {
    const old = nodeText(v)
    const referral = this.select(old, this.candidates(old), { f, mapping: false })
    if (referral === undefined) return
    referral.touched = true
    if (referral.name !== old) set(referral.name)
  }

  private setMapping(node: KubeMap, f: Filter): void {
    const nameNode = getField(node, 'name')
    if (nameNode === undefined) throw new Error("path config error; no 'name' field in node")
    const oldName = nodeText(nameNode)
    let candidates = this.candidates(oldName)
    const nsNode = getField(node, 'namespace')
    if (nsNode !== undefined) {
      const ns = nodeText(nsNode)
      const byOrg = candidates.filter((c) => {
        const e = effectiveNamespace(c.orgId(), this.schemas)
        return e !== NOT_NAMESPACEABLE && e === ns
      })
      const anyOrg = ns !== NOT_NAMESPACEABLE && (this.index.byOrgNs.get(ns) ?? []).some((c) => this.couldBeReferenced(c))
      candidates = anyOrg
        ? byOrg
        : candidates.filter((c) => {
            const e = effectiveNamespace(c.curId(), this.schemas)
            return e !== NOT_NAMESPACEABLE && e === ns
          })
    }
    const referral = this.select(oldName, candidates, { f, mapping: true })
    if (referral === undefined) return
    referral.touched = true
    if (referral.name === oldName && referral.namespace === '') return
    setField(node, 'name', referral.name)
    if (referral.namespace === '') return
    setField(node, 'namespace', referral.namespace)
  }

  private select(oldName: string, pool: Resource[], how: { readonly f: Filter; readonly mapping: boolean }): Resource | undefined {
    const { f, mapping } = how
    let c = pool.filter((r) => r.hasPreviousName(oldName) && r.previousGvkSelected(f.target))
    if (f.fieldSpec.path.endsWith('roleRef/name')) {
      const rr = getField(this.r.obj, 'roleRef')
      if (isMap(rr) && getField(rr, 'apiGroup') !== undefined && getField(rr, 'kind') !== undefined) {
        const gvk = { group: nodeText(getField(rr, 'apiGroup')), kind: nodeText(getField(rr, 'kind')) }
        c = c.filter((r) => r.previousGvkSelected(gvk))
      }
    }
    if (!this.clusterScoped) {
      c = c.filter((r) => {
        const ns = r.effectiveNamespace(this.schemas)
        return ns === NOT_NAMESPACEABLE || r.kind === 'ServiceAccount' || ns === this.effNs
      })
    }
    if (c.length === 1) return c[0]
    c = c.filter((r) => affixesEqual(r, this.r, true))
    if (c.length > 1) c = c.filter((r) => affixesEqual(r, this.r, false))
    if (c.length === 1) return c[0]
    if (c.length === 0) return undefined
    const first = c[0] as Resource
    const identical = c.every((r) => r.name === first.name && (!mapping || r.namespace === first.namespace))
    if (identical) return first
    throw new Error(`found multiple possible referrals: ${c.map((r) => idString(r.curId())).join(', ')}`)
  }
}

function sameEnding(a: readonly string[], b: readonly string[]): boolean {
  const [shortest, longest] = a.length > b.length ? [b, a] : [a, b]
  const diff = longest.length - shortest.length
  if (shortest.length === 0) return diff === 0
  for (let i = shortest.length - 1; i >= 0; i--) if (longest[i + diff] !== shortest[i]) return false
  return true
}

function affixesEqual(r: Resource, o: Resource, allowEmpty: boolean): boolean {
  if (allowEmpty) {
    const prefixOk = r.prefixes.length === 0 || o.prefixes.length === 0 || sameEnding(r.prefixes, o.prefixes)
    const suffixOk = r.suffixes.length === 0 || o.suffixes.length === 0 || sameEnding(r.suffixes, o.suffixes)
    return prefixOk && suffixOk
  }
  return sameEnding(r.prefixes, o.prefixes) && sameEnding(r.suffixes, o.suffixes)
}

/** Namespaces of a RoleBinding's ServiceAccount subjects (getNamespacesForRoleBinding). */
function roleBindingNamespaces(r: Resource): Set<string> {
  const out = new Set<string>()
  if (r.kind !== 'RoleBinding') return out
  const subjects = getField(r.obj, 'subjects')
  if (!Array.isArray(subjects)) return out
  for (const s of subjects) {
    if (!isMap(s)) continue
    const ns = getField(s, 'namespace')
    const kind = getField(s, 'kind')
    if (ns === undefined || kind === undefined) continue
    if (nodeText(kind) !== 'ServiceAccount') continue
    if (typeof ns !== 'string') throw stepError('RENDER_TRANSFORM_FAILED', `Invalid Input: namespace is blank for resource "${idString(r.curId())}"`)
    out.add(ns)
  }
  return out
}
