import { describe, expect, it } from 'vitest'
import { runDemo } from './demo.js'

function capture(): { io: Parameters<typeof runDemo>[1]; out: () => string; err: () => string } {
  let out = ''
  let err = ''
  return { io: { stdout: { write: (s: string) => (out += s) }, stderr: { write: (s: string) => (err += s) }, env: {} }, out: () => out, err: () => err }
}

describe('runDemo', () => {
  it('prints its help with an example, exit 0', async () => {
    const c = capture()
    expect(await runDemo(['--help'], c.io)).toBe(0)
    expect(c.out()).toContain('Example:\n  npm run demo')
  })

  it('fails an unknown flag, a bad --output and a folder that is no fleet with one line on stderr, exit 2', async () => {
    const a = capture()
    expect(await runDemo(['--nope'], a.io)).toBe(2)
    expect(a.err()).toMatch(/^demo: Unknown option '--nope'/)
    const b = capture()
    expect(await runDemo(['-o', 'xml'], b.io)).toBe(2)
    expect(b.err()).toBe('demo: --output must be text, json or yaml, not xml\n')
    const c = capture()
    expect(await runDemo(['--dir', '/nonexistent-fleet'], c.io)).toBe(2)
    expect(c.err()).toBe('demo: /nonexistent-fleet: not an example fleet (no clusters/prod)\n')
    expect(a.out() + b.out() + c.out()).toBe('')
  })
})
