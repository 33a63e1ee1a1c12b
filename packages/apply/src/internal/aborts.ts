// One abort listener per caller signal, not per request: a first apply sends two requests per
// object, and a listener (or an AbortSignal) per request cost more CPU than the request's own work.

/** What an abort ends: an HTTP/1.1 request or an HTTP/2 stream. */
export interface Cancellable {
  destroy(): void
}

/**
 * The requests in flight per caller signal, with one abort listener per signal: an abort fails
 * each of them with the signal's reason and closes its connection.
 */
export class Aborts {
  readonly #inFlight = new WeakMap<AbortSignal, Map<Cancellable, (reason: unknown) => void>>()

  watch(signal: AbortSignal, req: Cancellable, fail: (reason: unknown) => void): void {
    let requests = this.#inFlight.get(signal)
    if (requests === undefined) {
      const mine = new Map<Cancellable, (reason: unknown) => void>()
      this.#inFlight.set(signal, (requests = mine))
      signal.addEventListener(
        'abort',
        () => {
          for (const [pending, failWith] of mine) {
            failWith(signal.reason)
            pending.destroy()
          }
          mine.clear()
        },
        { once: true },
      )
    }
    requests.set(req, fail)
  }

  forget(signal: AbortSignal, req: Cancellable): void {
    this.#inFlight.get(signal)?.delete(req)
  }
}

