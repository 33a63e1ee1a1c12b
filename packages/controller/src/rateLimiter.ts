import { systemClock } from '@gitops-sdk/core'
import type { Clock } from '@gitops-sdk/core'

/** Decides how long a key waits before it is retried (client-go's `workqueue.TypedRateLimiter`). */
export interface RateLimiter {
  /** The delay, in ms, before `key` may be processed again; each call counts one more failure. */
  when(key: string): number
  /** Forgets the failures of `key` (after it succeeded). */
  forget(key: string): void
  /** How many times `key` failed since it was last forgotten. */
  retries(key: string): number
}

/** Options of {@link exponentialRateLimiter}. */
export interface ExponentialRateLimiterOptions {
  /** Delay after the first failure, in ms (Flux's `--min-retry-delay`). @defaultValue 750 */
  readonly baseDelay?: number | undefined
  /** Largest delay, in ms (Flux's `--max-retry-delay`). @defaultValue 900,000 (15 min) */
  readonly maxDelay?: number | undefined
  /** Up to this fraction of the delay is added at random, so failing keys spread out. @defaultValue 0.1 */
  readonly jitter?: number | undefined
  /** Random numbers in [0, 1). @defaultValue Math.random */
  readonly random?: (() => number) | undefined
}

/**
 * A per-key exponential back-off: `baseDelay · 2^failures`, capped at `maxDelay`, plus jitter
 * (client-go's `ItemExponentialFailureRateLimiter`, with Flux's default delays).
 *
 * @example
 * ```ts
 * const limiter = exponentialRateLimiter({ baseDelay: 1000, maxDelay: 60_000 })
 * limiter.when('apps/web') // ~1000, then ~2000, ~4000 …
 * ```
 */
export function exponentialRateLimiter(options: ExponentialRateLimiterOptions = {}): RateLimiter {
  const base = options.baseDelay ?? 750
  const max = options.maxDelay ?? 900_000
  const jitter = options.jitter ?? 0.1
  const random = options.random ?? Math.random
  if (!(base > 0) || !(max >= base)) throw new TypeError('exponentialRateLimiter: baseDelay must be > 0 and maxDelay ≥ baseDelay')
  if (!(jitter >= 0)) throw new TypeError('exponentialRateLimiter: jitter must be 0 or more')
  const failures = new Map<string, number>()
  return {
    when(key) {
      const count = failures.get(key) ?? 0
      failures.set(key, count + 1)
      const delay = Math.min(base * 2 ** Math.min(count, 60), max)
      return Math.min(Math.round(delay * (1 + jitter * random())), max)
    },
    forget: (key) => {
      failures.delete(key)
    },
    retries: (key) => failures.get(key) ?? 0,
  }
}

/** Options of {@link bucketRateLimiter}. */
export interface BucketRateLimiterOptions {
  /** Tokens added per second. @defaultValue 10 */
  readonly qps?: number | undefined
  /** Tokens the bucket holds. @defaultValue 100 */
  readonly burst?: number | undefined
  /** Clock the bucket refills by. @defaultValue the system clock */
  readonly clock?: Clock | undefined
}

/**
 * A global token bucket over every key (client-go's `BucketRateLimiter`): each retry takes a
 * token, and once the burst is spent, retries are spread `1/qps` seconds apart.
 *
 * @example
 * ```ts
 * const limiter = bucketRateLimiter({ qps: 10, burst: 100 })
 * ```
 */
export function bucketRateLimiter(options: BucketRateLimiterOptions = {}): RateLimiter {
  const qps = options.qps ?? 10
  const burst = options.burst ?? 100
  const clock = options.clock ?? systemClock
  if (!(qps > 0) || !(burst >= 1)) throw new TypeError('bucketRateLimiter: qps must be > 0 and burst ≥ 1')
  let tokens = burst
  let last = clock.now().getTime()
  return {
    when() {
      const now = clock.now().getTime()
      tokens = Math.min(burst, tokens + ((now - last) / 1000) * qps)
      last = now
      // Reserve a token, possibly in the future (golang.org/x/time/rate's Reserve).
      tokens -= 1
      return tokens >= 0 ? 0 : Math.ceil((-tokens / qps) * 1000)
    },
    forget: () => undefined,
    retries: () => 0,
  }
}

/**
 * The longest delay of several limiters (client-go's `MaxOfRateLimiter`); retries are those of the
 * first limiter that counts them.
 *
 * @example
 * ```ts
 * const limiter = maxOfRateLimiters([exponentialRateLimiter(), bucketRateLimiter()])
 * ```
 */
export function maxOfRateLimiters(limiters: readonly RateLimiter[]): RateLimiter {
  if (limiters.length === 0) throw new TypeError('maxOfRateLimiters: give at least one limiter')
  return {
    when: (key) => Math.max(...limiters.map((l) => l.when(key))),
    forget: (key) => {
      for (const l of limiters) l.forget(key)
    },
    retries: (key) => Math.max(...limiters.map((l) => l.retries(key))),
  }
}

/** Flux's default: per-key exponential back-off from 750 ms to 15 min with jitter, under a 10 qps / 100 burst bucket. */
export function defaultRateLimiter(options: { readonly clock?: Clock | undefined; readonly random?: (() => number) | undefined } = {}): RateLimiter {
  return maxOfRateLimiters([exponentialRateLimiter({ random: options.random }), bucketRateLimiter({ clock: options.clock })])
}
