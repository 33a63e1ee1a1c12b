// Strategic merge patch with apimachinery's semantics (util/strategicpatch/patch.go, server side:
// MergeParallelList and IgnoreUnmatchedNulls): merge keys and strategies come from the schema;
// directives `$patch`, `$retainKeys`, `$setElementOrder/<field>`, `$deleteFromPrimitiveList/<field>`.
import type { KubeMap, KubeValue } from '@gitops-sdk/core'
import { cloneValue } from '@gitops-sdk/core'
import { SsaError } from '../fieldmanager/errors.js'
import { badRequest, internalError, rejectedRequest } from '../../status.js'
import type { TypeRef } from '../structured-merge-diff/schema.js'
import type { TypeSchema } from '../fieldmanager/typeSchema.js'
import { quote } from '@gitops-sdk/core/go'
import { deleteKey, goFormatValue, isMap } from '../structured-merge-diff/value.js'
import { getOwn, hasOwn, setOwn } from '../ownKeys.js'
import type { Lookup, SliceKind } from './strategicMergeSchema.js'
import { goKind, lookupSlice, lookupStruct, PatchFailure, retainKeysStrategy, typeName } from './strategicMergeSchema.js'
import { mergeSortedSlice, normalizeSliceOrder, partitionMaps, partitionPrimitives, sameGoValue } from './strategicMergeOrder.js'

const directiveMarker = '$patch'
const retainKeysDirective = '$retainKeys'
const deleteFromPrimitiveListPrefix = '$deleteFromPrimitiveList'
const setElementOrderPrefix = '$setElementOrder'

const errBadRetainKeys = 'invalid patch format of retainKeys'
const errBadPrimitiveList = 'invalid patch format of primitive list'
const errBadSetElementOrder = 'invalid patch format of setElementOrder list'

/**
 * Applies a strategic merge patch to `original` as kube-apiserver does for built-in kinds, with
 * merge keys and patch strategies from `schema`. Neither input is modified.
 *
 * @throws {SsaError} with the Status Kubernetes answers: 400 for malformed directives, 422 for lists
 *   of lists, 500 (no reason) for other merge failures, 400 for kinds without strategic merge (CRs).
 * @example
 * ```ts
 * const patched = strategicMergePatch(live, { spec: { template: { spec: { containers: [{ name: 'web', image: 'web:2' }] } } } },
 *   builtinTypeSchema('apps/v1', 'Deployment')!)
 * ```
 */
export function strategicMergePatch(original: KubeMap, patch: KubeMap, schema: TypeSchema): KubeMap {
  if (!schema.strategicMerge) throw new SsaError(badRequest('strategic merge patch format is not supported'))
  try {
    return mergeMap(cloneValue(original), cloneValue(patch), schema.root)
  } catch (error) {
    if (!(error instanceof PatchFailure)) throw error
    switch (error.kind) {
      case 'badRequest':
        throw new SsaError(badRequest(error.message), error)
      case 'invalid':
        throw new SsaError(rejectedRequest(), error)
      case 'internal':
        throw new SsaError(internalError(error.message), error)
    }
  }
}

function fail(message: string): never {
  throw new PatchFailure('internal', message)
}

function mergeMap(original: KubeMap | undefined, patch: KubeMap, type: TypeRef | undefined): KubeMap {
  if (hasOwn(patch, directiveMarker)) {
    const directive = patch[directiveMarker]
    if (directive === 'replace') {
      deleteKey(patch, directiveMarker)
      return patch
    }
    if (directive === 'delete') return {}
    fail(`unknown patch type: ${goFormatValue(directive)} in map: ${goFormatValue(patch)}`)
  }
  const target = original ?? {}
  applyRetainKeys(target, patch)
  mergeElementOrders(target, patch, type)
  for (const patchKey of Object.keys(patch)) {
    let key = patchKey
    const patchValue = patch[patchKey] as KubeValue
    const isDeleteList = key.startsWith(deleteFromPrimitiveListPrefix)
    if (isDeleteList) key = extractKey(key, deleteFromPrimitiveListPrefix, errBadPrimitiveList)
    if (patchValue === null) {
      deleteKey(target, key)
      continue
    }
    const current = getOwn(target, key)
    if (current === undefined || goKind(current) !== goKind(patchValue)) {
      if (!isDeleteList) setWithoutDirectives(target, key, discardNulls(patchValue))
      continue
    }
    if (isMap(current) && isMap(patchValue)) {
      const { type: sub, strategies } = lookupStruct(type, key)
      setOwn(target, key, retainKeysStrategy(strategies).strategy === 'replace' ? patchValue : mergeMap(current, patchValue, sub))
    } else if (Array.isArray(current) && Array.isArray(patchValue)) {
      const lookup = lookupSlice(type, key)
      setOwn(target, key, mergeSliceHandler(current, patchValue, { ...lookup, isDeleteList }))
    } else {
      setWithoutDirectives(target, key, patchValue)
    }
  }
  return target
}

