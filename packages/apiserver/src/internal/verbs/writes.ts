// The write pipeline every create, update, patch, apply, status write and server-side change goes
// through (SPEC.md §8 and §9): decode, namespace and name rules, unknown fields, defaults,
// strategy (status, generation, immutable metadata), managedFields, validation, no-op detection,
// then store and fan out. Everything here is synchronous, so writes never interleave.
import { isKubeMap } from '@gitops-sdk/core'
import type { KubeMap, KubeObject, KubeValue } from '@gitops-sdk/core'
import type { Cluster } from '../state/cluster.js'
import { crdStatus, customTypeOf, defaultCrd, nameConflict, validateCrd } from '../rules/crd.js'
import { applyDefaults } from '../rules/defaults.js'
import { recordUpdate } from './fieldManager.js'
import { deepEqual, finalizersOf, mapAt, omit, text, timestamp } from '../state/objects.js'
import type { ResourceType } from '../state/registry.js'
import { apiVersionOf, crdType, namespaceType, typeKey } from '../state/registry.js'
import { engineReset, engineSchema } from '../rules/schemas.js'
import type { FieldError } from '../../status.js'
import { badRequest, conflict, forbidden, invalid, OPTIMISTIC_LOCK, StatusError } from '../../status.js'
import { defaultCustomFields, pruneBuiltinFields, pruneCustomFields } from '../rules/unknownFields.js'
import { validateKind, validateMetadata, validateMetadataUpdate } from '../rules/validation.js'
import { typedDecodeError } from '../rules/typedDecode.js'
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

