import { describe, expect, it } from 'vitest'
import { createFakeClock } from '@gitops-sdk/core'
import { bucketRateLimiter, exponentialRateLimiter, maxOfRateLimiters } from './rateLimiter.js'
import { runWorkers } from './runWorkers.js'
import { createWorkQueue } from './workQueue.js'

const tick = async (): Promise<void> => {
  for (let i = 0; i < 10; i++) await Promise.resolve()
}

describe('createWorkQueue', () => {
  it('hands out a key added many times while it waits once', async () => {
    const queue = createWorkQueue()
    queue.add('a')
    queue.add('b')
    queue.add('a')
    expect(queue.length).toBe(2)
    expect(await queue.get()).toBe('a')
    expect(await queue.get()).toBe('b')
    expect(queue.length).toBe(0)
  })

  it('never gives a key to a second worker while the first holds it; an add meanwhile runs it again after done', async () => {
    const queue = createWorkQueue()
    queue.add('a')
    const first = await queue.get()
    queue.add('a')
    queue.add('a')
    expect(queue.length).toBe(0)
    let second: string | undefined
    void queue.get().then((k) => (second = k))
    await tick()
    expect(second).toBeUndefined()
    queue.done(first!)
    await tick()
    expect(second).toBe('a')
  })

  it('keeps at most `concurrency` keys in work and each key in one worker at a time', async () => {
    const queue = createWorkQueue()
    const controller = new AbortController()
    let inFlight = 0
    let most = 0
    const holding = new Set<string>()
    let overlap = false
    let runs = 0
    const done = runWorkers(
      queue,
      async (key) => {
        if (holding.has(key)) overlap = true
        holding.add(key)
        inFlight++
        most = Math.max(most, inFlight)
        runs++
        await tick()
        if (runs < 30) queue.add(key === 'a' ? 'b' : 'a')
        holding.delete(key)
        inFlight--
        return undefined
      },
      { concurrency: 3, signal: controller.signal },
    )
    for (const key of ['a', 'b', 'c', 'd', 'e', 'a', 'b']) queue.add(key)
    for (let i = 0; i < 40 && runs < 30; i++) await tick()
    await queue.drain()
    controller.abort()
    await done
    expect(overlap).toBe(false)
    expect(most).toBe(3)
  })

  it('adds a delayed key when its clock reaches the earliest of its delays', async () => {
    const clock = createFakeClock()
    const queue = createWorkQueue({ clock })
    queue.addAfter('a', 1000)
    queue.addAfter('a', 500)
    queue.addAfter('a', 2000)
    queue.addAfter('b', 0)
    expect(queue.length).toBe(1)
    expect(await queue.get()).toBe('b')
    await clock.advance(499)
    expect(queue.length).toBe(0)
    await clock.advance(1)
    expect(queue.length).toBe(1)
    await clock.advance(5000)
    expect(queue.length).toBe(1)
  })

  it('keeps one timer for later keys and re-arms it for an earlier one, releasing each key when due', async () => {
    const clock = createFakeClock()
    const queue = createWorkQueue({ clock })
    queue.addAfter('late', 3000)
    for (let i = 0; i < 50; i++) queue.addAfter(`k${i}`, 2000 + i)
    queue.addAfter('early', 1000)
    await clock.advance(999)
    expect(queue.length).toBe(0)
    await clock.advance(1)
    expect(await queue.get()).toBe('early')
    queue.done('early')
    await clock.advance(1000)
    expect(queue.length).toBe(1)
    await clock.advance(49)
    expect(queue.length).toBe(50)
    await clock.advance(950)
    expect(queue.length).toBe(50)
    await clock.advance(1)
    expect(queue.length).toBe(51)
  })

  it('retries a failing key with exponential back-off plus jitter, and forgets it on success', async () => {
    const clock = createFakeClock()
    const limiter = exponentialRateLimiter({ baseDelay: 100, maxDelay: 1000, jitter: 0.5, random: () => 0.5 })
    const queue = createWorkQueue({ clock, rateLimiter: limiter })
    expect([limiter.when('x'), limiter.when('x'), limiter.when('x'), limiter.when('x'), limiter.when('x')]).toEqual([125, 250, 500, 1000, 1000])
    limiter.forget('x')
    queue.addRateLimited('k')
    queue.addRateLimited('k')
    expect(queue.retries('k')).toBe(2)
    await clock.advance(124)
    expect(queue.length).toBe(0)
    await clock.advance(1)
    expect(queue.length).toBe(1)
    queue.forget('k')
    expect(queue.retries('k')).toBe(0)
  })

  it('spreads retries of all keys through one token bucket once its burst is spent', async () => {
    const clock = createFakeClock()
    const bucket = bucketRateLimiter({ qps: 10, burst: 2, clock })
    expect([bucket.when('a'), bucket.when('b'), bucket.when('c'), bucket.when('d')]).toEqual([0, 0, 100, 200])
    await clock.advance(1000)
    expect(bucket.when('e')).toBe(0)
    const both = maxOfRateLimiters([exponentialRateLimiter({ baseDelay: 5, jitter: 0 }), bucketRateLimiter({ qps: 1, burst: 1, clock })])
    expect([both.when('a'), both.when('a')]).toEqual([5, 1000])
  })

  it('drains on shutdown: waiting keys are still handed out, new adds are ignored, drain waits for work in hand', async () => {
    const queue = createWorkQueue()
    queue.add('a')
    queue.add('b')
    const held = await queue.get()
    let drained = false
    const drain = queue.drain().then(() => (drained = true))
    queue.add('c')
    expect(await queue.get()).toBe('b')
    queue.done('b')
    expect(await queue.get()).toBeUndefined()
    await tick()
    expect(drained).toBe(false)
    queue.done(held!)
    await drain
    expect(drained).toBe(true)
  })

  it('calls its metric hooks for adds, depth, latency, work duration and retries', async () => {
    const clock = createFakeClock()
    const seen: string[] = []
    const queue = createWorkQueue({
      clock,
      rateLimiter: exponentialRateLimiter({ baseDelay: 10, jitter: 0 }),
      metrics: {
        add: () => seen.push('add'),
        depth: (d) => seen.push(`depth ${d}`),
        latency: (ms) => seen.push(`latency ${ms}`),
        workDuration: (ms) => seen.push(`work ${ms}`),
        retry: () => seen.push('retry'),
      },
    })
    queue.add('a')
    await clock.advance(30)
    const key = await queue.get()
    await clock.advance(20)
    queue.done(key!)
    queue.addRateLimited('a')
    expect(seen).toEqual(['add', 'depth 1', 'depth 0', 'latency 30', 'work 20', 'retry'])
  })

  it('rejects a waiting get with the reason of its aborted signal', async () => {
    const queue = createWorkQueue()
    const controller = new AbortController()
    const pending = queue.get(controller.signal)
    controller.abort(new Error('stop'))
    await expect(pending).rejects.toThrow('stop')
  })

  it('rejects only the gets waiting under the aborted signal, each wait after the first listening through one listener', async () => {
    const queue = createWorkQueue()
    const stopped = new AbortController()
    const other = new AbortController()
    let listeners = 0
    const add = stopped.signal.addEventListener.bind(stopped.signal)
    stopped.signal.addEventListener = (...args: Parameters<AbortSignal['addEventListener']>) => {
      listeners++
      add(...args)
    }
    // One wait under the signal, woken by a key, then two more: one listener for all three.
    const first = queue.get(stopped.signal)
    queue.add('a')
    await expect(first).resolves.toBe('a')
    const waiting = [queue.get(stopped.signal), queue.get(stopped.signal)]
    const survivor = queue.get(other.signal)
    await tick()
    expect(listeners).toBe(1)
    stopped.abort(new Error('stop'))
    for (const pending of waiting) await expect(pending).rejects.toThrow('stop')
    queue.add('b')
    await expect(survivor).resolves.toBe('b')
  })
})

