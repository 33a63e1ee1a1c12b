// The one builder of Status bodies, for the server (internal/) and the apply engine (ssa/) alike: the
// error catalogue (SPEC.md §15) and the Success of a delete, built exactly as kube-apiserver 1.32
// writes them: `reason` and `details` left out when empty, `details.kind` the resource plural for NotFound,
// AlreadyExists, Conflict and Forbidden, the Kind for Invalid.
import { quote } from '@gitops-sdk/core/go'
import { isKubeMap } from '@gitops-sdk/core'
import type { KubeMap, KubeValue } from '@gitops-sdk/core'
import { stringifyJson } from './ssa/deepJson.js'

/** A cause inside `details.causes`. */
export interface StatusCause {
  readonly reason: string
  readonly message: string
  readonly field?: string | undefined
}

/** The `details` of a Status. */
export interface StatusDetails {
  readonly name?: string | undefined
  readonly group?: string | undefined
  readonly kind?: string | undefined
  readonly uid?: string | undefined
  readonly causes?: readonly StatusCause[] | undefined
  readonly retryAfterSeconds?: number | undefined
}

/** A failure answered as a Status body with an HTTP code. */
export class StatusError extends Error {
  override readonly name = 'StatusError'
  readonly code: number
  readonly reason: string
  readonly details: StatusDetails | undefined
  readonly headers: Readonly<Record<string, string>>

  constructor(init: {
    code: number
    reason: string
    message: string
    details?: StatusDetails | undefined
    headers?: Readonly<Record<string, string>> | undefined
  }) {
    super(init.message)
    this.code = init.code
    this.reason = init.reason
    this.details = init.details
    this.headers = init.headers ?? {}
  }

  /** The StatusError of a Failure body (as the apply engine returns them). */
  static fromBody(body: KubeMap): StatusError {
    const details = isKubeMap(body.details) ? body.details : undefined
    const str = (value: KubeValue | undefined): string | undefined => (typeof value === 'string' ? value : undefined)
    return new StatusError({
      code: Number(body.code),
      reason: str(body.reason) ?? '',
      message: str(body.message) ?? '',
      details:
        details === undefined
          ? undefined
          : {
              name: str(details.name),
              group: str(details.group),
              kind: str(details.kind),
              causes: Array.isArray(details.causes)
                ? details.causes.filter(isKubeMap).map((c) => ({ reason: str(c.reason) ?? '', message: str(c.message) ?? '', field: str(c.field) }))
                : undefined,
            },
    })
  }

  /** The JSON body, with empty parts left out the way Go's `omitempty` does. */
  body(): KubeMap {
    return statusBody({ code: this.code, reason: this.reason, message: this.message, details: this.details })
  }
}

/** A Failure Status body. */
export function statusBody(init: { code: number; reason: string; message: string; details?: StatusDetails | undefined }): KubeMap {
  const body: KubeMap = { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message: init.message }
  if (init.reason !== '') body.reason = init.reason
  const details = detailsJson(init.details)
  if (details !== undefined) body.details = details
  body.code = init.code
  return body
}

/** The Success Status of a delete: `details` with name, group (when not core), kind and uid. */
export function statusSuccess(details: StatusDetails): KubeMap {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Success', details: detailsJson(details) ?? {} }
}

function detailsJson(details: StatusDetails | undefined): KubeMap | undefined {
  if (details === undefined) return undefined
  // An explicitly empty details (E-404R) is written as `{}`, as kube-apiserver does.
  if (Object.keys(details).length === 0) return {}
  const out: KubeMap = {}
  if (details.name !== undefined && details.name !== '') out.name = details.name
  if (details.group !== undefined && details.group !== '') out.group = details.group
  if (details.kind !== undefined && details.kind !== '') out.kind = details.kind
  if (details.uid !== undefined && details.uid !== '') out.uid = details.uid
  if (details.causes !== undefined && details.causes.length > 0) {
    out.causes = details.causes.map((c) => {
      const cause: KubeMap = { reason: c.reason, message: c.message }
      if (c.field !== undefined && c.field !== '') cause.field = c.field
      return cause
    })
  }
  if (details.retryAfterSeconds !== undefined && details.retryAfterSeconds !== 0) out.retryAfterSeconds = details.retryAfterSeconds
  return Object.keys(out).length === 0 ? undefined : out
}

/** Group and resource plural, printed `configmaps` or `deployments.apps`. */
export interface GroupResource {
  readonly group: string
  readonly plural: string
}

/** `configmaps`, `deployments.apps`. */
export function qualifiedResource(gr: GroupResource): string {
  return gr.group === '' ? gr.plural : `${gr.plural}.${gr.group}`
}

/** `ConfigMap`, `Deployment.apps`. */
export function qualifiedKind(gk: { readonly group: string; readonly kind: string }): string {
  return gk.group === '' ? gk.kind : `${gk.kind}.${gk.group}`
}


const details = (gr: GroupResource, name: string): StatusDetails => ({ name, group: gr.group, kind: gr.plural })

/** E-404: `configmaps "x" not found`. */
export function notFound(gr: GroupResource, name: string): StatusError {
  return new StatusError({ code: 404, reason: 'NotFound', message: `${qualifiedResource(gr)} ${quote(name)} not found`, details: details(gr, name) })
}

/** E-404R: an unknown path or resource. */
export function resourceNotFound(): StatusError {
  return new StatusError({ code: 404, reason: 'NotFound', message: 'the server could not find the requested resource', details: {} })
}

/** E-409A. */
export function alreadyExists(gr: GroupResource, name: string, deleting: boolean): StatusError {
  const message = `${deleting ? 'object is being deleted: ' : ''}${qualifiedResource(gr)} ${quote(name)} already exists`
  return new StatusError({ code: 409, reason: 'AlreadyExists', message, details: details(gr, name) })
}