/** Checks a decoded body against the endpoint's type; fills a missing apiVersion and kind. */
export function decode(type: ResourceType, body: unknown): KubeObject {
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
    const error = typedDecodeError(body as unknown as KubeObject)
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


/** The part of an object whose change bumps `generation` (SPEC.md §9.4). */
function generationSubject(type: ResourceType, object: KubeObject): KubeValue | undefined {
  if (type.crd !== undefined) {
    const rest: KubeMap = { ...(object as unknown as KubeMap) }
    omit(rest, 'metadata')
    if (type.status) omit(rest, 'status')
    return rest
  }
  if (type.group === 'admissionregistration.k8s.io') return (object.webhooks ?? null) as KubeValue
  return (object.spec ?? null) as KubeValue
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


/** Options of {@link replaceObject}. */
export interface ReplaceOptions {
  readonly subresource?: 'status' | 'scale' | 'finalize' | undefined
  /** PUT of a custom resource needs a resourceVersion; patches fill the live one. */
  readonly requireResourceVersion: boolean
  /** Set when managedFields were already computed (apply). */
  readonly managedFieldsDone?: boolean | undefined
}

/** One replacement of a live object. */
export interface Replacement {
  readonly live: KubeObject
  readonly incoming: KubeObject
  readonly request: WriteRequest
  readonly options: ReplaceOptions
}

/** The update strategy, managedFields, validation and commit of a new state for `live` (SPEC.md §8.3). */
export function replaceObject(cluster: Cluster, type: ResourceType, change: Replacement): WriteAnswer {
  const { live, incoming, request, options } = change
  const gr = groupResource(type)
  const name = live.metadata.name
  const rv = incoming.metadata.resourceVersion
  if (rv === undefined || rv === '') {
    if (options.requireResourceVersion && type.crd !== undefined) {
      throw invalid({ group: type.group, kind: type.plural }, name, [{ type: 'Invalid', field: 'metadata.resourceVersion', value: 0, detail: 'must be specified for an update' }])
    }
  } else if (rv !== live.metadata.resourceVersion) throw conflict(gr, name, OPTIMISTIC_LOCK)
  const uid = incoming.metadata.uid
  if (typeof uid === 'string' && uid !== '' && uid !== live.metadata.uid) {
    const key = `/registry/${type.group === '' ? '' : `${type.group}/`}${type.plural}/${type.namespaced ? `${live.metadata.namespace ?? ''}/` : ''}${name}`
    throw conflict(
      gr,
      name,
      `StorageError: invalid object, Code: 4, Key: ${key}, ResourceVersion: 0, AdditionalErrorMsg: Precondition failed: UID in precondition: ${uid}, UID in object meta: ${text(live.metadata.uid)}`,
    )
  }
  let next: KubeObject
  if (options.subresource === 'status') {
    next = structuredClone(live)
    if (incoming.status === undefined) delete next.status
    else next.status = incoming.status
    if (incoming.metadata.managedFields !== undefined) next.metadata.managedFields = incoming.metadata.managedFields
  } else if (options.subresource === 'finalize') {
    next = structuredClone(live)
    const finalizers = isKubeMap(incoming.spec) ? incoming.spec.finalizers : undefined
    const spec = mapAt(next as unknown as KubeMap, 'spec')
    if (Array.isArray(finalizers) && finalizers.length > 0) spec.finalizers = finalizers
    else delete spec.finalizers
  } else {
    next = incoming
    keepAllocatedClusterIp(live, next)
    defaultObject(cluster, type, next)
    if (type.status) {
      if (live.status === undefined) delete next.status
      else next.status = structuredClone(live.status)
    }
    if (type === namespaceType) {
      const spec = mapAt(next as unknown as KubeMap, 'spec')
      const liveSpec = isKubeMap(live.spec) ? live.spec : {}
      if (liveSpec.finalizers === undefined) delete spec.finalizers
      else spec.finalizers = liveSpec.finalizers
    }
    for (const key of ['creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'uid'] as const) {
      if (live.metadata[key] === undefined) omit(next.metadata, key)
      else next.metadata[key] = live.metadata[key]
    }
    if (type.generation) {
      const generation = typeof live.metadata.generation === 'number' ? live.metadata.generation : 1
      next.metadata.generation = deepEqual(generationSubject(type, live), generationSubject(type, next)) ? generation : generation + 1
    } else delete next.metadata.generation
  }
  next.metadata.resourceVersion = live.metadata.resourceVersion
  if (options.managedFieldsDone !== true) {
    next = recordUpdate({
      live,
      updated: next,
      manager: request.manager,
      apiVersion: apiVersionOf(type),
      schema: engineSchema(type),
      reset: engineReset(type, options.subresource),
      subresource: options.subresource,
      now: timestamp(cluster.now()),
    })
  }
  admitAndValidate(type, next, { live, request })
  return commitUpdate(cluster, type, { live, next, request })
}

/** Whether an object marked for deletion has nothing left holding it. */
export function readyToDelete(type: ResourceType, object: KubeObject): boolean {
  if (object.metadata.deletionTimestamp === undefined || finalizersOf(object).length > 0) return false
  if (type === namespaceType) {
    const spec = isKubeMap(object.spec) ? object.spec : {}
    return !Array.isArray(spec.finalizers) || spec.finalizers.length === 0
  }
  const grace = object.metadata.deletionGracePeriodSeconds
  return grace === undefined || grace === 0
}

/** Stores an update unless it changes nothing; deletes when the last finalizer went. */
export function commitUpdate(cluster: Cluster, type: ResourceType, change: { live: KubeObject; next: KubeObject; request: WriteRequest }): WriteAnswer {
  const { live, next, request } = change
  if (readyToDelete(type, next)) {
    if (request.dryRun) return { code: 200, body: next }
    return { code: 200, body: deleteNow(cluster, type, next) }
  }
  if (deepEqual(next, live)) return { code: 200, body: live }
  if (request.dryRun) return { code: 200, body: next }
  let stored = cluster.store.put(type, next)
  if (type === crdType && next.metadata.deletionTimestamp === undefined && !deepEqual(next.spec, live.spec)) stored = establishCrd(cluster, stored)
  cluster.schedulePass()
  return { code: 200, body: stored }
}

/** Removes an object now: DELETED event, dependents queued for the garbage collector. */
export function deleteNow(cluster: Cluster, type: ResourceType, object: KubeObject): KubeObject {
  const last = cluster.store.remove(type, object)
  if (typeof object.metadata.uid === 'string') cluster.deletedOwners.add(object.metadata.uid)
  if (type === crdType) {
    const custom = customTypeOf(object)
    if (custom !== undefined && cluster.types.get(typeKey(custom))?.crd?.name === object.metadata.name) {
      cluster.types.delete(typeKey(custom))
      cluster.store.dropType(custom)
    }
  }
  cluster.schedulePass()
  return last
}

/** A status write by the server itself (CRD conditions, namespace conditions, controllers, helpers). */
export function writeStatus(cluster: Cluster, type: ResourceType, change: { live: KubeObject; status: KubeValue | undefined; manager: string }): KubeObject {
  const { live, status, manager } = change
  const incoming = structuredClone(live)
  if (status === undefined) delete incoming.status
  else incoming.status = status
  const answer = replaceObject(cluster, type, { live, incoming, request: internalRequest(manager), options: { subresource: 'status', requireResourceVersion: false } })
  return answer.body as KubeObject
}

/** Registers the type a CRD serves and writes its names and conditions (SPEC.md §13.2). */
export function establishCrd(cluster: Cluster, crd: KubeObject): KubeObject {
  const custom = customTypeOf(crd)
  if (custom === undefined) return crd
  const conflictWith = nameConflict(cluster, crd)
  const delay = cluster.settings.establishDelayMs
  const wasEstablished = isKubeMap(crd.status) && Array.isArray(crd.status.conditions) && crd.status.conditions.some((c) => isKubeMap(c) && c.type === 'Established' && c.status === 'True')
  const established = conflictWith === undefined && (delay === 0 || wasEstablished)
  const status = crdStatus(crd, { conflict: conflictWith, established, now: timestamp(cluster.now()) })
  if (conflictWith === undefined) {
    const key = typeKey(custom)
    const previous = cluster.types.get(key)
    if (previous !== undefined && previous.crd?.name !== crd.metadata.name) return writeStatus(cluster, crdType, { live: crd, status, manager: 'kube-apiserver' })
    cluster.types.set(key, custom)
    if (!cluster.customGroups.includes(custom.group)) cluster.customGroups.push(custom.group)
    readDefaults(cluster, custom)
  }
  const written = writeStatus(cluster, crdType, { live: crd, status, manager: 'kube-apiserver' })
  if (conflictWith === undefined && !established) {
    cluster.later(delay, () => {
      const live = cluster.store.get(crdType, '', crd.metadata.name)
      if (live?.metadata.uid !== crd.metadata.uid || live === undefined) return
      writeStatus(cluster, crdType, { live, status: crdStatus(live, { conflict: undefined, established: true, now: timestamp(cluster.now()) }), manager: 'kube-apiserver' })
    })
  }
  return written
}

/** A Service update that leaves clusterIP out keeps the allocated one, as the service REST storage does. */
function keepAllocatedClusterIp(live: KubeObject, next: KubeObject): void {
  if (live.apiVersion !== 'v1' || live.kind !== 'Service' || !isKubeMap(live.spec) || !isKubeMap(next.spec)) return
  if (next.spec.clusterIP === undefined || next.spec.clusterIP === '') {
    if (live.spec.clusterIP !== undefined) next.spec.clusterIP = structuredClone(live.spec.clusterIP)
    if (next.spec.clusterIPs === undefined && live.spec.clusterIPs !== undefined) next.spec.clusterIPs = structuredClone(live.spec.clusterIPs)
  }
}

/**
 * kube-apiserver applies a CRD's defaults to custom resources as it reads them from storage, so objects
 * stored before a default was added show it on every read. The stored objects take the defaults of the
 * schema now served, without a new resourceVersion or a watch event, as a read would show them.
 */
function readDefaults(cluster: Cluster, custom: ResourceType): void {
  const schema = custom.crd?.schema
  if (schema === undefined) return
  for (const object of cluster.store.list(custom)) defaultCustomFields(object, schema)
}