function setWithoutDirectives(target: KubeMap, key: string, value: KubeValue): void {
  const kept = removeDirectives(value)
  if (kept === undefined) deleteKey(target, key)
  else setOwn(target, key, kept)
}

function extractKey(key: string, prefix: string, error: string): string {
  const slash = key.indexOf('/')
  if (slash < 0 || key.slice(0, slash) !== prefix) throw new PatchFailure('badRequest', error)
  return key.slice(slash + 1)
}

/** `$retainKeys`: drop keys of `original` missing from the list; every patched key must be listed. */
function applyRetainKeys(original: KubeMap, patch: KubeMap): void {
  if (!hasOwn(patch, retainKeysDirective)) return
  const list = patch[retainKeysDirective]
  deleteKey(patch, retainKeysDirective)
  if (!Array.isArray(list)) throw new PatchFailure('badRequest', errBadRetainKeys)
  const retained = new Set(list.filter((item): item is string => typeof item === 'string'))
  for (const [key, value] of Object.entries(patch)) {
    if (value === null || key.startsWith(deleteFromPrimitiveListPrefix) || key.startsWith(setElementOrderPrefix)) continue
    if (!retained.has(key)) throw new PatchFailure('badRequest', errBadRetainKeys)
  }
  for (const key of Object.keys(original)) if (!retained.has(key)) deleteKey(original, key)
}

/** `$setElementOrder/<field>`: merge that list now and order it by the directive, then the live order. */
function mergeElementOrders(original: KubeMap, patch: KubeMap, type: TypeRef | undefined): void {
  for (const key of Object.keys(patch)) {
    if (!key.startsWith(setElementOrderPrefix)) continue
    const order = patch[key]
    deleteKey(patch, key)
    if (!Array.isArray(order)) fail(`expected a []interface {}, but received a ${goKind(order ?? null) === 'nil' ? '<nil>' : goTypeOf(order ?? null)}`)
    const field = extractKey(key, setElementOrderPrefix, errBadSetElementOrder)
    const originalList = original[field]
    const patchList = patch[field]
    if (originalList !== undefined && !Array.isArray(originalList)) fail(`expected a []interface {}, but received a ${goTypeOf(originalList)}`)
    if (patchList !== undefined && !Array.isArray(patchList)) fail(`expected a []interface {}, but received a ${goTypeOf(patchList)}`)
    const lookup = lookupSlice(type, field)
    validateAgainstOrder(patchList ?? [], order, lookup.mergeKey)
    let merged: KubeValue[]
    if (originalList !== undefined && patchList === undefined) merged = originalList
    else if (originalList === undefined && patchList !== undefined) merged = removeDirectives(patchList) as KubeValue[]
    else if (originalList !== undefined && patchList !== undefined) merged = mergeSliceHandler(originalList, patchList, { ...lookup, isDeleteList: false })
    else continue
    const [inPatch, serverOnly] = lookup.mergeKey === '' ? partitionPrimitives(merged, order) : partitionMaps(merged, order, lookup.mergeKey)
    const kind = sliceElementKind(originalList ?? [], patchList ?? [])
    original[field] = normalizeElementOrder({ patch: inPatch, serverOnly }, { patchOrder: order, serverOrder: originalList ?? [] }, { mergeKey: lookup.mergeKey, kind })
    deleteKey(patch, field)
  }
}

function goTypeOf(value: KubeValue): string {
  if (isMap(value)) return 'map[string]interface {}'
  if (Array.isArray(value)) return '[]interface {}'
  const kind = goKind(value)
  return kind === 'nil' ? '<nil>' : kind
}

