// The asynchronous parts of a cluster, run as one pass after writes: the garbage collector
// (SPEC.md §11.2), the namespace controller (SPEC.md §12), CRD instance cleanup (SPEC.md §13.3) and the
// simulated workload controllers (SPEC.md §14). Every change is a real write through the pipeline.
import { isKubeMap } from '@gitops-sdk/core'
import type { KubeMap, KubeObject } from '@gitops-sdk/core'
import type { Cluster } from '../state/cluster.js'
import { conditionOf, customTypeOf } from '../rules/crd.js'
import { deleteObject } from '../verbs/deleteObject.js'
import { deepEqual, finalizersOf, ownerReferencesOf, text, timestamp } from '../state/objects.js'
import { readyStatus, simulatedKinds } from './readiness.js'
import { syncDeploymentRevisions } from './deploymentRevisions.js'
import type { ResourceType } from '../state/registry.js'
import { crdType, namespaceType, typeKey } from '../state/registry.js'
import { StatusError } from '../../status.js'
import { internalRequest } from '../verbs/writes.js'
import { replaceObject, writeStatus } from '../verbs/replaceObject.js'
import { cloneJson } from '../../ssa/deepJson.js'

interface Entry {
  readonly type: ResourceType
  readonly object: KubeObject
}

function snapshotEntries(cluster: Cluster): Entry[] {
  const out: Entry[] = []
  for (const [key, object] of cluster.store.entries()) {
    const type = cluster.types.get(key)
    if (type !== undefined) out.push({ type, object })
  }
  return out
}

function current(cluster: Cluster, entry: Entry): KubeObject | undefined {
  const live = cluster.store.get(entry.type, entry.object.metadata.namespace ?? '', entry.object.metadata.name)
  return live?.metadata.uid === entry.object.metadata.uid ? live : undefined
}

/** An Update through the main endpoint by a controller. */
function updateBy(cluster: Cluster, entry: Entry, update: { manager: string; change: (object: KubeObject) => void }): void {
  const { manager, change } = update
  const live = current(cluster, entry)
  if (live === undefined) return
  const next = cloneJson(live)
  change(next)
  guarded(() => replaceObject(cluster, entry.type, { live, incoming: next, request: internalRequest(manager), options: { requireResourceVersion: false } }))
}

function guarded(write: () => unknown): void {
  try {
    write()
  } catch (err) {
    // A background write the pipeline refuses (say, validation of a stored object) must not stop the
    // rest of the pass; the real controllers retry, and so does the next pass.
    if (!(err instanceof StatusError)) throw err
  }
}

function deleteEntry(cluster: Cluster, entry: Entry, propagationPolicy: string): void {
  const live = current(cluster, entry)
  if (live === undefined || live.metadata.deletionTimestamp !== undefined) return
  guarded(() =>
    deleteObject(cluster, entry.type, {
      namespace: live.metadata.namespace ?? '',
      name: live.metadata.name,
      options: { propagationPolicy },
      request: internalRequest('generic-garbage-collector'),
    }),
  )
}

function removeFinalizer(cluster: Cluster, entry: Entry, removal: { finalizer: string; manager: string }): void {
  const { finalizer, manager } = removal
  updateBy(cluster, entry, { manager, change: (object) => {
    const rest = finalizersOf(object).filter((f) => f !== finalizer)
    if (rest.length === 0) delete object.metadata.finalizers
    else object.metadata.finalizers = rest
  } })
}

function dependentsIndex(entries: Entry[]): Map<string, Entry[]> {
  const index = new Map<string, Entry[]>()
  for (const entry of entries) {
    for (const ref of ownerReferencesOf(entry.object)) {
      const uid = text(ref.uid)
      const list = index.get(uid) ?? []
      list.push(entry)
      index.set(uid, list)
    }
  }
  return index
}

function dropOwnerRef(cluster: Cluster, entry: Entry, uid: string): void {
  updateBy(cluster, entry, { manager: 'generic-garbage-collector', change: (object) => {
    const rest = ownerReferencesOf(object).filter((r) => r.uid !== uid)
    if (rest.length === 0) delete object.metadata.ownerReferences
    else object.metadata.ownerReferences = rest
  } })
}

