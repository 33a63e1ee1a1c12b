import { GitOpsError } from '@gitops-sdk/core'

/** Codes of the errors `@gitops-sdk/controller` throws. */
export type ControllerErrorCode =
  | 'CONTROLLER_API_ERROR'
  | 'CONTROLLER_NOT_FOUND'
  | 'CONTROLLER_CONFLICT'
  | 'CONTROLLER_ALREADY_EXISTS'
  | 'CONTROLLER_EXPIRED'
  | 'CONTROLLER_REQUEST_TIMEOUT'
  | 'CONTROLLER_UNREACHABLE'
  | 'CONTROLLER_RESPONSE_TOO_LARGE'
  | 'CONTROLLER_CONFIG_INVALID'
  | 'CONTROLLER_QUEUE_SHUT_DOWN'
  | 'CONTROLLER_STATUS_CONFLICT'
  | 'CONTROLLER_LEADERSHIP_LOST'
  | 'CONTROLLER_LISTEN_FAILED'
  | 'CONTROLLER_RECONCILE_FAILED'
  | 'CONTROLLER_SECRET_INVALID'

/**
 * An error of `@gitops-sdk/controller`. Callers branch on {@link GitOpsError.code}; API errors keep
 * the HTTP status and the Status reason in `details`.
 */
export class ControllerError extends GitOpsError<ControllerErrorCode> {
  /** Always `'ControllerError'`, so logs and `toJSON()` name the class. */
  override readonly name: string = 'ControllerError'
}