function validateAgainstOrder(patchList: readonly KubeValue[], order: readonly KubeValue[], mergeKey: string): void {
  if (order.length === 0 || patchList.length === 0) return
  const nonDelete = mergeKey === '' ? patchList : extractToDelete(patchList)[0]
  let p = 0
  let o = 0
  while (p < nonDelete.length && o < order.length) {
    const item = nonDelete[p] as KubeValue
    if (isMap(item) && hasOwn(item, directiveMarker)) {
      p++
      continue
    }
    if (mergeKeyValueEqual(item, order[o] as KubeValue, mergeKey)) p++
    o++
  }
  if (p < nonDelete.length && o >= order.length) {
    fail(`The order in patch list:\n${goFormatValue(patchList as KubeValue[])}\n doesn't match ${setElementOrderPrefix} list:\n${goFormatValue(order as KubeValue[])}\n`)
  }
}

function mergeKeyValueEqual(left: KubeValue, right: KubeValue, mergeKey: string): boolean {
  if (mergeKey === '') return sameGoValue(left, right)
  if (!isMap(left)) fail(`expected a map[string]interface {}, but received a ${goTypeOf(left)}`)
  if (!isMap(right)) fail(`expected a map[string]interface {}, but received a ${goTypeOf(right)}`)
  if (!hasOwn(left, mergeKey)) fail(noMergeKey(left, mergeKey))
  if (!hasOwn(right, mergeKey)) fail(noMergeKey(right, mergeKey))
  return sameGoValue(left[mergeKey], right[mergeKey])
}

function noMergeKey(map: KubeMap, mergeKey: string): string {
  return `map: ${goFormatValue(map)} does not contain declared merge key: ${mergeKey}`
}

function mergeSliceHandler(original: KubeValue[], patch: KubeValue[], lookup: Lookup & { isDeleteList: boolean }): KubeValue[] {
  if (retainKeysStrategy(lookup.strategies).strategy === 'merge' || lookup.isDeleteList) return mergeSlice(original, patch, lookup)
  return patch
}

function mergeSlice(original: KubeValue[], patch: KubeValue[], lookup: Lookup & { isDeleteList: boolean }): KubeValue[] {
  const isDeleteList = lookup.isDeleteList
  if (original.length === 0 && patch.length === 0) return original
  const kind = sliceElementKind(original, patch)
  const mergeKey = lookup.mergeKey
  let merged: KubeValue[]
  let base = original
  let changes = patch
  if (kind !== 'map') {
    if (isDeleteList) return original.filter((item) => !patch.some((removed) => sameGoValue(item, removed)))
    merged = dedupe([...original, ...patch])
  } else {
    if (mergeKey === '') fail(`cannot merge lists without merge key for ${typeName(lookup.type)}`)
    ;[base, changes] = withSpecialElements(original, patch, mergeKey)
    merged = withoutSpecialElements(base, changes, { mergeKey, type: lookup.type })
  }
  const [inPatch, serverOnly] = mergeKey === '' ? partitionPrimitives(merged, changes) : partitionMaps(merged, changes, mergeKey)
  return normalizeElementOrder({ patch: inPatch, serverOnly }, { patchOrder: changes, serverOrder: base }, { mergeKey, kind })
}

function dedupe(items: readonly KubeValue[]): KubeValue[] {
  const out: KubeValue[] = []
  for (const item of items) if (!out.some((kept) => sameGoValue(kept, item))) out.push(item)
  return out
}

/** The Go kind all items share; lists of lists and mixed kinds are errors, as is having no items. */
function sliceElementKind(...lists: readonly (readonly KubeValue[])[]): SliceKind {
  let kind: SliceKind | undefined
  for (const list of lists) {
    for (const item of list) {
      const current = goKind(item)
      if (kind === undefined) {
        if (current === 'slice') throw new PatchFailure('invalid', 'lists of lists are not supported')
        if (current === 'nil') fail('list element types are not identical: nil element')
        kind = current
      } else if (kind !== current) {
        fail(`list element types are not identical: ${lists.map((l) => goFormatValue(l as KubeValue[])).join(' ')}`)
      }
    }
  }
  if (kind === undefined) fail('no elements in any of the given slices')
  return kind
}

function extractToDelete(list: readonly KubeValue[]): [KubeValue[], KubeValue[]] {
  const keep: KubeValue[] = []
  const remove: KubeValue[] = []
  for (const item of list) {
    if (!isMap(item)) fail(`expected a map[string]interface {}, but received a ${goTypeOf(item)}`)
    if (item[directiveMarker] === 'delete') remove.push(item)
    else keep.push(item)
  }
  return [keep, remove]
}

