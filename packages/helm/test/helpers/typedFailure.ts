// How the fault suites catch what they expect: a typed error (a GitOpsError), reduced to its code
// and message; anything else is rethrown, and no failure at all fails the test.
import { isGitOpsError } from '@gitops-sdk/core'

/** The code and message of a typed error. */
export interface TypedFailure {
  readonly code: string
  readonly message: string
}

/** Runs `fn`, expects it to throw a GitOpsError, and returns its code and message. */
export function typedFailure(fn: () => unknown): TypedFailure {
  try {
    fn()
  } catch (err) {
    if (isGitOpsError(err)) return { code: err.code, message: err.message }
    throw err
  }
  throw new Error('expected a failure')
}

/** Awaits `promise`, expects a GitOpsError, and returns its code, message and JSON form (to search for secrets). */
export async function typedRejection(promise: Promise<unknown>): Promise<TypedFailure & { readonly json: string }> {
  try {
    await promise
  } catch (err) {
    if (isGitOpsError(err)) return { code: err.code, message: err.message, json: JSON.stringify(err.toJSON()) }
    throw err
  }
  throw new Error('expected a failure')
}
