// The failures of the engine. Each carries the StatusError the server answers with, made by the
// package's one Status builder (src/status.ts), so the engine and the server cannot disagree on a body.
import type { KubeMap } from '@gitops-sdk/core'
import { GitOpsError } from '@gitops-sdk/core'
import type { StatusError } from '../../status.js'

/** A Kubernetes `Status` body, as `StatusError.body()` writes it. */
export type StatusBody = KubeMap

/** Code of the errors the engine throws: the request is wrong, and `error` is the answer to send. */
export type SsaErrorCode = 'APISERVER_BAD_PATCH'

/** An error carrying the Status a bad request gets (thrown by `strategicMergePatch`). */
export class SsaError extends GitOpsError<SsaErrorCode> {
  /** Always `'SsaError'`, so logs and `toJSON()` name the class. */
  override readonly name: string = 'SsaError'
  /** The answer to send. */
  readonly error: StatusError
  /** Its exact Status body. */
  readonly status: StatusBody

  constructor(error: StatusError, cause?: unknown) {
    super({ code: 'APISERVER_BAD_PATCH', message: error.message, details: { code: error.code, reason: error.reason }, cause })
    this.error = error
    this.status = error.body()
  }
}
