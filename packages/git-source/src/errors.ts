import { GitOpsError } from '@gitops-sdk/core/light'

/** Codes of the errors `@gitops-sdk/git-source` throws; stable across releases. */
export type GitErrorCode =
  | 'GIT_UNREACHABLE'
  | 'GIT_AUTH_FAILED'
  | 'GIT_REPOSITORY_NOT_FOUND'
  | 'GIT_REF_NOT_FOUND'
  | 'GIT_NO_SEMVER_MATCH'
  | 'GIT_EMPTY_REPOSITORY'
  | 'GIT_TIMEOUT'
  | 'GIT_CORRUPT_PACK'
  | 'GIT_PROTOCOL_ERROR'
  | 'GIT_TLS_ERROR'
  | 'GIT_UNSUPPORTED_TRANSPORT'
  | 'GIT_UNSAFE_PATH'
  | 'GIT_SIZE_LIMIT_EXCEEDED'
  | 'GIT_INVALID_OPTION'
  | 'GIT_HOST_KEY_UNKNOWN'
  | 'GIT_HOST_KEY_CHANGED'
  | 'GIT_SIGNATURE_MISSING'
  | 'GIT_SIGNATURE_INVALID'
  | 'GIT_SIGNATURE_MALFORMED'

/**
 * An error thrown by `@gitops-sdk/git-source`. The message starts with the repository URL (never
 * with credentials) or the path at fault; branch on {@link GitOpsError.code}.
 */
export class GitSourceError extends GitOpsError<GitErrorCode> {
  /** Always `'GitSourceError'`, so logs and `toJSON()` name the class. */
  override readonly name: string = 'GitSourceError'
}
