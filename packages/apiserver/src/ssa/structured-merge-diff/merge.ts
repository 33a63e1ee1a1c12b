// The merge of an applied configuration into the live object (SMD typed/merge.go, SPEC.md §10.6 step 2
// and SPEC.md §10.6.1): the configuration wins at every leaf; granular maps merge key by key; associative
// lists merge item by item in SMD 4.2's order; atomic values and values that change kind are replaced.
import type { KubeMap, KubeValue } from '@gitops-sdk/core'
import type { PathElement } from './path.js'
import type { Atom, ListType, MapType, TypeRef } from './schema.js'
import { deduceAtom } from './schema.js'
import { entryType, listItemElement } from './typed.js'
import type { MaybeValue } from './value.js'
import { isMap } from './value.js'
import { getOwn, hasOwn, setOwn } from '../ownKeys.js'

/** Merges `rhs` (the configuration) into `lhs` (the live value); `undefined` means absent. */
export function mergeValue(lhs: MaybeValue, rhs: MaybeValue, type: TypeRef): MaybeValue {
  // A side that is absent contributes nothing: SMD rebuilds the other side unchanged.
  if (rhs === undefined) return lhs
  if (lhs === undefined) return rhs
  // When the two sides deduce to different kinds SMD walks both, but only the walk of the right
  // side produces output, so the right side's kind decides.
  return handle(deduceAtom(type.resolve(), rhs), lhs, rhs)
}

function handle(atom: Atom, lhs: KubeValue, rhs: KubeValue): MaybeValue {
  if (atom.map !== undefined) return mergeMap(atom.map, lhs, rhs)
  if (atom.scalar !== undefined) return rhs
  if (atom.list !== undefined) return mergeList(atom.list, lhs, rhs)
  return rhs
}

function isEmptyMap(value: KubeMap | undefined): boolean {
  if (value === undefined) return true
  for (const _ in value) return false
  return true
}

function mergeMap(map: MapType, lhs: KubeValue, rhs: KubeValue): MaybeValue {
  const left = isMap(lhs) ? lhs : undefined
  const right = isMap(rhs) ? rhs : undefined
  // Both empty or null: keep the configuration's form (preserves `{}` versus null).
  if (map.atomic || (isEmptyMap(left) && isEmptyMap(right))) return rhs
  const out: KubeMap = {}
  if (left !== undefined) {
    for (const key of Object.keys(left)) {
      const merged = mergeEntry(map, key, [left[key], right === undefined ? undefined : getOwn(right, key)])
      if (merged !== undefined) setOwn(out, key, merged)
    }
  }
  if (right !== undefined) {
    for (const key of Object.keys(right)) {
      if (left !== undefined && hasOwn(left, key)) continue
      const merged = mergeEntry(map, key, [undefined, right[key]])
      if (merged !== undefined) setOwn(out, key, merged)
    }
  }
  return out
}

function mergeEntry(map: MapType, key: string, [lhs, rhs]: [MaybeValue, MaybeValue]): MaybeValue {
  if (rhs === undefined) return lhs
  if (lhs === undefined) return rhs
  const type = entryType(map, key)
  return type === undefined ? rhs : mergeValue(lhs, rhs, type)
}

interface Indexed {
  readonly elements: PathElement[]
  /** The item at each position of `elements`. */
  readonly values: KubeValue[]
  /** Item per element id; `null` marks a key that occurs more than once (replaced as a unit). */
  readonly items: Map<string, KubeValue>
}

function index(list: ListType, values: readonly KubeValue[]): Indexed {
  const elements: PathElement[] = []
  const kept: KubeValue[] = []
  const items = new Map<string, KubeValue>()
  for (const value of values) {
    const element = listItemElement(list, value)
    if (typeof element === 'string') continue
    items.set(element.id, items.has(element.id) ? null : value)
    elements.push(element)
    kept.push(value)
  }
  return { elements, values: kept, items }
}

function mergeList(list: ListType, lhs: KubeValue, rhs: KubeValue): MaybeValue {
  const left = Array.isArray(lhs) ? lhs : undefined
  const right = Array.isArray(rhs) ? rhs : undefined
  if (list.atomic || ((left === undefined || left.length === 0) && (right === undefined || right.length === 0))) return rhs
  const l = index(list, left ?? [])
  const r = index(list, right ?? [])
  const shared: string[] = []
  for (const element of r.elements) if (l.items.has(element.id)) shared.push(element.id)
  let sharedAt = 0
  let nextShared = shared[sharedAt++]
  const emitted = new Set<string>()
  const out: KubeValue[] = []
  const emit = (value: MaybeValue): void => {
    if (value !== undefined) out.push(value)
  }
  let li = 0
  let ri = 0
  while (li < l.elements.length || ri < r.elements.length) {
    if (li < l.elements.length && ri < r.elements.length) {
      const id = (l.elements[li] as PathElement).id
      if (id === (r.elements[ri] as PathElement).id) {
        emitted.add(id)
        emit(mergeValue(l.items.get(id), r.items.get(id), list.elementType))
        li++
        ri++
        nextShared = shared[sharedAt++]
        continue
      }
      if (r.items.has(id) && nextShared !== undefined && nextShared !== id) {
        li++
        continue
      }
    }
    if (li < l.elements.length) {
      const id = (l.elements[li] as PathElement).id
      if (!r.items.has(id)) {
        emit(l.values[li])
        li++
        continue
      } else if (emitted.has(id)) {
        li++
      }
    }
    if (ri < r.elements.length) {
      const id = (r.elements[ri] as PathElement).id
      emitted.add(id)
      emit(mergeValue(l.items.get(id), r.items.get(id), list.elementType))
      ri++
      if (nextShared === id) nextShared = shared[sharedAt++]
    }
  }
  return out.length > 0 ? out : undefined
}
