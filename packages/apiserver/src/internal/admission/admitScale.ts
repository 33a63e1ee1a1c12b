// Writes to the `scale` subresource through admission, as kube-apiserver admits them: an UPDATE of
// subresource `scale` whose object and oldObject are autoscaling/v1 Scale objects (kind
// autoscaling/v1 Scale, resource the workload's), matched by rules naming `deployments/scale` (or
// `*/scale`, `*/*`); mutating webhooks may patch the Scale, validating webhooks see the final one,
// and the workload's replicas are then set from it. A Scale carries no labels, so an objectSelector
// with requirements does not match it, as in a cluster.
import { isKubeMap } from '@gitops-sdk/core'
import type { KubeMap, KubeObject } from '@gitops-sdk/core'
import type { PatchType } from '../verbs/patchObject.js'
import { plannedScale, writeScale } from '../verbs/scale.js'
import { groupResource } from '../verbs/writes.js'
import { badRequest, conflict, OPTIMISTIC_LOCK } from '../../status.js'
import type { AdmissionContext, AdmissionRequest, Call } from './admit.js'
import { applyPatches, conditionsAllow, invoke, patchOf } from './admit.js'
import type { AdmissionAttributes } from './webhooks.js'
import { candidateWebhooks, hasWebhooks, selectorsMatch } from './webhooks.js'
import { cloneJson } from '../../ssa/deepJson.js'

const scaleKind = { group: 'autoscaling', version: 'v1', kind: 'Scale' }

/** PUT or PATCH of …/scale with the admission webhooks that match it; answers the stored Scale. */
export async function admitScale(
  context: AdmissionContext,
  admission: Omit<AdmissionRequest, 'subresource' | 'kind'>,
  change: { readonly name: string; readonly body: unknown; readonly patchType?: PatchType | undefined },
): Promise<KubeMap> {
  const { cluster } = context
  const { type, namespace, request } = admission
  const write = (body: unknown, patchType: PatchType | undefined): KubeMap => writeScale(cluster, type, { namespace, name: change.name, body, patchType, request })
  if (!hasWebhooks(cluster)) return write(change.body, change.patchType)
  const full: AdmissionRequest = { ...admission, subresource: 'scale', kind: scaleKind }
  const base = { type, subresource: 'scale', operation: 'UPDATE' as const, namespace, name: change.name }
  const mutating = candidateWebhooks(cluster, true, base)
  const validating = candidateWebhooks(cluster, false, base)
  if (mutating.length === 0 && validating.length === 0) return write(change.body, change.patchType)
  for (let attempt = 0; attempt < 3; attempt++) {
    const { live, old, next } = plannedScale(cluster, type, { namespace, name: change.name, body: change.body, patchType: change.patchType, request })
    const oldScale = old as unknown as KubeObject
    let current = next as unknown as KubeObject
    const attributes = (object: KubeObject): AdmissionAttributes => ({ ...base, object, oldObject: oldScale })
    for (const webhook of mutating) {
      if (!selectorsMatch(cluster, webhook, attributes(current))) continue
      const call: Call = { operation: 'UPDATE', name: change.name, object: current, oldObject: oldScale }
      if (!conditionsAllow(context, { webhook, admission: full, call })) continue
      const response = await invoke(context, { webhook, admission: full, call })
      const ops = response === undefined ? undefined : patchOf(webhook, response)
      if (ops === undefined) continue
      const patched = cloneJson(current)
      applyPatches(patched, [ops])
      current = patched
    }
    const spec = (current as unknown as KubeMap).spec
    if (!isKubeMap(spec) || typeof spec.replicas !== 'number') throw badRequest('Scale.spec.replicas must be a number')
    for (const webhook of validating) {
      if (!selectorsMatch(cluster, webhook, attributes(current))) continue
      const call: Call = { operation: 'UPDATE', name: change.name, object: current, oldObject: oldScale }
      if (!conditionsAllow(context, { webhook, admission: full, call })) continue
      await invoke(context, { webhook, admission: full, call })
    }
    // The workload changed while the webhooks answered: admit again, as an update retried on conflict.
    if (cluster.store.get(type, namespace, change.name)?.metadata.resourceVersion !== live.metadata.resourceVersion) continue
    return write(current, undefined)
  }
  throw conflict(groupResource(type), change.name, OPTIMISTIC_LOCK)
}
