// Creation (SPEC.md §8.2): the create-time strategy (name from generateName, uid, timestamps,
// initial status, generation) and the store of a new object, for POST and for apply on a missing object.
import { isKubeMap } from '@gitops-sdk/core'
import type { KubeMap, KubeObject } from '@gitops-sdk/core'
import type { Cluster } from '../state/cluster.js'
import { mapAt, omit, timestamp } from '../state/objects.js'
import type { ResourceType } from '../state/registry.js'
import { apiVersionOf, crdType, namespaceType } from '../state/registry.js'
import { engineReset, engineSchema } from '../rules/schemas.js'
import { alreadyExists, internalError } from '../../status.js'
import { recordUpdate } from './fieldManager.js'
import type { WriteAnswer, WriteRequest } from './writes.js'
import { admitAndValidate, admitCreate, decode, defaultObject, dropUnknownFields, groupResource, namespaceRule } from './writes.js'
import { establishCrd } from './replaceObject.js'
import type { DocumentText } from '../rules/crdSchema/decode.js'

function qosClass(pod: KubeObject): string {
  const spec = isKubeMap(pod.spec) ? pod.spec : {}
  const containers = Array.isArray(spec.containers) ? spec.containers.filter(isKubeMap) : []
  let any = false
  let guaranteed = containers.length > 0
  for (const c of containers) {
    const resources = isKubeMap(c.resources) ? c.resources : {}
    const requests = isKubeMap(resources.requests) ? resources.requests : {}
    const limits = isKubeMap(resources.limits) ? resources.limits : {}
    if (Object.keys(requests).length > 0 || Object.keys(limits).length > 0) any = true
    for (const r of ['cpu', 'memory']) if (limits[r] === undefined || (requests[r] !== undefined && requests[r] !== limits[r])) guaranteed = false
  }
  return !any ? 'BestEffort' : guaranteed ? 'Guaranteed' : 'Burstable'
}

/** The status a type starts with (SPEC.md §9.6), or undefined for none. */
function initialStatus(type: ResourceType, object: KubeObject): KubeMap | undefined {
  if (type.crd !== undefined || type.group !== '') return undefined
  switch (type.plural) {
    case 'namespaces':
      return { phase: 'Active' }
    case 'pods':
      return { phase: 'Pending', qosClass: qosClass(object) }
    case 'persistentvolumeclaims':
    case 'persistentvolumes':
      return { phase: 'Pending' }
    default:
      return undefined
  }
}

/** Sets name (from generateName), uid, creationTimestamp, initial status and generation. */
export function prepareCreate(cluster: Cluster, type: ResourceType, object: KubeObject): void {
  const meta = object.metadata
  if ((meta.name === '' || typeof meta.name !== 'string') && typeof meta.generateName === 'string' && meta.generateName !== '') {
    meta.name = `${Buffer.from(meta.generateName).subarray(0, 58).toString()}${cluster.nameSuffix()}`
  }
  meta.uid = cluster.newUid()
  meta.creationTimestamp = timestamp(cluster.now())
  if (type.status) {
    const status = initialStatus(type, object)
    if (status === undefined) delete object.status
    else object.status = status
  }
  if (type.generation) meta.generation = 1
  else delete meta.generation
  if (type === namespaceType) mapAt(object as unknown as KubeMap, 'spec').finalizers = ['kubernetes']
  if (type === crdType) delete object.status
}

function checkCreateResourceVersion(object: KubeObject): void {
  const rv = object.metadata.resourceVersion
  if (typeof rv === 'string' && /^[0-9]+$/.test(rv) && Number(rv) !== 0) throw internalError('resourceVersion should not be set on objects to be created')
  delete object.metadata.resourceVersion
}

/** POST: creates an object (SPEC.md §8.2). */
export function createObject(cluster: Cluster, type: ResourceType, create: { namespace: string; body: unknown; request: WriteRequest; text?: DocumentText | undefined }): WriteAnswer {
  const { namespace, body, request } = create
  const object = decode(type, body, create.text)
  for (const key of ['uid', 'creationTimestamp', 'deletionTimestamp', 'deletionGracePeriodSeconds', 'selfLink']) omit(object.metadata, key)
  namespaceRule(type, object, namespace)
  dropUnknownFields(type, object, request)
  defaultObject(cluster, type, object)
  prepareCreate(cluster, type, object)
  // Validation answers before namespace admission, as kube-apiserver's create handler orders them.
  admitAndValidate(type, object, { live: undefined, request })
  admitCreate(cluster, type, object)
  checkCreateResourceVersion(object)
  const now = timestamp(cluster.now())
  const recorded = recordUpdate({
    live: undefined,
    updated: object,
    manager: request.manager,
    apiVersion: apiVersionOf(type),
    schema: engineSchema(type),
    reset: engineReset(type, undefined),
    now,
  })
  return storeCreated(cluster, type, { object: recorded, request })
}

/** Stores a prepared new object: 409 when the name is taken, nothing stored on dry run. */
export function storeCreated(cluster: Cluster, type: ResourceType, created: { object: KubeObject; request: WriteRequest }): WriteAnswer {
  const { object, request } = created
  const existing = cluster.store.get(type, object.metadata.namespace ?? '', object.metadata.name)
  if (existing !== undefined) throw alreadyExists(groupResource(type), object.metadata.name, existing.metadata.deletionTimestamp !== undefined)
  if (request.dryRun) return { code: 201, body: object }
  let stored = cluster.store.put(type, object)
  if (type === crdType) stored = establishCrd(cluster, stored)
  cluster.schedulePass()
  return { code: 201, body: stored }
}
