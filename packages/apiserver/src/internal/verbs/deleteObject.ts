// DELETE of an object (SPEC.md §8.6, 11.1, 12 and 13.3): preconditions, propagation finalizers,
// graceful pods, protected and terminating namespaces, CRD cleanup.
import { isKubeMap } from '@gitops-sdk/core'
import type { KubeMap, KubeObject } from '@gitops-sdk/core'
import type { Cluster } from '../state/cluster.js'
import { finalizersOf, text, timestamp } from '../state/objects.js'
import type { ResourceType } from '../state/registry.js'
import { crdType, namespaceType } from '../state/registry.js'
import { quote } from '@gitops-sdk/core/go'
import { conflict, forbidden, invalidOptions, notFound, qualifiedKind, StatusError, statusSuccess } from '../../status.js'
import type { WriteAnswer, WriteRequest } from './writes.js'
import { groupResource } from './writes.js'
import { deleteNow, readyToDelete } from './replaceObject.js'
import { cloneJson, stringifyJson } from '../../ssa/deepJson.js'

/** The options of a DELETE, from its body or its query. */
export interface DeleteOptions {
  readonly gracePeriodSeconds?: number | undefined
  readonly propagationPolicy?: string | undefined
  readonly orphanDependents?: boolean | undefined
  readonly preconditions?: { readonly uid?: string | undefined; readonly resourceVersion?: string | undefined } | undefined
}

const protectedNamespaces = new Set(['default', 'kube-system', 'kube-public'])
const returnsObject = new Set(['/pods', '/serviceaccounts', '/namespaces', 'storage.k8s.io/storageclasses'])

function successStatus(type: ResourceType, object: KubeObject): KubeMap {
  return statusSuccess({ name: object.metadata.name, group: type.group, kind: type.plural, uid: typeof object.metadata.uid === 'string' ? object.metadata.uid : undefined })
}

function deletedAnswer(type: ResourceType, object: KubeObject): KubeObject | KubeMap {
  return returnsObject.has(`${type.group}/${type.plural}`) ? object : successStatus(type, object)
}

/** DELETE one object. */
export function deleteObject(cluster: Cluster, type: ResourceType, target: { namespace: string; name: string; options: DeleteOptions; request: WriteRequest }): WriteAnswer {
  const { options, request } = target
  const gr = groupResource(type)
  const live = cluster.store.get(type, target.namespace, target.name)
  if (live === undefined) throw notFound(gr, target.name)
  const policy = options.propagationPolicy
  if (policy !== undefined && policy !== 'Orphan' && policy !== 'Background' && policy !== 'Foreground') {
    throw invalidOptions('DeleteOptions', [{ type: 'NotSupported', field: 'propagationPolicy', value: policy, detail: 'supported values: "Foreground", "Background", "Orphan", "nil"' }])
  }
  if (policy !== undefined && options.orphanDependents !== undefined) {
    throw invalidOptions('DeleteOptions', [{ type: 'Invalid', field: 'propagationPolicy', value: policy, detail: 'orphanDependents and deletionPropagation cannot be both set' }])
  }
  const pre = options.preconditions
  const kindName = qualifiedKind({ group: type.group, kind: type.kind })
  if (pre?.uid !== undefined && pre.uid !== live.metadata.uid) {
    throw new StatusError({
      code: 409,
      reason: 'Conflict',
      message: `Operation cannot be fulfilled on ${kindName} ${quote(target.name)}: the UID in the precondition (${pre.uid}) does not match the UID in record (${text(live.metadata.uid)}). The object might have been deleted and then recreated`,
      details: { name: target.name, group: type.group, kind: type.plural },
    })
  }
  if (pre?.resourceVersion !== undefined && pre.resourceVersion !== live.metadata.resourceVersion) {
    throw new StatusError({
      code: 409,
      reason: 'Conflict',
      message: `Operation cannot be fulfilled on ${kindName} ${quote(target.name)}: the ResourceVersion in the precondition (${pre.resourceVersion}) does not match the ResourceVersion in record (${text(live.metadata.resourceVersion)}). The object might have been modified`,
      details: { name: target.name, group: type.group, kind: type.plural },
    })
  }
  const now = timestamp(cluster.now())
  if (type === namespaceType) return deleteNamespace(cluster, live, { request, now })

  const next: KubeObject = cloneJson(live)
  const finalizers = finalizersOf(next)
  const orphan = policy === 'Orphan' || (policy === undefined && options.orphanDependents === true)
  if (policy === 'Foreground' && !finalizers.includes('foregroundDeletion')) finalizers.push('foregroundDeletion')
  if (orphan && !finalizers.includes('orphan')) finalizers.push('orphan')
  if (type === crdType && !finalizers.includes('customresourcecleanup.apiextensions.k8s.io')) {
    finalizers.push('customresourcecleanup.apiextensions.k8s.io')
  }
  if (finalizers.length > 0) next.metadata.finalizers = finalizers

  // Pods bound to a node wait for their kubelet (here: a later delete with gracePeriodSeconds=0).
  if (type.group === '' && type.plural === 'pods') {
    const spec = isKubeMap(next.spec) ? next.spec : {}
    const grace = options.gracePeriodSeconds ?? (typeof spec.terminationGracePeriodSeconds === 'number' ? spec.terminationGracePeriodSeconds : 30)
    if (typeof spec.nodeName === 'string' && spec.nodeName !== '' && grace > 0) {
      if (next.metadata.deletionTimestamp === undefined) {
        next.metadata.deletionTimestamp = timestamp(new Date(cluster.now().getTime() + grace * 1000))
        next.metadata.deletionGracePeriodSeconds = grace
      }
      return store(cluster, type, { live, next, request })
    }
    if (finalizers.length === 0) return removeNow(cluster, type, { object: next, request })
  }
  if (finalizers.length === 0) return removeNow(cluster, type, { object: next, request })

  if (next.metadata.deletionTimestamp === undefined) {
    next.metadata.deletionTimestamp = now
    next.metadata.deletionGracePeriodSeconds = 0
    if (typeof next.metadata.generation === 'number' && next.metadata.generation > 0) next.metadata.generation += 1
  } else if (next.metadata.deletionGracePeriodSeconds !== 0 && options.gracePeriodSeconds === 0) {
    next.metadata.deletionGracePeriodSeconds = 0
  }
  if (type === crdType) setCrdTerminating(next, now)
  const answer = store(cluster, type, { live, next, request })
  return options.orphanDependents === false ? { code: 202, body: answer.body } : answer
}

