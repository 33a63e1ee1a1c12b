// The patched JSON kube-apiserver quotes in the 422 of a strict-decoding failure of a JSON or merge
// patch, in its key order. json-patch v4 reads the live object's JSON into a Go map of lazily decoded
// nodes and marshals it back: the top-level keys, and every object the patch decoded on its way (the
// containers along an operation's path, an object a merge patch merged into, a value a merge patch
// set where no object was, whose nulls it pruned, a value a JSON patch tested), come out in Go's map
// order (sorted by their UTF-8 bytes); every other value keeps the order it had.
import { isKubeMap } from '@gitops-sdk/core'
import type { KubeMap } from '@gitops-sdk/core'
import { getOwn } from '../../ssa/ownKeys.js'

/** The objects and arrays written sorted: `sorted` itself, `deep` with all they hold. */
interface Sorting {
  readonly sorted: Set<unknown>
  readonly deep: Set<unknown>
}

/** `result` of a merge patch of `live` with `patch` (objects), written as json-patch v4 writes it. */
export function mergePatchedJson(live: KubeMap, patch: KubeMap, result: KubeMap): string {
  const sorting: Sorting = { sorted: new Set([result]), deep: new Set() }
  const pending: [KubeMap, KubeMap, KubeMap][] = [[live, patch, result]]
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [was, by, now] = next
    for (const [key, value] of Object.entries(by)) {
      if (value === null) continue
      const before = getOwn(was, key)
      const after = getOwn(now, key)
      if (isKubeMap(before) && isKubeMap(value) && isKubeMap(after)) {
        sorting.sorted.add(after)
        pending.push([before, value, after])
      } else if (!isKubeMap(before)) {
        // Set where no object was: json-patch prunes its nulls, decoding every object in it.
        sorting.deep.add(after)
      }
      // An object replaced by no object keeps the patch's value as it was written.
    }
  }
  return orderedJson(result, sorting)
}

/** `result` of the JSON patch `operations`, written as json-patch v4 writes it. */
export function jsonPatchedJson(result: KubeMap, operations: readonly unknown[]): string {
  const sorting: Sorting = { sorted: new Set([result]), deep: new Set() }
  for (const operation of operations) {
    if (!isKubeMap(operation)) continue
    for (const field of ['path', 'from']) {
      const pointer = getOwn(operation, field)
      if (typeof pointer !== 'string' || (field === 'from' && operation.op !== 'move' && operation.op !== 'copy')) continue
      const tokens = pointer === '' ? [] : pointer.slice(1).split('/').map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'))
      // findObject decodes each container on the way to the last token's.
      let node: unknown = result
      for (const [n, token] of tokens.entries()) {
        node = Array.isArray(node) ? (node as unknown[])[Number(token)] : isKubeMap(node) ? getOwn(node, token) : undefined
        if (node === undefined) break
        if (n < tokens.length - 1 && isKubeMap(node)) sorting.sorted.add(node)
        else if (n === tokens.length - 1 && operation.op === 'test' && field === 'path') sorting.deep.add(node)
      }
    }
  }
  return orderedJson(result, sorting)
}

/** Go's map key order: by UTF-8 bytes. */
function goOrder(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b))
}

interface Frame {
  readonly value: KubeMap | readonly unknown[]
  readonly keys: readonly string[] | undefined
  readonly deep: boolean
  next: number
}

/** `value` as JSON (JSON.stringify's words), the objects of `sorting` in Go's key order; no recursion. */
function orderedJson(value: unknown, sorting: Sorting): string {
  const out: string[] = []
  const frames: Frame[] = []
  const open = (item: unknown, deep: boolean): void => {
    const inDeep = deep || sorting.deep.has(item)
    if (Array.isArray(item)) {
      out.push('[')
      frames.push({ value: item, keys: undefined, deep: inDeep, next: 0 })
    } else if (isKubeMap(item)) {
      const keys = Object.keys(item)
      if (inDeep || sorting.sorted.has(item)) keys.sort(goOrder)
      out.push('{')
      frames.push({ value: item, keys, deep: inDeep, next: 0 })
    } else out.push(JSON.stringify(item))
  }
  open(value, false)
  for (let top = frames.at(-1); top !== undefined; top = frames.at(-1)) {
    const { keys } = top
    const count = keys === undefined ? (top.value as readonly unknown[]).length : keys.length
    if (top.next === count) {
      out.push(keys === undefined ? ']' : '}')
      frames.pop()
      continue
    }
    if (top.next > 0) out.push(',')
    const key = keys?.[top.next]
    top.next++
    if (key === undefined) open((top.value as readonly unknown[])[top.next - 1], top.deep)
    else {
      out.push(`${JSON.stringify(key)}:`)
      open((top.value as KubeMap)[key], top.deep)
    }
  }
  return out.join('')
}
