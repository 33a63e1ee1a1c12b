import { GitOpsError } from '@gitops-sdk/core'

/** Codes of the errors `@gitops-sdk/flux` throws. */
export type FluxErrorCode =
  | 'FLUX_OBJECT_INVALID'
  | 'FLUX_DURATION_INVALID'
  | 'FLUX_INVENTORY_INVALID'
  | 'FLUX_FLEET_INVALID'
  /** A HelmRelease of the fleet cannot be built: its chart, values or post-renderers (the message names it). */
  | 'FLUX_HELMRELEASE_FAILED'

/** An error thrown by `@gitops-sdk/flux`. */
export class FluxError extends GitOpsError<FluxErrorCode> {
  /** Always `'FluxError'`, so logs and `toJSON()` name the class. */
  override readonly name: string = 'FluxError'
}
