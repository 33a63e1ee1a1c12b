import { formatRef, GitOpsError } from '@gitops-sdk/core'
import type { ChangeSet, ErrorDetails, ObjectRef } from '@gitops-sdk/core'

/** Codes of the errors `@gitops-sdk/apply` throws. */
export type ApplyErrorCode =
  | 'APPLY_INVALID'
  | 'APPLY_IMMUTABLE_FIELD'
  | 'APPLY_FIELD_CONFLICT'
  | 'APPLY_UNKNOWN_KIND'
  | 'APPLY_NAMESPACE_MISSING'
  | 'APPLY_CLUSTER_SCOPED_FORBIDDEN'
  | 'APPLY_DUPLICATE_OBJECT'
  | 'APPLY_NOT_FOUND'
  | 'APPLY_FORBIDDEN'
  | 'APPLY_UNAUTHORIZED'
  | 'APPLY_UNREACHABLE'
  | 'APPLY_API_ERROR'
  | 'APPLY_WAIT_TIMEOUT'
  | 'APPLY_WAIT_FAILED'
  | 'APPLY_KUBECONFIG_INVALID'
  | 'APPLY_INVENTORY_INVALID'
  | 'APPLY_INVENTORY_LOCATION_MISSING'
  | 'APPLY_EMPTY_DESIRED_SET'
  | 'APPLY_RECREATE_INVALID'
  | 'APPLY_REQUEST_TIMEOUT'
  | 'APPLY_CLIENT_UNSUPPORTED'
  | 'APPLY_RESPONSE_TOO_LARGE'

/** One object that could not be applied, with the API's reason. */
export interface ApplyFailure {
  /** The object that failed. */
  readonly ref: ObjectRef
  /** Why, as an APPLY_ code. */
  readonly code: ApplyErrorCode
  /** One line, starting with the object as `Kind/namespace/name`. */
  readonly message: string
  /** The field the API named (for `APPLY_IMMUTABLE_FIELD`, `APPLY_INVALID`, `APPLY_FIELD_CONFLICT`). */
  readonly fields?: readonly string[] | undefined
  /** The other field managers (for `APPLY_FIELD_CONFLICT`). */
  readonly managers?: readonly string[] | undefined
}

/** What an {@link ApplyError} is made from. */
export interface ApplyErrorInit {
  /** Area-prefixed code. */
  readonly code: ApplyErrorCode
  /** One line, starting with its subject. */
  readonly message: string
  /** JSON-safe facts about the failure. */
  readonly details?: ErrorDetails | undefined
  /** The error this one wraps. */
  readonly cause?: unknown
  /** What had already happened when the error was thrown. */
  readonly changeSet?: ChangeSet | undefined
  /** Every object that failed (not only the first). */
  readonly failures?: readonly ApplyFailure[] | undefined
}

/**
 * An error of `@gitops-sdk/apply`. When `applyAll` or `prune` fail, `changeSet` says what already
 * happened (created, configured, unchanged, skipped and failed entries) and `failures` lists every
 * object that failed; `code` is then the code of the first failure.
 *
 * @example
 * ```ts
 * try { await applyAll(objects, { client, fieldManager: 'deploy' }) }
 * catch (err) {
 *   if (err instanceof ApplyError) for (const f of err.failures) console.error(f.code, f.message)
 * }
 * ```
 */
export class ApplyError extends GitOpsError<ApplyErrorCode> {
  /** Always `'ApplyError'`, so logs and `toJSON()` name the class. */
  override readonly name: string = 'ApplyError'
  /** What had already happened when the error was thrown, when the verb handles many objects. */
  readonly changeSet: ChangeSet | undefined
  /** Every object that failed; one entry for a single-object error that names an object. */
  readonly failures: readonly ApplyFailure[]

  constructor(init: ApplyErrorInit) {
    super({ code: init.code, message: init.message, details: init.details, cause: init.cause })
    this.changeSet = init.changeSet
    this.failures = init.failures ?? []
  }
}

/** The aggregate error of a verb over many objects: the first failure's code, all failures listed. */
export function aggregateError(verb: string, failures: readonly ApplyFailure[], changeSet: ChangeSet): ApplyError {
  const first = failures[0]
  if (first === undefined) throw new TypeError('aggregateError: no failures')
  const more = failures.length > 1 ? ` (and ${failures.length - 1} more failure${failures.length > 2 ? 's' : ''})` : ''
  return new ApplyError({
    code: first.code,
    message: `${first.message}${more}`,
    details: { verb, failed: failures.map((f) => ({ ref: formatRef(f.ref), code: f.code })) },
    changeSet,
    failures,
  })
}

/** A failure record from an error thrown for one object. */
export function failureOf(ref: ObjectRef, err: unknown): ApplyFailure {
  if (err instanceof ApplyError) {
    const fields = err.details.fields
    const managers = err.details.managers
    return {
      ref,
      code: err.code,
      message: err.message,
      ...(Array.isArray(fields) ? { fields: fields as string[] } : {}),
      ...(Array.isArray(managers) ? { managers: managers as string[] } : {}),
    }
  }
  const message = err instanceof Error ? err.message.split('\n')[0] ?? err.message : String(err)
  return { ref, code: 'APPLY_API_ERROR', message: `${formatRef(ref)}: ${message}` }
}
