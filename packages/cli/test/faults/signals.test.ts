// Every command ends promptly on SIGINT/SIGTERM: the built CLI is started against something that
// blocks, signalled, and must exit by itself (the test's own timeout is the bound, not a clock).
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { execFileSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import type { Server, Socket } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'

const bin = fileURLToPath(new URL('../../dist/bin.cjs', import.meta.url))

let dir: string
let server: Server
let port: number
const sockets = new Set<Socket>()

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gitops-cli-signals-'))
  // A server that accepts connections and never answers.
  server = createServer((socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  port = (server.address() as { port: number }).port
})

afterAll(async () => {
  for (const s of sockets) s.destroy()
  await new Promise((done) => server.close(done))
  rmSync(dir, { recursive: true, force: true })
})

/** Starts the CLI and resolves once `ready` appears on stderr (it is then blocked). */
function start(argv: readonly string[], ready: string | RegExp): { child: ChildProcess; blocked: Promise<void>; exited: Promise<{ code: number | null; signal: string | null; err: string }> } {
  const child = spawn(process.execPath, [bin, ...argv], { cwd: dir, stdio: ['pipe', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } })
  let err = ''
  const blocked = new Promise<void>((done) => {
    child.stderr.on('data', (chunk: Buffer) => {
      err += chunk.toString()
      if (typeof ready === 'string' ? err.includes(ready) : ready.test(err)) done()
    })
  })
  const exited = new Promise<{ code: number | null; signal: string | null; err: string }>((done) => {
    child.on('exit', (code, signal) => done({ code, signal, err }))
  })
  return { child, blocked, exited }
}

/** Whether a thread of process `pid` waits in open() of a FIFO for a writer (Linux /proc). */
function waitingOnPipe(pid: number): boolean {
  try {
    return readdirSync(`/proc/${pid}/task`).some((task) => readFileSync(`/proc/${pid}/task/${task}/wchan`, 'utf8') === 'wait_for_partner')
  } catch {
    return false
  }
}

/** How a process ended because of `signal`: killed by it, or exited with 128 + its number. */
function endedBy(result: { code: number | null; signal: string | null }, signal: 'SIGINT' | 'SIGTERM'): boolean {
  return result.signal === signal || result.code === (signal === 'SIGINT' ? 130 : 143)
}

describe.skipIf(!existsSync(bin))('gitops on SIGINT and SIGTERM', () => {
  it('ends a fetch from a server that never answers on SIGTERM', async () => {
    const { child, blocked, exited } = start(['fetch', `http://127.0.0.1:${port}/fleet.git`, '--out', 'out'], 'fetching')
    await blocked
    // Wait until the request reached the silent server, so the fetch is really in flight.
    while (sockets.size === 0) await new Promise((r) => setTimeout(r, 20))
    child.kill('SIGTERM')
    const result = await exited
    expect(endedBy(result, 'SIGTERM')).toBe(true)
    expect(result.err).toContain('gitops fetch: interrupted by SIGTERM')
    expect(existsSync(join(dir, 'out'))).toBe(false)
  }, 20_000)

  it('ends a fetch on SIGINT', async () => {
    const { child, blocked, exited } = start(['fetch', `http://127.0.0.1:${port}/fleet.git`, '--out', 'out2'], 'fetching')
    await blocked
    child.kill('SIGINT')
    expect(endedBy(await exited, 'SIGINT')).toBe(true)
  }, 20_000)

  it.skipIf(!existsSync('/proc/self/task'))('ends an apply reading a pipe nobody writes to', async () => {
    const fifo = join(dir, 'objects.fifo')
    execFileSync('mkfifo', [fifo])
    writeFileSync(join(dir, 'kubeconfig'), '')
    const { child, exited } = start(['apply', 'objects.fifo', '--inventory', 'a/b', '--kubeconfig', 'kubeconfig'], /never/)
    // Nothing is printed before the read blocks: wait until the process has its signal handlers
    // and is waiting on the pipe (its open() is parked in a thread: a thread more than at start).
    const pid = child.pid ?? 0
    while (!waitingOnPipe(pid)) await new Promise((r) => setTimeout(r, 20))
    child.kill('SIGTERM')
    const result = await exited
    expect(endedBy(result, 'SIGTERM')).toBe(true)
    expect(result.err).toContain('gitops apply: interrupted by SIGTERM')
  }, 20_000)

  it('refuses a FIFO named as a resource of gitops build instead of blocking', async () => {
    mkdirSync(join(dir, 'app'))
    writeFileSync(join(dir, 'app', 'kustomization.yaml'), 'resources: [pipe.yaml]\n')
    execFileSync('mkfifo', [join(dir, 'app', 'pipe.yaml')])
    const { exited } = start(['build', 'app'], /never/)
    const result = await exited
    expect(result.code).toBe(2)
    expect(result.err).toContain("app/pipe.yaml' must resolve to a file")
  }, 20_000)

  it('exits on a second signal during shutdown', async () => {
    // The apiserver command stops only when its server has closed; a second signal does not wait.
    const { child, blocked, exited } = start(['apiserver'], 'stop with Ctrl-C')
    await blocked
    child.kill('SIGTERM')
    child.kill('SIGTERM')
    const result = await exited
    expect(result.code === 0 || endedBy(result, 'SIGTERM')).toBe(true)
  }, 20_000)
})
