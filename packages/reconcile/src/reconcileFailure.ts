import { ReconcileError } from './errors.js'
import type { ReconcileStatus } from './types.js'

/**
 * The failure of a reconcile as a typed error (`RECONCILE_FAILED`, with the phase and the
 * original error code in `details`), or `undefined` when it succeeded.
 *
 * @example
 * ```ts
 * const { status } = await reconcile(spec, steps)
 * const failure = reconcileFailure(status)
 * if (failure !== undefined) throw failure
 * ```
 */
export function reconcileFailure(status: ReconcileStatus): ReconcileError | undefined {
  const failure = status.failure
  if (failure === undefined) return undefined
  return new ReconcileError({
    code: 'RECONCILE_FAILED',
    message: `${status.name}: ${failure.phase} failed: ${failure.message}`,
    details: { name: status.name, phase: failure.phase, code: failure.code },
  })
}
