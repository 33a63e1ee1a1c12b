// The scale subresource: an autoscaling/v1 Scale view of a workload's replica counts.
import { isKubeMap } from '@gitops-sdk/core'
import type { KubeMap, KubeObject } from '@gitops-sdk/core'
import type { Cluster } from '../state/cluster.js'
import { text, valueAt } from '../state/objects.js'
import type { PatchType } from './patchObject.js'
import { patchDocument } from './patchObject.js'
import type { ResourceType } from '../state/registry.js'
import { badRequest, conflict, notFound, OPTIMISTIC_LOCK } from '../../status.js'
import type { WriteRequest } from './writes.js'
import { groupResource } from './writes.js'
import { replaceObject } from './replaceObject.js'
import { cloneJson } from '../../ssa/deepJson.js'
import type { StrictFieldError } from './patchStrictErrors.js'
import { reportStrictErrors } from './patchStrictDecoding.js'
import { jsonPatchedJson, mergePatchedJson } from './patchedJson.js'

function selectorText(object: KubeObject): string | undefined {
  const selector = valueAt(object, 'spec.selector')
  if (!isKubeMap(selector)) return undefined
  const labels = isKubeMap(selector.matchLabels) ? selector.matchLabels : selector
  const parts = Object.entries(labels).filter(([, v]) => typeof v === 'string').map(([k, v]) => `${k}=${text(v)}`)
  return parts.length === 0 ? undefined : parts.sort().join(',')
}

function scaleOf(type: ResourceType, object: KubeObject): KubeMap {
  const spec = valueAt(object, (type.scale?.specReplicasPath ?? '.spec.replicas').slice(1))
  const status = valueAt(object, (type.scale?.statusReplicasPath ?? '.status.replicas').slice(1))
  const metadata: KubeMap = { name: object.metadata.name }
  if (object.metadata.namespace !== undefined) metadata.namespace = object.metadata.namespace
  for (const key of ['uid', 'resourceVersion', 'creationTimestamp'] as const) if (object.metadata[key] !== undefined) metadata[key] = object.metadata[key]
  const statusJson: KubeMap = { replicas: typeof status === 'number' ? status : 0 }
  const selector = selectorText(object)
  if (selector !== undefined) statusJson.selector = selector
  return { kind: 'Scale', apiVersion: 'autoscaling/v1', metadata, spec: { replicas: typeof spec === 'number' ? spec : 0 }, status: statusJson }
}

/** GET …/scale. */
export function readScale(cluster: Cluster, type: ResourceType, target: { namespace: string; name: string }): KubeMap {
  const { namespace, name } = target
  const live = cluster.store.get(type, namespace, name)
  if (live === undefined) throw notFound(groupResource(type), name)
  return scaleOf(type, live)
}

/** The Scale a PUT or PATCH of …/scale asks for, checked (replicas a number, no stale resourceVersion), and the live object. */
export function plannedScale(
  cluster: Cluster,
  type: ResourceType,
  change: { namespace: string; name: string; body: unknown; patchType?: PatchType | undefined; request: WriteRequest },
): { live: KubeObject; old: KubeMap; next: KubeMap } {
  const live = cluster.store.get(type, change.namespace, change.name)
  if (live === undefined) throw notFound(groupResource(type), change.name)
  const current = scaleOf(type, live)
  let next: unknown = change.body
  if (change.patchType !== undefined) {
    // An apply to /scale is merged like a merge patch: Scale has no lists, and its one field is
    // owned through the parent's managedFields.
    const patchType = change.patchType === 'apply' ? 'merge' : change.patchType
    const body = String(change.body)
    // A JSON or merge patch's body is decoded strictly, as for the object itself.
    const strictErrors: StrictFieldError[] = []
    const before = cloneJson(current)
    const patched = patchDocument(current, { patchType, body, fieldValidation: change.request.fieldValidation, strictErrors: patchType === change.patchType ? strictErrors : undefined })
    reportStrictErrors(strictErrors, {
      request: change.request,
      patchedJson: () => {
        const parsed: unknown = JSON.parse(body)
        if (patchType === 'json') return jsonPatchedJson(patched as KubeMap, Array.isArray(parsed) ? (parsed as unknown[]) : [])
        return mergePatchedJson(before, parsed as KubeMap, patched as KubeMap)
      },
    })
    next = patched
  }
  if (!isKubeMap(next) || !isKubeMap(next.spec) || typeof next.spec.replicas !== 'number') throw badRequest('Scale.spec.replicas must be a number')
  const rv = isKubeMap(next.metadata) ? next.metadata.resourceVersion : undefined
  if (typeof rv === 'string' && rv !== '' && rv !== live.metadata.resourceVersion) throw conflict(groupResource(type), change.name, OPTIMISTIC_LOCK)
  return { live, old: current, next }
}

/** PUT or PATCH …/scale: sets the replicas of the main object. */
export function writeScale(
  cluster: Cluster,
  type: ResourceType,
  change: { namespace: string; name: string; body: unknown; patchType?: PatchType | undefined; request: WriteRequest },
): KubeMap {
  const { live, next } = plannedScale(cluster, type, change)
  const replicas = isKubeMap(next.spec) ? next.spec.replicas : 0
  const object = cloneJson(live)
  const path = (type.scale?.specReplicasPath ?? '.spec.replicas').slice(1).split('.')
  let cursor = object as unknown as KubeMap
  for (const part of path.slice(0, -1)) {
    if (!isKubeMap(cursor[part])) cursor[part] = {}
    const child = cursor[part]
    if (isKubeMap(child)) cursor = child
  }
  cursor[path[path.length - 1] ?? 'replicas'] = replicas ?? 0
  const answer = replaceObject(cluster, type, { live, incoming: object, request: change.request, options: { subresource: 'scale', requireResourceVersion: false } })
  return scaleOf(type, answer.body as KubeObject)
}
