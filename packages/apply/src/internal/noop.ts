// Proves without a request that applying `desired` would not change `live`, so the dry-run that
// Flux sends for every object can be skipped. It holds when:
//  - our field manager has exactly one Apply entry in live's managedFields;
//  - the fields that entry owns are exactly the fields of `desired` (nothing would be removed,
//    nothing newly owned), matched through FieldsV1 keys against live's list items;
//  - every value of `desired` equals live's (whole-value equality where we own a map or list
//    atomically), lists have the same length, and `desired` has no nulls.
// Then a server-side apply of `desired` produces `live` again: same values, same ownership. When
// any condition fails the caller falls back to the dry-run, so a false "no" only costs a request.
import { deepEqual, isKubeMap } from '@gitops-sdk/core'
import type { KubeMap, KubeObject, KubeValue } from '@gitops-sdk/core'
import { omit } from './omit.js'
import type { FieldsTree } from './managedFields.js'
import { isLeaf, keyMatchesItem, managedEntries } from './managedFields.js'

/** Whether applying `desired` as `fieldManager` provably leaves `live` unchanged. */
export function provablyUnchanged(desired: KubeObject, live: KubeObject | undefined, fieldManager: string): boolean {
  if (live === undefined) return false
  const deletion = live.metadata.deletionTimestamp
  if (typeof deletion === 'string' && deletion !== '') return false
  const ours = managedEntries(live).filter((e) => e.manager === fieldManager && e.operation === 'Apply' && e.subresource === '')
  if (ours.length !== 1 || ours[0] === undefined) return false
  return covers(appliedFields(desired), live as unknown as KubeValue, ours[0].fields)
}

/** The part of an applied object that field sets track: no apiVersion, kind, name, namespace or status. */
export function appliedFields(desired: KubeObject): KubeMap {
  const meta: Record<string, unknown> = omit(desired.metadata, ['name', 'namespace'])
  if (meta.creationTimestamp === null) delete meta.creationTimestamp
  const body = omit(desired, ['apiVersion', 'kind', 'status', 'metadata']) as KubeMap
  const metaMap = Object.fromEntries(Object.entries(meta).filter(([, v]) => v !== undefined)) as KubeMap
  if (Object.keys(metaMap).length > 0) body.metadata = metaMap
  return body
}

function covers(desired: KubeValue, live: KubeValue | undefined, tree: FieldsTree): boolean {
  if (desired === null) return false
  if (Array.isArray(desired)) return coversList(desired, live, tree)
  if (isKubeMap(desired)) return coversMap(desired, live, tree)
  return live !== undefined && live !== null && !Array.isArray(live) && !isKubeMap(live) && deepEqual(desired, live)
}

function coversMap(desired: KubeMap, live: KubeValue | undefined, tree: FieldsTree): boolean {
  if (!isKubeMap(live)) return false
  if (isLeaf(tree)) return deepEqual(desired, live)
  for (const [key, value] of Object.entries(desired)) {
    const sub = tree[`f:${key}`]
    if (sub === undefined || !covers(value, live[key], sub)) return false
  }
  for (const key of Object.keys(tree)) {
    if (key === '.') continue
    if (!key.startsWith('f:') || !Object.hasOwn(desired, key.slice(2))) return false
  }
  return true
}

function coversList(desired: readonly KubeValue[], live: KubeValue | undefined, tree: FieldsTree): boolean {
  if (!Array.isArray(live) || live.length !== desired.length) return false
  if (isLeaf(tree)) return deepEqual(desired, live)
  const keys = Object.keys(tree).filter((k) => k !== '.')
  const used = new Set<string>()
  for (let i = 0; i < desired.length; i += 1) {
    const item = live[i]
    const key = keys.find((k) => !used.has(k) && keyMatchesItem(k, item, i))
    const sub = key === undefined ? undefined : tree[key]
    if (key === undefined || sub === undefined || !covers(desired[i] as KubeValue, item, sub)) return false
    used.add(key)
  }
  return used.size === keys.length
}
