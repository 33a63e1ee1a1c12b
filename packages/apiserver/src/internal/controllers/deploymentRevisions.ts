// The ReplicaSets of the simulated Deployment controller (with `controllers: 'ready'`), as
// kube-controller-manager's deployment controller keeps them, so that `kubectl rollout history` lists
// revisions and `kubectl rollout undo` rolls back: one ReplicaSet per pod template, named
// `<deployment>-<pod-template-hash>`, owned by the Deployment, its template and selector carrying the
// `pod-template-hash` label, `deployment.kubernetes.io/revision` (the newest template gets the next
// revision, also when an old ReplicaSet's template comes back, whose old number then goes to
// `revision-history`), the Deployment's own annotations copied, the replicas on the newest and 0 on
// the others, and the oldest idle ones removed beyond `revisionHistoryLimit` (default 10). Pods are
// not made. The hash is FNV-32a of the template's JSON in the controller's alphabet, so names have
// the real shape but not kube's values (which hash Go's printing of the struct).
import { isKubeMap, setOwn } from '@gitops-sdk/core'
import type { KubeMap, KubeObject, KubeValue } from '@gitops-sdk/core'
import type { Cluster } from '../state/cluster.js'
import type { ResourceType } from '../state/registry.js'
import { createObject } from '../verbs/createObject.js'
import { deleteObject } from '../verbs/deleteObject.js'
import { internalRequest } from '../verbs/writes.js'
import { replaceObject } from '../verbs/replaceObject.js'
import { deepEqual, ownerReferencesOf } from '../state/objects.js'
import { StatusError } from '../../status.js'
import { cloneJson, stringifyJson } from '../../ssa/deepJson.js'

const HASH_LABEL = 'pod-template-hash'
const REVISION = 'deployment.kubernetes.io/revision'
const REVISION_HISTORY = 'deployment.kubernetes.io/revision-history'
const DESIRED = 'deployment.kubernetes.io/desired-replicas'
const MAX = 'deployment.kubernetes.io/max-replicas'
const MANAGER = 'kube-controller-manager'
// Annotations the deployment controller does not copy from a Deployment to its ReplicaSets.
const notCopied = new Set(['kubectl.kubernetes.io/last-applied-configuration', REVISION, REVISION_HISTORY, DESIRED, MAX])
const alphabet = 'bcdfghjklmnpqrstvwxz2456789'

/** The `pod-template-hash` of a pod template: FNV-32a of its JSON, its decimal digits mapped as the controller's SafeEncodeString maps them. */
export function podTemplateHash(template: KubeValue | undefined): string {
  let hash = 0x811c9dc5
  for (const byte of Buffer.from(stringifyJson(template ?? null))) {
    hash ^= byte
    hash = Math.imul(hash, 0x01000193) >>> 0
  }
  return Array.from(String(hash), (c) => alphabet[c.charCodeAt(0) % alphabet.length] ?? 'b').join('')
}

const mapOf = (value: unknown): KubeMap => (isKubeMap(value) ? value : {})
/** The string entries of a map, as annotations hold them. */
const stringsOf = (map: KubeMap): Record<string, string> => {
  const out: Record<string, string> = {}
  for (const [key, value] of Object.entries(map)) if (typeof value === 'string') setOwn(out, key, value)
  return out
}
const revisionOf = (rs: KubeObject): number => {
  const value = Number(mapOf(rs.metadata.annotations)[REVISION])
  return Number.isInteger(value) ? value : 0
}

/** A template without the hash label, as the controller compares them. */
function withoutHash(template: KubeValue | undefined): KubeValue {
  const copy = cloneJson(mapOf(template))
  const meta = mapOf(copy.metadata)
  const labels = Object.fromEntries(Object.entries(mapOf(meta.labels)).filter(([key]) => key !== HASH_LABEL))
  copy.metadata = { ...meta, labels }
  return copy
}

function guarded(write: () => unknown): void {
  try {
    write()
  } catch (err) {
    // Refused writes are retried by the next pass, as the real controller requeues.
    if (!(err instanceof StatusError)) throw err
  }
}

function update(cluster: Cluster, target: { type: ResourceType; live: KubeObject }, change: (next: KubeObject) => void): void {
  const { type, live } = target
  const next = cloneJson(live)
  change(next)
  if (deepEqual(next, live)) return
  guarded(() => replaceObject(cluster, type, { live, incoming: next, request: internalRequest(MANAGER), options: { requireResourceVersion: false } }))
}

/** One pass of the simulated deployment controller over every Deployment. */
export function syncDeploymentRevisions(cluster: Cluster): void {
  const deployments = cluster.types.get('apps/deployments')
  const replicaSets = cluster.types.get('apps/replicasets')
  if (deployments === undefined || replicaSets === undefined) return
  for (const deployment of cluster.store.list(deployments)) {
    if (deployment.metadata.deletionTimestamp !== undefined) continue
    syncOne(cluster, { deployments, replicaSets }, deployment)
  }
}