describe('runWorkers', () => {
  it('requeues after the asked delay, retries throwing work rate-limited, and stops when the queue shuts down', async () => {
    const clock = createFakeClock()
    const queue = createWorkQueue({ clock, rateLimiter: exponentialRateLimiter({ baseDelay: 100, jitter: 0 }) })
    const calls: string[] = []
    const errors: string[] = []
    const controller = new AbortController()
    const done = runWorkers(
      queue,
      async (key) => {
        calls.push(key)
        if (key === 'fails' && calls.filter((k) => k === 'fails').length < 3) throw new Error('boom')
        if (key === 'later' && calls.filter((k) => k === 'later').length === 1) return { requeueAfter: 5000 }
        return undefined
      },
      { signal: controller.signal, onError: (key) => errors.push(key) },
    )
    queue.add('fails')
    queue.add('later')
    await tick()
    await clock.advance(100)
    await tick()
    await clock.advance(200)
    await tick()
    expect(calls.filter((k) => k === 'fails')).toHaveLength(3)
    expect(errors).toEqual(['fails', 'fails'])
    expect(queue.retries('fails')).toBe(0)
    await clock.advance(5000)
    await tick()
    expect(calls.filter((k) => k === 'later')).toHaveLength(2)
    queue.shutDown()
    await done
  })

  it('refuses a concurrency below one before doing anything', async () => {
    await expect(runWorkers(createWorkQueue(), async () => undefined, { concurrency: 0, signal: new AbortController().signal })).rejects.toThrow(TypeError)
  })
})
