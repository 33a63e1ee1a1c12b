// The details of compileGoRegexp's error (regexp.ts), in a file of their own so that regexp.ts
// stays within the line budget.
import type { ErrorDetails } from '../errors.js'

/**
 * The `details` of the `CORE_REGEXP_INVALID` error `compileGoRegexp` throws (JSON-safe), for
 * callers that quote Go's refusal (kube-apiserver's `must be a valid regular expression, but isn't`).
 * @example
 * ```ts
 * try { compileGoRegexp('(') }
 * catch (err) {
 *   if (isGitOpsError(err, 'CORE_REGEXP_INVALID')) console.error((err.details as GoRegexpErrorDetails).reason)
 *   // error parsing regexp: missing closing ): `(`
 * }
 * ```
 * @experimental For the sibling packages of gitops-sdk; may change in any minor version.
 */
export interface GoRegexpErrorDetails extends ErrorDetails {
  /** The pattern as written. */
  readonly pattern: string
  /**
   * Go's reason for refusing the pattern, as the error of Go's `regexp.Compile` prints it:
   * `error parsing regexp: ` then the problem and the offending text, e.g.
   * ``error parsing regexp: missing closing ): `(` `` (without the pattern the message adds in front).
   */
  readonly reason: string
}
