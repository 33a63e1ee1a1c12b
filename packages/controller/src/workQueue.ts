import { systemClock } from '@gitops-sdk/core'
import type { Clock } from '@gitops-sdk/core'
import { createDueHeap } from './internal/dueHeap.js'
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
  // Delayed keys: the earliest due time of each, and a heap of (key, due) entries by due time in
  // which entries superseded by an earlier due are skipped when they come up.
  const delayed = new Map<string, number>()
  const heap = createDueHeap()
  // Ends the pending sleeps when the queue shuts down.
  const stop = new AbortController()
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

  // When the armed sleep ends (Infinity: none armed), and which arming it was. A sleep is never
  // aborted: one armed for an earlier key takes over, and the one it replaced finds itself stale
  // when it ends (an AbortController and its signal for every sleep cost more than the sleep).
  let armedFor = Number.POSITIVE_INFINITY
  let arming = 0
  /** Adds every delayed key that fell due, in due order. */
  const release = (): void => {
    const at = now()
    for (let top = heap.peek(); top !== undefined && top.due <= at; top = heap.peek()) {
      heap.pop()
      if (delayed.get(top.key) !== top.due) continue
      delayed.delete(top.key)
      add(top.key)
    }
  }
  /** Sleeps until the earliest delayed key is due. */
  const arm = (): void => {
    let top = heap.peek()
    while (top !== undefined && delayed.get(top.key) !== top.due) {
      heap.pop()
      top = heap.peek()
    }
    armedFor = Number.POSITIVE_INFINITY
    if (top === undefined || shuttingDown) return
    armedFor = top.due
    const mine = ++arming
    clock.sleep(Math.max(0, top.due - now()), stop.signal).then(
      () => {
        if (mine !== arming) return
        release()
        arm()
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
    heap.push(key, due)
    if (due < armedFor) arm()
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
      heap.clear()
      stop.abort()
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
