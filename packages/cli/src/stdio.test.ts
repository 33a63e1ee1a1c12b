import type * as Fs from 'node:fs'
import { constants } from 'node:fs'
import { beforeEach, describe, expect, it, vi } from 'vitest'

/** What fd 1 is, what reached it, and after how many bytes the direct write fails with `code`. */
interface Fd1 {
  kind: 'socket' | 'fifo' | 'file' | 'tty' | 'none'
  written: string[]
  failAfter: number
  code: string
  /** The descriptors written, in order of the writes. */
  fds: number[]
  /** Whether reopening the pipe through /proc fails (no /proc, no reader). */
  reopenFails: boolean
  /** The flags the pipe was reopened with. */
  reopenFlags: number[]
}
const fd1 = vi.hoisted((): Fd1 => ({ kind: 'socket', written: [], failAfter: Infinity, code: 'EAGAIN', fds: [], reopenFails: false, reopenFlags: [] }))
/** The descriptor the mock's reopened pipe gets. */
const reopened = 101

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof Fs>()
  return {
    ...fs,
    fstatSync: (fd: number) => {
      if (fd !== 1) return fs.fstatSync(fd)
      if (fd1.kind === 'none') throw Object.assign(new Error('EBADF'), { code: 'EBADF' })
      return { isFIFO: () => fd1.kind === 'fifo', isFile: () => fd1.kind === 'file', isSocket: () => fd1.kind === 'socket' }
    },
    openSync: (path: string, flags: number) => {
      if (path !== '/proc/self/fd/1') return fs.openSync(path, flags)
      if (fd1.reopenFails) throw Object.assign(new Error('ENXIO'), { code: 'ENXIO' })
      fd1.reopenFlags.push(flags)
      return 101
    },
    writeSync: (fd: number, bytes: Uint8Array, offset: number, length: number) => {
      if (fd !== 1 && fd !== 101) throw new Error('only fd 1 and the reopened pipe are written here')
      fd1.fds.push(fd)
      const sent = fd1.written.join('').length
      // A partial write (at most 3 bytes), then the error once failAfter bytes went through.
      if (sent >= fd1.failAfter) throw Object.assign(new Error(fd1.code), { code: fd1.code })
      const n = Math.min(length, 3, fd1.failAfter - sent)
      fd1.written.push(Buffer.from(bytes.subarray(offset, offset + n)).toString())
      return n
    },
  }
})

const { directStdout } = await import('./stdio.js')

