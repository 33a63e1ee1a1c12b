import { describe, expect, it } from 'vitest'
import { boundedSignal } from './boundedSignal.js'

describe('boundedSignal', () => {
  it("aborts with the caller's reason, and with a TimeoutError when the time is up", async () => {
    const caller = new AbortController()
    const bound = boundedSignal(caller.signal, 60_000)
    caller.abort(new Error('stopped'))
    expect(bound.signal.reason).toEqual(new Error('stopped'))
    bound.dispose()

    const timed = boundedSignal(new AbortController().signal, 1)
    await new Promise((resolve) => timed.signal.addEventListener('abort', resolve, { once: true }))
    expect((timed.signal.reason as DOMException).name).toBe('TimeoutError')
  })

  it('is aborted at once for an aborted caller, and never after dispose', () => {
    const aborted = new AbortController()
    aborted.abort('gone')
    expect(boundedSignal(aborted.signal, 1000).signal.reason).toBe('gone')

    const caller = new AbortController()
    const bound = boundedSignal(caller.signal, 60_000)
    bound.dispose()
    caller.abort('later')
    expect(bound.signal.aborted).toBe(false)
  })
})
