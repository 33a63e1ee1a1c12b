/** Time, injected so that schedules and timeouts can be tested without waiting. */
export interface Clock {
  /** The current time. */
  now(): Date
  /** Resolves after `ms` milliseconds; rejects with `signal.reason` when aborted. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>
}

/** The real clock. */
export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms, signal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted === true) {
        reject(signal.reason as Error)
        return
      }
      const timer = setTimeout(() => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      }, ms)
      const onAbort = (): void => {
        clearTimeout(timer)
        reject(signal?.reason as Error)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
    }),
}

/** A clock whose time moves only when told to, for tests of schedules and timeouts. */
export interface FakeClock extends Clock {
  /** Moves time forward, resolving every sleep that falls due, in order. */
  advance(ms: number): Promise<void>
}

/** Creates a {@link FakeClock} starting at `start`. */
export function createFakeClock(start: Date = new Date('2026-01-01T00:00:00Z')): FakeClock {
  let now = start.getTime()
  const sleepers: { at: number; resolve: () => void }[] = []
  return {
    now: () => new Date(now),
    sleep: (ms, signal) =>
      new Promise<void>((resolve, reject) => {
        if (signal?.aborted === true) {
          reject(signal.reason as Error)
          return
        }
        // The abort listener goes when the sleep resolves: a long-lived signal shared by many
        // sleeps (a reconciler's) would otherwise collect one listener per sleep.
        const onAbort = (): void => {
          const i = sleepers.indexOf(entry)
          if (i >= 0) sleepers.splice(i, 1)
          reject(signal?.reason as Error)
        }
        const entry = {
          at: now + ms,
          resolve: () => {
            signal?.removeEventListener('abort', onAbort)
            resolve()
          },
        }
        sleepers.push(entry)
        signal?.addEventListener('abort', onAbort, { once: true })
      }),
    advance: async (ms) => {
      const target = now + ms
      for (;;) {
        sleepers.sort((a, b) => a.at - b.at)
        const next = sleepers[0]
        if (next === undefined || next.at > target) break
        sleepers.shift()
        now = next.at
        next.resolve()
        await Promise.resolve()
      }
      now = target
    },
  }
}