describe('directStdout', () => {
  let streamWrites: string[]
  beforeEach(() => {
    fd1.written = []
    fd1.failAfter = Infinity
    fd1.fds = []
    fd1.reopenFails = false
    fd1.reopenFlags = []
    streamWrites = []
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      streamWrites.push(Buffer.from(chunk).toString())
      return true
    })
  })

  it('with a guard, writes fd 1 straight when a socket (what a parent that spawns with pipes gives), a FIFO or a file, whole even through partial writes, the guard around each write that may block', () => {
    for (const kind of ['socket', 'fifo', 'file'] as const) {
      fd1.kind = kind
      fd1.written = []
      fd1.fds = []
      const calls: string[] = []
      const out = directStdout({ before: () => calls.push('before'), after: () => calls.push('after') })
      expect(out.write('apiVersion: v1\n')).toBe(true)
      out.write('kind: ConfigMap\n')
      expect(fd1.written.join(''), kind).toBe('apiVersion: v1\nkind: ConfigMap\n')
      expect(new Set(fd1.fds), kind).toEqual(new Set([1]))
      expect(out.streamed, kind).toBe(false)
      expect(out.isTTY, kind).toBe(false)
      expect(calls, kind).toEqual(kind === 'file' ? [] : ['before', 'after', 'before', 'after'])
    }
    expect(streamWrites).toEqual([])
    expect(fd1.reopenFlags).toEqual([])
  })

  it('without a guard, writes a FIFO through a non-blocking descriptor of its own, and a file straight; a socket goes to process.stdout', () => {
    for (const kind of ['fifo', 'file', 'socket'] as const) {
      fd1.kind = kind
      fd1.written = []
      fd1.fds = []
      fd1.reopenFlags = []
      streamWrites = []
      const out = directStdout()
      out.write('apiVersion: v1\n')
      out.write('kind: ConfigMap\n')
      if (kind === 'socket') {
        expect(streamWrites).toEqual(['apiVersion: v1\n', 'kind: ConfigMap\n'])
        expect(out.streamed).toBe(true)
        continue
      }
      expect(fd1.written.join(''), kind).toBe('apiVersion: v1\nkind: ConfigMap\n')
      expect(new Set(fd1.fds), kind).toEqual(new Set([kind === 'fifo' ? reopened : 1]))
      expect(fd1.reopenFlags, kind).toEqual(kind === 'fifo' ? [constants.O_WRONLY | constants.O_NONBLOCK] : [])
      expect(out.streamed, kind).toBe(false)
      expect(streamWrites, kind).toEqual([])
    }
  })

  it('without a guard, leaves a FIFO it cannot reopen to process.stdout', () => {
    fd1.kind = 'fifo'
    fd1.reopenFails = true
    const out = directStdout()
    out.write('x\n')
    expect(streamWrites).toEqual(['x\n'])
    expect(fd1.written).toEqual([])
    expect(out.streamed).toBe(true)
  })

  it('goes on through process.stdout, in order and without losing a byte, once the direct write fails (a full pipe or a non-blocking socket: EAGAIN), the guard undone', () => {
    for (const [kind, guarded] of [['socket', true], ['fifo', true], ['fifo', false]] as const) {
      for (const code of ['EAGAIN']) {
        fd1.kind = kind
        fd1.written = []
        streamWrites = []
        fd1.failAfter = 7
        fd1.code = code
        const calls: string[] = []
        const out = directStdout(guarded ? { before: () => calls.push('before'), after: () => calls.push('after') } : undefined)
        out.write('apiVersion: v1\n')
        out.write('kind: ConfigMap\n')
        expect(fd1.written.join('') + streamWrites.join(''), code).toBe('apiVersion: v1\nkind: ConfigMap\n')
        expect(fd1.written.join(''), code).toBe('apiVers')
        expect(out.streamed, code).toBe(true)
        expect(calls, code).toEqual(guarded ? ['before', 'after'] : [])
      }
    }
  })

  it('ends the command with 141 and writes nothing more once the reader is gone (EPIPE), as SIGPIPE ends the Go tools', () => {
    const exit = vi.spyOn(process, 'exit').mockImplementation((code?: string | number | null) => {
      throw new Error(`exit ${String(code)}`)
    })
    try {
      for (const [kind, guarded] of [['socket', true], ['fifo', true], ['fifo', false], ['file', false]] as const) {
        fd1.kind = kind
        fd1.written = []
        streamWrites = []
        fd1.failAfter = 7
        fd1.code = 'EPIPE'
        const out = directStdout(guarded ? { before: () => undefined, after: () => undefined } : undefined)
        expect(() => out.write('apiVersion: v1\n'), kind).toThrow('exit 141')
        expect(fd1.written.join(''), kind).toBe('apiVers')
        expect(streamWrites, kind).toEqual([])
      }
    } finally {
      exit.mockRestore()
    }
  })

  it('leaves a terminal, and a descriptor it cannot inspect, to process.stdout', () => {
    for (const kind of ['tty', 'none'] as const) {
      fd1.kind = kind
      streamWrites = []
      const out = directStdout()
      out.write('x\n')
      expect(streamWrites, kind).toEqual(['x\n'])
      expect(fd1.written, kind).toEqual([])
      expect(out.streamed, kind).toBe(true)
    }
  })
})
