// The errors-only entry of core: `gitops --help` and `gitops version` load this and not the YAML
// engine of the main entry.
import { GitOpsError } from '@gitops-sdk/core/errors'
import type { ErrorDetails } from '@gitops-sdk/core/errors'

/** Codes of the errors the `gitops` command raises itself (how it was called, what it refuses). */
export type CliErrorCode =
  | 'CLI_USAGE'
  | 'CLI_UNKNOWN_COMMAND'
  | 'CLI_UNKNOWN_FLAG'
  | 'CLI_FLAG_INVALID'
  | 'CLI_ARGUMENT_MISSING'
  | 'CLI_ARGUMENT_UNEXPECTED'
  | 'CLI_FILE_NOT_FOUND'
  | 'CLI_URL_INVALID'
  | 'CLI_OUT_UNSAFE'
  | 'CLI_OUT_NOT_EMPTY'
  | 'CLI_INVENTORY_NOT_FOUND'
  | 'CLI_OBJECT_NOT_FOUND'
  | 'CLI_FLUX_NOT_INSTALLED'
  | 'CLI_OBJECT_NOT_MANAGED'
  | 'CLI_RECONCILE_TIMEOUT'
  | 'CLI_CONFIG_INVALID'
  | 'CLI_CREDENTIAL_HELPER_FAILED'

/** What a {@link UsageError} is made of besides its message. */
export interface UsageErrorInit {
  /** @defaultValue 'CLI_USAGE' */
  readonly code?: CliErrorCode | undefined
  readonly details?: ErrorDetails | undefined
  readonly cause?: unknown
}

/** A refusal of the `gitops` command that is not about how it was called (printed with its code). */
export class CliError extends GitOpsError<CliErrorCode> {
  /** Always `'CliError'`, so logs and `toJSON()` name the class. */
  override readonly name: string = 'CliError'
}

/**
 * An error in how the command was called, or an input it refuses: printed as one line (without
 * its code, as it names the flag or argument), exit 2.
 */
export class UsageError extends CliError {
  /** Always `'UsageError'`, so logs and `toJSON()` name the class. */
  override readonly name: string = 'UsageError'

  constructor(message: string, init: UsageErrorInit = {}) {
    super({ code: init.code ?? 'CLI_USAGE', message, details: init.details, cause: init.cause })
  }
}