function garbageCollect(cluster: Cluster): void {
  const entries = snapshotEntries(cluster)
  const dependents = dependentsIndex(entries)
  for (const entry of entries) {
    const { object } = entry
    if (object.metadata.deletionTimestamp === undefined) continue
    const uid = text(object.metadata.uid)
    const finalizers = finalizersOf(object)
    const mine = dependents.get(uid) ?? []
    if (finalizers.includes('orphan')) {
      for (const d of mine) dropOwnerRef(cluster, d, uid)
      removeFinalizer(cluster, entry, { finalizer: 'orphan', manager: 'generic-garbage-collector' })
    } else if (finalizers.includes('foregroundDeletion')) {
      for (const d of mine) deleteEntry(cluster, d, (dependents.get(text(d.object.metadata.uid)) ?? []).length > 0 ? 'Foreground' : 'Background')
      const blocking = mine.filter((d) => {
        const live = current(cluster, d)
        return live !== undefined && ownerReferencesOf(live).some((r) => r.uid === uid && r.blockOwnerDeletion === true)
      })
      if (blocking.length === 0) removeFinalizer(cluster, entry, { finalizer: 'foregroundDeletion', manager: 'generic-garbage-collector' })
    }
  }
  if (cluster.deletedOwners.size === 0) return
  const gone = [...cluster.deletedOwners]
  cluster.deletedOwners.clear()
  for (const uid of gone) {
    for (const d of dependents.get(uid) ?? []) {
      const live = current(cluster, d)
      if (live === undefined) continue
      const owners = ownerReferencesOf(live)
      if (!owners.some((r) => r.uid === uid)) continue
      if (owners.every((r) => r.uid === uid)) deleteEntry(cluster, d, 'Background')
      else dropOwnerRef(cluster, d, uid)
    }
  }
}

function terminateNamespaces(cluster: Cluster): void {
  for (const ns of cluster.store.list(namespaceType)) {
    if (ns.metadata.deletionTimestamp === undefined) continue
    const name = ns.metadata.name
    const contents = (): Entry[] => snapshotEntries(cluster).filter((e) => e.type.namespaced && e.object.metadata.namespace === name)
    for (const entry of contents()) deleteEntry(cluster, entry, 'Background')
    const remaining = contents()
    const live = cluster.store.get(namespaceType, '', name)
    if (live === undefined) continue
    if (remaining.length > 0) {
      writeNamespaceConditions(cluster, live, remaining)
      continue
    }
    const spec = isKubeMap(live.spec) ? live.spec : {}
    const finalizers = Array.isArray(spec.finalizers) ? spec.finalizers.filter((f) => f !== 'kubernetes') : []
    const incoming = cloneJson(live)
    incoming.spec = { ...spec, finalizers }
    guarded(() =>
      replaceObject(cluster, namespaceType, { live, incoming, request: internalRequest('namespace-controller'), options: { subresource: 'finalize', requireResourceVersion: false } }),
    )
  }
}

function writeNamespaceConditions(cluster: Cluster, ns: KubeObject, remaining: Entry[]): void {
  const counts = new Map<string, number>()
  const finalizerCounts = new Map<string, number>()
  for (const { type, object } of remaining) {
    const key = `${type.plural}.${type.group}`
    counts.set(key, (counts.get(key) ?? 0) + 1)
    for (const f of finalizersOf(object)) finalizerCounts.set(f, (finalizerCounts.get(f) ?? 0) + 1)
  }
  const now = timestamp(cluster.now())
  const status: KubeMap = isKubeMap(ns.status) ? cloneJson(ns.status) : {}
  const others = Array.isArray(status.conditions)
    ? status.conditions.filter((c) => isKubeMap(c) && c.type !== 'NamespaceContentRemaining' && c.type !== 'NamespaceFinalizersRemaining')
    : []
  const condition = (type: string, value: 'True' | 'False', why: { reason: string; message: string }): KubeMap => {
    const { reason, message } = why
    const before = conditionOf(ns, type)
    return { type, status: value, lastTransitionTime: before?.status === value ? (before.lastTransitionTime ?? now) : now, reason, message }
  }
  const content = [...counts].sort().map(([k, n]) => `${k} has ${n} resource instances`).join(', ')
  const fins = [...finalizerCounts].sort().map(([f, n]) => `${f} in ${n} resource instances`).join(', ')
  status.conditions = [
    ...others,
    condition('NamespaceContentRemaining', 'True', { reason: 'SomeResourcesRemain', message: `Some resources are remaining: ${content}` }),
    finalizerCounts.size > 0
      ? condition('NamespaceFinalizersRemaining', 'True', { reason: 'SomeFinalizersRemain', message: `Some content in the namespace has finalizers remaining: ${fins}` })
      : condition('NamespaceFinalizersRemaining', 'False', { reason: 'ContentHasNoFinalizers', message: 'All content-preserving finalizers have been removed' }),
  ]
  if (!deepEqual(status, ns.status)) guarded(() => writeStatus(cluster, namespaceType, { live: ns, status, manager: 'namespace-controller' }))
}

