// The Status bodies the engine answers with (spec §3.4, §10.7, §15).
import type { KubeMap } from '@gitops-sdk/core'
import { GitOpsError } from '@gitops-sdk/core'

/**
 * A Kubernetes `Status` error body. An empty `reason` means Kubernetes sends none (the server omits
 * the key, spec §3.4), as for the 500 errors of typed conversion.
 */
export interface StatusBody {
  kind: 'Status'
  apiVersion: 'v1'
  metadata: Record<string, never>
  status: 'Failure'
  message: string
  reason: string
  details?: KubeMap
  code: number
}

/** Builds a Status body. */
export function statusBody(code: number, reason: string, message: string): StatusBody {
  return { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code }
}

/** 400 BadRequest. */
export function badRequest(message: string): StatusBody {
  return statusBody(400, 'BadRequest', message)
}

/** 500 with no reason: how Kubernetes answers errors that are not API statuses. */
export function internalError(message: string): StatusBody {
  return statusBody(500, '', message)
}

/** Code of the errors the engine throws: the request is wrong, and `status` is the answer to send. */
export type SsaErrorCode = 'APISERVER_BAD_PATCH'

/** An error carrying the Status body a bad request gets (thrown by `strategicMergePatch`). */
export class SsaError extends GitOpsError<SsaErrorCode> {
  override readonly name: string = 'SsaError'
  /** The exact Status body to answer with. */
  readonly status: StatusBody

  constructor(status: StatusBody, cause?: unknown) {
    super({ code: 'APISERVER_BAD_PATCH', message: status.message, details: { code: status.code, reason: status.reason }, cause })
    this.status = status
  }
}
