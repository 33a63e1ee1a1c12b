// The write pipeline every create, update, patch, apply, status write and server-side change goes
// through (SPEC.md §8 and §9): decode, namespace and name rules, unknown fields, defaults,
// strategy (status, generation, immutable metadata), managedFields, validation, no-op detection,
// then store and fan out (replaceObject.ts). Everything here is synchronous, so writes never interleave.
import { isKubeMap } from '@gitops-sdk/core'
import type { KubeMap, KubeObject } from '@gitops-sdk/core'
import type { Cluster } from '../state/cluster.js'
import { defaultCrd, validateCrd } from '../rules/crd.js'
import { applyDefaults } from '../rules/defaults.js'
import { text } from '../state/objects.js'
import type { ResourceType } from '../state/registry.js'
import { apiVersionOf, crdType, namespaceType } from '../state/registry.js'
import type { FieldError } from '../../status.js'
import { badRequest, forbidden, invalid, StatusError } from '../../status.js'
import { defaultCustomFields, pruneBuiltinFields, pruneCustomFields } from '../rules/unknownFields.js'
import { validateKind, validateMetadata, validateMetadataUpdate } from '../rules/validation.js'
import { typedDecodeError } from '../rules/typedDecode.js'
import type { DocumentText } from '../rules/crdSchema/decode.js'
import { validateCustomObject } from '../rules/crdSchema/validate.js'

/** How one write was asked for. */
export interface WriteRequest {
  readonly manager: string
  readonly dryRun: boolean
  readonly fieldValidation: 'Ignore' | 'Warn' | 'Strict'
  /** Warnings for the response's `Warning` headers; writes push onto it. */
  readonly warnings: string[]
  /** Set when admission webhooks see the write (admission/admit.ts). */
  readonly admission?: AdmissionHooks | undefined
}

/** Where admission joins the pipeline: after defaults and managedFields, around validation. */
export interface AdmissionHooks {
  /** Called before validation with the would-be object (which it may change in place) and the live one. */
  readonly mutate: (object: KubeObject, live: KubeObject | undefined) => void
  /** Called with the validated object just before it is stored. */
  readonly validated?: ((object: KubeObject) => void) | undefined
}

/** Admission's mutation, then validation (SPEC.md §9.7), then admission's look at the result. */
export function admitAndValidate(type: ResourceType, object: KubeObject, against: { live: KubeObject | undefined; request: WriteRequest }): void {
  against.request.admission?.mutate(object, against.live)
  validateObject(type, object, { live: against.live, warnings: against.request.warnings })
  against.request.admission?.validated?.(object)
}

/** The HTTP answer of a write. */
export interface WriteAnswer {
  readonly code: number
  readonly body: KubeObject | KubeMap
}

/** A request made by the server itself (controllers, helpers). */
export function internalRequest(manager: string): WriteRequest {
  return { manager, dryRun: false, fieldValidation: 'Ignore', warnings: [] }
}

export const groupResource = (type: ResourceType): { group: string; plural: string } => ({ group: type.group, plural: type.plural })
export const groupKind = (type: ResourceType): { group: string; kind: string } => ({ group: type.group, kind: type.kind })

/**
 * Checks a decoded body against the endpoint's type; fills a missing apiVersion and kind. `json`, the
 * JSON body when there is one, orders the decoding errors as Go reads the document.
 */
export function decode(type: ResourceType, body: unknown, json?: DocumentText): KubeObject {
  if (!isKubeMap(body)) throw badRequest(`the object provided is unrecognized (must be of type ${type.kind})`)
  const expected = apiVersionOf(type)
  if (body.apiVersion === undefined || body.apiVersion === '') body.apiVersion = expected
  else if (body.apiVersion !== expected) {
    throw badRequest(`the API version in the data (${text(body.apiVersion)}) does not match the expected API version (${expected})`)
  }
  if (body.kind === undefined || body.kind === '') body.kind = type.kind
  else if (body.kind !== type.kind) {
    throw badRequest(`${text(body.kind)} in version "${type.version}" cannot be handled as a ${type.kind}: the kind does not match`)
  }
  if (body.metadata === undefined || body.metadata === null) body.metadata = {}
  if (!isKubeMap(body.metadata)) throw badRequest(`${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: metadata must be an object`)
  if (body.metadata.name === undefined) body.metadata.name = ''
  if (type.crd === undefined) {
    const error = typedDecodeError(body as unknown as KubeObject, json)
    if (error !== undefined) throw badRequest(`${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: ${error}`)
  }
  return body as unknown as KubeObject
}

