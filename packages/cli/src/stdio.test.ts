import type * as Fs from 'node:fs'
import { beforeEach, describe, expect, it, vi } from 'vitest'

/** What fd 1 is, what reached it, and after how many bytes the direct write fails with `code`. */
interface Fd1 {
  kind: 'socket' | 'fifo' | 'file' | 'tty' | 'none'
  written: string[]
  failAfter: number
  code: string
}
const fd1 = vi.hoisted((): Fd1 => ({ kind: 'socket', written: [], failAfter: Infinity, code: 'EAGAIN' }))

vi.mock('node:fs', async (importOriginal) => {
  const fs = await importOriginal<typeof Fs>()
  return {
    ...fs,
    fstatSync: (fd: number) => {
      if (fd !== 1) return fs.fstatSync(fd)
      if (fd1.kind === 'none') throw Object.assign(new Error('EBADF'), { code: 'EBADF' })
      return { isFIFO: () => fd1.kind === 'fifo', isFile: () => fd1.kind === 'file', isSocket: () => fd1.kind === 'socket' }
    },
    writeSync: (fd: number, bytes: Uint8Array, offset: number, length: number) => {
      if (fd !== 1) throw new Error('only fd 1 is written here')
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
    streamWrites = []
    vi.spyOn(process.stdout, 'write').mockImplementation((chunk: string | Uint8Array) => {
      streamWrites.push(Buffer.from(chunk).toString())
      return true
    })
  })

  it('writes straight to a socket (what a parent that spawns with pipes gives), a FIFO and a file, whole even through partial writes', () => {
    for (const kind of ['socket', 'fifo', 'file'] as const) {
      fd1.kind = kind
      fd1.written = []
      const out = directStdout()
      expect(out.write('apiVersion: v1\n')).toBe(true)
      out.write('kind: ConfigMap\n')
      expect(fd1.written.join(''), kind).toBe('apiVersion: v1\nkind: ConfigMap\n')
      expect(out.streamed, kind).toBe(false)
      expect(out.isTTY, kind).toBe(false)
    }
    expect(streamWrites).toEqual([])
  })

  it('goes on through process.stdout, in order and without losing a byte, once the direct write fails (a non-blocking socket: EAGAIN; a reader gone: EPIPE)', () => {
    for (const code of ['EAGAIN', 'EPIPE']) {
      fd1.kind = 'socket'
      fd1.written = []
      streamWrites = []
      fd1.failAfter = 7
      fd1.code = code
      const out = directStdout()
      out.write('apiVersion: v1\n')
      out.write('kind: ConfigMap\n')
      expect(fd1.written.join('') + streamWrites.join(''), code).toBe('apiVersion: v1\nkind: ConfigMap\n')
      expect(fd1.written.join(''), code).toBe('apiVers')
      expect(out.streamed, code).toBe(true)
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
