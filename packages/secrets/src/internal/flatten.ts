// sops' flattening (FORMAT.md §9) of nested metadata into single-level keys for dotenv and INI (stores/flatten.go):
// `key_groups__list_1__map_age__list_0__map_enc`.
import { SopsError } from '../errors.js'
import { entry } from './tree.js'
import type { Entry, MapNode, Node } from './tree.js'

type Step = { readonly map: string } | { readonly list: number }

function tokenize(path: string): Step[] {
  const steps: Step[] = []
  const re = /__(map|list)_/g
  let last = 0
  let kind: 'map' | 'list' = 'map'
  const push = (end: number): void => {
    const text = path.slice(last, end)
    steps.push(kind === 'map' ? { map: text } : { list: /^\d+$/.test(text) ? Number(text) : -1 })
  }
  for (const m of path.matchAll(re)) {
    push(m.index)
    kind = m[1] === 'list' ? 'list' : 'map'
    last = m.index + m[0].length
  }
  push(path.length)
  return steps
}

interface Place {
  value?: Node
  keys?: Map<string, Place>
  indices?: Map<number, Place>
}

function convert(place: Place, source: string): Node {
  const kinds = [place.value !== undefined, (place.keys?.size ?? 0) > 0, (place.indices?.size ?? 0) > 0].filter(Boolean).length
  if (kinds > 1) throw invalid(source, 'flattened metadata mixes values, mappings and lists')
  if (place.value !== undefined) return place.value
  if (place.keys !== undefined && place.keys.size > 0) {
    const names = [...place.keys.keys()].sort()
    return { kind: 'map', items: names.map((k) => entry(k, convert(place.keys?.get(k) ?? {}, source))) }
  }
  if (place.indices !== undefined && place.indices.size > 0) {
    const n = place.indices.size
    const items: Node[] = []
    for (let i = 0; i < n; i++) {
      const p = place.indices.get(i)
      if (p === undefined) throw invalid(source, 'flattened metadata list indices are not 0..n-1')
      items.push(convert(p, source))
    }
    return { kind: 'seq', items }
  }
  return { kind: 'map', items: [] }
}

function invalid(source: string, why: string): SopsError {
  return new SopsError({ code: 'SOPS_METADATA_INVALID', message: `${source}: sops metadata: ${why}`, details: { source } })
}

/** Rebuilds the nested metadata from flattened entries (keys without any store prefix). */
export function unflatten(entries: readonly Entry[], source: string): MapNode {
  const root: Place = {}
  for (const e of entries) {
    let place = root
    for (const step of tokenize(e.key)) {
      if ('map' in step) {
        place.keys ??= new Map()
        let next = place.keys.get(step.map)
        if (next === undefined) place.keys.set(step.map, (next = {}))
        place = next
      } else {
        place.indices ??= new Map()
        let next = place.indices.get(step.list)
        if (next === undefined) place.indices.set(step.list, (next = {}))
        place = next
      }
    }
    if (place.value !== undefined) throw invalid(source, `duplicate metadata entry ${e.key}`)
    place.value = e.value
  }
  const node = convert(root, source)
  return node.kind === 'map' ? node : { kind: 'map', items: [] }
}

/** Flattens nested metadata into single-level entries, each name prefixed with `prefix`. */
export function flatten(map: MapNode, prefix: string): Entry[] {
  const out: Entry[] = []
  const visit = (node: Node, name: string): void => {
    if (node.kind === 'map') {
      for (const item of node.items) if (item.kind === 'entry') visit(item.value, name === '' ? item.key : `${name}__map_${item.key}`)
    } else if (node.kind === 'seq') {
      node.items.forEach((item, i) => {
        if (item.kind !== 'comment') visit(item, `${name}__list_${i}`)
      })
    } else {
      out.push(entry(prefix + name, node))
    }
  }
  visit(map, '')
  return out
}
