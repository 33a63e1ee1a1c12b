// A reconcile's deadline: the caller's signal bounded by the reconcile's timeout. Core's
// `deadline` (AbortSignal.timeout under AbortSignal.any) leaves its timer armed for the whole
// timeout, five minutes by default, after a reconcile that took a millisecond, and each of those
// holds weak references the collector must process: at one reconcile per Kustomization per
// interval that was a measurable share of a no-change interval. This one is released when the
// reconcile ends.

/** setTimeout's largest delay; a longer one would fire at once. */
const MAX_DELAY = 2 ** 31 - 1

/** A signal aborted by the caller's signal (with its reason) or after `ms` (with a `TimeoutError`), until disposed. */
export interface BoundedSignal {
  readonly signal: AbortSignal
  /** Disarms the timer and unhooks the caller's signal; the bounded signal then never aborts. */
  dispose(): void
}

/** Bounds `signal` by `ms` milliseconds; call `dispose` once the bounded work is over. */
export function boundedSignal(signal: AbortSignal, ms: number): BoundedSignal {
  const controller = new AbortController()
  if (signal.aborted) {
    controller.abort(signal.reason)
    return { signal: controller.signal, dispose: () => undefined }
  }
  const onAbort = (): void => controller.abort(signal.reason)
  signal.addEventListener('abort', onAbort, { once: true })
  // The reason AbortSignal.timeout gives, so that steps tell a timeout apart as they did.
  const timer = setTimeout(() => controller.abort(new DOMException('The operation was aborted due to timeout', 'TimeoutError')), Math.min(Math.max(0, ms), MAX_DELAY))
  // As AbortSignal.timeout's: a pending deadline alone does not keep the process alive.
  timer.unref()
  return {
    signal: controller.signal,
    dispose() {
      clearTimeout(timer)
      signal.removeEventListener('abort', onAbort)
    },
  }
}
