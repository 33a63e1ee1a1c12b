// Admission webhooks around the synchronous write pipeline. kube-apiserver calls mutating webhooks
// after defaulting, then validates, then calls validating webhooks, then stores. The pipeline here
// never yields inside a write (writes must not interleave), so a write that webhooks may see runs in
// passes: (A) a dry run up to the admission point gives the object and the live one; the mutating
// webhooks are called in order and their JSON patches kept; (B) a dry run replays the patches at the
// admission point and runs validation, giving the final object; the validating webhooks are called;
// (C) the real write replays the patches and stores. A pass that finds the live object changed since
// (A) starts again (at most three times, then 409), as kube-apiserver retries an update on conflict.
// Writes with no webhook configuration in the server skip all of this.
import { randomUUID } from 'node:crypto'
import { deepEqual, isKubeMap, setOwn } from '@gitops-sdk/core'
import type { KubeMap, KubeObject, KubeValue } from '@gitops-sdk/core'
import type { Attributes, UserInfo } from '../auth/rbac.js'
import { rbacAllows } from '../auth/rbac.js'
import type { Cluster } from '../state/cluster.js'
import type { ResourceType } from '../state/registry.js'
import { jsonPatch, PatchError } from '../verbs/patch.js'
import type { WriteAnswer, WriteRequest } from '../verbs/writes.js'
import { groupResource } from '../verbs/writes.js'
import { badRequest, conflict, forbidden, OPTIMISTIC_LOCK, StatusError } from '../../status.js'
import { evaluateMatchConditions } from './matchConditions.js'
import type { WebhookNetwork } from './callWebhook.js'
import { callWebhook, WebhookCallError } from './callWebhook.js'
import type { AdmissionAttributes, Operation, Webhook } from './webhooks.js'
import { candidateWebhooks, hasWebhooks, selectorsMatch } from './webhooks.js'
import { bodyTooDeep } from '../http/jsonDepth.js'
import { cloneJson } from '../../ssa/deepJson.js'

/** What admission needs from the server. */
export interface AdmissionContext {
  readonly cluster: Cluster
  readonly network: WebhookNetwork
  /** How `authorizer` checks in matchConditions are answered; AlwaysAllow when unset. */
  readonly authorization?: 'AlwaysAllow' | 'RBAC' | undefined
}

/** One request that webhooks may see. */
export interface AdmissionRequest {
  readonly type: ResourceType
  readonly subresource: string
  readonly namespace: string
  readonly user: UserInfo
  readonly request: WriteRequest
  /** The kind webhooks are told of when it is not the resource's own (autoscaling/v1 Scale for `scale`). */
  readonly kind?: { readonly group: string; readonly version: string; readonly kind: string } | undefined
}

/** Ends the first pass at the admission point: its object is what webhooks are asked about. */
class Captured extends Error {}
/** A pass found the live object changed since the first: admission starts again. */
class Stale extends Error {}

/** Replaces the contents of `target` with those of `source`, own keys only. */
function replaceContents(target: KubeObject, source: KubeValue): void {
  for (const key of Object.keys(target)) Reflect.deleteProperty(target, key)
  if (isKubeMap(source)) for (const [key, value] of Object.entries(source)) setOwn(target as unknown as KubeMap, key, value)
}

/** `admission webhook "x" denied the request: …`, as kube-apiserver's webhook errors build it. */
function denial(webhook: Webhook, status: KubeValue | undefined): StatusError {
  const result = isKubeMap(status) ? status : {}
  const deniedBy = `admission webhook "${webhook.name}" denied the request`
  const code = typeof result.code === 'number' && result.code >= 400 ? result.code : 400
  const message = typeof result.message === 'string' && result.message !== '' ? `${deniedBy}: ${result.message}` : typeof result.reason === 'string' && result.reason !== '' ? `${deniedBy}: ${result.reason}` : `${deniedBy} without explanation`
  const details = isKubeMap(result.details) ? result.details : undefined
  return new StatusError({
    code,
    reason: typeof result.reason === 'string' ? result.reason : '',
    message,
    details: details === undefined ? undefined : StatusError.fromBody({ code, details }).details,
  })
}

/** A call that failed under `failurePolicy: Fail`: 500 InternalError. */
function callFailure(webhook: Webhook, why: string): StatusError {
  const message = `failed calling webhook "${webhook.name}": ${why}`
  return new StatusError({ code: 500, reason: 'InternalError', message: `Internal error occurred: ${message}`, details: { causes: [{ reason: '', message }] } })
}

/** One call of a webhook: the operation, the object's name, the new and the old object. */
export interface Call {
  readonly operation: Operation
  readonly name: string
  readonly object: KubeObject | undefined
  readonly oldObject: KubeObject | undefined
}

