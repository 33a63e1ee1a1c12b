// The SSA engine's schema and reset paths for each served type, cached per type record.
import type { ResourceType } from '../state/registry.js'
import { apiVersionOf } from '../state/registry.js'
import type { ResetPaths, TypeSchema } from '../verbs/fieldManager.js'
import { builtinTypeSchema, crdTypeSchema, resetPathsFor } from '../verbs/fieldManager.js'

const schemas = new WeakMap<ResourceType, TypeSchema>()

/** The engine's schema of a served type. */
export function engineSchema(type: ResourceType): TypeSchema {
  let schema = schemas.get(type)
  if (schema === undefined) {
    schema = type.crd === undefined ? (builtinTypeSchema(apiVersionOf(type), type.kind) ?? crdTypeSchema(undefined)) : crdTypeSchema(type.crd.schema)
    schemas.set(type, schema)
  }
  return schema
}

/** The reset paths of a type's endpoint (SPEC.md §10.9). */
export function engineReset(type: ResourceType, subresource: 'status' | 'scale' | 'finalize' | undefined): ResetPaths {
  const specReplicasPath = (type.scale?.specReplicasPath ?? '.spec.replicas').slice(1).split('.')
  return resetPathsFor({ group: type.group, kind: type.kind, subresource, hasStatusSubresource: type.status, specReplicasPath })
}
