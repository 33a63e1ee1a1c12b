import { oneLine } from '@gitops-sdk/core'
import type { RenderErrorCode } from '../../errors.js'
import { RenderError } from '../../errors.js'

/** Where in the kustomization tree a step is: the kustomization file and the field being applied. */
export interface Where {
  /** Path of the kustomization file (or manifest) relative to the file system root. */
  readonly file: string
  /** The kustomization field, e.g. `patches[2]`, or '' for the file as a whole. */
  readonly field: string
}

/** A {@link RenderError} whose message starts with the file and field. */
export function renderError(code: RenderErrorCode, where: Where, failure: string | { readonly message: string; readonly cause?: unknown }): RenderError {
  const { message, cause } = typeof failure === 'string' ? { message: failure, cause: undefined } : failure
  const subject = where.field === '' ? where.file : `${where.file}: ${where.field}`
  return new RenderError({
    code,
    message: `${subject}: ${oneLine(message)}`,
    details: { file: where.file, field: where.field },
    cause,
  })
}

/** Errors raised deep inside a transformer before its caller knows the file and field. */
export class StepError extends Error {
  override readonly name = 'StepError'
  readonly code: RenderErrorCode
  constructor(code: RenderErrorCode, message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause })
    this.code = code
  }
}

/** Throws a {@link StepError}; the caller adds the file and field. */
export function stepError(code: RenderErrorCode, message: string, cause?: unknown): StepError {
  return new StepError(code, message, cause)
}

/**
 * Runs `fn`, turning a {@link StepError} into a {@link RenderError} naming `where`; RenderErrors
 * (already placed) and everything else pass through.
 */
export function at<T>(where: Where, fn: () => T): T {
  try {
    return fn()
  } catch (err) {
    if (err instanceof StepError) throw renderError(err.code, where, err)
    throw err
  }
}

/** Async {@link at}. */
export async function atAsync<T>(where: Where, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn()
  } catch (err) {
    if (err instanceof StepError) throw renderError(err.code, where, err)
    throw err
  }
}

