import { GitOpsError } from '@gitops-sdk/core/light'

/** Codes of the errors `@gitops-sdk/oci-source` throws; stable across releases. */
export type OciErrorCode =
  | 'OCI_INVALID_OPTION'
  | 'OCI_UNREACHABLE'
  | 'OCI_AUTH_FAILED'
  | 'OCI_NOT_FOUND'
  | 'OCI_NO_SEMVER_MATCH'
  | 'OCI_DIGEST_MISMATCH'
  | 'OCI_SIZE_LIMIT_EXCEEDED'
  | 'OCI_TIMEOUT'
  | 'OCI_PROTOCOL_ERROR'
  | 'OCI_INVALID_ARTIFACT'
  | 'OCI_UNSAFE_PATH'
  | 'OCI_LAYER_NOT_FOUND'

/**
 * An error thrown by `@gitops-sdk/oci-source`. The message starts with the artifact's URL
 * (`oci://host/repo:tag`, never with credentials); branch on {@link GitOpsError.code}.
 */
export class OciSourceError extends GitOpsError<OciErrorCode> {
  /** Always `'OciSourceError'`, so logs and `toJSON()` name the class. */
  override readonly name: string = 'OciSourceError'
}
