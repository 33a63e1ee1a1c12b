import type * as Fs from 'node:fs'
import { beforeEach, describe, expect, it, vi } from 'vitest'

/** What fd 2 is, what reached it, and after how many bytes the direct write fails with `code`. */
interface Fd2 {
  kind: 'socket' | 'fifo' | 'file' | 'tty' | 'none'
  written: string[]
  failAfter: number
  code: string
}
const fd2 = vi.hoisted((): Fd2 => ({ kind: 'fifo', written: [], failAfter: Infinity, code: 'EAGAIN' }))

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof Fs>()
  return {
    ...fs,
    fstatSync: (fd: number) => {
      if (fd !== 2) return fs.fstatSync(fd)
      if (fd2.kind === 'none') throw Object.assign(new Error('EBADF'), { code: 'EBADF' })
      return { isFIFO: () => fd2.kind === 'fifo', isFile: () => fd2.kind === 'file', isSocket: () => fd2.kind === 'socket' }
    },
    writeSync: (fd: number, bytes: Uint8Array, offset: number, length: number) => {
      if (fd !== 2) throw new Error('only fd 2 is written here')
      const sent = fd2.written.join('').length
      // A partial write (at most 3 bytes), then the error once failAfter bytes went through.
      if (sent >= fd2.failAfter) throw Object.assign(new Error(fd2.code), { code: fd2.code })
      const n = Math.min(length, 3, fd2.failAfter - sent)
      fd2.written.push(Buffer.from(bytes.subarray(offset, offset + n)).toString())
      return n
    },
  }
})

const { directStderr } = await import('./stdio.js')

const warning = "# Warning: 'patchesStrategicMerge' is deprecated.\n"

describe('directStderr', () => {
  let streamWrites: string[]
  beforeEach(() => {
    fd2.written = []
    fd2.failAfter = Infinity
    streamWrites = []
    vi.spyOn(process.stderr, 'write').mockImplementation((chunk: string | Uint8Array) => {
      streamWrites.push(Buffer.from(chunk).toString())
      return true
    })
  })

  it('with a guard, writes fd 2 straight when a pipe, a socket or a file, whole even through partial writes, the guard around each write', () => {
    for (const kind of ['fifo', 'socket', 'file'] as const) {
      fd2.kind = kind
      fd2.written = []
      const calls: string[] = []
      const err = directStderr({ before: () => calls.push('before'), after: () => calls.push('after') })
      expect(err.write(warning)).toBe(true)
      err.write('second\n')
      expect(fd2.written.join(''), kind).toBe(`${warning}second\n`)
      expect(err.streamed, kind).toBe(false)
      expect(err.isTTY, kind).toBe(false)
      expect(calls, kind).toEqual(['before', 'after', 'before', 'after'])
    }
    expect(streamWrites).toEqual([])
  })

  it('without a guard, and for a terminal or a descriptor it cannot inspect, writes through process.stderr', () => {
    fd2.kind = 'fifo'
    const unguarded = directStderr()
    unguarded.write(warning)
    expect(unguarded.streamed).toBe(true)
    for (const kind of ['tty', 'none'] as const) {
      fd2.kind = kind
      const err = directStderr({ before: () => undefined, after: () => undefined })
      err.write(warning)
      expect(err.streamed, kind).toBe(true)
    }
    expect(fd2.written).toEqual([])
    expect(streamWrites).toEqual([warning, warning, warning])
  })

  it('goes on through process.stderr, in order and without losing a byte, once a direct write fails (EAGAIN, EPIPE), the guard undone', () => {
    for (const code of ['EAGAIN', 'EPIPE']) {
      fd2.kind = 'fifo'
      fd2.written = []
      streamWrites = []
      fd2.failAfter = 7
      fd2.code = code
      const calls: string[] = []
      const err = directStderr({ before: () => calls.push('before'), after: () => calls.push('after') })
      err.write(warning)
      err.write('second\n')
      expect(fd2.written.join(''), code).toBe(warning.slice(0, 7))
      expect(fd2.written.join('') + streamWrites.join(''), code).toBe(`${warning}second\n`)
      expect(err.streamed, code).toBe(true)
      expect(calls, code).toEqual(['before', 'after'])
    }
  })
})
