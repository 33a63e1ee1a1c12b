// Operations that need both a field set and a type: removing paths from a value (SMD typed/remove.go),
// making named struct fields members (fieldpath EnsureNamedFieldsAreMembers) and reconciling a set
// recorded under an older schema (typed/reconcile_schema.go).
import type { KubeMap, KubeValue } from '@gitops-sdk/core'
import { FieldSet } from './fieldSet.js'
import type { PathElement } from './path.js'
import { fieldElement } from './path.js'
import type { Atom, ListType, MapType, TypeRef } from './schema.js'
import { deduceAtom, deducedType } from './schema.js'
import { entryType, listItemElement } from './typed.js'
import { isMap } from './value.js'
import { setOwn } from '../ownKeys.js'

/**
 * `value` without the paths in `toRemove` (and what is below them). Like SMD, a granular map or
 * associative list left empty, and an atomic value reached by a longer path, become `null`.
 */
export function removePaths(value: KubeValue, toRemove: FieldSet, type: TypeRef): KubeValue {
  const atom = deduceAtom(type.resolve(), value)
  if (atom.map !== undefined) return removeFromMap(value, atom.map, toRemove)
  if (atom.scalar !== undefined) return value
  if (atom.list !== undefined) return removeFromList(value, atom.list, toRemove)
  return null
}

function removeFromMap(value: KubeValue, map: MapType, toRemove: FieldSet): KubeValue {
  if (!isMap(value) || map.atomic) return null
  const out: KubeMap = {}
  let any = false
  for (const key of Object.keys(value)) {
    const element = fieldElement(key)
    if (toRemove.members.has(element.id)) continue
    let entry = value[key] as KubeValue
    const below = toRemove.childSet(element)
    if (below !== undefined) {
      const type = entryType(map, key)
      entry = type === undefined ? null : removePaths(entry, below, type)
    }
    setOwn(out, key, entry)
    any = true
  }
  return any ? out : null
}

function removeFromList(value: KubeValue, list: ListType, toRemove: FieldSet): KubeValue {
  if (!Array.isArray(value) || value.length === 0 || list.atomic) return null
  const out: KubeValue[] = []
  for (const item of value) {
    const element = listItemElement(list, item)
    if (typeof element === 'string') {
      out.push(item)
      continue
    }
    if (toRemove.members.has(element.id)) continue
    const below = toRemove.childSet(element)
    out.push(below === undefined ? item : removePaths(item, below, list.elementType))
  }
  return out.length > 0 ? out : null
}

/** `set` with every named struct field that has something below it made a member too. */
export function ensureNamedFieldsAreMembers(set: FieldSet, type: TypeRef | undefined): FieldSet {
  if (set.children.size === 0) return set
  const atom: Atom | undefined = type?.resolve()
  const out = new FieldSet()
  for (const [id, element] of set.members) out.members.set(id, element)
  for (const child of set.children.values()) {
    const element = child.element
    let childType: TypeRef | undefined
    if (element.type === 'field' && atom?.map !== undefined) {
      const field = atom.map.fields.get(element.name)
      if (field !== undefined) out.members.set(element.id, element)
      childType = field?.type ?? atom.map.elementType
    } else if (element.type === 'key' && atom?.list !== undefined) {
      childType = atom.list.elementType
    }
    out.attach(element, ensureNamedFieldsAreMembers(child.set, childType))
  }
  return out
}

/**
 * Rewrites `set` for the current schema: paths below a value that is now atomic collapse into the
 * value itself. Returns `set` unchanged when nothing needs rewriting.
 */
export function reconcileWithSchema(set: FieldSet, type: TypeRef): FieldSet {
  const reconciler = new Reconciler()
  reconciler.reconcile(set, type, false)
  const collapse = reconciler.collapse
  if (collapse.isEmpty()) return set
  return set.recursiveDifference(collapse).union(collapse)
}

class Reconciler {
  /** Paths whose subtree collapses into the path itself. */
  readonly collapse = new FieldSet()
  private readonly path: PathElement[] = []

  reconcile(set: FieldSet | undefined, type: TypeRef, isAtomic: boolean): void {
    const atom = type.resolve()
    if (atom.map !== undefined) {
      const map = atom.map
      if (map.fields.size === 0 && map.elementType === deducedType) return
      if (!isAtomic && map.atomic) {
        if (set !== undefined && !set.isEmpty()) this.collapse.insert(this.path)
        return
      }
      if (set !== undefined) this.visit(set, (element) => (element.type === 'field' ? entryType(map, element.name) : map.elementType))
    } else if (atom.list !== undefined) {
      const list = atom.list
      if (!isAtomic && list.atomic) {
        this.collapse.insert(this.path)
        return
      }
      if (set !== undefined) this.visit(set, () => list.elementType)
    }
  }

  private visit(set: FieldSet, typeOf: (element: PathElement) => TypeRef | undefined): void {
    const handle = (element: PathElement, isMember: boolean): void => {
      const type = typeOf(element)
      if (type === undefined) return
      const below = set.childSet(element)
      this.path.push(element)
      this.reconcile(below, type, isMember && below === undefined)
      this.path.pop()
    }
    for (const child of set.children.values()) if (!set.members.has(child.element.id)) handle(child.element, false)
    for (const element of set.members.values()) handle(element, true)
  }
}