/** SPEC.md §6: an empty body namespace takes the URL's; a different one is a 400. Cluster-scoped: cleared. */
export function namespaceRule(type: ResourceType, object: KubeObject, namespace: string): void {
  if (!type.namespaced) {
    delete object.metadata.namespace
    return
  }
  const own = object.metadata.namespace ?? ''
  if (own === '') object.metadata.namespace = namespace
  else if (own !== namespace) throw badRequest('the namespace of the provided object does not match the namespace sent on the request')
}

/** SPEC.md §6: the body name must equal the URL's. */
export function nameRule(object: KubeObject, name: string): void {
  if (object.metadata.name !== name) {
    throw badRequest(`the name of the object (${object.metadata.name}) does not match the name on the URL (${name})`)
  }
}

/** Drops undeclared fields per `fieldValidation` (SPEC.md §8.1). */
export function dropUnknownFields(type: ResourceType, object: KubeObject, request: WriteRequest): void {
  const dropped = type.crd === undefined ? pruneBuiltinFields(object) : pruneCustomFields(object, type.crd.schema)
  if (dropped.length === 0 || request.fieldValidation === 'Ignore') return
  if (request.fieldValidation === 'Strict') {
    const list = dropped.map((p) => `unknown field ${JSON.stringify(p)}`).join(', ')
    throw badRequest(`${type.kind} in version "${type.version}" cannot be handled as a ${type.kind}: strict decoding error: ${list}`)
  }
  for (const path of dropped) request.warnings.push(`unknown field ${JSON.stringify(path)}`)
}

/** Built-in defaults, CR schema defaults, CRD and Namespace extras. */
export function defaultObject(cluster: Cluster, type: ResourceType, object: KubeObject): void {
  if (type.crd !== undefined) defaultCustomFields(object, type.crd.schema)
  else if (type === crdType) defaultCrd(object)
  else applyDefaults(cluster, object)
  if (type === namespaceType && object.metadata.name !== '') {
    object.metadata.labels = { ...(object.metadata.labels ?? {}), 'kubernetes.io/metadata.name': object.metadata.name }
  }
}

/** The create-time admission: the namespace exists and is not terminating; the CRD is not terminating. */
export function admitCreate(cluster: Cluster, type: ResourceType, object: KubeObject): void {
  if (type.namespaced) {
    const ns = object.metadata.namespace ?? ''
    const namespace = cluster.store.get(namespaceType, '', ns)
    if (namespace === undefined) {
      throw new StatusError({ code: 404, reason: 'NotFound', message: `namespaces "${ns}" not found`, details: { name: ns, kind: 'namespaces' } })
    }
    if (namespace.metadata.deletionTimestamp !== undefined) {
      throw forbidden(groupResource(type), object.metadata.name, {
        why: `unable to create new content in namespace ${ns} because it is being terminated`,
        causes: [{ reason: 'NamespaceTerminating', message: `namespace ${ns} is being terminated`, field: 'metadata.namespace' }],
      })
    }
  }
  if (type.crd !== undefined) {
    const crd = cluster.store.get(crdType, '', type.crd.name)
    if (crd?.metadata.deletionTimestamp !== undefined) {
      throw forbidden(groupResource(type), object.metadata.name, { why: 'create not allowed while custom resource definition is terminating' })
    }
  }
}


/** Errors of a whole object: metadata, per-kind essentials, CRD rules, a custom resource's schema. */
export function validateObject(type: ResourceType, object: KubeObject, against: { live: KubeObject | undefined; warnings: string[] }): void {
  const { live } = against
  const errors: FieldError[] = [...validateMetadata(type, object)]
  if (live !== undefined) errors.push(...validateMetadataUpdate(live, object))
  if (type.crd === undefined) errors.push(...validateKind(object, live))
  else {
    const checked = validateCustomObject(object, type.crd.schema, live)
    errors.push(...checked.errors)
    for (const warning of checked.warnings) if (!against.warnings.includes(warning)) against.warnings.push(warning)
  }
  if (type === crdType) errors.push(...validateCrd(object))
  if (errors.length > 0) throw invalid(groupKind(type), object.metadata.name, errors)
}