function review(admission: AdmissionRequest, call: Call): KubeMap & { request: { uid: string } } {
  const { type, subresource, namespace, user, request } = admission
  const kind = admission.kind ?? { group: type.group, version: type.version, kind: type.kind }
  const resource = { group: type.group, version: type.version, resource: type.plural }
  const options: KubeMap = { apiVersion: 'meta.k8s.io/v1', kind: call.operation === 'CREATE' ? 'CreateOptions' : call.operation === 'DELETE' ? 'DeleteOptions' : 'UpdateOptions' }
  if (request.dryRun) options.dryRun = ['All']
  if (call.operation !== 'DELETE' && request.manager !== '') options.fieldManager = request.manager
  const userInfo: KubeMap = { username: user.name, groups: [...user.groups] }
  if (user.uid !== undefined) userInfo.uid = user.uid
  const body: KubeMap = {
    uid: randomUUID(),
    kind,
    resource,
    requestKind: kind,
    requestResource: resource,
    name: call.name,
    operation: call.operation,
    userInfo,
    object: call.object === undefined ? null : (call.object as unknown as KubeMap),
    oldObject: call.oldObject === undefined ? null : (call.oldObject as unknown as KubeMap),
    dryRun: request.dryRun,
    options,
  }
  if (subresource !== '') {
    body.subResource = subresource
    body.requestSubResource = subresource
  }
  if (type.namespaced) body.namespace = namespace
  return { apiVersion: 'admission.k8s.io/v1', kind: 'AdmissionReview', request: body as KubeMap & { uid: string } }
}

/**
 * Whether the webhook's matchConditions let it be called for this request; throws kube-apiserver's
 * 403 when a condition errs under `failurePolicy: Fail`.
 */
export function conditionsAllow(context: AdmissionContext, target: { webhook: Webhook; admission: AdmissionRequest; call: Call }): boolean {
  const { webhook, admission, call } = target
  if (webhook.matchConditions.length === 0) return true
  const { user } = admission
  const authorize = (attributes: Attributes): boolean => context.authorization !== 'RBAC' || rbacAllows(context.cluster, user, attributes)
  const outcome = evaluateMatchConditions(
    { conditions: webhook.matchConditions, failurePolicy: webhook.failurePolicy },
    {
      object: call.object === undefined ? null : (call.object as unknown as KubeMap),
      oldObject: call.oldObject === undefined ? null : (call.oldObject as unknown as KubeMap),
      request: review(admission, call).request,
      authorize,
    },
  )
  if ('error' in outcome) throw forbidden(groupResource(admission.type), call.name, { why: outcome.error })
  return outcome.matches
}

/** Calls one webhook; undefined when its failure is ignored (`failurePolicy: Ignore`). */
export async function invoke(context: AdmissionContext, target: { webhook: Webhook; admission: AdmissionRequest; call: Call }): Promise<KubeMap | undefined> {
  const { webhook, admission, call } = target
  if (admission.request.dryRun && webhook.sideEffects !== 'None' && webhook.sideEffects !== 'NoneOnDryRun') {
    throw badRequest(`admission webhook "${webhook.name}" does not support dry run`)
  }
  let response: KubeMap
  try {
    response = await callWebhook(webhook, review(admission, call), context.network)
    if (response.allowed === true && response.patch !== undefined && response.patchType !== 'JSONPatch') {
      throw new WebhookCallError(`received invalid webhook response: unsupported patch type "${typeof response.patchType === 'string' ? response.patchType : ''}"`)
    }
  } catch (err) {
    if (!(err instanceof WebhookCallError)) throw err
    if (webhook.failurePolicy === 'Ignore') return undefined
    throw callFailure(webhook, err.message)
  }
  if (Array.isArray(response.warnings)) for (const w of response.warnings) if (typeof w === 'string' && w !== '') admission.request.warnings.push(w)
  if (response.allowed !== true) throw denial(webhook, response.status)
  return response
}

/** The JSON patch a mutating webhook answered, decoded; 500 when it is not one or nests past a body's bound. */
export function patchOf(webhook: Webhook, response: KubeMap): KubeValue | undefined {
  if (typeof response.patch !== 'string' || response.patch === '') return undefined
  try {
    const text = Buffer.from(response.patch, 'base64').toString('utf8')
    const ops = JSON.parse(text) as KubeValue
    if (!Array.isArray(ops)) throw new Error('the patch is not a JSON array')
    const tooDeep = bodyTooDeep(text, ops)
    if (tooDeep !== undefined) throw new Error(tooDeep)
    return ops
  } catch (err) {
    throw new StatusError({ code: 500, reason: 'InternalError', message: `Internal error occurred: admission webhook "${webhook.name}" returned an undecodable patch: ${(err as Error).message}` })
  }
}

/** Applies JSON patches to `object` in place; a patch that does not apply is a 500. */
export function applyPatches(object: KubeObject, patches: readonly KubeValue[]): void {
  for (const ops of patches) {
    try {
      replaceContents(object, jsonPatch(cloneJson(object) as unknown as KubeValue, ops))
    } catch (err) {
      if (err instanceof PatchError) throw new StatusError({ code: 500, reason: 'InternalError', message: `Internal error occurred: ${err.message}` })
      throw err
    }
  }
}

