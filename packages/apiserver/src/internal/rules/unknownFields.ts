// Dropping fields a type does not declare (SPEC.md §8.1 and SPEC.md §13.3): built-ins by the schema table
// of @gitops-sdk/core, custom resources by their structural schema, which also supplies defaults.
import { builtinDefinition, builtinSchema, isKubeMap } from '@gitops-sdk/core'
import type { KubeMap, KubeObject, KubeValue, SchemaDefinition, SchemaNode } from '@gitops-sdk/core'
import { omit } from '../state/objects.js'
import { getOwn, hasOwn, setOwn } from '../../ssa/ownKeys.js'
import { cloneJson } from '../../ssa/deepJson.js'

const topLevel = new Set(['apiVersion', 'kind', 'metadata'])

function resolve(node: SchemaNode): SchemaDefinition {
  return node.ref === undefined ? node : (builtinDefinition(node.ref) ?? {})
}

function pruneBuiltin(value: KubeValue, node: SchemaNode, walk: { path: string; dropped: string[] }): void {
  const { path, dropped } = walk
  const def = resolve(node)
  if (def.preserveUnknownFields === true) return
  if (Array.isArray(value)) {
    if (def.items !== undefined) value.forEach((item) => pruneBuiltin(item, def.items as SchemaNode, { path, dropped }))
    return
  }
  if (!isKubeMap(value)) return
  if (def.properties !== undefined) {
    for (const key of Object.keys(value)) {
      const child = getOwn(def.properties, key)
      if (child === undefined) {
        dropped.push(`${path}${key}`)
        omit(value, key)
      } else {
        pruneBuiltin(value[key] as KubeValue, child, { path: `${path}${key}.`, dropped })
      }
    }
  } else if (typeof def.additionalProperties === 'object') {
    const element = def.additionalProperties
    for (const [key, v] of Object.entries(value)) pruneBuiltin(v, element, { path: `${path}${key}.`, dropped })
  }
}

/** Removes undeclared fields of a built-in object in place; returns their paths (`spec.foo`). */
export function pruneBuiltinFields(object: KubeObject): string[] {
  const schema = builtinSchema(object.apiVersion, object.kind)
  if (schema?.properties === undefined) return []
  const dropped: string[] = []
  const map = object as unknown as KubeMap
  for (const key of Object.keys(map)) {
    if (key === 'apiVersion' || key === 'kind') continue
    const child = getOwn(schema.properties, key)
    if (child === undefined) {
      dropped.push(key)
      omit(map, key)
    } else pruneBuiltin(map[key] as KubeValue, child, { path: `${key}.`, dropped })
  }
  return dropped
}

function isSchema(value: KubeValue | undefined): value is KubeMap {
  return isKubeMap(value)
}

function pruneStructural(value: KubeValue, schema: KubeMap, walk: { path: string; dropped: string[] }): void {
  const { path, dropped } = walk
  if (schema['x-kubernetes-preserve-unknown-fields'] === true && !isSchema(schema.properties)) return
  if (Array.isArray(value)) {
    if (isSchema(schema.items)) for (const item of value) pruneStructural(item, schema.items, { path: path, dropped })
    return
  }
  if (!isKubeMap(value)) return
  const properties = isSchema(schema.properties) ? schema.properties : undefined
  const additional = schema.additionalProperties
  for (const key of Object.keys(value)) {
    const child = properties === undefined ? undefined : getOwn(properties, key)
    if (isSchema(child)) pruneStructural(value[key] as KubeValue, child, { path: `${path}${key}.`, dropped })
    else if (isSchema(additional)) pruneStructural(value[key] as KubeValue, additional, { path: `${path}${key}.`, dropped })
    else if (additional === true || schema['x-kubernetes-preserve-unknown-fields'] === true) continue
    else {
      dropped.push(`${path}${key}`)
      omit(value, key)
    }
  }
}

/** Removes fields a CRD version's structural schema does not declare; returns their paths. */
export function pruneCustomFields(object: KubeObject, schema: KubeMap | undefined): string[] {
  if (schema === undefined) return []
  const dropped: string[] = []
  const map = object as unknown as KubeMap
  const properties = isSchema(schema.properties) ? schema.properties : {}
  for (const key of Object.keys(map)) {
    if (topLevel.has(key)) continue
    const child = getOwn(properties, key)
    if (isSchema(child)) pruneStructural(map[key] as KubeValue, child, { path: `${key}.`, dropped })
    else if (schema['x-kubernetes-preserve-unknown-fields'] !== true) {
      dropped.push(key)
      omit(map, key)
    }
  }
  return dropped
}

function defaultValue(value: KubeValue, schema: KubeMap): void {
  if (Array.isArray(value)) {
    if (isSchema(schema.items)) for (const item of value) defaultValue(item, schema.items)
    return
  }
  if (!isKubeMap(value)) return
  const properties = isSchema(schema.properties) ? schema.properties : {}
  for (const [key, child] of Object.entries(properties)) {
    if (!isSchema(child)) continue
    if (getOwn(value, key) === undefined && child.default !== undefined) setOwn(value, key, cloneJson(child.default))
    const v = getOwn(value, key)
    if (v !== undefined) defaultValue(v, child)
  }
  if (isSchema(schema.additionalProperties)) {
    for (const key of Object.keys(value)) if (!hasOwn(properties, key)) defaultValue(value[key] as KubeValue, schema.additionalProperties)
  }
}

/** Fills schema `default`s of a custom resource in place, and drops `null` from non-nullable fields. */
export function defaultCustomFields(object: KubeObject, schema: KubeMap | undefined): void {
  if (schema === undefined) return
  const map = object as unknown as KubeMap
  dropNulls(map, schema)
  const properties = isSchema(schema.properties) ? schema.properties : {}
  for (const [key, child] of Object.entries(properties)) {
    if (topLevel.has(key) || !isSchema(child)) continue
    if (getOwn(map, key) === undefined && child.default !== undefined) setOwn(map, key, cloneJson(child.default))
    const v = getOwn(map, key)
    if (v !== undefined) defaultValue(v, child)
  }
}

function dropNulls(value: KubeMap, schema: KubeMap): void {
  const properties = isSchema(schema.properties) ? schema.properties : {}
  for (const key of Object.keys(value)) {
    const child = getOwn(properties, key)
    const v = value[key]
    if (v === null && (!isSchema(child) || child.nullable !== true) && !topLevel.has(key)) omit(value, key)
    else if (isKubeMap(v) && isSchema(child)) dropNulls(v, child)
  }
}
