import type { WorkQueue } from './workQueue.js'

/** What a work function asks for: nothing (done), a retry with back-off, or another run after a delay. */
export type WorkResult =
  | undefined
  | {
      /** Requeue the key now, with the rate limiter's back-off. */
      readonly requeue: true
    }
  | {
      /** Requeue the key after this many milliseconds (and forget its failures). */
      readonly requeueAfter: number
    }

/** Options of {@link runWorkers}. */
export interface RunWorkersOptions {
  /** Keys processed at once. @defaultValue 1 */
  readonly concurrency?: number | undefined
  /** Stops taking keys; work in flight sees it aborted and is awaited. */
  readonly signal: AbortSignal
  /** Told about each key whose work threw; the key is retried with the queue's rate limiter. */
  readonly onError?: ((key: string, error: unknown) => void) | undefined
}

/**
 * Runs `concurrency` workers over a queue until the queue is shut down and empty, or `signal`
 * aborts (then work in flight is awaited, with the signal aborted). A key that succeeds is
 * forgotten by the rate limiter; one that throws or asks `{ requeue: true }` is added back
 * rate-limited; `{ requeueAfter }` adds it back after that many ms.
 *
 * @example
 * ```ts
 * await runWorkers(queue, async (key, signal) => reconcileKey(key, signal), { concurrency: 4, signal })
 * ```
 */
export async function runWorkers(queue: WorkQueue, work: (key: string, signal: AbortSignal) => Promise<WorkResult>, options: RunWorkersOptions): Promise<void> {
  const concurrency = options.concurrency ?? 1
  if (!Number.isInteger(concurrency) || concurrency < 1) throw new TypeError('runWorkers: concurrency must be a positive integer')
  const { signal } = options
  const worker = async (): Promise<void> => {
    for (;;) {
      let key: string | undefined
      try {
        key = await queue.get(signal)
      } catch {
        return
      }
      if (key === undefined) return
      try {
        const result = await work(key, signal)
        if (result === undefined) queue.forget(key)
        else if ('requeueAfter' in result) {
          queue.forget(key)
          queue.addAfter(key, result.requeueAfter)
        } else queue.addRateLimited(key)
      } catch (error) {
        if (!signal.aborted) {
          options.onError?.(key, error)
          queue.addRateLimited(key)
        }
      } finally {
        queue.done(key)
      }
    }
  }
  await Promise.all(Array.from({ length: concurrency }, worker))
}
