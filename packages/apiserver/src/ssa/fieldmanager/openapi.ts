// OpenAPI → SMD types, following kube-openapi's schemaconv (ToSchemaFromOpenAPI) rule by rule:
// `type: object` → map of named fields plus an element type from additionalProperties (deduced when
// there are no properties or unknown fields are preserved); `type: array` → list whose relationship
// comes from x-kubernetes-list-type, else from the patch strategy, else atomic; no `type` → untyped;
// string formats other than byte → untyped; Quantity and RawExtension are hard-coded.
import type { KubeValue, SchemaNode } from '@gitops-sdk/core'
import { builtinDefinition } from '@gitops-sdk/core'
import type { Atom, Field, ListType, MapType, ScalarType, TypeRef } from '../structured-merge-diff/schema.js'
import { deducedType, fixedRef, lazyRef, patchMetaOf, untypedAtom, untypedType, withRelationship } from '../structured-merge-diff/schema.js'

const quantity = 'io.k8s.apimachinery.pkg.api.resource.Quantity'
const rawExtension = 'io.k8s.apimachinery.pkg.runtime.RawExtension'
export const objectMetaName = 'io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta'

/** A schema node as this converter reads it (the compact built-in form; CRD schemas are translated to it). */
export interface OpenApiNode extends SchemaNode {
  readonly properties?: Readonly<Record<string, OpenApiNode>> | undefined
  readonly items?: OpenApiNode | undefined
  readonly additionalProperties?: OpenApiNode | boolean | undefined
}

/** Where named definitions come from and how they are cached. */
export interface DefinitionSource {
  definition(name: string): OpenApiNode | undefined
  readonly cache: Map<string, TypeRef>
}

/**
 * Key-field defaults the 1.22 OpenAPI document lacks but the 1.32 one has (SPEC.md Appendix B: "ContainerPort.protocol
 * and ServicePort.protocol default TCP"). SMD completes an item's key from them.
 */
const keyDefaults: Readonly<Record<string, Readonly<Record<string, KubeValue>>>> = {
  'io.k8s.api.core.v1.ContainerPort': { protocol: 'TCP' },
  'io.k8s.api.core.v1.ServicePort': { protocol: 'TCP' },
}

/** The built-in definitions of @gitops-sdk/core, with one cache shared by every kind. */
export const builtinSource: DefinitionSource = {
  definition: (name) => builtinDefinition(name),
  cache: new Map(),
}

/** What the conversion of one node needs to know about where it sits. */
export interface Context {
  readonly source: DefinitionSource
  readonly preserveUnknownFields: boolean
  /** Name of the definition being converted (for strategic-merge messages). */
  readonly name: string
}

/** The type a named definition has, memoized per source and field-level relationship override. */
export function namedType(name: string, source: DefinitionSource, atomicOverride?: boolean): TypeRef {
  const cacheKey = atomicOverride === undefined ? name : `${name}#${atomicOverride ? 'atomic' : 'granular'}`
  const cached = source.cache.get(cacheKey)
  if (cached !== undefined) return cached
  const ref = lazyRef(() => {
    let atom: Atom
    if (name === quantity) atom = { scalar: 'untyped' }
    else if (name === rawExtension) atom = { ...untypedAtom, map: { ...(untypedAtom.map as MapType), name: 'RawExtension', struct: true } }
    else {
      const node = source.definition(name)
      atom = node === undefined ? untypedAtom : atomOf(node, { source, preserveUnknownFields: false, name })
      // A named object definition is a Go struct; inline objects are Go maps.
      if (atom.map !== undefined) atom = { ...atom, map: { ...atom.map, struct: true } }
    }
    return atomicOverride === undefined ? atom : withRelationship(atom, atomicOverride)
  })
  source.cache.set(cacheKey, ref)
  return ref
}

/** schemaconv `makeOpenAPIRef`: a named reference (with its field-level map type) or an inline type. */
function typeOf(node: OpenApiNode, context: Context): TypeRef {
  if (node.ref !== undefined) {
    const override = node.mapType === undefined ? undefined : node.mapType === 'atomic'
    return namedType(node.ref, context.source, override)
  }
  return fixedRef(atomOf(node, context))
}

/** schemaconv `parseSchema`. */
export function atomOf(node: OpenApiNode, outer: Context): Atom {
  const context = node.preserveUnknownFields === true ? { ...outer, preserveUnknownFields: true } : outer
  switch (node.type) {
    case undefined:
      return { scalar: 'untyped', list: listOf(node, context), map: mapOf(node, context) }
    case 'object':
      return { map: mapOf(node, context) }
    case 'array':
      return { list: listOf(node, context) }
    case 'integer':
    case 'number':
      return { scalar: 'numeric' }
    case 'boolean':
      return { scalar: 'boolean' }
    case 'string':
      return { scalar: stringScalar(node.format) }
  }
}

function stringScalar(format: string | undefined): ScalarType {
  return format === undefined || format === '' || format === 'byte' ? 'string' : 'untyped'
}

function mapOf(node: OpenApiNode, context: Context): MapType {
  const fields = new Map<string, Field>()
  const properties = node.properties ?? {}
  const defaults = keyDefaults[context.name]
  for (const [name, property] of Object.entries(properties)) {
    fields.set(name, {
      type: typeOf(property, context),
      default: property.default ?? defaults?.[name],
      patch: patchMetaOf(property.patchStrategy, property.patchMergeKey),
    })
  }
  let elementType: TypeRef | undefined
  const additional = node.additionalProperties
  if (additional === undefined) {
    elementType = context.preserveUnknownFields || fields.size === 0 ? deducedType : undefined
  } else if (typeof additional === 'object') {
    elementType = typeOf(additional, context)
  } else {
    elementType = additional ? deducedType : undefined
  }
  return { fields, elementType, atomic: node.mapType === 'atomic', name: goTypeName(context.name), struct: false }
}

function listOf(node: OpenApiNode, context: Context): ListType {
  const elementType = node.items === undefined ? untypedType : typeOf(node.items, context)
  switch (node.listType) {
    case 'atomic':
      return { elementType, atomic: true, keys: [] }
    case 'set':
      return { elementType, atomic: false, keys: [] }
    case 'map':
      return { elementType, atomic: false, keys: node.listMapKeys ?? [] }
    case undefined:
      break
  }
  const strategy = node.patchStrategy
  if (strategy === 'merge' || strategy === 'merge,retainKeys') {
    return { elementType, atomic: false, keys: node.patchMergeKey === undefined ? [] : [node.patchMergeKey] }
  }
  return { elementType, atomic: true, keys: [] }
}

/** `io.k8s.api.core.v1.Container` → `Container`. */
function goTypeName(definition: string): string {
  const dot = definition.lastIndexOf('.')
  return dot < 0 ? definition : definition.slice(dot + 1)
}

/** The type of a built-in definition (`io.k8s.api.apps.v1.Deployment`). */
export function builtinType(definition: string): TypeRef {
  return namedType(definition, builtinSource)
}
