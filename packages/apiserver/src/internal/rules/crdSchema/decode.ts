// What decoding a CRD's schemas into kube's Go types (apiextensions/v1 JSONSchemaProps) refuses before
// any validation: a field of the wrong JSON type (`allOf` given as an object, `not` as a list,
// `allOf: [5]`, `type: 5`, `required: "a"`, `minimum: "1"`, …). kube-apiserver decodes with
// sigs.k8s.io/json, a fork of encoding/json, so the answer is encoding/json's UnmarshalTypeError: `json:
// cannot unmarshal object into Go struct field
// JSONSchemaProps.spec.versions.schema.openAPIV3Schema.properties.allOf of type []v1.JSONSchemaProps`.
// Its field path joins the struct fields decoded so far: map keys (a property's name) and list
// indexes are not in it. `items`, `additionalProperties`, `additionalItems` and a `dependencies`
// entry have their own UnmarshalJSON, which decodes the value below them with a fresh decoder: an
// error there ends the whole decode at once (it wins over an earlier one) and its path stops at that
// field; `additionalProperties`/`additionalItems` that are neither a boolean nor a schema end it with
// `boolean or JSON schema expected`. Otherwise the first error in the document wins and decoding goes
// on. "First in the document" is the body's text order, which Go reads left to right (JSON.parse's
// objects put integer-like keys first): the walk reads the text again, in order, when it has it.
import { isKubeMap } from '@gitops-sdk/core'
import type { KubeMap, KubeValue } from '@gitops-sdk/core'
import { getOwn } from '../../../ssa/ownKeys.js'
import type { OrderedObject, OrderedValue } from './orderedJson.js'
import { parseOrdered } from './orderedJson.js'
import { jsonKind } from '../jsonKind.js'

const isObject = (value: OrderedValue | undefined): value is OrderedObject => value instanceof Map

const schemaType = 'v1.JSONSchemaProps'
const listType = '[]v1.JSONSchemaProps'
const mapType = 'map[string]v1.JSONSchemaProps'

/** The junctors whose value is a list of schemas. */
const lists = new Set(['allOf', 'anyOf', 'oneOf'])
/** The fields whose value is a map of schemas, and the Go type of the map. */
const mapTypes: ReadonlyMap<string, string> = new Map([
  ['properties', mapType],
  ['patternProperties', mapType],
  ['definitions', 'v1.JSONSchemaDefinitions'],
])
/** The scalar fields of JSONSchemaProps, and their Go types (pointers named by what they point to). */
const scalarTypes: ReadonlyMap<string, 'string' | 'float64' | 'int64' | 'bool'> = new Map([
  ...['id', '$schema', '$ref', 'description', 'type', 'format', 'title', 'pattern', 'x-kubernetes-list-type', 'x-kubernetes-map-type'].map((k) => [k, 'string'] as const),
  ...['maximum', 'minimum', 'multipleOf'].map((k) => [k, 'float64'] as const),
  ...['maxLength', 'minLength', 'maxItems', 'minItems', 'maxProperties', 'minProperties'].map((k) => [k, 'int64'] as const),
  ...['exclusiveMaximum', 'exclusiveMinimum', 'uniqueItems', 'nullable', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-embedded-resource', 'x-kubernetes-int-or-string'].map(
    (k) => [k, 'bool'] as const,
  ),
])
/** The fields that are lists of strings. */
const stringLists = new Set(['required', 'x-kubernetes-list-map-keys'])
/** The fields of the structs below a schema (ExternalDocumentation, ValidationRule) and their Go types. */
const structFields: Readonly<Record<string, ReadonlyMap<string, string>>> = {
  ExternalDocumentation: new Map([
    ['description', 'string'],
    ['url', 'string'],
  ]),
  ValidationRule: new Map([
    ['rule', 'string'],
    ['message', 'string'],
    ['messageExpression', 'string'],
    ['reason', 'v1.FieldValueErrorReason'],
    ['fieldPath', 'string'],
    ['optionalOldSelf', 'bool'],
  ]),
}

/** Whether `value` (not null) decodes into a Go value of scalar type `type`. */
function fits(value: OrderedValue, type: string): boolean {
  if (type === 'bool') return typeof value === 'boolean'
  if (type === 'float64') return typeof value === 'number'
  if (type === 'int64') return typeof value === 'number' && Number.isInteger(value)
  return typeof value === 'string'
}

/** encoding/json's Value of an UnmarshalTypeError: the kind, and a number's text into an integer. */
function valueWords(value: OrderedValue, type: string): string {
  return type === 'int64' && typeof value === 'number' ? `number ${String(value)}` : jsonKind(value)
}