function syncOne(cluster: Cluster, types: { deployments: ResourceType; replicaSets: ResourceType }, deployment: KubeObject): void {
  const namespace = deployment.metadata.namespace ?? ''
  const spec = mapOf(deployment.spec)
  const replicas = typeof spec.replicas === 'number' ? spec.replicas : 1
  const owned = cluster.store
    .list(types.replicaSets, namespace)
    .filter((rs) => rs.metadata.deletionTimestamp === undefined && ownerReferencesOf(rs).some((o) => o.controller === true && o.uid === deployment.metadata.uid))
  const wanted = withoutHash(spec.template)
  const maxRevision = owned.reduce((max, rs) => Math.max(max, revisionOf(rs)), 0)
  const copied: KubeMap = {}
  for (const [key, value] of Object.entries(mapOf(deployment.metadata.annotations))) if (!notCopied.has(key)) setOwn(copied, key, value)
  let current = owned.find((rs) => deepEqual(withoutHash(mapOf(rs.spec).template), wanted))
  let revision: number
  if (current === undefined) {
    revision = maxRevision + 1
    const hash = podTemplateHash(spec.template)
    const template = cloneJson(mapOf(spec.template))
    const templateMeta = mapOf(template.metadata)
    template.metadata = { ...templateMeta, labels: { ...mapOf(templateMeta.labels), [HASH_LABEL]: hash } }
    const selector = cloneJson(mapOf(spec.selector))
    selector.matchLabels = { ...mapOf(selector.matchLabels), [HASH_LABEL]: hash }
    const body: KubeMap = {
      apiVersion: 'apps/v1',
      kind: 'ReplicaSet',
      metadata: {
        name: `${deployment.metadata.name}-${hash}`,
        namespace,
        labels: { ...mapOf(templateMeta.labels), [HASH_LABEL]: hash },
        annotations: { ...copied, [DESIRED]: String(replicas), [MAX]: String(replicas + 1), [REVISION]: String(revision) },
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: deployment.metadata.name, uid: deployment.metadata.uid ?? '', controller: true, blockOwnerDeletion: true }],
      },
      spec: { replicas, minReadySeconds: typeof spec.minReadySeconds === 'number' ? spec.minReadySeconds : 0, selector, template },
    }
    guarded(() => createObject(cluster, types.replicaSets, { namespace, body, request: internalRequest(MANAGER) }))
    current = cluster.store.get(types.replicaSets, namespace, `${deployment.metadata.name}-${hash}`)
    if (current === undefined) return
  } else {
    const previous = revisionOf(current)
    revision = previous === maxRevision ? previous : maxRevision + 1
    update(cluster, { type: types.replicaSets, live: current }, (next) => {
      const annotations = { ...copied, ...pick(mapOf(next.metadata.annotations), [DESIRED, MAX, REVISION_HISTORY]) }
      if (revision !== previous) {
        const history = typeof annotations[REVISION_HISTORY] === 'string' && annotations[REVISION_HISTORY] !== '' ? `${annotations[REVISION_HISTORY]},${previous}` : String(previous)
        annotations[REVISION_HISTORY] = history
      }
      annotations[REVISION] = String(revision)
      annotations[DESIRED] = String(replicas)
      annotations[MAX] = String(replicas + 1)
      next.metadata.annotations = stringsOf(annotations)
      mapOf(next.spec).replicas = replicas
    })
  }
  const newest = current.metadata.name
  for (const rs of owned) if (rs.metadata.name !== newest) update(cluster, { type: types.replicaSets, live: rs }, (next) => void (mapOf(next.spec).replicas = 0))
  update(cluster, { type: types.deployments, live: deployment }, (next) => {
    next.metadata.annotations = { ...stringsOf(mapOf(next.metadata.annotations)), [REVISION]: String(revision) }
  })
  // The oldest idle ReplicaSets go beyond revisionHistoryLimit.
  const limit = typeof spec.revisionHistoryLimit === 'number' ? spec.revisionHistoryLimit : 10
  const old = owned.filter((rs) => rs.metadata.name !== newest).sort((a, b) => revisionOf(a) - revisionOf(b))
  for (const rs of old.slice(0, Math.max(0, old.length - limit))) {
    guarded(() => deleteObject(cluster, types.replicaSets, { namespace, name: rs.metadata.name, options: { propagationPolicy: 'Background' }, request: internalRequest(MANAGER) }))
  }
}

function pick(map: KubeMap, keys: readonly string[]): KubeMap {
  const out: KubeMap = {}
  for (const key of keys) if (Object.hasOwn(map, key) && map[key] !== undefined) out[key] = map[key]
  return out
}