/** Handles `$patch: delete|replace|merge` items of a list of maps. */
function withSpecialElements(original: KubeValue[], patch: KubeValue[], mergeKey: string): [KubeValue[], KubeValue[]] {
  const plain: KubeValue[] = []
  let replace = false
  let base = original
  for (const item of patch as KubeMap[]) {
    if (!hasOwn(item, directiveMarker)) {
      plain.push(item)
      continue
    }
    const directive = item[directiveMarker]
    if (directive === 'delete') {
      if (!hasOwn(item, mergeKey)) fail(noMergeKey(item, mergeKey))
      const value = item[mergeKey] as KubeValue
      base = base.filter((entry) => {
        if (!isMap(entry)) fail(`value for key ${quote(mergeKey)} is not a map`)
        return !(hasOwn(entry, mergeKey) && sameGoValue(entry[mergeKey], value))
      })
    } else if (directive === 'replace') replace = true
    else if (directive === 'merge') fail('merging lists cannot yet be specified in the patch')
    else fail(`unknown patch type: ${goFormatValue(directive)} in map: ${goFormatValue(item)}`)
  }
  return replace ? [plain, []] : [base, plain]
}

function withoutSpecialElements(original: KubeValue[], patch: KubeValue[], options: { mergeKey: string; type: TypeRef | undefined }): KubeValue[] {
  const { mergeKey, type } = options
  const out = [...original]
  for (const item of patch as KubeMap[]) {
    if (!hasOwn(item, mergeKey)) fail(noMergeKey(item, mergeKey))
    const value = item[mergeKey] as KubeValue
    const at = out.findIndex((entry) => isMap(entry) && hasOwn(entry, mergeKey) && sameGoValue(entry[mergeKey], value))
    if (at >= 0) out[at] = mergeMap(out[at] as KubeMap, item, type)
    else out.push(item)
  }
  return out
}

function normalizeElementOrder(
  items: { patch: KubeValue[]; serverOnly: KubeValue[] },
  orders: { patchOrder: readonly KubeValue[]; serverOrder: readonly KubeValue[] },
  options: { mergeKey: string; kind: SliceKind },
): KubeValue[] {
  const patch = normalizeSliceOrder(items.patch, orders.patchOrder, options)
  const serverOnly = normalizeSliceOrder(items.serverOnly, orders.serverOrder, options)
  return mergeSortedSlice({ left: serverOnly, right: patch }, orders.serverOrder, options)
}

/** Strips `$patch` maps (at any depth) from new content; other directives stay, as upstream. */
// Both walks below go by an explicit stack: a patch may nest as deep as a body may (MAX_JSON_DEPTH), and a
// patch applied by a webhook or built from a stored object may be deeper.

function removeDirectives(value: KubeValue): KubeValue | undefined {
  if (isDirective(value)) return undefined
  // Maps are changed in place; every list is replaced by a copy without its directives.
  const root = Array.isArray(value) ? withoutDirectives(value) : value
  const pending: KubeValue[] = [root]
  while (pending.length > 0) {
    const next = pending.pop() as KubeValue
    if (isMap(next)) {
      for (const key of Object.keys(next)) {
        const child = next[key] as KubeValue
        const kept = Array.isArray(child) ? withoutDirectives(child) : child
        if (isDirective(child)) deleteKey(next, key)
        else pending.push(kept)
        if (kept !== child) setOwn(next, key, kept)
      }
    } else if (Array.isArray(next)) {
      for (let i = 0; i < next.length; i++) {
        const item = next[i] as KubeValue
        if (Array.isArray(item)) next[i] = withoutDirectives(item)
        pending.push(next[i] as KubeValue)
      }
    }
  }
  return root
}

const isDirective = (value: KubeValue | undefined): boolean => value !== undefined && isMap(value) && hasOwn(value, directiveMarker)
const withoutDirectives = (list: readonly KubeValue[]): KubeValue[] => list.filter((item) => !isDirective(item))

function discardNulls(value: KubeValue): KubeValue {
  const pending: KubeValue[] = [value]
  while (pending.length > 0) {
    const next = pending.pop() as KubeValue
    if (isMap(next)) {
      for (const key of Object.keys(next)) {
        if (next[key] === null) deleteKey(next, key)
        else pending.push(next[key] as KubeValue)
      }
    } else if (Array.isArray(next)) {
      for (const item of next) pending.push(item)
    }
  }
  return value
}
