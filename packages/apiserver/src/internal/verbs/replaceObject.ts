// The last stages of the write pipeline (SPEC.md §8.3): an update's strategy (status, generation,
// immutable metadata), managedFields, validation and no-op detection, then the store, deletion
// once nothing holds an object, status writes by the server and a CRD's establishment. The
// stages before are writes.ts's.
import { isKubeMap } from '@gitops-sdk/core'
import type { KubeMap, KubeObject, KubeValue } from '@gitops-sdk/core'
import type { Cluster } from '../state/cluster.js'
import { crdStatus, customTypeOf, nameConflict } from '../rules/crd.js'
import { recordUpdate } from './fieldManager.js'
import { deepEqual, finalizersOf, mapAt, omit, text, timestamp } from '../state/objects.js'
import type { ResourceType } from '../state/registry.js'
import { apiVersionOf, crdType, namespaceType, typeKey } from '../state/registry.js'
import { engineReset, engineSchema } from '../rules/schemas.js'
import { conflict, invalid, OPTIMISTIC_LOCK } from '../../status.js'
import { defaultCustomFields } from '../rules/unknownFields.js'
import type { WriteAnswer, WriteRequest } from './writes.js'
import { admitAndValidate, defaultObject, groupResource, internalRequest } from './writes.js'
import { cloneJson } from '../../ssa/deepJson.js'

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
    next = cloneJson(live)
    if (incoming.status === undefined) delete next.status
    else next.status = incoming.status
    if (incoming.metadata.managedFields !== undefined) next.metadata.managedFields = incoming.metadata.managedFields
  } else if (options.subresource === 'finalize') {
    next = cloneJson(live)
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
      else next.status = cloneJson(live.status)
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
  const incoming = cloneJson(live)
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

/** A Service update that leaves clusterIP out keeps the allocated one, as the service REST storage does. */
function keepAllocatedClusterIp(live: KubeObject, next: KubeObject): void {
  if (live.apiVersion !== 'v1' || live.kind !== 'Service' || !isKubeMap(live.spec) || !isKubeMap(next.spec)) return
  if (next.spec.clusterIP === undefined || next.spec.clusterIP === '') {
    if (live.spec.clusterIP !== undefined) next.spec.clusterIP = cloneJson(live.spec.clusterIP)
    if (next.spec.clusterIPs === undefined && live.spec.clusterIPs !== undefined) next.spec.clusterIPs = cloneJson(live.spec.clusterIPs)
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
