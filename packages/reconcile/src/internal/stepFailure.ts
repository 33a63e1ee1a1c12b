// What a reconcile reads from the error of a failed step, for its status.
import { ApplyError } from '@gitops-sdk/apply'
import { isGitOpsError } from '@gitops-sdk/core'
import type { ChangeSet } from '@gitops-sdk/core'
import { ReconcileStepError } from '../errors.js'

/** What a failed step had already done, as its typed error reports it. */
export function changeSetOf(error: unknown): ChangeSet | undefined {
  if (error instanceof ReconcileStepError || error instanceof ApplyError) return error.changeSet
  return undefined
}

/** The code of a typed error. */
export function codeOf(error: unknown): string | undefined {
  return isGitOpsError(error) ? error.code : undefined
}

/** The first line of an error's message. */
export function describe(error: unknown): string {
  if (error instanceof Error) return error.message.split('\n')[0] ?? error.message
  return String(error)
}
