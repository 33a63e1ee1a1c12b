import { createChangeSet, getCondition, markFailed, systemClock } from '@gitops-sdk/core'
import type { Clock } from '@gitops-sdk/core'
import { reconcile } from './reconcile.js'
import type { ReconcileEvent, ReconcileSpec, ReconcileState, ReconcileStatus, ReconcileSteps } from './types.js'

/** One spec the {@link Reconciler} keeps reconciled, with its schedule and its steps. */
export interface ReconcilerSpec extends ReconcileSpec {
  /** Time between reconciles in milliseconds. */
  readonly interval: number
  /** First delay after a failure; doubles with each failure in a row, up to `interval`. @defaultValue `interval` */
  readonly retryInterval?: number | undefined
  /** Spread of the interval, as a fraction (0.1 = ±10%), so that many specs do not fire together. @defaultValue 0.05 */
  readonly jitter?: number | undefined
  /** Names of specs that must be Ready at their current revision before this one runs. */
  readonly dependsOn?: readonly string[] | undefined
  /** The phases, wired to this spec's source and cluster. */
  readonly steps: ReconcileSteps
}

/** Something a user wants to hear about: drift corrected, a failure, a recovery. */
export interface ReconcileAlert {
  /** `drift` corrected, a new `failure`, or a `recovery` after failures. */
  readonly type: 'drift' | 'failure' | 'recovery'
  /** The spec's name. */
  readonly name: string
  /** One line for a chat message or a log. */
  readonly message: string
  /** The status of the reconcile that raised it. */
  readonly status: ReconcileStatus
}

/** What a {@link Reconciler} reports: every reconcile event, plus alerts. */
export type ReconcilerEvent =
  | ReconcileEvent
  | {
      /** An alert: drift, a failure or a recovery. */
      readonly type: 'alert'
      /** What the alert says. */
      readonly alert: ReconcileAlert
    }

/** Options of a {@link Reconciler}. */
export interface ReconcilerOptions {
  /** Most reconciles running at once across specs. @defaultValue 4 */
  readonly concurrency?: number | undefined
  /** @defaultValue the system clock */
  readonly clock?: Clock | undefined
  /** Called on drift, failure and recovery. */
  readonly onAlert?: ((alert: ReconcileAlert) => void) | undefined
  /** Source of randomness for jitter, in [0, 1). @defaultValue Math.random */
  readonly random?: (() => number) | undefined
}

interface Entry {
  spec: ReconcilerSpec
  state: ReconcileState | undefined
  nextRun: number
  failures: number
  running: Promise<ReconcileStatus> | undefined
  waiters: { resolve: (status: ReconcileStatus) => void; reject: (reason: unknown) => void }[]
}

/**
 * Keeps many specs reconciled, as Flux's kustomize-controller does for its Kustomizations: each on
 * its interval (with jitter), retrying failures with exponential backoff, honouring `suspend` and
 * `dependsOn`, at most `concurrency` at once, with `reconcileNow` for an immediate run.
 *
 * @example
 * ```ts
 * const reconciler = new Reconciler([{ name: 'prod', path: 'clusters/prod', interval: 60_000, steps }])
 * reconciler.start()
 * for await (const event of reconciler.events({ signal })) if (event.type === 'alert') notify(event.alert)
 * ```
 */
export class Reconciler {
  private readonly entries = new Map<string, Entry>()
  private readonly clock: Clock
  private readonly concurrency: number
  private readonly random: () => number
  private readonly subscribers = new Set<(event: ReconcilerEvent) => void>()
  private running = 0
  private started = false
  private stopping: AbortController | undefined
  private wake: (() => void) | undefined
  private loop: Promise<void> | undefined

  constructor(
    specs: readonly ReconcilerSpec[],
    private readonly options: ReconcilerOptions = {},
  ) {
    this.clock = options.clock ?? systemClock
    this.concurrency = Math.max(1, options.concurrency ?? 4)
    this.random = options.random ?? Math.random
    for (const spec of specs) this.upsert(spec)
  }

  /** Adds a spec, or replaces the one with the same name (keeping its state); it runs soon. */
  upsert(spec: ReconcilerSpec): void {
    if (!(spec.interval > 0)) throw new TypeError(`${spec.name}: interval must be a positive number of milliseconds`)
    const existing = this.entries.get(spec.name)
    if (existing !== undefined) {
      existing.spec = spec
      existing.nextRun = this.now()
    } else {
      this.entries.set(spec.name, { spec, state: undefined, nextRun: this.now(), failures: 0, running: undefined, waiters: [] })
    }
    this.wake?.()
  }