/** A schema to decode: its Go field path, the decoder reading it and where that decoder's path stops. */
interface Pending {
  readonly kind: 'schema'
  readonly schema: OrderedObject
  readonly fields: string
  readonly decoder: number
  /** The path of the outermost field whose UnmarshalJSON began a fresh decoder above this schema. */
  readonly stop: string | undefined
}

/** A decoder reading part of the document, and the path its errors name. */
interface Reader {
  readonly decoder: number
  readonly stop: string | undefined
}

/**
 * Work in document order: a schema, an error found at its place (`abort`: one that ends the whole
 * decode at once), or the end of a fresh decoder.
 */
type Item =
  | Pending
  | { readonly kind: 'error'; readonly message: string; readonly decoder: number }
  | { readonly kind: 'abort'; readonly message: string }
  | { readonly kind: 'leave'; readonly decoder: number }

const rootFields = 'spec.versions.schema.openAPIV3Schema'

/** `value` as an OrderedValue, its objects' keys in Object.keys order. Without recursion. */
function ordered(value: KubeValue): OrderedValue {
  const convert = (v: KubeValue): OrderedValue => {
    if (typeof v === 'bigint') return Number(v)
    if (v === null || typeof v !== 'object') return v
    return Array.isArray(v) ? [] : new Map()
  }
  const root = convert(value)
  const work: [KubeValue, OrderedValue][] = [[value, root]]
  for (let next = work.pop(); next !== undefined; next = work.pop()) {
    const [from, to] = next
    if (Array.isArray(from) && Array.isArray(to)) {
      for (const item of from) {
        const copy = convert(item)
        to.push(copy)
        work.push([item, copy])
      }
    } else if (isKubeMap(from) && isObject(to)) {
      for (const key of Object.keys(from)) {
        const item = getOwn(from, key) ?? null
        const copy = convert(item)
        to.set(key, copy)
        work.push([item, copy])
      }
    }
  }
  return root
}

/**
 * The JSON text a body was parsed from, in the order it was written: the text itself, or a function
 * giving it on demand (a YAML body, converted to JSON text as kube converts it before decoding), or
 * undefined when there is none.
 */
export type DocumentText = string | (() => string | undefined)

/**
 * The first error encoding/json gives decoding `crd`'s version schemas into JSONSchemaProps, as
 * sigs.k8s.io/json words it, or undefined. `text`, the JSON text of the body `crd` was parsed from,
 * gives the document order Go reads in; without it, Object.keys order. Without recursion: schemas
 * nest as deep as a body may.
 */
export function crdSchemaDecodeError(crd: KubeMap, text?: DocumentText): string | undefined {
  // Whether there is an error does not depend on the order keys are read in, only which one comes
  // first: the body's text is parsed again, in order, only when there is one to choose.
  const found = decodeError(ordered(crd))
  if (found === undefined || text === undefined) return found
  const json = typeof text === 'string' ? text : text()
  if (json === undefined) return found
  let document: OrderedValue
  try {
    document = parseOrdered(json)
  } catch {
    return found
  }
  return decodeError(document)
}

function decodeError(document: OrderedValue): string | undefined {
  const spec = isObject(document) ? document.get('spec') : undefined
  const versions = isObject(spec) ? spec.get('versions') : undefined
  // The first error each decoder saved; decoder 0 reads the whole document.
  const saved: (string | undefined)[] = [undefined]
  const roots: Item[] = []
  for (const version of Array.isArray(versions) ? versions : []) {
    const validation = isObject(version) ? version.get('schema') : undefined
    const root = isObject(validation) ? validation.get('openAPIV3Schema') : undefined
    if (isObject(root)) roots.push({ kind: 'schema', schema: root, fields: rootFields, decoder: 0, stop: undefined })
    else if (root !== undefined && root !== null) {
      roots.push({ kind: 'error', message: `json: cannot unmarshal ${jsonKind(root)} into Go struct field CustomResourceValidation.${rootFields} of type ${schemaType}`, decoder: 0 })
    }
  }
  const stack: Item[] = roots.reverse()
  while (stack.length > 0) {
    const item = stack.pop() as Item
    if (item.kind === 'abort') return item.message
    if (item.kind === 'error') {
      saved[item.decoder] ??= item.message
      continue
    }
    if (item.kind === 'leave') {
      // A fresh decoder that failed returns its error; every decoder above it stops and returns it.
      const message = saved[item.decoder]
      if (message !== undefined) return message
      continue
    }
    const items = schemaItems(item, saved)
    for (let i = items.length - 1; i >= 0; i--) stack.push(items[i] as Item)
  }
  return saved[0]
}

