// RFC 6902 JSON patches applied the way kustomize does (evanphx/json-patch v4): a missing object
// key may be replaced (it is set), array indexes may be negative, `-` appends.
import type { KubeMap } from '@gitops-sdk/core'
import { stepError } from '../build/fail.js'
import type { Value } from '../yaml/values.js'
import { clone, deepEqual, deleteField, getField, isMap, setField } from '../yaml/values.js'

export interface JsonPatchOp {
  readonly op: string
  readonly path: string
  readonly from?: string | undefined
  readonly value?: Value | undefined
  readonly hasValue: boolean
}

/** Reads decoded JSON/YAML into patch operations. */
export function toJsonPatch(doc: Value): JsonPatchOp[] {
  if (!Array.isArray(doc)) throw stepError('RENDER_PATCH_FAILED', 'a JSON patch must be a list of operations')
  return doc.map((raw, i) => {
    if (!isMap(raw)) throw stepError('RENDER_PATCH_FAILED', `operation ${i}: not a mapping`)
    const op = getField(raw, 'op')
    const path = getField(raw, 'path')
    const from = getField(raw, 'from')
    return {
      op: typeof op === 'string' ? op : '',
      path: typeof path === 'string' ? path : '',
      from: typeof from === 'string' ? from : undefined,
      value: getField(raw, 'value'),
      hasValue: Object.prototype.hasOwnProperty.call(raw, 'value'),
    }
  })
}

type Container = { kind: 'map'; node: KubeMap } | { kind: 'seq'; node: Value[]; set: (v: Value[]) => void }

/** Applies the operations to `doc` (mutating it) and returns it. */
export function applyJsonPatch(doc: KubeMap, ops: readonly JsonPatchOp[]): KubeMap {
  for (const op of ops) {
    switch (op.op) {
      case 'add':
        add(doc, { path: op.path, op: 'add' }, clone(op.value ?? null))
        break
      case 'remove':
        remove(doc, op.path, 'remove')
        break
      case 'replace': {
        const [con, key] = find(doc, op.path, { op: 'replace', which: 'path' })
        if (con.kind === 'seq') {
          const idx = arrayIndex(con.node, key, false)
          con.node[idx] = clone(op.value ?? null)
        } else {
          setField(con.node, key, clone(op.value ?? null))
        }
        break
      }
      case 'move': {
        const from = op.from ?? ''
        const v = get(doc, from, 'move')
        remove(doc, from, 'move')
        add(doc, { path: op.path, op: 'move' }, v)
        break
      }
      case 'copy': {
        const v = get(doc, op.from ?? '', 'copy')
        add(doc, { path: op.path, op: 'copy' }, clone(v))
        break
      }
      case 'test': {
        const [con, key] = find(doc, op.path, { op: 'test', which: 'path' })
        const cur = con.kind === 'seq' ? con.node[arrayIndex(con.node, key, false)] : getField(con.node, key)
        if (!deepEqual(cur ?? null, op.value ?? null)) {
          throw stepError('RENDER_PATCH_FAILED', `testing value ${op.path} failed`)
        }
        break
      }
      default:
        throw stepError('RENDER_PATCH_FAILED', `unexpected kind: ${op.op}`)
    }
  }
  return doc
}

function decodeKey(k: string): string {
  return k.replaceAll('~1', '/').replaceAll('~0', '~')
}

function find(doc: KubeMap, path: string, at: { readonly op: string; readonly which: 'path' | 'from' }): [Container, string] {
  const { op, which } = at
  const parts = path.split('/')
  if (parts.length < 2) throw missing(op, which, path)
  let node: Value = doc
  let setter: (v: Value[]) => void = () => undefined
  for (const raw of parts.slice(1, -1)) {
    const key = decodeKey(raw)
    let next: Value | undefined
    if (Array.isArray(node)) {
      const arr: Value[] = node
      const idx = Number(key)
      if (!/^-?\d+$/.test(key) || idx >= arr.length || idx < -arr.length) throw missing(op, which, path)
      const i = idx < 0 ? idx + arr.length : idx
      next = arr[i]
      setter = (v) => {
        arr[i] = v
      }
    } else if (isMap(node)) {
      const m: KubeMap = node
      next = getField(m, key)
      setter = (v) => setField(m, key, v)
    }
    if (next === undefined || next === null || typeof next !== 'object') throw missing(op, which, path)
    node = next
  }
  const last = decodeKey(parts[parts.length - 1] as string)
  if (Array.isArray(node)) return [{ kind: 'seq', node, set: setter }, last]
  if (isMap(node)) return [{ kind: 'map', node }, last]
  throw missing(op, which, path)
}

function missing(op: string, which: 'path' | 'from', path: string): Error {
  return stepError('RENDER_PATCH_FAILED', `${op} operation does not apply: doc is missing ${which === 'from' ? 'from ' : ''}path: ${path}`)
}

function arrayIndex(arr: Value[], key: string, forAdd: boolean): number {
  const size = forAdd ? arr.length + 1 : arr.length
  if (!/^-?\d+$/.test(key)) throw stepError('RENDER_PATCH_FAILED', `invalid array index ${key}`)
  let idx = Number(key)
  if (idx >= size || idx < -size) throw stepError('RENDER_PATCH_FAILED', `unable to access invalid index: ${key}`)
  if (idx < 0) idx += size
  return idx
}

function add(doc: KubeMap, at: { readonly path: string; readonly op: string }, value: Value): void {
  const { path, op } = at
  const [con, key] = find(doc, path, { op: op, which: 'path' })
  if (con.kind === 'map') {
    setField(con.node, key, value)
    return
  }
  if (key === '-') {
    con.node.push(value)
    return
  }
  const idx = arrayIndex(con.node, key, true)
  con.node.splice(idx, 0, value)
}

function remove(doc: KubeMap, path: string, op: string): void {
  const [con, key] = find(doc, path, { op: op, which: op === 'move' ? 'from' : 'path' })
  if (con.kind === 'map') {
    if (getField(con.node, key) === undefined) throw stepError('RENDER_PATCH_FAILED', `unable to remove nonexistent key: ${key}`)
    deleteField(con.node, key)
    return
  }
  con.node.splice(arrayIndex(con.node, key, false), 1)
}

function get(doc: KubeMap, path: string, op: string): Value {
  const [con, key] = find(doc, path, { op: op, which: 'from' })
  const v = con.kind === 'seq' ? con.node[arrayIndex(con.node, key, false)] : getField(con.node, key)
  if (v === undefined) throw stepError('RENDER_PATCH_FAILED', `${op} operation does not apply: doc is missing from path: ${path}`)
  return v
}
