// The one seam between the server and the server-side-apply engine (`../ssa/`, built separately):
// apply, Update ownership in managedFields, and strategic merge patch all go through here, so wiring
// the engine in is a change to this file alone.
//
// Until the engine lands, this interim keeps the server usable without it: Update writes keep the
// managedFields the object already has, apply merges the applied configuration into the live object
// like a merge patch (no ownership, no conflicts, no pruning), and strategic merge patch behaves like
// a merge patch with the `$` directives dropped. test/integration/serverSideApply.int.test.ts runs
// once this file forwards to '../ssa/index.js', as in:
//   export type { ApplyOutcome, ApplyRequest, ResetPaths, StatusBody as EngineStatus, TypeSchema, UpdateRequest } from '../ssa/index.js'
//   export { applyObject, builtinTypeSchema, crdTypeSchema, recordUpdate, resetPathsFor, strategicMergePatch } from '../ssa/index.js'
import { isKubeMap } from '@gitops-sdk/core'
import type { KubeMap, KubeObject } from '@gitops-sdk/core'
import { mergePatch } from './patch.js'

/** The engine's type of a kind (opaque here). */
export interface TypeSchema {
  readonly apiVersion?: string | undefined
  readonly kind?: string | undefined
}

/** Paths an endpoint resets (opaque here). */
export interface ResetPaths {
  readonly subresource?: string | undefined
}

/** A Status the engine answers with. */
export interface EngineStatus {
  kind: 'Status'
  apiVersion: 'v1'
  metadata: Record<string, never>
  status: 'Failure'
  message: string
  reason: string
  details?: KubeMap
  code: number
}

export interface ApplyRequest {
  live: KubeObject | undefined
  config: KubeObject
  manager: string
  apiVersion: string
  force: boolean
  schema: TypeSchema
  reset: ResetPaths
  subresource?: 'status' | undefined
  now: string
}

export type ApplyOutcome =
  | { kind: 'changed'; object: KubeObject }
  | { kind: 'noop' }
  | { kind: 'conflict'; status: EngineStatus }
  | { kind: 'invalid'; status: EngineStatus }

export interface UpdateRequest {
  live: KubeObject | undefined
  updated: KubeObject
  manager: string
  apiVersion: string
  schema: TypeSchema
  reset: ResetPaths
  subresource?: 'status' | 'finalize' | undefined
  now: string
}

/** The schema of a built-in kind, or undefined when the engine does not know it. */
export function builtinTypeSchema(apiVersion: string, kind: string): TypeSchema | undefined {
  return { apiVersion, kind }
}

/** The schema of one CRD version. */
export function crdTypeSchema(openAPIV3Schema: unknown): TypeSchema {
  return { kind: openAPIV3Schema === undefined ? 'deduced' : 'structural' }
}

/** The paths an endpoint resets (spec section 10.9). */
export function resetPathsFor(options: {
  group: string
  kind: string
  subresource?: 'status' | 'finalize' | undefined
  hasStatusSubresource: boolean
}): ResetPaths {
  return { subresource: options.subresource }
}

/** Server-side apply of `config` onto `live`. */
export function applyObject(request: ApplyRequest): ApplyOutcome {
  const { live, config } = request
  const merged = mergePatch(live ?? {}, config) as KubeObject
  if (live !== undefined && JSON.stringify(merged) === JSON.stringify(live)) return { kind: 'noop' }
  return { kind: 'changed', object: merged }
}

/** `updated` with the managedFields an Update by `manager` leaves. */
export function recordUpdate(request: UpdateRequest): KubeObject {
  const { live, updated } = request
  if ('managedFields' in updated.metadata || live?.metadata.managedFields === undefined) return updated
  return { ...updated, metadata: { ...updated.metadata, managedFields: live.metadata.managedFields } }
}

/** Strategic merge patch of a built-in object. */
export function strategicMergePatch(original: KubeMap, patch: KubeMap, schema: TypeSchema): KubeMap {
  // The interim knows no list merge keys; it only insists on a built-in type, as the engine does.
  if (schema.apiVersion === undefined) throw new TypeError('strategic merge patch needs a built-in type')
  return mergePatch(original, withoutDirectives(patch)) as KubeMap
}

function withoutDirectives(value: KubeMap): KubeMap {
  const out: KubeMap = {}
  for (const [k, v] of Object.entries(value)) {
    if (k.startsWith('$')) continue
    out[k] = isKubeMap(v) ? withoutDirectives(v) : v
  }
  return out
}
