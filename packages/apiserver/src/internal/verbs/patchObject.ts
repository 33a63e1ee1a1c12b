// PATCH of an object (SPEC.md §8.4) and server-side apply (SPEC.md §10.1): the patch is applied to the
// live JSON, then the result goes through the update pipeline.
import { isKubeMap } from '@gitops-sdk/core'
import type { KubeMap, KubeObject, KubeValue } from '@gitops-sdk/core'
import type { Cluster } from '../state/cluster.js'
import { applyObject as engineApply, SsaError, strategicMergePatch } from './fieldManager.js'
import type { TypeSchema } from './fieldManager.js'
import { timestamp } from '../state/objects.js'
import { jsonPatch, mergePatch, PatchDecodeError, PatchError, PatchTooDeepError, strictJsonPatchError } from './patch.js'
import { operationTypeError, strictFieldErrors } from './patchStrictErrors.js'
import { strictDecoding } from './patchStrictDecoding.js'
import type { StrictFieldError } from './patchStrictErrors.js'
import { setOwn } from '../../ssa/ownKeys.js'
import { jsonPatchedJson, mergePatchedJson } from './patchedJson.js'
import type { ResourceType } from '../state/registry.js'
import { apiVersionOf } from '../state/registry.js'
import { engineReset, engineSchema } from '../rules/schemas.js'
import { quote } from '@gitops-sdk/core/go'
import { badRequest, conflict, internalError, invalid, invalidOptions, notFound, rejectedRequest, StatusError } from '../../status.js'
import { typedDecodeError } from '../rules/typedDecode.js'
import { prepareCreate, storeCreated } from './createObject.js'
import type { WriteAnswer, WriteRequest } from './writes.js'
import { admitAndValidate, admitCreate, defaultObject, dropUnknownFields, groupResource, nameRule, namespaceRule } from './writes.js'
import { replaceObject } from './replaceObject.js'
import { parseApplyPatch } from './applyPatchBody.js'
import { bodyTooDeep } from '../http/jsonDepth.js'
import { jsonKind } from '../rules/jsonKind.js'
import { marshalJson } from '@gitops-sdk/core/go'
import { cloneJson, stringifyJson } from '../../ssa/deepJson.js'

/** The PATCH content types the server accepts. */
export type PatchType = 'json' | 'merge' | 'strategic' | 'apply'

/** Maps a Content-Type to a patch type, or undefined for unsupported ones (415). */
export function patchTypeOf(contentType: string | undefined): PatchType | undefined {
  const base = (contentType ?? '').split(';')[0]?.trim().toLowerCase()
  switch (base ?? '') {
    case 'application/json-patch+json':
      return 'json'
    case 'application/merge-patch+json':
      return 'merge'
    case 'application/strategic-merge-patch+json':
      return 'strategic'
    case 'application/apply-patch+yaml':
      return 'apply'
    default:
      return undefined
  }
}

/** The 415 answer for an unsupported patch type. */
export function unsupportedPatch(type: ResourceType): StatusError {
  const accepted = ['application/json-patch+json', 'application/merge-patch+json']
  if (type.crd === undefined) accepted.push('application/strategic-merge-patch+json')
  accepted.push('application/apply-patch+yaml')
  return new StatusError({
    code: 415,
    reason: 'UnsupportedMediaType',
    message: `the body of the request was in an unknown format - accepted media types include: ${accepted.join(', ')}`,
  })
}

/** One PATCH request. */
export interface PatchRequest {
  readonly patchType: PatchType
  readonly body: string
  readonly namespace: string
  readonly name: string
  readonly subresource?: 'status' | undefined
  readonly force: boolean | undefined
  readonly request: WriteRequest
}