function cleanUpCrds(cluster: Cluster): void {
  for (const crd of cluster.store.list(crdType)) {
    if (crd.metadata.deletionTimestamp === undefined) continue
    if (!finalizersOf(crd).includes('customresourcecleanup.apiextensions.k8s.io')) continue
    const custom = customTypeOf(crd)
    const served = custom === undefined ? undefined : cluster.types.get(typeKey(custom))
    const instances = served?.crd?.name === crd.metadata.name ? cluster.store.list(served) : []
    for (const object of instances) if (served !== undefined) deleteEntry(cluster, { type: served, object }, 'Background')
    if (served !== undefined && served.crd?.name === crd.metadata.name && cluster.store.list(served).length > 0) continue
    const live = cluster.store.get(crdType, '', crd.metadata.name)
    if (live === undefined) continue
    const status: KubeMap = isKubeMap(live.status) ? cloneJson(live.status) : {}
    const conditions = Array.isArray(status.conditions) ? status.conditions.filter((c) => !isKubeMap(c) || c.type !== 'Terminating') : []
    conditions.push({ type: 'Terminating', status: 'False', lastTransitionTime: timestamp(cluster.now()), reason: 'InstanceDeletionCompleted', message: 'removed all instances' })
    status.conditions = conditions
    guarded(() => writeStatus(cluster, crdType, { live, status, manager: 'kube-apiserver' }))
    removeFinalizer(cluster, { type: crdType, object: live }, { finalizer: 'customresourcecleanup.apiextensions.k8s.io', manager: 'kube-apiserver' })
  }
}

/** Writes the ready status of one object now; returns the stored object. */
export function markObjectReady(cluster: Cluster, type: ResourceType, object: KubeObject): KubeObject {
  const status = readyStatus(cluster, object)
  if (status === undefined || deepEqual(status, object.status)) return object
  return writeStatus(cluster, type, { live: object, status, manager: 'kube-controller-manager' })
}

function simulateControllers(cluster: Cluster): void {
  if (cluster.settings.controllers !== 'ready') return
  syncDeploymentRevisions(cluster)
  const pending = cluster.pendingReady
  for (const entry of snapshotEntries(cluster)) {
    if (!simulatedKinds.has(typeKey(entry.type)) || entry.object.metadata.deletionTimestamp !== undefined) continue
    const status = readyStatus(cluster, entry.object)
    if (status === undefined || deepEqual(status, entry.object.status)) continue
    const key = `${text(entry.object.metadata.uid)}@${text(entry.object.metadata.generation ?? 0)}`
    if (pending.has(key)) continue
    pending.add(key)
    const set = pending
    cluster.later(cluster.settings.readyDelayMs, () => {
      set.delete(key)
      const live = current(cluster, entry)
      if (live !== undefined && live.metadata.deletionTimestamp === undefined) guarded(() => markObjectReady(cluster, entry.type, live))
    })
  }
}

/** One background pass. */
export function runPass(cluster: Cluster): void {
  // The garbage collector, the namespace controller and CRD cleanup act on objects being deleted
  // only: with none and no owner gone, the pass leaves the store unread. Every write schedules a
  // pass, so a scan of the whole store here would make a run of N creates cost N² reads.
  if (cluster.store.hasTerminating() || cluster.deletedOwners.size > 0) {
    garbageCollect(cluster)
    terminateNamespaces(cluster)
    cleanUpCrds(cluster)
  }
  simulateControllers(cluster)
}
