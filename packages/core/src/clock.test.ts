import { getEventListeners } from 'node:events'
import { describe, expect, it } from 'vitest'
import { createFakeClock, systemClock } from './index.js'

describe('clock', () => {
  it('fake clock resolves sleeps in order as time advances', async () => {
    const clock = createFakeClock(new Date('2026-01-01T00:00:00Z'))
    const order: string[] = []
    void clock.sleep(2000).then(() => order.push('2s'))
    void clock.sleep(1000).then(() => order.push('1s'))
    await clock.advance(1500)
    expect(order).toEqual(['1s'])
    await clock.advance(1000)
    expect(order).toEqual(['1s', '2s'])
    expect(clock.now().toISOString()).toBe('2026-01-01T00:00:02.500Z')
  })

  it('rejects a sleep with the signal reason when aborted', async () => {
    const controller = new AbortController()
    const sleeping = systemClock.sleep(60_000, controller.signal)
    controller.abort(new Error('stop'))
    await expect(sleeping).rejects.toThrow('stop')
  })

  it('fake clock leaves no abort listener behind once a sleep resolved', async () => {
    const clock = createFakeClock()
    const controller = new AbortController()
    // More sleeps on one signal than Node's MaxListeners warning (10) allows.
    const sleeps = Array.from({ length: 25 }, (_, i) => clock.sleep(i * 10, controller.signal))
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(25)
    await clock.advance(1000)
    await Promise.all(sleeps)
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
  })

  it('fake clock rejects a pending sleep with the signal reason and forgets it', async () => {
    const clock = createFakeClock()
    const controller = new AbortController()
    const sleeping = clock.sleep(1000, controller.signal)
    controller.abort(new Error('stop'))
    await expect(sleeping).rejects.toThrow('stop')
    await clock.advance(2000)
    expect(getEventListeners(controller.signal, 'abort')).toHaveLength(0)
  })
})
