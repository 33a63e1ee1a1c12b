/** What one item of {@link settleAll} ended in. */
export type Settled<R> = { readonly ok: true; readonly value: R } | { readonly ok: false; readonly error: unknown }

/**
 * Runs `work` over `items` with at most `limit` at a time and waits for all of them, keeping each
 * outcome in input order (every failure, not only the first). An abort of `signal` stops starting
 * new items and rejects with `signal.reason` once the running ones settle.
 */
export async function settleAll<T, R>(
  items: readonly T[],
  work: (item: T, index: number) => Promise<R>,
  options: { readonly limit: number; readonly signal?: AbortSignal | undefined },
): Promise<Settled<R>[]> {
  const results = new Array<Settled<R>>(items.length)
  let next = 0
  const worker = async (): Promise<void> => {
    while (next < items.length) {
      if (options.signal?.aborted === true) return
      const index = next
      next += 1
      try {
        results[index] = { ok: true, value: await work(items[index] as T, index) }
      } catch (error) {
        results[index] = { ok: false, error }
      }
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(options.limit, items.length)) }, worker))
  options.signal?.throwIfAborted()
  return results
}

/** Like {@link settleAll}, but rejects with the first error (after all running items settled). */
export async function mapAll<T, R>(
  items: readonly T[],
  work: (item: T, index: number) => Promise<R>,
  options: { readonly limit: number; readonly signal?: AbortSignal | undefined },
): Promise<R[]> {
  const settled = await settleAll(items, work, options)
  return settled.map((s) => {
    if (!s.ok) throw s.error
    return s.value
  })
}
