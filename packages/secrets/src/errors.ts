import { GitOpsError } from '@gitops-sdk/core/light'

/** Codes of the errors `@gitops-sdk/secrets` throws. */
export type SopsErrorCode =
  | 'SOPS_METADATA_NOT_FOUND'
  | 'SOPS_METADATA_INVALID'
  | 'SOPS_NO_MATCHING_KEY'
  | 'SOPS_SHAMIR_THRESHOLD_NOT_MET'
  | 'SOPS_VALUE_AUTH_FAILED'
  | 'SOPS_BAD_VALUE_FORMAT'
  | 'SOPS_MAC_MISMATCH'
  | 'SOPS_MAC_UNDECRYPTABLE'
  | 'SOPS_UNSUPPORTED_FORMAT'
  | 'SOPS_INPUT_INVALID'
  | 'SOPS_ALREADY_ENCRYPTED'
  | 'SOPS_IDENTITY_INVALID'
  | 'SOPS_RECIPIENT_INVALID'
  | 'SOPS_KEY_SOURCE_FAILED'
  | 'SOPS_KEY_PROVIDER_MISSING'
  | 'SOPS_FILE_TOO_LARGE'
  | 'SOPS_PATH_ESCAPES_ROOT'
  | 'SOPS_CONFIG_INVALID'
  | 'SOPS_CONFIG_NO_MATCHING_RULE'

/**
 * An error thrown by `@gitops-sdk/secrets`. Its message starts with the file (or object) it is
 * about and, where it helps, the key path; it never carries plaintext or key material.
 *
 * @example
 * ```ts
 * try { await decrypt(text, { format: 'yaml', identities, source: 'secret.yaml' }) }
 * catch (err) { if (isGitOpsError(err, 'SOPS_MAC_MISMATCH')) console.error(err.message) }
 * ```
 */
export class SopsError extends GitOpsError<SopsErrorCode> {
  /** Always `'SopsError'`, so logs and `toJSON()` name the class. */
  override readonly name: string = 'SopsError'
}
