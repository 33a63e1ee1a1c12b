// Server-side apply of one object (SPEC.md §10.1 steps 5–8, SPEC.md §10.5, SPEC.md §10.6, SPEC.md §10.7).
import type { KubeMap, KubeObject, KubeValue } from '@gitops-sdk/core'
import { splitApiVersion } from '@gitops-sdk/core'
import { cloneValue, deepEqual } from '@gitops-sdk/core'
import { conflictStatus } from './conflicts.js'
import type { StatusBody } from './errors.js'
import type { StatusError } from '../../status.js'
import { badRequest, internalError } from '../../status.js'
import type { Writer } from './fieldManager.js'
import { applyWithOwnership } from './fieldManager.js'
import { FieldSet } from '../structured-merge-diff/fieldSet.js'
import { allowedConflicts, kubectlManager, withLastApplied } from './lastApplied.js'
import type { Managed } from './managedFields.js'
import { decodeManagedFields, encodeManagedFields } from './managedFields.js'
import type { ResetPaths } from './resetPaths.js'
import type { TypeSchema } from './typeSchema.js'
import { formatValidationErrors, validate } from '../structured-merge-diff/typed.js'
import type { Conflicts, UpdaterContext } from '../structured-merge-diff/updater.js'
import { isMap, withoutKey } from '../structured-merge-diff/value.js'

/** One server-side apply request, as the server has checked and decoded it. */
export interface ApplyRequest {
  /** The stored object, or `undefined` when the apply creates it. */
  live: KubeObject | undefined
  /** The applied configuration (the request body). */
  config: KubeObject
  /** The `fieldManager` parameter. */
  manager: string
  /** The group/version of the endpoint (`apps/v1`, `v1`). */
  apiVersion: string
  /** The `force` parameter. */
  force: boolean
  schema: TypeSchema
  reset: ResetPaths
  subresource?: 'status' | undefined
  /** RFC 3339 time of the request. */
  now: string
}

/**
 * What an apply does: `changed` carries the merged object with its new managedFields (still to be
 * defaulted, validated and stored; possibly equal to the live object apart from managedFields);
 * `noop` means store nothing and answer the live object; `conflict` and `invalid` carry the Status
 * to answer with.
 */
export type ApplyOutcome =
  | { kind: 'changed'; object: KubeObject }
  | { kind: 'noop' }
  | { kind: 'conflict'; status: StatusBody }
  | { kind: 'invalid'; status: StatusBody }

function failed(kind: 'conflict' | 'invalid', error: StatusError): ApplyOutcome {
  return { kind, status: error.body() }
}

/** `<ns>/<name>; <group>/<version>, Kind=<Kind>` as Kubernetes names an object in typing errors. */
function describe(object: KubeMap): string {
  const metadata = isMap(object.metadata) ? object.metadata : {}
  const text = (value: KubeValue | undefined): string => (typeof value === 'string' ? value : '')
  const { group, version } = splitApiVersion(text(object.apiVersion))
  return `${text(metadata.namespace)}/${text(metadata.name)}; ${group}/${version}, Kind=${text(object.kind)}`
}

function withoutManagedFields(object: KubeObject): KubeMap {
  return { ...(object as KubeMap), metadata: withoutKey(object.metadata as KubeMap, 'managedFields') }
}

function withManagedFields(object: KubeMap, managed: Managed): KubeObject {
  const entries = encodeManagedFields(managed)
  const metadata = withoutKey(isMap(object.metadata) ? object.metadata : {}, 'managedFields')
  if (entries.length > 0) metadata.managedFields = entries
  return { ...object, metadata } as KubeObject
}

function copyManaged(managed: Managed): Managed {
  return { fields: new Map(managed.fields), times: new Map(managed.times) }
}

/**
 * Applies `request.config` to `request.live` with the exact ownership rules of Kubernetes'
 * server-side apply: merge, prune of fields the manager stopped applying, conflicts with other
 * managers (forced with `force`), managedFields entries and their times.
 *
 * @example
 * ```ts
 * const outcome = applyObject({ live, config, manager: 'sdk', apiVersion: 'v1', force: false,
 *   schema: builtinTypeSchema('v1', 'ConfigMap')!, reset: resetPathsFor({ group: '', kind: 'ConfigMap', hasStatusSubresource: false }),
 *   now: new Date().toISOString() })
 * if (outcome.kind === 'conflict') respond(409, outcome.status)
 * ```
 */
export function applyObject(request: ApplyRequest): ApplyOutcome {
  const { live, schema } = request
  const config = request.config as KubeMap
  if (request.config.metadata.managedFields !== undefined) {
    return failed('invalid', badRequest('metadata.managedFields must be nil'))
  }
  const configErrors = validate(config, schema.root, false)
  if (configErrors.length > 0) {
    const message = `failed to create typed patch object (${describe(config)}): ${formatValidationErrors(configErrors)}`
    return failed('invalid', internalError(message))
  }
  let liveValue: KubeMap = { apiVersion: request.config.apiVersion, kind: request.config.kind }
  let managed: Managed = { fields: new Map(), times: new Map() }
  if (live !== undefined) {
    liveValue = withoutManagedFields(live)
    const liveErrors = validate(liveValue, schema.root, true)
    if (liveErrors.length > 0) {
      const message = `failed to create typed live object (${describe(liveValue)}): ${formatValidationErrors(liveErrors)}`
      return failed('invalid', internalError(message))
    }
    try {
      managed = decodeManagedFields(live.metadata.managedFields)
    } catch (error) {
      return failed('invalid', internalError(`failed to decode managed fields: ${(error as Error).message}`))
    }
  }
  const context: UpdaterContext = { type: schema.root, reset: request.reset }
  const writer: Writer & { force: boolean } = {
    manager: request.manager,
    apiVersion: request.apiVersion,
    subresource: request.subresource ?? '',
    now: request.now,
    force: request.force,
  }
  const change = { live: liveValue, config, exists: live !== undefined }
  let next = copyManaged(managed)
  let result = applyWithOwnership({ context, managed: next }, change, writer)
  if (result.conflicts !== undefined && request.manager === kubectlManager) {
    const allowed = allowedConflicts(liveValue, request.apiVersion, schema.root)
    if (allowed !== undefined) {
      const remaining = withoutAllowed(result.conflicts, allowed)
      if (remaining.size > 0) return failed('conflict', conflictStatus(remaining))
      next = copyManaged(managed)
      result = applyWithOwnership({ context, managed: next }, change, { ...writer, force: true })
    }
  }
  if (result.conflicts !== undefined) return failed('conflict', conflictStatus(result.conflicts))
  let object = result.changed ? cloneValue(result.object) : cloneValue(liveValue)
  if (request.manager === kubectlManager) object = withLastApplied(object, config)
  const stored = withManagedFields(object, next)
  if (live !== undefined && deepEqual(stored, live)) return { kind: 'noop' }
  return { kind: 'changed', object: stored }
}

/** Conflicts minus the paths client-side apply last applied with their live values. */
function withoutAllowed(conflicts: Conflicts, allowed: FieldSet): Conflicts {
  const out: Conflicts = new Map()
  for (const [identity, set] of conflicts) {
    const kept = new FieldSet()
    for (const path of set.paths()) if (!allowed.has(path)) kept.insert(path)
    if (!kept.isEmpty()) out.set(identity, kept)
  }
  return out
}