/** PATCH: JSON, merge and strategic patches, and apply. */
export function patchObject(cluster: Cluster, type: ResourceType, patch: PatchRequest): WriteAnswer {
  if (patch.patchType === 'apply') return applyPatch(cluster, type, patch)
  if (patch.force !== undefined) {
    throw invalidOptions('PatchOptions', [{ type: 'Forbidden', field: 'force', detail: 'may not be specified for non-apply patch' }])
  }
  if (patch.patchType === 'strategic' && type.crd !== undefined) throw unsupportedPatch(type)
  const live = cluster.store.get(type, patch.namespace, patch.name)
  if (live === undefined) throw notFound(groupResource(type), patch.name)
  const strictErrors: StrictFieldError[] = []
  const result = patchDocument(cloneJson(live) as unknown as KubeMap, {
    patchType: patch.patchType,
    body: patch.body,
    schema: engineSchema(type),
    fieldValidation: patch.request.fieldValidation,
    strictErrors: patch.patchType === 'strategic' ? undefined : strictErrors,
  })
  if (!isKubeMap(result) && result !== null) {
    // The patched JSON goes to kube's decoder, which first reads its apiVersion and kind into a
    // struct: Invalid with an empty GroupKind, the patched JSON as the value.
    const detail = `couldn't get version/kind; json parse error: json: cannot unmarshal ${jsonKind(result)} into Go value of type ${KIND_STRUCT}`
    throw invalid({ group: '', kind: '' }, '', [{ type: 'Invalid', field: 'patch', value: marshalJson(result as KubeValue), detail }])
  }
  if (!isKubeMap(result) || !isKubeMap(result.metadata)) {
    throw invalid({ group: type.group, kind: type.kind }, patch.name, [{ type: 'Invalid', field: 'patch', value: patch.body, detail: 'the patch yields no object' }])
  }
  const object = result as unknown as KubeObject
  const decodeError = type.crd === undefined ? typedDecodeError(object) : undefined
  if (decodeError !== undefined) {
    // As the patcher does when the patched JSON does not decode: Invalid with an empty GroupKind.
    throw invalid({ group: '', kind: '' }, '', [{ type: 'Invalid', field: 'patch', value: stringifyJson(object), detail: decodeError }])
  }
  if (object.apiVersion !== apiVersionOf(type) || object.kind !== type.kind) {
    throw badRequest(`the API version in the data (${object.apiVersion}) does not match the expected API version (${apiVersionOf(type)})`)
  }
  if (patch.patchType === 'strategic') {
    namespaceRule(type, object, patch.namespace)
    nameRule(object, patch.name)
    dropUnknownFields(type, object, patch.request)
  } else {
    const patchType = patch.patchType
    const patchedJson = (): string => patchedJsonOf(type, live, { patchType, body: patch.body })
    strictDecoding(type, object, { strictErrors, request: patch.request, patchedJson })
    namespaceRule(type, object, patch.namespace)
    nameRule(object, patch.name)
  }
  return replaceObject(cluster, type, { live, incoming: object, request: patch.request, options: { subresource: patch.subresource, requireResourceVersion: false } })
}

/** Go's name of the struct kube's decoder reads a document's apiVersion and kind into. */
const KIND_STRUCT = 'struct { APIVersion string "json:\\"apiVersion,omitempty\\""; Kind string "json:\\"kind,omitempty\\"" }'

/** What stands for each value of a Secret's data and stringData in a refusal's patched JSON. */
const REDACTED = '<secret contents redacted>'

/**
 * The patched JSON a strict-decoding refusal quotes, built again from `live` only for the refusal:
 * the patch applied once more (the object patched first has lost its unknown fields), written in
 * json-patch v4's key order (patchedJson.ts). Unlike kube-apiserver, which quotes a Secret's data
 * as it is, each value of a Secret's data and stringData is REDACTED here (its keys stay): no
 * secret value reaches an error.
 */
function patchedJsonOf(type: ResourceType, live: KubeObject, patch: { readonly patchType: 'json' | 'merge'; readonly body: string }): string {
  const result = patchDocument(cloneJson(live) as unknown as KubeMap, { patchType: patch.patchType, body: patch.body, fieldValidation: 'Ignore' }) as KubeMap
  if (type.group === '' && type.kind === 'Secret') {
    for (const field of ['data', 'stringData']) {
      const values = result[field]
      if (isKubeMap(values)) for (const key of Object.keys(values)) setOwn(values, key, REDACTED)
    }
  }
  const parsed = decodePatch(patch.body, patch.patchType)
  if (patch.patchType === 'merge') return mergePatchedJson(live as unknown as KubeMap, parsed as KubeMap, result)
  return jsonPatchedJson(result, Array.isArray(parsed) ? (parsed as unknown[]) : [])
}