/**
 * Runs a create, update or patch (`run`, the synchronous pipeline given a request) with the
 * admission webhooks that match it. Without webhook configurations it is `run(request)`.
 */
export async function admitWrite(context: AdmissionContext, admission: AdmissionRequest, run: (request: WriteRequest) => WriteAnswer): Promise<WriteAnswer> {
  const { cluster } = context
  if (!hasWebhooks(cluster)) return run(admission.request)
  for (let attempt = 0; attempt < 3; attempt++) {
    let seen: { object: KubeObject; old: KubeObject | undefined } | undefined
    try {
      run({
        ...admission.request,
        dryRun: true,
        warnings: [],
        admission: {
          mutate: (object, live) => {
            seen = { object: cloneJson(object), old: live === undefined ? undefined : cloneJson(live) }
            throw new Captured()
          },
        },
      })
    } catch (err) {
      if (!(err instanceof Captured)) throw err
    }
    // Answered before the admission point (an apply that changes nothing): nothing to admit.
    if (seen === undefined) return run(admission.request)
    const { old } = seen
    const operation: Operation = old === undefined ? 'CREATE' : 'UPDATE'
    const base = { type: admission.type, subresource: admission.subresource, operation, namespace: admission.namespace, name: seen.object.metadata.name }
    const mutating = candidateWebhooks(cluster, true, base)
    const validating = candidateWebhooks(cluster, false, base)
    if (mutating.length === 0 && validating.length === 0) return run(admission.request)
    const attributes = (object: KubeObject): AdmissionAttributes => ({ ...base, object, oldObject: old })

    // Mutating webhooks see a new object before the create strategy gives it a uid and a
    // creationTimestamp, as in kube-apiserver; validating webhooks see them.
    let current = seen.object
    if (operation === 'CREATE') {
      delete current.metadata.uid
      delete current.metadata.creationTimestamp
    }
    const patches: KubeValue[] = []
    // Each webhook's call and whether the object changed after it, for reinvocationPolicy IfNeeded:
    // such a webhook is called once more when a later webhook changed the object.
    const calledAt = new Map<Webhook, number>()
    const mutate = async (webhook: Webhook): Promise<void> => {
      if (!selectorsMatch(cluster, webhook, attributes(current))) return
      const call: Call = { operation, name: base.name, object: current, oldObject: old }
      if (!conditionsAllow(context, { webhook, admission, call })) return
      calledAt.set(webhook, patches.length)
      const response = await invoke(context, { webhook, admission, call })
      const ops = response === undefined ? undefined : patchOf(webhook, response)
      if (ops === undefined) return
      const next = cloneJson(current)
      applyPatches(next, [ops])
      if (deepEqual(next, current)) return
      current = next
      patches.push(ops)
      calledAt.set(webhook, patches.length)
    }
    for (const webhook of mutating) await mutate(webhook)
    for (const webhook of mutating) {
      const at = calledAt.get(webhook)
      if (webhook.reinvocationPolicy === 'IfNeeded' && at !== undefined && at < patches.length) await mutate(webhook)
    }

    const replay = (object: KubeObject, live: KubeObject | undefined): void => {
      if (live?.metadata.resourceVersion !== old?.metadata.resourceVersion) throw new Stale()
      applyPatches(object, patches)
    }
    let final: KubeObject | undefined
    try {
      run({ ...admission.request, dryRun: true, warnings: [], admission: { mutate: replay, validated: (object) => (final = cloneJson(object)) } })
    } catch (err) {
      if (err instanceof Stale) continue
      throw err
    }
    const validated = final ?? current
    for (const webhook of validating) {
      if (!selectorsMatch(cluster, webhook, attributes(validated))) continue
      const call: Call = { operation, name: base.name, object: validated, oldObject: old }
      if (!conditionsAllow(context, { webhook, admission, call })) continue
      await invoke(context, { webhook, admission, call })
    }
    try {
      return run({ ...admission.request, admission: { mutate: replay } })
    } catch (err) {
      if (err instanceof Stale) continue
      throw err
    }
  }
  throw conflict(groupResource(admission.type), '', OPTIMISTIC_LOCK)
}

/** Calls the webhooks that match a DELETE of `live` (object null, oldObject the live object); patches are not applied. */
export async function admitDelete(context: AdmissionContext, admission: AdmissionRequest, live: KubeObject | undefined): Promise<void> {
  const { cluster } = context
  if (live === undefined || !hasWebhooks(cluster)) return
  const base = { type: admission.type, subresource: admission.subresource, operation: 'DELETE' as const, namespace: admission.namespace, name: live.metadata.name }
  for (const mutating of [true, false]) {
    for (const webhook of candidateWebhooks(cluster, mutating, base)) {
      if (!selectorsMatch(cluster, webhook, { ...base, object: undefined, oldObject: live })) continue
      const call: Call = { operation: 'DELETE', name: live.metadata.name, object: undefined, oldObject: live }
      if (!conditionsAllow(context, { webhook, admission, call })) continue
      await invoke(context, { webhook, admission, call })
    }
  }
}
