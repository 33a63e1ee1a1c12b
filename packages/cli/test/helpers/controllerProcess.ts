// `gitops controller` as a real process for the integration tests, each replica behind its own
// HTTP proxy to the embedded apiserver, so that the test can audit which process wrote what.
import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { createServer, request } from 'node:http'
import type { Server } from 'node:http'
import type { Socket } from 'node:net'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'

const bin = fileURLToPath(new URL('../../dist/bin.cjs', import.meta.url))

/** One write a replica sent: method, path, answer status. */
export interface AuditedWrite {
  readonly method: string
  readonly path: string
  readonly status: number
  readonly at: number
}

/** A running replica. */
export interface Replica {
  readonly name: string
  readonly child: ChildProcess
  /** Writes (not GET) this replica sent, in order. */
  readonly writes: AuditedWrite[]
  /** Everything it printed on stderr so far. */
  stderr(): string
  /** Resolves once `pattern` appears on stderr. */
  waitFor(pattern: RegExp): Promise<void>
  readonly exited: Promise<{ code: number | null; signal: string | null }>
  /** Stops the proxy (after the process is gone). */
  close(): Promise<void>
}

/** A forwarding proxy to `target` (plain HTTP) that records every write. */
async function startProxy(target: URL, writes: AuditedWrite[]): Promise<{ server: Server; url: string; sockets: Set<Socket> }> {
  const sockets = new Set<Socket>()
  const server = createServer((req, res) => {
    const upstream = request({ host: target.hostname, port: target.port, path: req.url, method: req.method, headers: req.headers }, (answer) => {
      if (req.method !== 'GET') writes.push({ method: req.method ?? '', path: req.url ?? '', status: answer.statusCode ?? 0, at: Date.now() })
      res.writeHead(answer.statusCode ?? 502, answer.headers)
      answer.pipe(res)
    })
    upstream.on('error', () => res.destroy())
    res.on('close', () => upstream.destroy())
    req.pipe(upstream)
  })
  server.on('connection', (s) => {
    sockets.add(s)
    s.on('close', () => sockets.delete(s))
  })
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done))
  const { port } = server.address() as { port: number }
  return { server, url: `http://127.0.0.1:${port}`, sockets }
}

/** Starts `gitops controller ARGS` with a kubeconfig pointing at its own proxy of the apiserver. */
export async function startReplica(name: string, input: { dir: string; kubeconfigYaml: string; server: string; args: readonly string[]; env?: Record<string, string> }): Promise<Replica> {
  const writes: AuditedWrite[] = []
  const proxy = await startProxy(new URL(input.server), writes)
  const kubeconfig = join(input.dir, `kubeconfig-${name}`)
  writeFileSync(kubeconfig, input.kubeconfigYaml.split(input.server).join(proxy.url), { mode: 0o600 })
  const child = spawn(process.execPath, [bin, 'controller', '--kubeconfig', kubeconfig, '--log-format', 'json', ...input.args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { PATH: process.env.PATH ?? '', HOME: input.dir, NO_COLOR: '1', ...input.env },
  })
  let err = ''
  const waiters: { pattern: RegExp; done: () => void }[] = []
  child.stderr.on('data', (chunk: Buffer) => {
    err += chunk.toString()
    for (const w of [...waiters]) {
      if (w.pattern.test(err)) {
        waiters.splice(waiters.indexOf(w), 1)
        w.done()
      }
    }
  })
  child.stdout.resume()
  const exited = new Promise<{ code: number | null; signal: string | null }>((done) => child.on('exit', (code, signal) => done({ code, signal })))
  return {
    name,
    child,
    writes,
    stderr: () => err,
    waitFor: (pattern) =>
      pattern.test(err)
        ? Promise.resolve()
        : new Promise<void>((done) => {
            waiters.push({ pattern, done })
          }),
    exited,
    async close() {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
      await exited
      for (const s of proxy.sockets) s.destroy()
      await new Promise((done) => proxy.server.close(done))
    },
  }
}
