import { type ChildProcess, execFileSync, spawn, spawnSync } from 'node:child_process'
import { closeSync, constants, existsSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

// `gitops build` writes its output straight to a pipe or a socket (stdio.ts). A reader that stops
// reading blocks that write; a SIGINT or SIGTERM arriving then must still end the process at once,
// by the signal, as it does anywhere else in the command (bin.ts).

const bin = fileURLToPath(new URL('../dist/bin.cjs', import.meta.url))

/** Whether the process `pid` waits in a write(2) to fd 1 (x86-64: syscall 1; arm64: 64), per /proc. */
function inWriteToStdout(pid: number): boolean | undefined {
  let line: string
  try {
    line = readFileSync(`/proc/${pid}/syscall`, 'utf8')
  } catch {
    return undefined
  }
  const [nr, fd] = line.split(' ')
  return (nr === '1' || nr === '64') && fd === '0x1'
}

/** Waits until the child is blocked writing its stdout (false if /proc cannot tell, or it exited). */
async function blocked(child: ChildProcess): Promise<boolean> {
  const pid = child.pid as number
  for (let i = 0; i < 3000; i++) {
    if (child.exitCode !== null || child.signalCode !== null) return false
    const state = inWriteToStdout(pid)
    if (state === undefined) return false
    // Still blocked a moment later: the reader is not taking anything.
    if (state) {
      await new Promise((r) => setTimeout(r, 50))
      if (inWriteToStdout(pid) === true) return true
    }
    await new Promise((r) => setTimeout(r, 20))
  }
  return false
}

/** The child's end: its exit code and signal, or undefined if it is still running after `ms`. */
function ended(child: ChildProcess, ms: number): Promise<{ code: number | null; signal: NodeJS.Signals | null } | undefined> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve(undefined), ms)
    child.once('exit', (code, signal) => {
      clearTimeout(timer)
      resolve({ code, signal })
    })
  })
}

const canTell = process.platform === 'linux' && existsSync('/proc/self/syscall')

describe.skipIf(!existsSync(bin) || !canTell)('gitops build stops on a signal while its reader pauses', () => {
  let root = ''
  let dir = ''
  let expected = Buffer.alloc(0)

  beforeAll(() => {
    root = mkdtempSync(join(tmpdir(), 'gitops-stdio-signal-'))
    dir = join(root, 'app')
    execFileSync('mkdir', [dir])
    // About 2 MB of output: more than a pipe (64 KiB) or a Unix socket buffers.
    const data = Array.from({ length: 8000 }, (_, i) => `  k${i}: ${'v'.repeat(240)}\n`).join('')
    writeFileSync(join(dir, 'cm.yaml'), `apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: big\ndata:\n${data}`)
    writeFileSync(join(dir, 'kustomization.yaml'), 'resources:\n- cm.yaml\n')
    const file = join(root, 'expected.yaml')
    const fd = openSync(file, 'w')
    try {
      expect(spawnSync(process.execPath, [bin, 'build', dir], { stdio: ['ignore', fd, 'pipe'] }).status).toBe(0)
    } finally {
      closeSync(fd)
    }
    expected = readFileSync(file)
    expect(expected.length).toBeGreaterThan(1_900_000)
  })

  afterAll(() => {
    if (root !== '') rmSync(root, { recursive: true, force: true })
  })

  for (const signal of ['SIGTERM', 'SIGINT'] as const) {
    it(`ends by ${signal} while writing to a socket nobody reads (a Node parent's stdio: 'pipe')`, async (ctx) => {
      const child = spawn(process.execPath, [bin, 'build', dir], { stdio: ['ignore', 'pipe', 'ignore'] })
      // Not reading: the stream takes what fits in its buffer, then the socket fills.
      try {
        if (!(await blocked(child))) ctx.skip()
        child.kill(signal)
        const end = await ended(child, 5000)
        expect(end).toEqual({ code: null, signal })
      } finally {
        child.stdout.destroy()
        child.kill('SIGKILL')
      }
    })

    it(`ends by ${signal} while writing to a FIFO nobody reads`, async (ctx) => {
      const fifo = join(root, `fifo-${signal}`)
      execFileSync('mkfifo', [fifo])
      const reader = openSync(fifo, constants.O_RDONLY | constants.O_NONBLOCK)
      const writer = openSync(fifo, 'w')
      const child = spawn(process.execPath, [bin, 'build', dir], { stdio: ['ignore', writer, 'ignore'] })
      closeSync(writer)
      try {
        if (!(await blocked(child))) ctx.skip()
        child.kill(signal)
        const end = await ended(child, 5000)
        expect(end).toEqual({ code: null, signal })
      } finally {
        child.kill('SIGKILL')
        closeSync(reader)
      }
    })
  }

  it('ends quietly with 141 when its reader goes away, as `kubectl kustomize DIR | head` does', async () => {
    const piped = spawnSync('bash', ['-c', 'set -o pipefail; "$0" "$1" build "$2" | head -c 10', process.execPath, bin, dir], { encoding: 'utf8' })
    expect(piped.stdout).toBe(expected.subarray(0, 10).toString())
    expect(piped.stderr).toBe('')
    expect(piped.status).toBe(141)
    const child = spawn(process.execPath, [bin, 'build', dir], { stdio: ['ignore', 'pipe', 'pipe'] })
    let stderr = ''
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
    child.stdout.once('data', () => child.stdout.destroy())
    const end = await new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal })))
    expect(end).toEqual({ code: 141, signal: null })
    expect(stderr).toBe('')
  })

  it('writes the same bytes to a socket and to a pipe that are read as to a file', async () => {
    const child = spawn(process.execPath, [bin, 'build', dir], { stdio: ['ignore', 'pipe', 'ignore'] })
    const chunks: Buffer[] = []
    child.stdout.on('data', (chunk: Buffer) => chunks.push(chunk))
    const end = await new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal })))
    expect(end).toEqual({ code: 0, signal: null })
    expect(Buffer.concat(chunks).equals(expected)).toBe(true)
    const piped = spawnSync('sh', ['-c', 'exec "$0" "$1" build "$2" | cat', process.execPath, bin, dir], { maxBuffer: 64 << 20 })
    expect(piped.status).toBe(0)
    expect(piped.stdout.equals(expected)).toBe(true)
  })
})