  /** Removes a spec; a reconcile of it that is running finishes. */
  remove(name: string): boolean {
    return this.entries.delete(name)
  }

  /** The last status of a spec, if it has run. */
  status(name: string): ReconcileStatus | undefined {
    return this.entries.get(name)?.state?.status
  }

  /** The last status of every spec that has run. */
  statuses(): ReconcileStatus[] {
    return [...this.entries.values()].flatMap((e) => (e.state === undefined ? [] : [e.state.status]))
  }

  /** Starts the schedule. */
  start(): void {
    if (this.started) return
    this.started = true
    this.stopping = new AbortController()
    this.loop = this.schedule(this.stopping.signal)
  }

  /**
   * Stops scheduling, cancels the reconciles that are running (a `reconcileNow` waiting for one
   * rejects with the stop reason) and waits until they have ended.
   */
  async stop(): Promise<void> {
    if (!this.started) return
    this.started = false
    this.stopping?.abort(new Error('reconciler stopped'))
    this.wake?.()
    await this.loop
    await Promise.allSettled([...this.entries.values()].flatMap((e) => (e.running === undefined ? [] : [e.running])))
  }

  /**
   * Reconciles a spec now (after the one running, if any) and resolves with its status.
   *
   * @throws TypeError when no spec has that name.
   */
  reconcileNow(name: string): Promise<ReconcileStatus> {
    const entry = this.entries.get(name)
    if (entry === undefined) return Promise.reject(new TypeError(`no spec named ${name}`))
    return new Promise((resolve, reject) => {
      entry.waiters.push({ resolve, reject })
      entry.nextRun = this.now()
      // A failure reaches the waiter; the schedule itself has nothing to do with it.
      if (!this.started) this.run(entry).catch(() => undefined)
      else this.wake?.()
    })
  }

  /** Every event from now on, until `signal` aborts or the loop is left. */
  events(options: { readonly signal?: AbortSignal | undefined } = {}): AsyncIterable<ReconcilerEvent> {
    const subscribers = this.subscribers
    return {
      [Symbol.asyncIterator]: (): AsyncIterator<ReconcilerEvent> => {
        const queue: ReconcilerEvent[] = []
        let notify: (() => void) | undefined
        const push = (event: ReconcilerEvent): void => {
          queue.push(event)
          notify?.()
        }
        subscribers.add(push)
        const done = (): IteratorResult<ReconcilerEvent> => {
          subscribers.delete(push)
          return { done: true, value: undefined }
        }
        options.signal?.addEventListener('abort', () => notify?.(), { once: true })
        return {
          next: async () => {
            for (;;) {
              if (options.signal?.aborted === true) return done()
              const event = queue.shift()
              if (event !== undefined) return { done: false, value: event }
              await new Promise<void>((resolve) => (notify = resolve))
              notify = undefined
            }
          },
          return: async () => done(),
        }
      },
    }
  }

  private now(): number {
    return this.clock.now().getTime()
  }

  private emit(event: ReconcilerEvent): void {
    for (const subscriber of this.subscribers) subscriber(event)
  }

