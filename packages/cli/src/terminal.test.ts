import { describe, expect, it } from 'vitest'
import type { CliIO } from './context.js'
import { createProgress, useColor } from './terminal.js'

function io(tty: boolean, env: Record<string, string> = {}): { io: CliIO; err: () => string } {
  let err = ''
  return {
    io: { stdout: { write: () => true, isTTY: tty }, stderr: { write: (s: string) => (err += s), isTTY: tty }, env },
    err: () => err,
  }
}

describe('terminal', () => {
  it('colours only a terminal, and never with NO_COLOR set', () => {
    expect(useColor(io(true).io)).toBe(true)
    expect(useColor(io(false).io)).toBe(false)
    expect(useColor(io(true, { NO_COLOR: '1' }).io)).toBe(false)
    expect(useColor(io(true, { TERM: 'dumb' }).io)).toBe(false)
  })

  it('draws one rewritten bar on a terminal', () => {
    const t = io(true)
    const progress = createProgress(t.io)
    progress.update('applying', 1, 4)
    progress.update('applying', 4, 4)
    progress.end()
    expect(t.err()).toContain('applying [######..................] 1/4')
    expect(t.err()).toContain('\r')
    expect(t.err()).not.toContain('\n')
  })

  it('prints one plain line per step elsewhere', () => {
    const t = io(false)
    const progress = createProgress(t.io)
    progress.update('fetch', 0)
    progress.update('fetch', 1)
    progress.update('render', 0)
    progress.line('warning: x')
    expect(t.err()).toBe('fetch\nrender\nwarning: x\n')
  })
})
