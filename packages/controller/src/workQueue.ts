import { systemClock } from '@gitops-sdk/core'
import type { Clock } from '@gitops-sdk/core'
import type { RateLimiter } from './rateLimiter.js'
import { defaultRateLimiter } from './rateLimiter.js'

/** Hooks a work queue calls for its metrics (client-go's `workqueue.MetricsProvider`). */
export interface WorkQueueMetricsHooks {
  /** A key was added (also when it was already waiting). */
  readonly add?: (() => void) | undefined
  /** The number of keys waiting changed. */
  readonly depth?: ((depth: number) => void) | undefined
  /** A key waited this many ms between its add and the worker that took it. */
  readonly latency?: ((ms: number) => void) | undefined
  /** A worker held a key this many ms. */
  readonly workDuration?: ((ms: number) => void) | undefined
  /** A key was put back by the rate limiter. */
  readonly retry?: (() => void) | undefined
}

/** Options of {@link createWorkQueue}. */
export interface WorkQueueOptions {
  /** Clock of delayed adds and of the metrics. @defaultValue the system clock */
  readonly clock?: Clock | undefined
  /** Delays of {@link WorkQueue.addRateLimited}. @defaultValue {@link defaultRateLimiter} */
  readonly rateLimiter?: RateLimiter | undefined
  /** Metric hooks. */
  readonly metrics?: WorkQueueMetricsHooks | undefined
}

/**
 * A keyed, de-duplicated work queue with delays and rate limits, with client-go's guarantees: a key
 * added many times while waiting is processed once; a key added while a worker holds it is
 * processed again after {@link WorkQueue.done}, never by two workers at once.
 */
export interface WorkQueue {
  /** Adds a key (ignored after shutdown). */
  add(key: string): void
  /** Adds a key after `ms`; of several pending delays for one key the earliest wins. */
  addAfter(key: string, ms: number): void
  /** Adds a key after the rate limiter's delay for it (one more failure). */
  addRateLimited(key: string): void
  /** Forgets a key's failures (after it succeeded). */
  forget(key: string): void
  /** How many times a key was rate-limited since it was last forgotten. */
  retries(key: string): number
  /** Takes the next key, waiting for one; undefined once the queue is shut down and empty. */
  get(signal?: AbortSignal): Promise<string | undefined>
  /** Marks a key taken by {@link WorkQueue.get} as finished. */
  done(key: string): void
  /** Keys waiting (not those being processed, nor delayed ones). */
  readonly length: number
  /** Keys being processed now. */
  readonly processing: number
  /** Stops accepting keys; waiting keys are still handed out, then `get` gives undefined. Delayed adds are dropped. */
  shutDown(): void
  /** Shuts down and resolves once every key taken is done (client-go's `ShutDownWithDrain`). */
  drain(signal?: AbortSignal): Promise<void>
  /** Whether {@link WorkQueue.shutDown} was called. */
  readonly shuttingDown: boolean
}

/**
 * Creates a {@link WorkQueue}.
 *
 * @example
 * ```ts
 * const queue = createWorkQueue()
 * queue.add('apps/web')
 * const key = await queue.get(signal)
 * try { await reconcile(key); queue.forget(key) } catch { queue.addRateLimited(key) } finally { queue.done(key) }
 * ```
 */