  private async schedule(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      const now = this.now()
      for (const entry of this.entries.values()) {
        if (this.running >= this.concurrency) break
        if (entry.running === undefined && entry.nextRun <= now) this.run(entry).catch(() => undefined)
      }
      const pending = [...this.entries.values()].filter((e) => e.running === undefined).map((e) => e.nextRun)
      const delay = pending.length === 0 ? 60_000 : Math.max(0, Math.min(...pending) - now)
      const wakeUp = new AbortController()
      this.wake = () => wakeUp.abort()
      await this.clock.sleep(this.running >= this.concurrency ? 60_000 : delay, AbortSignal.any([signal, wakeUp.signal])).catch(() => undefined)
      this.wake = undefined
    }
  }

  private async run(entry: Entry): Promise<ReconcileStatus> {
    if (entry.running !== undefined) return entry.running
    this.running += 1
    const { spec } = entry
    const work = (async (): Promise<ReconcileStatus> => {
      const blocked = this.blockingDependency(spec)
      if (blocked !== undefined) return this.dependencyNotReady(entry, blocked)
      const previous = entry.state
      let finished: ReconcilerEvent | undefined
      const result = await reconcile(spec, spec.steps, {
        clock: this.clock,
        previous,
        // stop() cancels a running reconcile rather than waiting out its timeout.
        signal: this.started ? this.stopping?.signal : undefined,
        // 'finished' waits until the state is stored, so that a listener sees it in status().
        onEvent: (event) => (event.type === 'finished' ? (finished = event) : this.emit(event)),
      })
      entry.state = result.state
      if (finished !== undefined) this.emit(finished)
      this.alerts(previous?.status, result.status)
      return result.status
    })()
    entry.running = work
    try {
      let status: ReconcileStatus
      try {
        status = await work
      } catch (err) {
        for (const waiter of entry.waiters.splice(0)) waiter.reject(err)
        throw err
      }
      const ready = getCondition(status.conditions, 'Ready')?.status === 'True'
      entry.failures = ready || spec.suspend === true ? 0 : entry.failures + 1
      entry.nextRun = this.now() + this.delay(spec, entry.failures)
      for (const waiter of entry.waiters.splice(0)) waiter.resolve(status)
      if (ready) this.wakeDependents(spec.name)
      return status
    } finally {
      entry.running = undefined
      this.running -= 1
      this.wake?.()
    }
  }

  private delay(spec: ReconcilerSpec, failures: number): number {
    if (failures === 0) {
      const jitter = spec.jitter ?? 0.05
      return Math.round(spec.interval * (1 + jitter * (2 * this.random() - 1)))
    }
    const base = spec.retryInterval ?? spec.interval
    return Math.min(spec.interval, base * 2 ** (failures - 1))
  }

  /** The first dependency that is not Ready at the revision it last attempted, if any. */
  private blockingDependency(spec: ReconcilerSpec): string | undefined {
    for (const dep of spec.dependsOn ?? []) {
      const status = this.entries.get(dep)?.state?.status
      const ready = status !== undefined && getCondition(status.conditions, 'Ready')?.status === 'True'
      if (!ready || status.lastAppliedRevision !== status.lastAttemptedRevision) return dep
    }
    return undefined
  }

  private dependencyNotReady(entry: Entry, dependency: string): ReconcileStatus {
    const previous = entry.state?.status
    const message = `dependency '${dependency}' is not ready`
    const status: ReconcileStatus = {
      name: entry.spec.name,
      conditions: markFailed(previous?.conditions ?? [], { reason: 'DependencyNotReady', message }, this.clock.now()),
      lastAppliedRevision: previous?.lastAppliedRevision,
      lastAttemptedRevision: previous?.lastAttemptedRevision,
      changeSet: createChangeSet(),
      inventory: previous?.inventory,
      buildDigest: previous?.buildDigest,
      drifted: [],
      durations: {},
      finishedAt: this.clock.now().toISOString(),
    }
    entry.state = { status, applied: entry.state?.applied }
    this.emit({ type: 'finished', name: entry.spec.name, status })
    return status
  }

  private wakeDependents(name: string): void {
    for (const entry of this.entries.values()) {
      const waiting = entry.spec.dependsOn?.includes(name) === true
      const reason = entry.state === undefined ? undefined : getCondition(entry.state.status.conditions, 'Ready')?.reason
      if (waiting && reason === 'DependencyNotReady') entry.nextRun = this.now()
    }
  }

  private alerts(previous: ReconcileStatus | undefined, status: ReconcileStatus): void {
    const ready = getCondition(status.conditions, 'Ready')
    const wasReady = previous === undefined || getCondition(previous.conditions, 'Ready')?.status !== 'False'
    const alert = (type: ReconcileAlert['type'], message: string): void => {
      const a: ReconcileAlert = { type, name: status.name, message, status }
      this.options.onAlert?.(a)
      this.emit({ type: 'alert', alert: a })
    }
    if (status.drifted.length > 0) {
      alert('drift', `${status.name}: corrected drift in ${status.drifted.length} object(s)`)
    }
    if (ready?.status === 'False' && (wasReady || previous.failure?.message !== status.failure?.message)) {
      alert('failure', `${status.name}: ${ready.reason}: ${ready.message}`)
    } else if (ready?.status === 'True' && !wasReady) {
      alert('recovery', `${status.name}: recovered: ${ready.message}`)
    }
  }
}
