// Path elements (SMD fieldpath.PathElement): how a field set names a struct field, a map-list item
// by its key, a set item by its value, or a list index. Each element carries its FieldsV1 key
// (`f:name`, `k:{"name":"web"}`, `v:"x"`, `i:0`), which is also its identity for hashing.
import type { KubeMap, KubeValue } from '@gitops-sdk/core'
import { compareStrings, jsonString, marshalJson } from '@gitops-sdk/core/go'
import { compareValues, isMap, valueToString } from './value.js'

/** One key field of a map-list item: its name and value. */
export type KeyField = readonly [name: string, value: KubeValue]

/** A struct field or map entry. */
export interface FieldElement {
  readonly type: 'field'
  readonly name: string
  readonly id: string
}
/** An item of an associative list with keys, named by its key fields sorted by name. */
export interface KeyElement {
  readonly type: 'key'
  readonly fields: readonly KeyField[]
  readonly id: string
}
/** An item of a set, named by its value. */
export interface ValueElement {
  readonly type: 'value'
  readonly value: KubeValue
  readonly id: string
}
/** An item of a list by position (Kubernetes never records these). */
export interface IndexElement {
  readonly type: 'index'
  readonly index: number
  readonly id: string
}
/** One element of a path. `id` is its FieldsV1 key: equal ids mean equal elements. */
export type PathElement = FieldElement | KeyElement | ValueElement | IndexElement
/** A path from the root of an object. */
export type Path = readonly PathElement[]

/** The element for a struct field or map key. */
export function fieldElement(name: string): FieldElement {
  return { type: 'field', name, id: `f:${name}` }
}

/** The element for a map-list item; `fields` must already be sorted by name. */
export function keyElement(fields: readonly KeyField[]): KeyElement {
  const body = fields.map(([name, value]) => `${jsonString(name, 'json-iterator')}:${marshalJson(value, 'json-iterator')}`).join(',')
  return { type: 'key', fields, id: `k:{${body}}` }
}

/** The element for a set item. */
export function valueElement(value: KubeValue): ValueElement {
  return { type: 'value', value, id: `v:${marshalJson(value, 'json-iterator')}` }
}

/** The element for a list position. */
export function indexElement(index: number): IndexElement {
  return { type: 'index', index, id: `i:${index}` }
}

const typeRank = { field: 0, key: 1, value: 2, index: 3 } as const

function compareKeyFields(a: readonly KeyField[], b: readonly KeyField[]): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const [an, av] = a[i] as KeyField
    const [bn, bv] = b[i] as KeyField
    const byName = compareStrings(an, bn)
    if (byName !== 0) return byName
    const byValue = compareValues(av, bv)
    if (byValue !== 0) return byValue
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0
}

/** The order of elements in a set: fields, keys, values, indices; each kind by its contents. */
export function compareElements(a: PathElement, b: PathElement): number {
  if (a.type !== b.type) return typeRank[a.type] < typeRank[b.type] ? -1 : 1
  switch (a.type) {
    case 'field':
      return compareStrings(a.name, (b as FieldElement).name)
    case 'key':
      return compareKeyFields(a.fields, (b as KeyElement).fields)
    case 'value':
      return compareValues(a.value, (b as ValueElement).value)
    case 'index': {
      const other = (b as IndexElement).index
      return a.index < other ? -1 : a.index > other ? 1 : 0
    }
  }
}

/** An element as it prints in a path: `.name`, `[k1=v1,k2=v2]`, `[=value]`, `[3]`. */
export function elementToString(element: PathElement): string {
  switch (element.type) {
    case 'field':
      return `.${element.name}`
    case 'key':
      return `[${element.fields.map(([name, value]) => `${name}=${valueToString(value)}`).join(',')}]`
    case 'value':
      return `[=${valueToString(element.value)}]`
    case 'index':
      return `[${element.index}]`
  }
}

/** A path as it prints in messages: `.spec.containers[name="web"].image`. */
export function pathToString(path: Path): string {
  return path.map((element) => elementToString(element)).join('')
}

/** Parses a FieldsV1 key back into an element; `undefined` for unknown element kinds. */
export function parseElement(id: string): PathElement | undefined {
  if (id.length < 2 || id[1] !== ':') throw new Error(`key must be 2 characters long: ${id}`)
  const body = id.slice(2)
  switch (id[0]) {
    case 'f':
      return fieldElement(body)
    case 'v':
      return valueElement(JSON.parse(body) as KubeValue)
    case 'k': {
      const parsed = JSON.parse(body) as unknown
      if (!isMap(parsed as KubeValue)) throw new Error(`key element is not an object: ${id}`)
      const fields = Object.entries(parsed as KubeMap).sort(([x], [y]) => compareStrings(x, y))
      return keyElement(fields)
    }
    case 'i': {
      if (!/^-?\d+$/.test(body)) throw new Error(`invalid index element: ${id}`)
      return indexElement(Number(body))
    }
    case undefined:
    default:
      return undefined
  }
}