/** The work one schema's fields give, in document order. */
function schemaItems(pending: Pending, saved: (string | undefined)[]): Item[] {
  const { schema, fields: at, decoder, stop } = pending
  const items: Item[] = []
  /** Where a decoder reads: its number and the path its errors name (the outermost fresh one's). */
  const here: Reader = { decoder, stop }
  const error = (value: OrderedValue, where: { readonly field: string; readonly type: string; readonly struct?: string }, reader: Reader = here): void => {
    // Past a fresh decoder, the outer one names its own struct and field.
    const struct = reader.stop === undefined ? (where.struct ?? 'JSONSchemaProps') : 'JSONSchemaProps'
    const message = `json: cannot unmarshal ${valueWords(value, where.type)} into Go struct field ${struct}.${reader.stop ?? where.field} of type ${where.type}`
    items.push({ kind: 'error', message, decoder: reader.decoder })
  }
  const child = (entry: OrderedValue | undefined, field: string, reader: Reader = here): void => {
    if (isObject(entry)) items.push({ kind: 'schema', schema: entry, fields: field, decoder: reader.decoder, stop: reader.stop })
    else if (entry !== undefined && entry !== null) error(entry, { field, type: schemaType }, reader)
  }
  /** JSONSchemaPropsOr…'s UnmarshalJSON: what is below `field` read by a fresh decoder. */
  const fresh = (field: string, read: (reader: Reader) => void): void => {
    const reader: Reader = { decoder: saved.push(undefined) - 1, stop: stop ?? field }
    read(reader)
    items.push({ kind: 'leave', decoder: reader.decoder })
  }
  /** A struct below the schema (ExternalDocumentation, ValidationRule): its fields' types. */
  const struct = (value: OrderedObject, field: string, name: string): void => {
    const types = structFields[name] ?? new Map<string, string>()
    for (const [key, v] of value) {
      const type = types.get(key)
      if (type === undefined || v === null) continue
      if (!fits(v, type === 'bool' ? 'bool' : 'string')) error(v, { field: `${field}.${key}`, type, struct: name }, here)
    }
  }
  for (const [key, value] of schema) {
    if (value === null) continue
    const field = `${at}.${key}`
    const scalar = scalarTypes.get(key)
    if (scalar !== undefined) {
      if (!fits(value, scalar)) error(value, { field, type: scalar })
    } else if (stringLists.has(key)) {
      if (!Array.isArray(value)) error(value, { field, type: '[]string' })
      else for (const entry of value) if (entry !== null && typeof entry !== 'string') error(entry, { field, type: 'string' })
    } else if (key === 'enum') {
      if (!Array.isArray(value)) error(value, { field, type: '[]v1.JSON' })
    } else if (key === 'externalDocs') {
      if (!isObject(value)) error(value, { field, type: 'v1.ExternalDocumentation' })
      else struct(value, field, 'ExternalDocumentation')
    } else if (key === 'x-kubernetes-validations') {
      if (!Array.isArray(value)) error(value, { field, type: 'v1.ValidationRules' })
      else {
        for (const rule of value) {
          if (isObject(rule)) struct(rule, field, 'ValidationRule')
          else if (rule !== null) error(rule, { field, type: 'v1.ValidationRule' })
        }
      }
    } else if (key === 'not') child(value, field)
    else if (lists.has(key)) {
      if (Array.isArray(value)) for (const entry of value) child(entry, field)
      else error(value, { field, type: listType })
    } else if (mapTypes.has(key)) {
      if (isObject(value)) for (const entry of value.values()) child(entry, field)
      else error(value, { field, type: mapTypes.get(key) ?? '' })
    } else if (key === 'items') {
      // A schema or a list of them; anything else the UnmarshalJSON ignores.
      if (isObject(value)) fresh(field, (reader) => child(value, field, reader))
      else if (Array.isArray(value)) fresh(field, (reader) => value.forEach((entry) => child(entry, field, reader)))
    } else if (key === 'additionalProperties' || key === 'additionalItems') {
      // A schema or a boolean; anything else ends the decode with the UnmarshalJSON's own words.
      if (isObject(value)) fresh(field, (reader) => child(value, field, reader))
      else if (typeof value !== 'boolean') items.push({ kind: 'abort', message: 'boolean or JSON schema expected' })
    } else if (key === 'dependencies') {
      if (!isObject(value)) error(value, { field, type: 'v1.JSONSchemaDependencies' })
      else {
        // Each entry a schema or a list of strings (a fresh decoder each); anything else is ignored.
        for (const entry of value.values()) {
          if (isObject(entry)) fresh(field, (reader) => child(entry, field, reader))
          else if (Array.isArray(entry)) {
            fresh(field, (reader) => {
              for (const name of entry) if (name !== null && typeof name !== 'string') error(name, { field, type: 'string' }, reader)
            })
          }
        }
      }
    }
  }
  return items
}
