import { describe, expect, it } from 'vitest'
import { deadline } from './deadline.js'

const aborted = (signal: AbortSignal): Promise<unknown> =>
  new Promise((resolve) => {
    if (signal.aborted) resolve(signal.reason)
    else signal.addEventListener('abort', () => resolve(signal.reason), { once: true })
  })

describe('deadline', () => {
  it('aborts with a TimeoutError when the time is up, and says it was the timeout', async () => {
    const caller = new AbortController()
    const d = deadline(caller.signal, 5)
    expect(await aborted(d.signal)).toMatchObject({ name: 'TimeoutError' })
    expect(d.timeout.aborted).toBe(true)
    expect(caller.signal.aborted).toBe(false)
  })

  it("aborts with the caller's reason, untouched, when the caller aborts first", async () => {
    const caller = new AbortController()
    const d = deadline(caller.signal, 60_000)
    const reason = new Error('stop')
    caller.abort(reason)
    expect(await aborted(d.signal)).toBe(reason)
    expect(d.timeout.aborted).toBe(false)
  })

  it('is the timeout itself without a caller signal', () => {
    const d = deadline(undefined, 60_000)
    expect(d.signal).toBe(d.timeout)
  })

  it('holds its timeout for as long as the combined signal lives', () => {
    const d = deadline(new AbortController().signal, 60_000)
    expect((d.signal as unknown as Record<symbol, unknown>)[Symbol.for('gitops-sdk.deadline.timeout')]).toBe(d.timeout)
  })

  it.each([-1, Number.NaN, Infinity])('refuses %s ms with a TypeError', (ms) => {
    expect(() => deadline(undefined, ms)).toThrow(TypeError)
  })
})
