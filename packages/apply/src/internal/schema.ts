// Walking the built-in OpenAPI table of @gitops-sdk/core to learn how lists are keyed, so that a
// diff names `containers[name="web"]` rather than `containers[0]`.
import { builtinDefinition, builtinSchema } from '@gitops-sdk/core'
import type { SchemaNode } from '@gitops-sdk/core'
import { omit } from './omit.js'

/** A position in a schema, or undefined where the schema is unknown (custom resources). */
export type SchemaCursor = SchemaNode | undefined

function resolve(node: SchemaNode | undefined): SchemaNode | undefined {
  let current = node
  for (let depth = 0; current?.ref !== undefined && depth < 20; depth += 1) {
    const target: SchemaNode | undefined = builtinDefinition(current.ref)
    if (target === undefined) return current
    current = { ...target, ...withoutRef(current) }
  }
  return current
}

function withoutRef(node: SchemaNode): SchemaNode {
  return omit(node, ['ref'])
}

/** The schema of a built-in kind's object, or undefined. */
export function rootSchema(apiVersion: string, kind: string): SchemaCursor {
  return resolve(builtinSchema(apiVersion, kind))
}

/** The schema of a map field. */
export function fieldSchema(cursor: SchemaCursor, key: string): SchemaCursor {
  const node = resolve(cursor)
  if (node === undefined) return undefined
  const props = (node as { properties?: Readonly<Record<string, SchemaNode>> }).properties
  const prop = props?.[key]
  if (prop !== undefined) return resolve(prop)
  return typeof node.additionalProperties === 'object' ? resolve(node.additionalProperties) : undefined
}

/** The schema of a list's items. */
export function itemSchema(cursor: SchemaCursor): SchemaCursor {
  return resolve(resolve(cursor)?.items)
}

/** The keys list items are matched by: `x-kubernetes-list-map-keys`, else the patch merge key. */
export function listKeys(cursor: SchemaCursor): readonly string[] | undefined {
  const node = resolve(cursor)
  if (node === undefined) return undefined
  if (node.listType === 'map' && node.listMapKeys !== undefined && node.listMapKeys.length > 0) return node.listMapKeys
  if (node.listType === 'atomic' || node.listType === 'set') return undefined
  return node.patchMergeKey === undefined ? undefined : [node.patchMergeKey]
}
