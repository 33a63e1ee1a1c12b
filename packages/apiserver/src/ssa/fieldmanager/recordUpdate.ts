// managedFields for writes that are not applies: create, update, and JSON/merge/strategic patches
// (SPEC.md §9.3, SPEC.md §10.8; apimachinery FieldManager.UpdateNoErrors).
import type { KubeMap, KubeObject, KubeValue } from '@gitops-sdk/core'
import { badRequest } from '../../status.js'
import { overflowedOn } from '../deepJson.js'
import { recordUpdateOwnership } from './fieldManager.js'
import type { Managed } from './managedFields.js'
import { decodeManagedFields, emptyManaged, encodeManagedFields, isResetManagedFields } from './managedFields.js'
import type { ResetPaths } from './resetPaths.js'
import type { TypeSchema } from './typeSchema.js'
import { validate } from '../structured-merge-diff/typed.js'
import { isMap, withoutKey } from '../structured-merge-diff/value.js'

/** One non-apply write, as the server has decoded and defaulted it. */
export interface UpdateRequest {
  /** The stored object, or `undefined` for a create. */
  live: KubeObject | undefined
  /**
   * The object to store, with `metadata.managedFields` exactly as the request left it: absent to
   * keep the live entries, `[]` or `[{}]` to reset them, a valid list to replace them.
   */
  updated: KubeObject
  /** The `fieldManager` parameter or the User-Agent prefix (`''` is recorded as `unknown`). */
  manager: string
  /** The group/version of the endpoint. */
  apiVersion: string
  schema: TypeSchema
  reset: ResetPaths
  subresource?: 'status' | 'scale' | 'finalize' | undefined
  /** RFC 3339 time of the request. */
  now: string
}

function decodeOrEmpty(value: KubeValue | undefined): Managed {
  try {
    return decodeManagedFields(value)
  } catch {
    return emptyManaged()
  }
}

/** The entries the write starts from: the request's own when it sets valid ones, else the live ones. */
function startingEntries(request: UpdateRequest): Managed {
  const liveEntries = request.live?.metadata.managedFields
  if (request.subresource !== undefined) return decodeOrEmpty(liveEntries)
  const requested = request.updated.metadata.managedFields
  if (isResetManagedFields(requested)) return emptyManaged()
  const decoded = decodeOrEmpty(requested)
  return decoded.fields.size > 0 ? decoded : decodeOrEmpty(liveEntries)
}

function withoutManagedFields(object: KubeObject): KubeMap {
  return { ...(object as KubeMap), metadata: withoutKey(object.metadata as KubeMap, 'managedFields') }
}

function setEntries(object: KubeObject, entries: KubeValue | undefined): KubeObject {
  const metadata = withoutKey(object.metadata as KubeMap, 'managedFields')
  if (entries !== undefined) metadata.managedFields = entries
  return { ...object, metadata: metadata as KubeObject['metadata'] }
}

/**
 * `request.updated` with the managedFields Kubernetes records for a non-apply write: the writer
 * takes every field it changed (Update entry per manager and apiVersion), other managers lose those
 * fields, never a conflict. An existing object without managedFields stays without them, as in
 * Kubernetes. Never throws: on a typing problem the live entries are kept.
 *
 * @example
 * ```ts
 * const stored = recordUpdate({ live, updated: patched, manager: 'kubectl-edit', apiVersion: 'v1',
 *   schema, reset, now: new Date().toISOString() })
 * ```
 */
export function recordUpdate(request: UpdateRequest): KubeObject {
  const { live, updated, schema } = request
  try {
    const managed = startingEntries(request)
    const liveUid = live?.metadata.uid
    if (managed.fields.size === 0 && typeof liveUid === 'string' && liveUid !== '') return setEntries(updated, undefined)
    const next = withoutManagedFields(updated)
    const previous: KubeMap = live === undefined ? { apiVersion: updated.apiVersion, kind: updated.kind } : withoutManagedFields(live)
    if (validate(next, schema.root, true).length > 0 || validate(previous, schema.root, true).length > 0) {
      throw new Error('object does not match its schema')
    }
    recordUpdateOwnership({ context: { type: schema.root, reset: request.reset }, managed }, { live: previous, next }, {
      manager: request.manager,
      apiVersion: request.apiVersion,
      subresource: request.subresource ?? '',
      now: request.now,
    })
    const entries = encodeManagedFields(managed)
    return setEntries(updated, entries.length > 0 ? entries : undefined)
  } catch (err) {
    // A walk that ran out of stack must not pass for an object with no fields to record: the write
    // is refused, and nothing is stored. (MAX_JSON_DEPTH keeps bodies well short of this.)
    if (overflowedOn(err, updated, live)) {
      const name = typeof updated.metadata.name === 'string' ? updated.metadata.name : ''
      throw badRequest(`${updated.kind} "${name}": its managed fields cannot be recorded: the object exceeded max depth`)
    }
    const kept = live?.metadata.managedFields
    return setEntries(updated, isMap(kept) || Array.isArray(kept) ? kept : undefined)
  }
}
