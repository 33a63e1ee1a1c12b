import type { FaultRule } from './faultTypes.js'
import type { OpenWatch } from './internal/verbs/watch.js'
import type { FaultState } from './internal/http/faultState.js'
import type { Store } from './internal/state/store.js'

/**
 * Faults on demand for one {@link ApiServer}: rules that freeze, slow, throttle, fail, conflict or
 * drop matching requests, cut watch streams, and an etcd-like compaction. Reached as `server.faults`.
 *
 * @example
 * ```ts
 * server.faults.set([{ mode: 'throttle', verbs: ['patch'], retryAfterSeconds: 2, times: 3 }])
 * server.faults.set([{ mode: 'freeze', resources: ['configmaps'] }])
 * // … a client times out …
 * server.faults.clear() // held requests go on
 * ```
 */
export class ApiServerFaults {
  readonly #state: FaultState
  readonly #watches: Set<OpenWatch>
  readonly #store: () => Store

  /** @internal Reached through `server.faults`. */
  constructor(parts: { state: FaultState; watches: Set<OpenWatch>; store: () => Store }) {
    this.#state = parts.state
    this.#watches = parts.watches
    this.#store = parts.store
  }

  /** Replaces the fault rules; the first rule a request matches applies. Held requests stay held. */
  set(rules: FaultRule | readonly FaultRule[]): void {
    this.#state.set(Array.isArray(rules) ? (rules as readonly FaultRule[]) : [rules as FaultRule])
  }

  /** Adds one rule after the current ones. */
  add(rule: FaultRule): void {
    this.#state.add(rule)
  }

  /** Removes every rule and lets held (frozen) requests go on. */
  clear(): void {
    this.#state.clear()
  }

  /** Lets the requests held by `freeze` go on (they are then answered normally); the rules stay. */
  release(): void {
    this.#state.release()
  }

  /** How many requests `freeze` holds now. */
  get held(): number {
    return this.#state.held
  }

  /** Destroys every open watch stream now, without a final event, as a dropped connection does. */
  cutWatches(): void {
    for (const watch of [...this.#watches]) watch.cut()
  }

  /**
   * Compacts the change history as etcd does: every resourceVersion up to now becomes too old, so
   * watches from it and list continuations started before get 410 Expired.
   */
  compact(): void {
    this.#store().compactAll()
  }
}