export function createWorkQueue(options: WorkQueueOptions = {}): WorkQueue {
  const clock = options.clock ?? systemClock
  const limiter = options.rateLimiter ?? defaultRateLimiter({ clock })
  const hooks = options.metrics ?? {}
  const queue: string[] = []
  const dirty = new Set<string>()
  const processing = new Set<string>()
  const addedAt = new Map<string, number>()
  const startedAt = new Map<string, number>()
  // Workers waiting for a key, each with the signal it waits under. Each signal gets one abort
  // listener, the first time a worker waits under it, not one per wait: a worker waits once per
  // key, and adding and removing a listener of Node's EventTarget costs microseconds each time.
  const getters: { readonly wake: () => void; readonly reject: (reason: unknown) => void; readonly signal: AbortSignal | undefined }[] = []
  const watchedSignals = new WeakSet<AbortSignal>()
  const rejectWaiting = (signal: AbortSignal): void => {
    for (let i = getters.length - 1; i >= 0; i--) {
      const getter = getters[i]
      if (getter?.signal !== signal) continue
      getters.splice(i, 1)
      getter.reject(signal.reason)
    }
  }
  const drainers: (() => void)[] = []
  const delayed = new Map<string, number>()
  let timer: AbortController | undefined
  let shuttingDown = false
  const now = (): number => clock.now().getTime()

  const wakeOne = (): void => getters.shift()?.wake()
  const depth = (): void => hooks.depth?.(queue.length)
  const add = (key: string): void => {
    if (shuttingDown) return
    hooks.add?.()
    if (dirty.has(key)) return
    dirty.add(key)
    if (!addedAt.has(key)) addedAt.set(key, now())
    if (processing.has(key)) return
    queue.push(key)
    depth()
    wakeOne()
  }

  // When the armed sleep ends (Infinity: none armed). A key due no earlier needs no new timer: a
  // controller requeues every object after each reconcile, and re-arming each time (an abort, a
  // rejected sleep, a scan of every delayed key) made a no-change interval quadratic.
  let armedFor = Number.POSITIVE_INFINITY
  /** Sleeps until the earliest delayed key is due; re-armed when an earlier one arrives. */
  const arm = (earliest?: number): void => {
    timer?.abort()
    timer = undefined
    armedFor = Number.POSITIVE_INFINITY
    if (delayed.size === 0 || shuttingDown) return
    let next = earliest ?? Number.POSITIVE_INFINITY
    if (earliest === undefined) for (const due of delayed.values()) if (due < next) next = due
    const controller = new AbortController()
    timer = controller
    armedFor = next
    clock.sleep(Math.max(0, next - now()), controller.signal).then(
      () => {
        if (timer === controller) {
          timer = undefined
          armedFor = Number.POSITIVE_INFINITY
        }
        // One pass, no copy: keys fall due one by one after a burst of requeues, and copying
        // every delayed entry and scanning them again at each made a no-change interval
        // quadratic. Deleting the entry being visited is safe in a Map; add() never adds one.
        const at = now()
        let next = Number.POSITIVE_INFINITY
        for (const [key, due] of delayed) {
          if (due > at) {
            if (due < next) next = due
            continue
          }
          delayed.delete(key)
          add(key)
        }
        arm(next)
      },
      () => undefined,
    )
  }

  const addAfter = (key: string, ms: number): void => {
    if (shuttingDown) return
    if (!(ms > 0)) {
      add(key)
      return
    }
    const due = now() + ms
    const existing = delayed.get(key)
    if (existing !== undefined && existing <= due) return
    delayed.set(key, due)
    if (timer === undefined || due < armedFor) arm()
  }

  const wq: WorkQueue = {
    add,
    addAfter,
    addRateLimited(key) {
      if (shuttingDown) return
      hooks.retry?.()
      addAfter(key, limiter.when(key))
    },
    forget: (key) => limiter.forget(key),
    retries: (key) => limiter.retries(key),
    async get(signal) {
      for (;;) {
        signal?.throwIfAborted()
        const key = queue.shift()
        if (key !== undefined) {
          depth()
          processing.add(key)
          dirty.delete(key)
          const t = now()
          const added = addedAt.get(key)
          addedAt.delete(key)
          if (added !== undefined) hooks.latency?.(t - added)
          startedAt.set(key, t)
          return key
        }
        if (shuttingDown) return undefined
        if (signal !== undefined && !watchedSignals.has(signal)) {
          watchedSignals.add(signal)
          signal.addEventListener('abort', () => rejectWaiting(signal), { once: true })
        }
        await new Promise<void>((resolve, reject) => {
          getters.push({ wake: resolve, reject, signal })
        })
      }
    },
    done(key) {
      if (!processing.delete(key)) return
      const started = startedAt.get(key)
      startedAt.delete(key)
      if (started !== undefined) hooks.workDuration?.(now() - started)
      if (dirty.has(key)) {
        queue.push(key)
        depth()
        wakeOne()
      }
      if (processing.size === 0) for (const wake of drainers.splice(0)) wake()
    },
    get length() {
      return queue.length
    },
    get processing() {
      return processing.size
    },
    get shuttingDown() {
      return shuttingDown
    },
    shutDown() {
      if (shuttingDown) return
      shuttingDown = true
      delayed.clear()
      timer?.abort()
      for (const getter of getters.splice(0)) getter.wake()
    },
    drain(signal) {
      wq.shutDown()
      if (processing.size === 0) return Promise.resolve()
      return new Promise<void>((resolve, reject) => {
        const wake = (): void => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        }
        const onAbort = (): void => {
          const i = drainers.indexOf(wake)
          if (i >= 0) drainers.splice(i, 1)
          reject(signal?.reason as Error)
        }
        drainers.push(wake)
        signal?.addEventListener('abort', onAbort, { once: true })
      })
    },
  }
  return wq
}