/**
 * Decodes the body of a JSON, merge or strategic merge patch: 400 `error decoding patch: …` when it
 * is no JSON or nests deeper than a body may (Go's `invalid character '[' exceeded max depth`, see
 * MAX_JSON_DEPTH). kube-apiserver's strategicPatchObject answers its decoder's error bare, without
 * the `error decoding patch: ` its JSON and merge patchers put first; so is every decode error of a
 * strategic patch here.
 */
export function decodePatch(body: string, patchType: Exclude<PatchType, 'apply'>): unknown {
  let value: unknown
  try {
    value = JSON.parse(body) as unknown
  } catch (err) {
    const message = (err as Error).message
    throw badRequest(patchType === 'strategic' ? message : `error decoding patch: ${message}`)
  }
  const tooDeep = bodyTooDeep(body, value)
  if (tooDeep !== undefined) throw badRequest(patchType === 'strategic' ? tooDeep : `error decoding patch: ${tooDeep}`)
  return value
}

/** A JSON, merge or strategic merge patch of one document. */
export interface DocumentPatch {
  readonly patchType: Exclude<PatchType, 'apply'>
  readonly body: string
  /** The schema a strategic merge follows; without one it merges like a merge patch. */
  readonly schema?: TypeSchema | undefined
  /** The request's fieldValidation (default Warn): Strict and Warn decode a JSON patch's operations strictly first. */
  readonly fieldValidation?: WriteRequest['fieldValidation'] | undefined
  /**
   * Where the strict-decoding errors of a JSON or merge patch's body go (`duplicate field "a"`, a
   * JSON patch's `json patch unknown field "[0].x"`), under Strict and Warn, for the caller to
   * answer with the patched object's own; without it they are not collected.
   */
  readonly strictErrors?: StrictFieldError[] | undefined
}

/**
 * The most operations kube-apiserver takes in one JSON patch (its handler's maxJSONPatchOperations);
 * more is 413 RequestEntityTooLarge, before any operation is applied.
 */
export const MAX_JSON_PATCH_OPERATIONS = 10_000

/**
 * `target` (which it may change) with `patch` applied, failing as kube-apiserver's patchers do: 400
 * for a body that is no JSON or does not decode as its patch type (a JSON patch: no list, or an
 * operation of the wrong shape, in the words of the decoder `fieldValidation` picks; a merge patch:
 * no object, see mergePatchOf); 413 for a JSON patch of more than MAX_JSON_PATCH_OPERATIONS; kube's
 * generic 422 (no causes) for a JSON patch operation or a strategic list of lists that does not
 * apply; 422 with a cause when the result would nest past MAX_JSON_DEPTH. A JSON null is a JSON or
 * strategic patch that changes nothing.
 */
