import { GitOpsError } from '@gitops-sdk/core'

/** Codes of the errors `@gitops-sdk/apiserver` throws. */
export type ApiServerErrorCode =
  | 'APISERVER_HOST_NOT_LOOPBACK'
  | 'APISERVER_LISTEN_FAILED'
  | 'APISERVER_UNKNOWN_KIND'
  | 'APISERVER_NOT_FOUND'
  | 'APISERVER_WRITE_REJECTED'
  | 'APISERVER_STOPPED'
  | 'APISERVER_TOKEN_FILE_INVALID'

/**
 * An error thrown by `@gitops-sdk/apiserver` to its in-process caller (start-up and the test helpers).
 * HTTP clients never see it: they get the Status bodies a real kube-apiserver sends.
 */
export class ApiServerError extends GitOpsError<ApiServerErrorCode> {
  /** Always `'ApiServerError'`, so logs and `toJSON()` name the class. */
  override readonly name: string = 'ApiServerError'
}
