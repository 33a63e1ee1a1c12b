// What decoding a CRD's schemas into kube's Go types (apiextensions/v1 JSONSchemaProps) refuses before
// any validation: a junctor of the wrong JSON type (`allOf` given as an object, `not` as a list,
// `allOf: [5]`). kube-apiserver decodes with sigs.k8s.io/json, a fork of encoding/json, so the answer
// is encoding/json's UnmarshalTypeError: `json: cannot unmarshal object into Go struct field
// JSONSchemaProps.spec.versions.schema.openAPIV3Schema.properties.allOf of type []v1.JSONSchemaProps`.
// Its field path joins the struct fields decoded so far: map keys (a property's name) and list
// indexes are not in it. `items`, `additionalProperties`, `additionalItems` and a `dependencies`
// entry have their own UnmarshalJSON, which decodes the schema below them with a fresh decoder: an
// error there ends the whole decode at once (it wins over an earlier one) and its path stops at that
// field. Otherwise the first error in the document wins and decoding goes on.
import { isKubeMap } from '@gitops-sdk/core'
import type { KubeMap, KubeValue } from '@gitops-sdk/core'
import { getOwn } from '../../../ssa/ownKeys.js'

/** encoding/json's name of a JSON value's kind. */
function jsonKind(value: KubeValue): string {
  if (typeof value === 'string') return 'string'
  if (typeof value === 'number' || typeof value === 'bigint') return 'number'
  if (typeof value === 'boolean') return 'bool'
  return Array.isArray(value) ? 'array' : 'object'
}

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

/** A schema to decode: its Go field path, the decoder reading it and where that decoder's path stops. */
interface Pending {
  readonly kind: 'schema'
  readonly schema: KubeMap
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

/** Work in document order: a schema, an error found at its place, or the end of a fresh decoder. */
type Item = Pending | { readonly kind: 'error'; readonly message: string; readonly decoder: number } | { readonly kind: 'leave'; readonly decoder: number }

const rootFields = 'spec.versions.schema.openAPIV3Schema'

/**
 * The first error encoding/json gives decoding the junctors of `crd`'s version schemas into
 * JSONSchemaProps, as sigs.k8s.io/json words it, or undefined. Without recursion: schemas nest as
 * deep as a body may.
 */
export function crdSchemaDecodeError(crd: KubeMap): string | undefined {
  const spec = getOwn(crd, 'spec')
  const versions = isKubeMap(spec) ? getOwn(spec, 'versions') : undefined
  // The first error each decoder saved; decoder 0 reads the whole document.
  const saved: (string | undefined)[] = [undefined]
  const roots: Item[] = []
  for (const version of Array.isArray(versions) ? versions : []) {
    const validation = isKubeMap(version) ? getOwn(version, 'schema') : undefined
    const root = isKubeMap(validation) ? getOwn(validation, 'openAPIV3Schema') : undefined
    if (isKubeMap(root)) roots.push({ kind: 'schema', schema: root, fields: rootFields, decoder: 0, stop: undefined })
    else if (root !== undefined && root !== null) {
      roots.push({ kind: 'error', message: `json: cannot unmarshal ${jsonKind(root)} into Go struct field CustomResourceValidation.${rootFields} of type ${schemaType}`, decoder: 0 })
    }
  }
  const stack: Item[] = roots.reverse()
  while (stack.length > 0) {
    const item = stack.pop() as Item
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
    const { schema, fields: at, decoder, stop } = item
    const items: Item[] = []
    /** Where a decoder reads: its number and the path its errors name (the outermost fresh one's). */
    const here: Reader = { decoder, stop }
    const error = (value: KubeValue, where: { readonly field: string; readonly type: string }, reader: Reader = here): void => {
      const message = `json: cannot unmarshal ${jsonKind(value)} into Go struct field JSONSchemaProps.${reader.stop ?? where.field} of type ${where.type}`
      items.push({ kind: 'error', message, decoder: reader.decoder })
    }
    const child = (entry: KubeValue | undefined, field: string, reader: Reader = here): void => {
      if (isKubeMap(entry)) items.push({ kind: 'schema', schema: entry, fields: field, decoder: reader.decoder, stop: reader.stop })
      else if (entry !== undefined && entry !== null) error(entry, { field, type: schemaType }, reader)
    }
    /** JSONSchemaPropsOr…'s UnmarshalJSON: what is below `field` read by a fresh decoder. */
    const fresh = (field: string, read: (reader: Reader) => void): void => {
      const reader: Reader = { decoder: saved.push(undefined) - 1, stop: stop ?? field }
      read(reader)
      items.push({ kind: 'leave', decoder: reader.decoder })
    }
    for (const key of Object.keys(schema)) {
      const value = getOwn(schema, key)
      if (value === undefined || value === null) continue
      const field = `${at}.${key}`
      if (key === 'not') child(value, field)
      else if (lists.has(key)) {
        if (Array.isArray(value)) for (const entry of value) child(entry, field)
        else error(value, { field, type: listType })
      } else if (mapTypes.has(key)) {
        if (isKubeMap(value)) for (const name of Object.keys(value)) child(getOwn(value, name), field)
        else error(value, { field, type: mapTypes.get(key) ?? '' })
      } else if (key === 'items') {
        // A schema or a list of them; anything else the UnmarshalJSON ignores.
        if (isKubeMap(value)) fresh(field, (reader) => child(value, field, reader))
        else if (Array.isArray(value)) fresh(field, (reader) => value.forEach((entry) => child(entry, field, reader)))
      } else if (key === 'additionalProperties' || key === 'additionalItems') {
        // A schema, or a boolean (anything else is refused with words not checked here).
        if (isKubeMap(value)) fresh(field, (reader) => child(value, field, reader))
      } else if (key === 'dependencies') {
        if (!isKubeMap(value)) error(value, { field, type: 'v1.JSONSchemaDependencies' })
        else {
          for (const name of Object.keys(value)) {
            const entry = getOwn(value, name)
            if (isKubeMap(entry)) fresh(field, (reader) => child(entry, field, reader))
          }
        }
      }
    }
    for (let i = items.length - 1; i >= 0; i--) stack.push(items[i] as Item)
  }
  return saved[0]
}
