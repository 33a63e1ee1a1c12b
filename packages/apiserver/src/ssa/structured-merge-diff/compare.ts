// What changed between two values (SMD typed/compare.go, SPEC.md §10.6 step 5): leaves (scalars,
// atomic values, empty containers) that were added, removed or modified, plus every granular node
// that appeared or disappeared as a whole.
import type { KubeMap, KubeValue } from '@gitops-sdk/core'
import { FieldSet } from './fieldSet.js'
import type { PathElement } from './path.js'
import { fieldElement } from './path.js'
import type { Atom, ListType, MapType, TypeRef } from './schema.js'
import { deduceAtom, sameShape } from './schema.js'
import { entryType, listItemElement } from './typed.js'
import type { MaybeValue } from './value.js'
import { deepEqual } from '@gitops-sdk/core'
import { isMap } from './value.js'
import { getOwn, hasOwn } from '../ownKeys.js'

/** The outcome of comparing two versions of an object; no path is in two of the sets. */
export interface Comparison {
  readonly added: FieldSet
  readonly modified: FieldSet
  readonly removed: FieldSet
}

/** Compares `lhs` (before) with `rhs` (after). */
export function compareObjects(lhs: KubeValue, rhs: KubeValue, type: TypeRef): Comparison {
  const walker = new CompareWalker()
  walker.compare(lhs, rhs, type)
  return { added: walker.added.prune(), modified: walker.modified.prune(), removed: walker.removed.prune() }
}

class CompareWalker {
  readonly added = new FieldSet()
  readonly modified = new FieldSet()
  readonly removed = new FieldSet()
  private readonly path: PathElement[] = []

  compare(lhs: MaybeValue, rhs: MaybeValue, type: TypeRef): void {
    if (lhs === rhs) return
    const atom = type.resolve()
    let inLeaf: boolean
    if (rhs === undefined) inLeaf = this.handle(deduceAtom(atom, lhs), lhs, rhs)
    else {
      const right = deduceAtom(atom, rhs)
      if (lhs !== undefined && !sameShape(deduceAtom(atom, lhs), right)) this.handle(deduceAtom(atom, lhs), lhs, rhs)
      inLeaf = this.handle(right, lhs, rhs)
    }
    if (!inLeaf && this.path.length > 0) {
      if (lhs === undefined) this.added.insert(this.path)
      else if (rhs === undefined) this.removed.insert(this.path)
    }
  }

  /** Walks one atom; returns whether the node was a leaf. */
  private handle(atom: Atom, lhs: MaybeValue, rhs: MaybeValue): boolean {
    if (atom.map !== undefined) return this.map(atom.map, lhs, rhs)
    if (atom.scalar !== undefined) return this.leaf(lhs, rhs)
    if (atom.list !== undefined) return this.list(atom.list, lhs, rhs)
    return false
  }

  private leaf(lhs: MaybeValue, rhs: MaybeValue): true {
    if (lhs === undefined) this.added.insert(this.path)
    else if (rhs === undefined) this.removed.insert(this.path)
    else if (!deepEqual(lhs, rhs)) this.modified.insert(this.path)
    return true
  }

  private map(map: MapType, lhs: MaybeValue, rhs: MaybeValue): boolean {
    const left = isMap(lhs) ? lhs : undefined
    const right = isMap(rhs) ? rhs : undefined
    const leftEmpty = left === undefined || Object.keys(left).length === 0
    const rightEmpty = right === undefined || Object.keys(right).length === 0
    if (map.atomic || (leftEmpty && rightEmpty)) return this.leaf(lhs, rhs)
    for (const key of Object.keys(left ?? {})) this.entry(map, key, [(left as KubeMap)[key], right === undefined ? undefined : getOwn(right, key)])
    for (const key of Object.keys(right ?? {})) {
      if (left === undefined || !hasOwn(left, key)) this.entry(map, key, [undefined, (right as KubeMap)[key]])
    }
    return false
  }

  private entry(map: MapType, key: string, [lhs, rhs]: [MaybeValue, MaybeValue]): void {
    const type = entryType(map, key)
    if (type === undefined) return
    this.path.push(fieldElement(key))
    this.compare(lhs, rhs, type)
    this.path.pop()
  }

  private list(list: ListType, lhs: MaybeValue, rhs: MaybeValue): boolean {
    const left = Array.isArray(lhs) ? lhs : undefined
    const right = Array.isArray(rhs) ? rhs : undefined
    if (list.atomic || ((left === undefined || left.length === 0) && (right === undefined || right.length === 0))) {
      return this.leaf(lhs, rhs)
    }
    const order: PathElement[] = []
    const before = new Map<string, KubeValue[]>()
    const after = new Map<string, KubeValue[]>()
    const gather = (values: readonly KubeValue[], into: Map<string, KubeValue[]>, other?: Map<string, KubeValue[]>): void => {
      for (const value of values) {
        const element = listItemElement(list, value)
        if (typeof element === 'string') continue
        const found = into.get(element.id)
        if (found !== undefined) found.push(value)
        else {
          into.set(element.id, [value])
          if (other === undefined || !other.has(element.id)) order.push(element)
        }
      }
    }
    gather(left ?? [], before)
    gather(right ?? [], after, before)
    for (const element of order) {
      const l = before.get(element.id) ?? []
      const r = after.get(element.id) ?? []
      this.path.push(element)
      if (l.length <= 1 && r.length <= 1) this.compare(l[0], r[0], list.elementType)
      else if (l.length >= 2 && r.length >= 2) {
        if (l.length !== r.length || l.some((value, i) => !deepEqual(value, r[i]))) this.modified.insert(this.path)
      } else if (l.length >= 2) {
        if (r.length !== 0) this.compare(undefined, r[0], list.elementType)
        this.removed.insert(this.path)
      } else {
        if (l.length !== 0) this.compare(l[0], undefined, list.elementType)
        this.added.insert(this.path)
      }
      this.path.pop()
    }
    return false
  }
}
