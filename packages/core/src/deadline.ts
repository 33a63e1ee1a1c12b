/** A caller's signal combined with a timeout, as {@link deadline} returns it. */
export interface Deadline {
  /** Aborts when the caller's signal aborts (with its reason) or when the time is up. */
  readonly signal: AbortSignal
  /** The timeout alone: aborted only when the time ran out, so a caller can tell the two apart. */
  readonly timeout: AbortSignal
}

// The combined signal holds its timeout through this key: on Node 20 `AbortSignal.any` keeps its
// sources only weakly, and an `AbortSignal.timeout` nothing else references can be collected before
// it fires, which left operations running past their deadline.
const held = Symbol.for('gitops-sdk.deadline.timeout')

/**
 * Combines `signal` (optional) with a timeout of `ms` milliseconds into one signal that stays armed
 * for as long as it is referenced: the timeout is held by the combined signal itself, so garbage
 * collection can never make it miss (see the Node 20 `AbortSignal.any` note above). Use it wherever
 * an operation bounds a caller's signal by a timeout of its own.
 *
 * @throws `TypeError` when `ms` is not a finite number of milliseconds, 0 or more.
 * @example
 * ```ts
 * const { signal, timeout } = deadline(options.signal, 30_000)
 * try { await work({ signal }) } catch (err) { if (timeout.aborted) throw new MyTimeoutError() ; throw err }
 * ```
 */
export function deadline(signal: AbortSignal | undefined, ms: number): Deadline {
  if (typeof ms !== 'number' || !Number.isFinite(ms) || ms < 0) throw new TypeError(`deadline: ms must be a finite number of milliseconds, 0 or more, not ${String(ms)}`)
  const timeout = AbortSignal.timeout(ms)
  if (signal === undefined) return { signal: timeout, timeout }
  const combined = AbortSignal.any([signal, timeout])
  Object.defineProperty(combined, held, { value: timeout })
  return { signal: combined, timeout }
}