/** E-409C and other "Operation cannot be fulfilled" conflicts. */
export function conflict(gr: GroupResource, name: string, why: string): StatusError {
  return new StatusError({
    code: 409,
    reason: 'Conflict',
    message: `Operation cannot be fulfilled on ${qualifiedResource(gr)} ${quote(name)}: ${why}`,
    details: details(gr, name),
  })
}

/** The optimistic-lock message of E-409C. */
export const OPTIMISTIC_LOCK = 'the object has been modified; please apply your changes to the latest version and try again'

/** E-400. */
export function badRequest(message: string): StatusError {
  return new StatusError({ code: 400, reason: 'BadRequest', message })
}

/**
 * kube's NewGenericServerResponse(422) as its patchers answer a patch that does not apply (a JSON
 * patch operation that fails, a strategic patch's list of lists): reason Invalid, fixed words, an
 * empty details object, the failure's own words dropped.
 */
export function rejectedRequest(): StatusError {
  return new StatusError({ code: 422, reason: 'Invalid', message: 'the server rejected our request due to an error in our request', details: {} })
}

/** E-403 with a custom message. */
export function forbidden(gr: GroupResource, name: string, reason: { why: string; causes?: readonly StatusCause[] | undefined }): StatusError {
  const { why, causes } = reason
  const subject = name === '' ? qualifiedResource(gr) : `${qualifiedResource(gr)} ${quote(name)}`
  return new StatusError({
    code: 403,
    reason: 'Forbidden',
    message: `${subject} is forbidden: ${why}`,
    details: { ...details(gr, name), causes },
  })
}

/** E-405. */
export function methodNotAllowed(gr: GroupResource, verb: string): StatusError {
  return new StatusError({
    code: 405,
    reason: 'MethodNotAllowed',
    message: `${verb} is not supported on resources of kind ${quote(qualifiedResource(gr))}`,
    details: { group: gr.group, kind: gr.plural },
  })
}

/** E-500 with no reason. */
export function internalError(message: string): StatusError {
  return new StatusError({ code: 500, reason: '', message })
}

/** One field error of a 422 Invalid answer. */
export interface FieldError {
  readonly type: FieldErrorType
  readonly field: string
  readonly value?: KubeValue | undefined
  /** The value as Go prints it (`%#v` of a struct, map or slice), used instead of `value` when set. */
  readonly shown?: string | undefined
  readonly detail?: string | undefined
}

/** The field error types and their texts, as apimachinery's `field.ErrorType` prints them. */
export type FieldErrorType = 'Required' | 'Invalid' | 'Forbidden' | 'TooLong' | 'TooMany' | 'NotSupported' | 'Duplicate' | 'NotFound' | 'Internal' | 'TypeInvalid'

const errorTypes: Record<FieldErrorType, { text: string; reason: string; withValue: boolean }> = {
  Required: { text: 'Required value', reason: 'FieldValueRequired', withValue: false },
  Invalid: { text: 'Invalid value', reason: 'FieldValueInvalid', withValue: true },
  Forbidden: { text: 'Forbidden', reason: 'FieldValueForbidden', withValue: false },
  TooLong: { text: 'Too long', reason: 'FieldValueTooLong', withValue: false },
  TooMany: { text: 'Too many', reason: 'FieldValueTooMany', withValue: true },
  TypeInvalid: { text: 'Invalid value', reason: 'FieldValueTypeInvalid', withValue: true },
  NotSupported: { text: 'Unsupported value', reason: 'FieldValueNotSupported', withValue: true },
  Duplicate: { text: 'Duplicate value', reason: 'FieldValueDuplicate', withValue: true },
  NotFound: { text: 'Not found', reason: 'FieldValueNotFound', withValue: true },
  Internal: { text: 'Internal error', reason: 'InternalError', withValue: false },
}

/** A value as apimachinery prints it in a field error: strings quoted, numbers bare, the rest as JSON. */
export function formatValue(value: KubeValue | undefined): string {
  if (typeof value === 'string') return quote(value)
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value)
  return stringifyJson(value ?? null)
}

/** The body of one field error: `Invalid value: "x": detail`. */
export function fieldErrorBody(error: FieldError): string {
  const t = errorTypes[error.type]
  let text = t.text
  if (t.withValue) text += `: ${error.shown ?? formatValue(error.value)}`
  if (error.detail !== undefined && error.detail !== '') text += `: ${error.detail}`
  return text
}

/** Go's `err.Error()` of one field error: `spec.x: Invalid value: "x": detail`. */
export function fieldErrorText(error: FieldError): string {
  return `${error.field}: ${fieldErrorBody(error)}`
}

/** E-422: `<GK> "<name>" is invalid: <errors>`. */
export function invalid(gk: { readonly group: string; readonly kind: string }, name: string, errors: readonly FieldError[]): StatusError {
  const texts = [...new Set(errors.map(fieldErrorText))]
  const summary = texts.length === 1 ? (texts[0] ?? '') : `[${texts.join(', ')}]`
  return new StatusError({
    code: 422,
    reason: 'Invalid',
    message: `${qualifiedKind(gk)} ${quote(name)} is invalid: ${summary}`,
    details: {
      name,
      group: gk.group,
      kind: gk.kind,
      causes: errors.map((e) => ({ reason: errorTypes[e.type].reason, message: fieldErrorBody(e), field: e.field })),
    },
  })
}

/** 422 on an options object: `PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: …`. */
export function invalidOptions(kind: string, errors: readonly FieldError[]): StatusError {
  return invalid({ group: 'meta.k8s.io', kind }, '', errors)
}