function removeNow(cluster: Cluster, type: ResourceType, removal: { object: KubeObject; request: WriteRequest }): WriteAnswer {
  const { object, request } = removal
  if (request.dryRun) return { code: 200, body: deletedAnswer(type, object) }
  return { code: 200, body: deletedAnswer(type, deleteNow(cluster, type, object)) }
}

function store(cluster: Cluster, type: ResourceType, change: { live: KubeObject; next: KubeObject; request: WriteRequest }): WriteAnswer {
  const { live, next, request } = change
  if (readyToDelete(type, next)) return removeNow(cluster, type, { object: next, request })
  if (request.dryRun || stringifyJson(next) === stringifyJson(live)) return { code: 200, body: request.dryRun ? next : live }
  const stored = cluster.store.put(type, next)
  cluster.schedulePass()
  return { code: 200, body: stored }
}

function setCrdTerminating(crd: KubeObject, now: string): void {
  const status: KubeMap = isKubeMap(crd.status) ? crd.status : {}
  const conditions = Array.isArray(status.conditions) ? status.conditions.filter((c) => !isKubeMap(c) || c.type !== 'Terminating') : []
  conditions.push({
    type: 'Terminating',
    status: 'True',
    lastTransitionTime: now,
    reason: 'InstanceDeletionPending',
    message: 'CustomResourceDefinition marked for deletion; CustomResource deletion will begin soon',
  })
  crd.status = { ...status, conditions }
}

function deleteNamespace(cluster: Cluster, live: KubeObject, context: { request: WriteRequest; now: string }): WriteAnswer {
  const name = live.metadata.name
  if (protectedNamespaces.has(name)) throw forbidden({ group: '', plural: 'namespaces' }, name, { why: 'this namespace may not be deleted' })
  if (live.metadata.deletionTimestamp !== undefined) {
    throw conflict(
      { group: '', plural: 'namespaces' },
      name,
      'The system is ensuring all content is removed from this namespace.  Upon completion, this namespace will automatically be purged by the system.',
    )
  }
  const next: KubeObject = cloneJson(live)
  next.metadata.deletionTimestamp = context.now
  next.metadata.deletionGracePeriodSeconds = 0
  next.status = { ...(isKubeMap(next.status) ? next.status : {}), phase: 'Terminating' }
  return store(cluster, namespaceType, { live, next, request: context.request })
}
