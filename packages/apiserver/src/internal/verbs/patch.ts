// JSON Merge Patch (RFC 7386) and JSON Patch (RFC 6902) on plain JSON values.
import { isKubeMap } from '@gitops-sdk/core'
import type { KubeMap, KubeValue } from '@gitops-sdk/core'
import { deepEqual, omit, text } from '../state/objects.js'
import { getOwn, hasOwn, setOwn } from '../../ssa/ownKeys.js'
import { MAX_JSON_DEPTH, tooDeep, valueOpenerPast } from '../http/jsonDepth.js'
import { cloneJson, stringifyJson } from '../../ssa/deepJson.js'
import { jsonKind } from '../rules/jsonKind.js'

/**
 * RFC 7386: maps merge key by key, `null` removes, anything else replaces. Walked by an explicit
 * stack, as a patch may nest as deep as a body may (MAX_JSON_DEPTH) and its operations may build deeper.
 */
export function mergePatch(target: KubeValue | object, patch: KubeValue | object): KubeValue {
  if (!isKubeMap(patch)) return patch as KubeValue
  const root: KubeMap = isKubeMap(target) ? { ...target } : {}
  const pending: [KubeMap, KubeMap][] = [[root, patch]]
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [out, part] = next
    for (const [key, value] of Object.entries(part)) {
      if (value === null) omit(out, key)
      else if (!isKubeMap(value)) setOwn(out, key, value)
      else {
        const base = getOwn(out, key)
        const merged: KubeMap = isKubeMap(base) ? { ...base } : {}
        setOwn(out, key, merged)
        pending.push([merged, value])
      }
    }
  }
  return root
}

/** Why a JSON patch could not be applied. */
export class PatchError extends Error {
  override readonly name = 'PatchError'
}

/** A JSON patch whose operations do not decode (kube's jsonpatch.DecodePatch fails, before applying). */
export class PatchDecodeError extends PatchError {}

/**
 * A JSON patch whose operations would build a document nested past MAX_JSON_DEPTH. kube-apiserver
 * applies such a patch and then fails to decode the result (Go's scanner's words, in `message`).
 */
export class PatchTooDeepError extends PatchError {}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return []
  if (!pointer.startsWith('/')) throw new PatchError(`invalid JSON pointer ${JSON.stringify(pointer)}`)
  return pointer.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
}

interface Slot {
  parent: KubeMap | KubeValue[]
  key: string
}

function locate(doc: KubeValue, path: string[], op: string): Slot {
  let current: KubeValue = doc
  for (const part of path.slice(0, -1)) {
    if (Array.isArray(current) && /^(0|[1-9][0-9]*)$/.test(part)) current = current[Number(part)] as KubeValue
    else if (isKubeMap(current) && hasOwn(current, part)) current = current[part] as KubeValue
    else throw new PatchError(`${op} operation does not apply: doc is missing path: /${path.join('/')}`)
  }
  if (!isKubeMap(current) && !Array.isArray(current)) {
    throw new PatchError(`${op} operation does not apply: doc is missing path: /${path.join('/')}`)
  }
  return { parent: current, key: path[path.length - 1] ?? '' }
}

function index(slot: Slot & { parent: KubeValue[] }, forAdd: boolean): number {
  if (forAdd && slot.key === '-') return slot.parent.length
  const i = /^(0|[1-9][0-9]*)$/.test(slot.key) ? Number(slot.key) : -1
  if (i < 0 || i > slot.parent.length - (forAdd ? 0 : 1)) throw new PatchError(`index out of range: ${slot.key}`)
  return i
}

function get(doc: KubeValue, pointer: string, op: string): KubeValue {
  const path = parsePointer(pointer)
  if (path.length === 0) return doc
  const slot = locate(doc, path, op)
  const value = Array.isArray(slot.parent) ? slot.parent[index(slot as Slot & { parent: KubeValue[] }, false)] : getOwn(slot.parent, slot.key)
  if (value === undefined) throw new PatchError(`${op} operation does not apply: doc is missing path: ${pointer}`)
  return value
}

function remove(doc: KubeValue, pointer: string, op: string): KubeValue {
  const slot = locate(doc, parsePointer(pointer), op)
  if (Array.isArray(slot.parent)) {
    const i = index(slot as Slot & { parent: KubeValue[] }, false)
    return slot.parent.splice(i, 1)[0] as KubeValue
  }
  if (!hasOwn(slot.parent, slot.key)) throw new PatchError(`${op} operation does not apply: doc is missing path: ${pointer}`)
  const value = slot.parent[slot.key] as KubeValue
  omit(slot.parent, slot.key)
  return value
}

/**
 * `add` of a value that add, replace, copy (`copy`: a clone of it) or move puts at `pointer`: refused
 * with Go's json words, before anything is cloned, when the document would nest deeper than a body
 * may (a copy or move of a subtree below itself doubles the depth, and a mutating webhook's patch
 * was never bounded, so a few operations would build a document no later walk could recurse over).
 */
