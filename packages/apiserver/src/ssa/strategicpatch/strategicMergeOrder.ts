// Ordering of merged lists in strategic merge patch (apimachinery strategicpatch normalizeElementOrder,
// mergeSortedSlice, partition*): patch items in patch order, server-only items in live order, the two
// interleaved by their live positions.
import type { KubeValue } from '@gitops-sdk/core'
import type { SliceKind } from './strategicMergeSchema.js'
import { goKind, PatchFailure } from './strategicMergeSchema.js'
import { goFormatValue, isMap } from '../structured-merge-diff/value.js'
import { hasOwn } from '../ownKeys.js'

/** Go's `==` on decoded JSON scalars (maps and lists are never equal: Go cannot compare them). */
export function sameGoValue(a: KubeValue | undefined, b: KubeValue | undefined): boolean {
  if (a === undefined || b === undefined) return a === b
  if (isMap(a) || isMap(b) || Array.isArray(a) || Array.isArray(b)) return false
  const kind = goKind(a)
  if (kind !== goKind(b)) return false
  return kind === 'int64' ? BigInt(a as number | bigint) === BigInt(b as number | bigint) : a === b
}

/** A hashable form of a scalar for `sameGoValue` lookups; `undefined` for maps and lists. */
function scalarKey(value: KubeValue | undefined): string | undefined {
  if (value === undefined || isMap(value) || Array.isArray(value)) return undefined
  const kind = goKind(value)
  return kind === 'int64' ? `i:${BigInt(value as number | bigint)}` : `${kind}:${String(value)}`
}

function identityOf(item: KubeValue, mergeKey: string, kind: SliceKind): KubeValue | undefined {
  if (kind !== 'map') return item
  return isMap(item) ? item[mergeKey] : undefined
}

/** First position of each identity in `list` (`index` of the upstream code, hashed). */
function positions(list: readonly KubeValue[], mergeKey: string, kind: SliceKind): Map<string, number> {
  const out = new Map<string, number>()
  list.forEach((item, i) => {
    const key = scalarKey(identityOf(item, mergeKey, kind))
    if (key !== undefined && !out.has(key)) out.set(key, i)
  })
  return out
}

function positionOf(at: Map<string, number>, item: KubeValue, options: { mergeKey: string; kind: SliceKind }): number {
  const key = scalarKey(identityOf(item, options.mergeKey, options.kind))
  return key === undefined ? -1 : (at.get(key) ?? -1)
}

/** Splits scalars into those present in `by` and the rest. */
export function partitionPrimitives(list: readonly KubeValue[], by: readonly KubeValue[]): [KubeValue[], KubeValue[]] {
  const present = new Set(by.map((item) => scalarKey(item)))
  const inList: KubeValue[] = []
  const rest: KubeValue[] = []
  for (const item of list) (present.has(scalarKey(item)) ? inList : rest).push(item)
  return [inList, rest]
}

/** Splits maps into those whose merge key occurs in `by` and the rest. */
export function partitionMaps(list: readonly KubeValue[], by: readonly KubeValue[], mergeKey: string): [KubeValue[], KubeValue[]] {
  for (const item of by) if (!isMap(item)) throw new PatchFailure('internal', 'value for key is not a map')
  const present = positions(by, mergeKey, 'map')
  const inList: KubeValue[] = []
  const rest: KubeValue[] = []
  for (const item of list) {
    if (!isMap(item)) throw new PatchFailure('internal', `expected a map[string]interface {}, but received a ${goKind(item)}`)
    if (!hasOwn(item, mergeKey)) throw new PatchFailure('internal', `map: ${goFormatValue(item)} does not contain declared merge key: ${mergeKey}`)
    ;(positionOf(present, item, { mergeKey, kind: 'map' }) >= 0 ? inList : rest).push(item)
  }
  return [inList, rest]
}

/** `normalizeSliceOrder`: sorts `items` by their position in `order`; `$patch: delete` items go last. */
export function normalizeSliceOrder(items: KubeValue[], order: readonly KubeValue[], options: { mergeKey: string; kind: SliceKind }): KubeValue[] {
  let toSort = items
  let toDelete: KubeValue[] = []
  if (options.kind === 'map') {
    for (const item of [...items, ...order]) {
      if (!isMap(item)) throw new PatchFailure('internal', `expected a map[string]interface {}, but received a ${goKind(item)}`)
      if (!hasOwn(item, options.mergeKey)) {
        throw new PatchFailure('internal', `map: ${goFormatValue(item)} does not contain declared merge key: ${options.mergeKey}`)
      }
    }
    toSort = items.filter((item) => (item as Record<string, KubeValue>).$patch !== 'delete')
    toDelete = items.filter((item) => (item as Record<string, KubeValue>).$patch === 'delete')
  }
  const at = positions(order, options.mergeKey, options.kind)
  const ranked = toSort.map((item) => positionOf(at, item, options))
  if (ranked.every((rank) => rank >= 0)) {
    const sorted = toSort.map((item, i) => ({ item, rank: ranked[i] as number, i })).sort((a, b) => a.rank - b.rank || a.i - b.i)
    return [...sorted.map(({ item }) => item), ...toDelete]
  }
  // Upstream's comparator says "less" whenever a position is unknown; Go's stable sort of a short
  // list is an insertion sort, reproduced here for that case.
  const out = [...toSort]
  const less = (a: KubeValue, b: KubeValue): boolean => {
    const x = positionOf(at, a, options)
    const y = positionOf(at, b, options)
    return x >= 0 && y >= 0 ? x < y : true
  }
  for (let i = 1; i < out.length; i++) {
    for (let j = i; j > 0 && less(out[j] as KubeValue, out[j - 1] as KubeValue); j--) {
      const swap = out[j] as KubeValue
      out[j] = out[j - 1] as KubeValue
      out[j - 1] = swap
    }
  }
  return [...out, ...toDelete]
}

/**
 * `mergeSortedSlice`: interleaves server-only items (`left`) into patch items (`right`), taking a
 * left item first only when both have live positions and the left one comes earlier.
 */
export function mergeSortedSlice(lists: { left: KubeValue[]; right: KubeValue[] }, serverOrder: readonly KubeValue[], options: { mergeKey: string; kind: SliceKind }): KubeValue[] {
  const { left, right } = lists
  const at = positions(serverOrder, options.mergeKey, options.kind)
  const out: KubeValue[] = []
  let i = 0
  let j = 0
  while (i < left.length || j < right.length) {
    if (i >= left.length) out.push(right[j++] as KubeValue)
    else if (j >= right.length) out.push(left[i++] as KubeValue)
    else {
      const li = positionOf(at, left[i] as KubeValue, options)
      const ri = positionOf(at, right[j] as KubeValue, options)
      if (li >= 0 && ri >= 0 && li < ri) out.push(left[i++] as KubeValue)
      else out.push(right[j++] as KubeValue)
    }
  }
  return out
}