export function patchDocument(target: KubeMap, patch: DocumentPatch): unknown {
  const parsed = decodePatch(patch.body, patch.patchType)
  const strict = (patch.fieldValidation ?? 'Warn') !== 'Ignore'
  try {
    if (patch.patchType === 'json') {
      // With Strict or Warn (the default) kube first decodes the body into its own operation structs.
      // A list is read from its text: JSON.parse keeps the last of repeated fields, the decoder checks each.
      const typeError = !strict ? undefined : Array.isArray(parsed) ? operationTypeError(patch.body) : strictJsonPatchError(parsed)
      if (typeError !== undefined) throw badRequest(typeError)
      if (strict && patch.strictErrors !== undefined) {
        for (const error of strictFieldErrors(patch.body, 'operations')) patch.strictErrors.push({ ...error, prefix: 'json patch ' })
      }
      // json-patch decodes the list (PatchDecodeError), then kube counts it.
      const operations: readonly unknown[] = Array.isArray(parsed) ? parsed : []
      const count = operations.length
      if (count > MAX_JSON_PATCH_OPERATIONS && operations.every((op) => op === null || isKubeMap(op))) {
        throw entityTooLarge(`The allowed maximum operations in a JSON patch is ${MAX_JSON_PATCH_OPERATIONS}, got ${count}`)
      }
      return jsonPatch(target, parsed as KubeMap)
    }
    if (patch.patchType === 'strategic') {
      // kube's strategic patcher decodes the body into a map and answers the decoder's error bare; a
      // JSON null decodes to no map at all, a patch that changes nothing.
      if (parsed === null) return target
      if (!isKubeMap(parsed)) throw badRequest(`json: cannot unmarshal ${jsonKind(parsed)} into Go value of type map[string]interface {}`)
      if (patch.schema !== undefined) return strategicMergePatch(target, parsed, patch.schema)
      return mergePatch(target, parsed)
    }
    if (strict && patch.strictErrors !== undefined && isKubeMap(parsed)) patch.strictErrors.push(...strictFieldErrors(patch.body, 'map'))
    return mergePatchOf(target, parsed, strict)
  } catch (err) {
    if (err instanceof StatusError) throw err
    if (err instanceof PatchTooDeepError) {
      // kube-apiserver applies the patch, then fails to decode the patched object: Invalid with an
      // empty GroupKind, as for any patched JSON that does not decode. Its value there is the patched
      // object's JSON, which this server does not build (nested past the bound, no walk could write
      // it): the value here is the patch.
      const detail = `couldn't get version/kind; json parse error: ${err.message}`
      throw invalid({ group: '', kind: '' }, '', [{ type: 'Invalid', field: 'patch', value: patch.body, detail }])
    }
    // kube-apiserver's applyJSPatch answers jsonpatch.DecodePatch's error as a bare 400, and any error
    // of its Apply (a missing path, a failed test, the copy limit) as NewGenericServerResponse(422):
    // reason Invalid, a fixed message, no causes, the operation's own words dropped.
    if (err instanceof PatchDecodeError) throw badRequest(err.message)
    if (err instanceof PatchError) throw rejectedRequest()
    const status = statusOf(err)
    if (status !== undefined) throw status
    throw err
  }
}

/** kube's NewRequestEntityTooLargeError: 413 with `Request entity too large: ` first. */
function entityTooLarge(message: string): StatusError {
  return new StatusError({ code: 413, reason: 'RequestEntityTooLarge', message: `Request entity too large: ${message}` })
}

/**
 * A merge patch as kube-apiserver applies one. Under Strict or Warn its body is first decoded into a
 * map: anything but an object or null is 400 `error decoding patch: json: cannot unmarshal <kind>
 * into Go value of type map[string]interface {}`. json-patch's MergePatch then answers null, a
 * string, a number or a bool with ErrBadJSONPatch (400 `Invalid JSON Patch`), and an array (reached
 * only under Ignore) replaces the whole document, nulls dropped from its objects.
 */
function mergePatchOf(target: KubeMap, parsed: unknown, strict: boolean): unknown {
  if (isKubeMap(parsed)) return mergePatch(target, parsed)
  if (strict && parsed !== null) throw badRequest(`error decoding patch: json: cannot unmarshal ${jsonKind(parsed)} into Go value of type map[string]interface {}`)
  if (!Array.isArray(parsed)) throw badRequest('Invalid JSON Patch')
  return withoutNullFields(parsed as KubeValue[])
}

/** A copy of `list` without the null fields of any object in it, at any depth (an explicit stack). */
function withoutNullFields(list: readonly KubeValue[]): KubeValue[] {
  const root: KubeValue[] = []
  const pending: [KubeValue[] | KubeMap, readonly KubeValue[] | KubeMap][] = [[root, list]]
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const [out, source] = next
    const copy = (value: KubeValue): KubeValue => {
      if (Array.isArray(value)) {
        const made: KubeValue[] = []
        pending.push([made, value])
        return made
      }
      if (isKubeMap(value)) {
        const made: KubeMap = {}
        pending.push([made, value])
        return made
      }
      return value
    }
    if (Array.isArray(source)) for (const item of source as readonly KubeValue[]) (out as KubeValue[]).push(copy(item))
    else {
      for (const [key, value] of Object.entries(source)) {
        if (value !== null) setOwn(out as KubeMap, key, copy(value))
      }
    }
  }
  return root
}