function addBounded(doc: KubeValue, pointer: string, put: { readonly value: KubeValue; readonly copy: boolean }): KubeValue {
  const path = parsePointer(pointer)
  const opener = valueOpenerPast(put.value, MAX_JSON_DEPTH - path.length)
  if (opener !== undefined) throw new PatchTooDeepError(tooDeep(opener))
  return add(doc, path, put.copy ? cloneJson(put.value) : put.value)
}

function add(doc: KubeValue, path: string[], value: KubeValue): KubeValue {
  if (path.length === 0) return value
  const slot = locate(doc, path, 'add')
  if (Array.isArray(slot.parent)) slot.parent.splice(index(slot as Slot & { parent: KubeValue[] }, true), 0, value)
  else setOwn(slot.parent, slot.key, value)
  return doc
}

/**
 * How many bytes the `copy` operations of one JSON patch may add in all: kube-apiserver's
 * JSONPatchMaxCopyBytes (3 MiB, its request body limit), which it sets as json-patch's
 * AccumulatedCopySizeLimit. Without it a few copies of copies grow a document without bound.
 */
export const JSON_PATCH_MAX_COPY_BYTES: number = 3 * 1024 * 1024

/**
 * The error kube-apiserver's JSON patcher answers (400, in `message`) when `fieldValidation` is
 * Strict or Warn and the parsed body does not decode into its list of `{op, path, from, value}`
 * structs (op, path and from strings): encoding/json's first type error, document order, after
 * `error decoding patch: `. Undefined when it decodes; a JSON null is an empty list, a null
 * operation or field the zero value.
 */
export function strictJsonPatchError(operations: unknown): string | undefined {
  const prefix = 'error decoding patch: json: cannot unmarshal'
  if (operations === null) return undefined
  if (!Array.isArray(operations)) return `${prefix} ${jsonKind(operations)} into Go value of type []handlers.jsonPatchOp`
  for (const operation of operations as unknown[]) {
    if (operation === null) continue
    if (!isKubeMap(operation)) return `${prefix} ${jsonKind(operation)} into Go value of type handlers.jsonPatchOp`
    for (const field of Object.keys(operation)) {
      if (field !== 'op' && field !== 'path' && field !== 'from') continue
      const value = operation[field]
      if (value !== null && typeof value !== 'string') return `${prefix} ${jsonKind(value)} into Go struct field jsonPatchOp.${field} of type string`
    }
  }
  return undefined
}

/**
 * RFC 6902 on a copy of `doc`, as json-patch decodes and applies it: `operations` that are no list
 * (or a list holding a non-object) throw PatchDecodeError with encoding/json's words; a JSON null is
 * an empty patch, a null operation one of unknown kind.
 */
export function jsonPatch(doc: KubeValue, operations: KubeValue): KubeValue {
  if (operations === null) return cloneJson(doc)
  if (!Array.isArray(operations)) throw new PatchDecodeError(`json: cannot unmarshal ${jsonKind(operations)} into Go value of type jsonpatch.Patch`)
  for (const operation of operations) {
    if (operation !== null && !isKubeMap(operation)) throw new PatchDecodeError(`json: cannot unmarshal ${jsonKind(operation)} into Go value of type jsonpatch.Operation`)
  }
  let out = cloneJson(doc)
  // What the copies added so far: each copied value's JSON, as json-patch measures it.
  let copied = 0
  for (const operation of operations) {
    if (!isKubeMap(operation)) throw new PatchError('Unexpected kind: unknown')
    const op = operation.op
    const path = typeof operation.path === 'string' ? operation.path : undefined
    if (path === undefined) throw new PatchError(`${text(op)} operation is missing path`)
    switch (text(op)) {
      case 'add':
        out = addBounded(out, path, { value: operation.value ?? null, copy: true })
        break
      case 'remove':
        remove(out, path, 'remove')
        break
      case 'replace':
        remove(out, path, 'replace')
        out = addBounded(out, path, { value: operation.value ?? null, copy: true })
        break
      case 'move': {
        const from = typeof operation.from === 'string' ? operation.from : ''
        const value = remove(out, from, 'move')
        out = addBounded(out, path, { value, copy: false })
        break
      }
      case 'copy': {
        const from = typeof operation.from === 'string' ? operation.from : ''
        const value = get(out, from, 'copy')
        copied += Buffer.byteLength(stringifyJson(value))
        if (copied > JSON_PATCH_MAX_COPY_BYTES) {
          throw new PatchError(`Unable to complete the copy, the accumulated size increase of copy is ${copied}, exceeding the limit ${JSON_PATCH_MAX_COPY_BYTES}`)
        }
        out = addBounded(out, path, { value, copy: true })
        break
      }
      case 'test':
        if (!deepEqual(get(out, path, 'test'), operation.value ?? null)) throw new PatchError(`testing value ${path} failed`)
        break
      default:
        throw new PatchError(`Unexpected kind: ${text(op)}`)
    }
  }
  return out
}
