// Conversion between plain JavaScript data (a parsed manifest) and the ordered tree. Object key
// order is JavaScript's, which puts integer-like keys first: fine for Kubernetes manifests.
import type { KubeValue } from '@gitops-sdk/core'
import { formatRfc3339Nano, parseRfc3339 } from '@gitops-sdk/core/go'
import { setOwn } from '@gitops-sdk/core/light'
import { entry } from './tree.js'
import type { MapNode, Node } from './tree.js'

const SAFE = BigInt(Number.MAX_SAFE_INTEGER)

export function fromPlain(value: unknown, path: string): Node {
  if (value === null || value === undefined) return { kind: 'null' }
  if (typeof value === 'string') return { kind: 'str', value }
  if (typeof value === 'boolean') return { kind: 'bool', value }
  if (typeof value === 'bigint') return { kind: 'int', value }
  if (typeof value === 'number') {
    return Number.isInteger(value) && Math.abs(value) <= Number.MAX_SAFE_INTEGER ? { kind: 'int', value: BigInt(value) } : { kind: 'float', value }
  }
  if (value instanceof Date) {
    const iso = value.toISOString()
    const t = parseRfc3339(iso)
    return { kind: 'time', value: t === undefined ? iso : formatRfc3339Nano(t) }
  }
  if (value instanceof Uint8Array) return { kind: 'bytes', value }
  if (Array.isArray(value)) return { kind: 'seq', items: value.map((v, i) => fromPlain(v, `${path}[${i}]`)) }
  if (typeof value === 'object') {
    return { kind: 'map', items: Object.entries(value).map(([k, v]) => entry(k, fromPlain(v, path === '' ? k : `${path}.${k}`))) }
  }
  throw new TypeError(`${path === '' ? 'value' : path}: cannot hold a ${typeof value}`)
}

export function toPlain(node: Node): KubeValue {
  switch (node.kind) {
    case 'map': {
      const out: Record<string, KubeValue> = {}
      // setOwn: a `__proto__` key of the document becomes data, not the map's prototype.
      for (const item of node.items) if (item.kind === 'entry') setOwn(out, item.key, toPlain(item.value))
      return out
    }
    case 'seq':
      return node.items.filter((i): i is Node => i.kind !== 'comment').map(toPlain)
    case 'str':
    case 'time':
      return node.value
    case 'bytes':
      return new TextDecoder().decode(node.value)
    case 'int':
      return node.value >= -SAFE && node.value <= SAFE ? Number(node.value) : node.value
    case 'float':
    case 'bool':
      return node.value
    case 'null':
      return null
  }
}

/** The same tree with every mapping's keys in byte order, as Go's encoding/json writes a map. */
export function sortedKeys(node: Node): Node {
  if (node.kind === 'map') {
    const entries = node.items.filter((i) => i.kind === 'entry')
    entries.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
    return { kind: 'map', items: entries.map((e) => entry(e.key, sortedKeys(e.value))) }
  }
  if (node.kind === 'seq') return { kind: 'seq', items: node.items.filter((i): i is Node => i.kind !== 'comment').map(sortedKeys) }
  return node
}

export function asMap(node: Node): MapNode {
  return node.kind === 'map' ? node : { kind: 'map', items: [] }
}
