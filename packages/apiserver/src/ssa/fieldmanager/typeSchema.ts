// The schema of one kind as the engine uses it: built-in kinds from the generated table of
// @gitops-sdk/core, custom resources from one CRD version's openAPIV3Schema.
import type { KubeMap, KubeValue } from '@gitops-sdk/core'
import { builtinDefinitionName } from '@gitops-sdk/core'
import type { Context, OpenApiNode } from './openapi.js'
import { atomOf, builtinSource, builtinType, objectMetaName } from './openapi.js'
import type { TypeRef } from '../structured-merge-diff/schema.js'
import { deducedType, fixedRef } from '../structured-merge-diff/schema.js'
import { isMap } from '../structured-merge-diff/value.js'
import { setOwn } from '../ownKeys.js'

/** The server-side-apply type of one kind: built by `builtinTypeSchema` or `crdTypeSchema`, opaque to callers. */
export interface TypeSchema {
  /** @internal The type of the whole object. */
  readonly root: TypeRef
  /** @internal Whether strategic merge patch is defined for the kind (built-ins only). */
  readonly strategicMerge: boolean
}

// Pure memoization of immutable derived data: schemas depend only on the generated table.
const builtinSchemas = new Map<string, TypeSchema | undefined>()

/**
 * The schema of a built-in kind from the table generated at build time (`@gitops-sdk/core`), or
 * `undefined` for kinds the table does not know. Memoized per kind.
 */
export function builtinTypeSchema(apiVersion: string, kind: string): TypeSchema | undefined {
  const key = `${apiVersion}/${kind}`
  if (builtinSchemas.has(key)) return builtinSchemas.get(key)
  const name = builtinDefinitionName(apiVersion, kind)
  const schema = name === undefined ? undefined : { root: builtinType(name), strategicMerge: true }
  builtinSchemas.set(key, schema)
  return schema
}

const crdSchemas = new WeakMap<object, TypeSchema>()
const deducedSchema: TypeSchema = { root: deducedType, strategicMerge: false }

/**
 * The schema of a custom resource from one CRD version's `openAPIV3Schema` (structural schema,
 * `x-kubernetes-*` extensions honoured). `undefined` gives the deduced type of a schemaless CRD:
 * granular maps, atomic lists. Memoized per schema object.
 */
export function crdTypeSchema(openAPIV3Schema: KubeValue | undefined): TypeSchema {
  if (!isMap(openAPIV3Schema)) return deducedSchema
  const cached = crdSchemas.get(openAPIV3Schema)
  if (cached !== undefined) return cached
  const root = toNode(openAPIV3Schema)
  const properties: Record<string, OpenApiNode> = {
    ...root.properties,
    apiVersion: { type: 'string' },
    kind: { type: 'string' },
    metadata: { ref: objectMetaName },
  }
  const context: Context = { source: builtinSource, preserveUnknownFields: false, name: '' }
  const schema: TypeSchema = {
    root: fixedRef(atomOf({ ...root, type: 'object', properties }, context)),
    strategicMerge: false,
  }
  crdSchemas.set(openAPIV3Schema, schema)
  return schema
}

/** Translates JSONSchemaProps into the converter's node form, the way the CRD OpenAPI builder does. */
function toNode(schema: KubeMap): OpenApiNode {
  const node: { -readonly [K in keyof OpenApiNode]: OpenApiNode[K] } = {}
  const type = schema.type
  if (schema['x-kubernetes-int-or-string'] === true) {
    node.type = 'string'
    node.format = 'int-or-string'
  } else if (type === 'object' || type === 'array' || type === 'string' || type === 'integer' || type === 'number' || type === 'boolean') {
    node.type = type
    if (typeof schema.format === 'string') node.format = schema.format
  }
  if (isMap(schema.properties)) {
    const properties: Record<string, OpenApiNode> = {}
    for (const [name, property] of Object.entries(schema.properties)) {
      if (isMap(property)) setOwn(properties, name, toNode(property))
    }
    node.properties = properties
  }
  const additional = schema.additionalProperties
  if (typeof additional === 'boolean') node.additionalProperties = additional
  else if (isMap(additional)) node.additionalProperties = toNode(additional)
  const items = Array.isArray(schema.items) ? schema.items[0] : schema.items
  if (isMap(items)) node.items = toNode(items)
  const listType = schema['x-kubernetes-list-type']
  if (listType === 'atomic' || listType === 'set' || listType === 'map') node.listType = listType
  const mapKeys = schema['x-kubernetes-list-map-keys']
  if (Array.isArray(mapKeys)) node.listMapKeys = mapKeys.filter((key): key is string => typeof key === 'string')
  const mapType = schema['x-kubernetes-map-type']
  if (mapType === 'atomic' || mapType === 'granular') node.mapType = mapType
  if (schema['x-kubernetes-preserve-unknown-fields'] === true) node.preserveUnknownFields = true
  if (schema.default !== undefined) node.default = schema.default
  if (schema['x-kubernetes-embedded-resource'] === true) {
    node.properties = {
      ...node.properties,
      apiVersion: { type: 'string' },
      kind: { type: 'string' },
      metadata: { ref: objectMetaName },
    }
  }
  return node
}