/** The StatusError an engine error carries. */
function statusOf(err: unknown): StatusError | undefined {
  return err instanceof SsaError ? err.error : undefined
}

/** Server-side apply: the request checks of SPEC.md §10.1, the engine, then create or update. */
function applyPatch(cluster: Cluster, type: ResourceType, patch: PatchRequest): WriteAnswer {
  const { request } = patch
  if (request.manager === '' || request.manager === 'unknown-apply') {
    throw invalidOptions('PatchOptions', [{ type: 'Required', field: 'fieldManager', detail: 'is required for apply patch' }])
  }
  const config = parseApplyPatch(patch.body)
  if (!isKubeMap(config)) throw badRequest('error decoding patch: the patch is not an object')
  const gv = typeof config.apiVersion === 'string' ? config.apiVersion : ''
  const kind = typeof config.kind === 'string' ? config.kind : ''
  if (gv !== apiVersionOf(type) || kind !== type.kind) {
    const [group, version] = gv.includes('/') ? gv.split('/') : ['', gv]
    throw badRequest(`invalid object type: ${group ?? ''}/${version ?? ''}, Kind=${kind}`)
  }
  if (!isKubeMap(config.metadata)) config.metadata = {}
  const meta = config.metadata
  if (meta.managedFields !== undefined) throw badRequest('metadata.managedFields must be nil')
  const object = config as unknown as KubeObject
  if (typeof meta.name !== 'string') meta.name = ''
  const live = cluster.store.get(type, patch.namespace, patch.name)
  if (live === undefined && patch.subresource === 'status') throw notFound(groupResource(type), patch.name)
  const outcome = engineApply({
    live,
    config: object,
    manager: request.manager,
    apiVersion: apiVersionOf(type),
    force: patch.force === true,
    schema: engineSchema(type),
    reset: engineReset(type, patch.subresource),
    subresource: patch.subresource,
    now: timestamp(cluster.now()),
  })
  if (outcome.kind === 'conflict' || outcome.kind === 'invalid') throw StatusError.fromBody(outcome.status)
  const uid = meta.uid
  if (live === undefined && typeof uid === 'string' && uid !== '') {
    throw conflict(groupResource(type), patch.name, `uid mismatch: the provided object specified uid ${uid}, and no existing object was found`)
  }
  const probe: KubeObject = { ...object, metadata: { ...object.metadata } }
  namespaceRule(type, probe, patch.namespace)
  nameRule(probe, patch.name)
  if (outcome.kind === 'noop') {
    if (live === undefined) throw internalError(`${quote(patch.name)}: apply changed nothing on a missing object`)
    return { code: 200, body: live }
  }
  const merged = outcome.object
  namespaceRule(type, merged, patch.namespace)
  if (live === undefined) {
    defaultObject(cluster, type, merged)
    const managedFields = merged.metadata.managedFields
    prepareCreate(cluster, type, merged)
    if (managedFields !== undefined) merged.metadata.managedFields = managedFields
    admitAndValidate(type, merged, { live: undefined, request })
    admitCreate(cluster, type, merged)
    const rv = object.metadata.resourceVersion
    if (typeof rv === 'string' && /^[0-9]+$/.test(rv) && Number(rv) !== 0) throw internalError('resourceVersion should not be set on objects to be created')
    delete merged.metadata.resourceVersion
    return storeCreated(cluster, type, { object: merged, request })
  }
  const preconditioned: KubeObject = { ...merged, metadata: { ...merged.metadata, resourceVersion: object.metadata.resourceVersion ?? live.metadata.resourceVersion } }
  const answer = replaceObject(cluster, type, {
    live,
    incoming: preconditioned,
    request,
    options: { subresource: patch.subresource, requireResourceVersion: false, managedFieldsDone: true },
  })
  return answer
}

