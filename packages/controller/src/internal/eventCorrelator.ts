// client-go's EventCorrelator (tools/record/events_cache.go), rewritten: aggregation of similar
// Events, de-duplication of equal ones, and the per-object spam filter.
import type { Clock } from '@gitops-sdk/core'

/** The facts of one Event that decide how it is correlated. */
export interface EventFacts {
  readonly source: string
  readonly object: { readonly kind: string; readonly namespace?: string | undefined; readonly name: string; readonly uid?: string | undefined; readonly apiVersion: string }
  readonly type: string
  readonly reason: string
  readonly message: string
}

/** What to do with an Event. */
export type Correlation =
  | { readonly action: 'drop' }
  | { action: 'create'; name: string; message: string; readonly key: string }
  | { action: 'update'; name: string; message: string; readonly key: string; readonly count: number }

const AGGREGATE_MAX = 10
const AGGREGATE_WINDOW = 600_000
const CACHE_MAX = 4096

interface Seen {
  name: string
  count: number
}

/** Correlates Events; one per recorder. */
export class EventCorrelator {
  readonly #clock: Clock
  readonly #burst: number
  readonly #refill: number
  // Maps keep insertion order: the oldest entry is dropped past CACHE_MAX (client-go: an LRU of 4096).
  readonly #buckets = new Map<string, { tokens: number; at: number }>()
  readonly #similar = new Map<string, { messages: Set<string>; since: number }>()
  readonly #seen = new Map<string, Seen>()
  #sequence = 0

  constructor(settings: { readonly clock: Clock; readonly burst: number; readonly refillInterval: number }) {
    this.#clock = settings.clock
    this.#burst = settings.burst
    this.#refill = settings.refillInterval
  }

  correlate(facts: EventFacts): Correlation {
    const now = this.#clock.now().getTime()
    const o = facts.object
    const objectKey = [facts.source, o.apiVersion, o.kind, o.namespace ?? '', o.name, o.uid ?? ''].join('\u0000')
    if (!this.#allow(objectKey, now)) return { action: 'drop' }
    // Aggregation: past 10 different messages for the same reason in 10 minutes, one combined Event.
    const similarKey = [objectKey, facts.type, facts.reason].join('\u0000')
    let similar = this.#similar.get(similarKey)
    if (similar === undefined || now - similar.since > AGGREGATE_WINDOW) {
      similar = { messages: new Set(), since: now }
      this.#put(this.#similar, similarKey, similar)
    }
    similar.messages.add(facts.message)
    const aggregated = similar.messages.size >= AGGREGATE_MAX
    const message = aggregated ? `(combined from similar events): ${facts.message}` : facts.message
    const key = aggregated ? `${similarKey}\u0000aggregate` : [similarKey, facts.message].join('\u0000')
    const seen = this.#seen.get(key)
    if (seen !== undefined) {
      seen.count += 1
      return { action: 'update', name: seen.name, message, key, count: seen.count }
    }
    const name = `${o.name}.${(BigInt(now) * 1_000_000n + BigInt(this.#sequence++ % 1_000_000)).toString(16)}`
    this.#put(this.#seen, key, { name, count: 1 })
    return { action: 'create', name, message, key }
  }

  /** Forgets an Event whose object on the server is gone. */
  forget(key: string): void {
    this.#seen.delete(key)
  }

  /** client-go's EventSourceObjectSpamFilter: a token bucket per source and object. */
  #allow(key: string, now: number): boolean {
    let bucket = this.#buckets.get(key)
    if (bucket === undefined) {
      bucket = { tokens: this.#burst, at: now }
      this.#put(this.#buckets, key, bucket)
    }
    bucket.tokens = Math.min(this.#burst, bucket.tokens + (now - bucket.at) / this.#refill)
    bucket.at = now
    if (bucket.tokens < 1) return false
    bucket.tokens -= 1
    return true
  }

  #put<V>(map: Map<string, V>, key: string, value: V): void {
    map.delete(key)
    map.set(key, value)
    if (map.size > CACHE_MAX) {
      const oldest = map.keys().next().value
      if (oldest !== undefined) map.delete(oldest)
    }
  }
}
