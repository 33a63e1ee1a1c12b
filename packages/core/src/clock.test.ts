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
})
