// Reading metadata.managedFields (FieldsV1): which manager owns which field of a live object.
// FieldsV1 keys are `f:<field>` for map fields, `k:<json>` for list items by their keys,
// `v:<json>` for set items, `i:<n>` for items by index, and `.` for the item itself.
import { deepEqual, isKubeMap } from '@gitops-sdk/core'
import type { KubeObject, KubeValue } from '@gitops-sdk/core'

/** A FieldsV1 tree. */
export interface FieldsTree {
  readonly [key: string]: FieldsTree
}

/** One managedFields entry with its parsed field set. */
export interface ManagedEntry {
  readonly manager: string
  readonly operation: string
  readonly subresource: string
  readonly time: string
  readonly fields: FieldsTree
}

/** A step into a value: a map field by name, or a list item by index. */
export type PathSegment = string | number

/** The entries of `metadata.managedFields`, skipping malformed ones. */
export function managedEntries(object: KubeObject): ManagedEntry[] {
  const list = object.metadata.managedFields
  if (!Array.isArray(list)) return []
  return list.filter(isKubeMap).map((e) => ({
    manager: typeof e.manager === 'string' ? e.manager : '',
    operation: typeof e.operation === 'string' ? e.operation : '',
    subresource: typeof e.subresource === 'string' ? e.subresource : '',
    time: typeof e.time === 'string' ? e.time : '',
    fields: isKubeMap(e.fieldsV1) ? (e.fieldsV1 as unknown as FieldsTree) : {},
  }))
}

function parseKey(key: string): unknown {
  try {
    return JSON.parse(key.slice(2))
  } catch {
    return undefined
  }
}

/** Whether a FieldsV1 key (`k:`, `v:`, `i:`) names `item`, the element at `index` of its list. */
export function keyMatchesItem(key: string, item: KubeValue | undefined, index: number): boolean {
  if (key.startsWith('i:')) return Number(key.slice(2)) === index
  if (key.startsWith('v:')) return deepEqual(parseKey(key), item)
  if (key.startsWith('k:')) {
    const fields = parseKey(key)
    if (!isKubeMap(fields) || !isKubeMap(item)) return false
    return Object.entries(fields).every(([k, v]) => deepEqual(item[k], v))
  }
  return false
}

/**
 * The subtree for one step. `value` is the live value the step is taken in (the list, for an
 * index step), needed to find the `k:`/`v:` key of a list item.
 */
export function childTree(tree: FieldsTree, value: KubeValue | undefined, segment: PathSegment): FieldsTree | undefined {
  if (typeof segment === 'string') return tree[`f:${segment}`]
  if (!Array.isArray(value)) return undefined
  const item = value[segment]
  for (const key of Object.keys(tree)) if (keyMatchesItem(key, item, segment)) return tree[key]
  return undefined
}

/** Whether a tree node is a leaf: the whole value is owned (scalar, or atomic map or list). */
export function isLeaf(tree: FieldsTree): boolean {
  for (const key in tree) if (key !== '.') return false
  return true
}

/**
 * The entries that own the value at `path` of `live`: those whose field set reaches the path, or
 * owns one of its ancestors as a whole (an atomic map or list).
 */
export function ownersOf(live: KubeObject, path: readonly PathSegment[]): ManagedEntry[] {
  return managedEntries(live).filter((entry) => owns(entry.fields, live, path))
}

function owns(tree: FieldsTree, live: KubeObject, path: readonly PathSegment[]): boolean {
  let node: FieldsTree | undefined = tree
  let value: KubeValue | undefined = live as unknown as KubeValue
  for (const segment of path) {
    const next: FieldsTree | undefined = childTree(node, value, segment)
    if (next === undefined) return node !== tree && isLeaf(node)
    node = next
    value = typeof segment === 'number' ? (Array.isArray(value) ? value[segment] : undefined) : isKubeMap(value) ? value[segment] : undefined
  }
  return true
}

/**
 * The manager that owns the value at `path`, preferring the most recent writer when several share
 * it, so that a drift report names whoever changed it last; undefined when no entry owns it.
 */
export function ownerOf(live: KubeObject, path: readonly PathSegment[]): string | undefined {
  const owners = ownersOf(live, path)
  if (owners.length === 0) return undefined
  return owners.reduce((a, b) => (b.time > a.time ? b : a)).manager
}
