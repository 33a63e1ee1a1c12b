/**
 * A child signal that aborts with its parent (or on its own), whose listener on the parent is
 * removed by `dispose`. Long-lived signals (a controller's run signal) see one request after
 * another; `AbortSignal.any` would leave a listener on them per request until collected.
 */
export interface LinkedSignal {
  readonly signal: AbortSignal
  abort(reason: unknown): void
  dispose(): void
}

/** Links a new signal to `parent` (which may be absent). */
export function linkedSignal(parent: AbortSignal | undefined): LinkedSignal {
  const controller = new AbortController()
  const onAbort = (): void => controller.abort(parent?.reason)
  if (parent?.aborted === true) controller.abort(parent.reason)
  else parent?.addEventListener('abort', onAbort, { once: true })
  return {
    signal: controller.signal,
    abort: (reason) => controller.abort(reason),
    dispose: () => parent?.removeEventListener('abort', onAbort),
  }
}
