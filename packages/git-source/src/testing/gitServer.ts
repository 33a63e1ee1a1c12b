import { spawn } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { createServer as createHttpServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import { createServer as createHttpsServer } from 'node:https'
import type { AddressInfo } from 'node:net'
import { gitEnv } from './runGit.js'
import type { GitServerFault, GitServerFaultTarget } from './gitServerFault.js'

/** Credentials a {@link startGitServer} server demands: HTTP basic, or a bearer token. */
export type GitServerAuth =
  | {
      /** The one user name accepted. */
      readonly username: string
      /** Its password. */
      readonly password: string
    }
  | {
      /** The one bearer token accepted. */
      readonly token: string
    }

export type { GitServerFault, GitServerFaultTarget } from './gitServerFault.js'

/** One request the server saw, for assertions (never the credentials themselves). */
export interface GitServerRequest {
  /** The HTTP method, `GET` or `POST`. */
  readonly method: string
  /** Path and query, e.g. `/fleet.git/info/refs?service=git-upload-pack`. */
  readonly path: string
  /** The git service: `info-refs` for the advertisement, `upload-pack` for a pack request. */
  readonly service: 'info-refs' | 'upload-pack' | 'other'
  /** The HTTP status answered. */
  readonly status: number
  /** Body bytes sent back. */
  readonly bytes: number
  /** Which credentials the request carried. */
  readonly authorization: 'basic' | 'bearer' | 'none' | 'other'
  /** The `Git-Protocol` header, e.g. `version=2`. */
  readonly protocol: string | undefined
}

/** Options of {@link startGitServer}. */
export interface StartGitServerOptions {
  /** Directory whose bare repositories are served: `root/fleet.git` at `${url}/fleet.git`. */
  readonly root: string
  /** Credentials every request must carry; a missing or wrong one gets 401. @defaultValue none */
  readonly auth?: GitServerAuth | undefined
  /** Serve HTTPS with this PEM key and certificate instead of HTTP. */
  readonly tls?: {
    /** The server's private key, PEM. */
    readonly key: string | Uint8Array
    /** The server's certificate, PEM. */
    readonly cert: string | Uint8Array
  } | undefined
  /** Pass the client's `Git-Protocol` header to git, allowing protocol v2. @defaultValue true */
  readonly protocolV2?: boolean | undefined
  /** The git binary. @defaultValue `'git'` */
  readonly git?: string | undefined
}

/** A running test git server; stop it in the same test file. */
export interface GitServer {
  /** Base URL, `http://127.0.0.1:PORT` (or `https://`); a repository is at `${url}/${name}`. */
  readonly url: string
  /** The port listened on, on 127.0.0.1. */
  readonly port: number
  /** Every request so far, oldest first. */
  readonly requests: readonly GitServerRequest[]
  /** Plays `fault` on the next request that matches `target` (default `upload-pack`). */
  failNext(fault: GitServerFault, target?: GitServerFaultTarget): void
  /** Forgets the recorded requests. */
  clearRequests(): void
  /** Closes every connection, ends every git process and stops listening. */
  stop(): Promise<void>
}

/**
 * Starts an HTTP server on 127.0.0.1 (a free port) that serves the bare repositories under `root`
 * through `git http-backend`, as a git host does, optionally behind basic or bearer auth and TLS,
 * and able to fail on purpose. It only ever spawns `git`.
 *
 * @example
 * ```ts
 * const server = await startGitServer({ root, auth: { token: 'test-token' } })
 * try {
 *   const artifact = await fetchSource(`${server.url}/fleet.git`, { auth: { token: 'test-token' } })
 * } finally {
 *   await server.stop()
 * }
 * ```
 */
export async function startGitServer(options: StartGitServerOptions): Promise<GitServer> {
  const requests: GitServerRequest[] = []
  const children = new Set<ChildProcess>()
  const faults: { fault: GitServerFault; target: GitServerFaultTarget }[] = []
  const handler = (req: IncomingMessage, res: ServerResponse): void => {
    const path = req.url ?? '/'
    const service = path.includes('/info/refs') ? 'info-refs' : path.endsWith('/git-upload-pack') ? 'upload-pack' : 'other'
    const authorization = schemeOf(req.headers.authorization)
    const protocol = req.headers['git-protocol'] as string | undefined
    // Recorded on arrival (so the order is the order of requests) and updated as the answer goes
    // out: the bytes are counted before they are written, so they are final once the client has them.
    const entry: { -readonly [K in keyof GitServerRequest]: GitServerRequest[K] } = {
      method: req.method ?? 'GET',
      path,
      service,
      status: 0,
      bytes: 0,
      authorization,
      protocol,
    }
    requests.push(entry)
    let bytes = 0
    const record = (status: number): void => {
      entry.status = status
      entry.bytes = bytes
    }
    if (options.auth !== undefined && !authorized(req.headers.authorization, options.auth)) {
      res.writeHead(401, { 'www-authenticate': 'token' in options.auth ? 'Bearer realm="git"' : 'Basic realm="git"' })
      res.end()
      record(401)
      req.resume()
      return
    }
    const index = faults.findIndex((f) => f.target === 'any' || f.target === service)
    const fault = index < 0 ? undefined : faults.splice(index, 1)[0]?.fault
    if (fault?.type === 'stall') {
      record(0)
      req.resume()
      return
    }
    if (fault?.type === 'status') {
      res.writeHead(fault.status, { ...fault.headers })
      res.end()
      record(fault.status)
      req.resume()
      return
    }
    if (fault?.type === 'redirect') {
      const status = fault.status ?? 302
      res.writeHead(status, { location: `${fault.to.replace(/\/+$/, '')}${path}` })
      res.end()
      record(status)
      req.resume()
      return
    }
    if (fault?.type === 'garbage') {
      const body = fault.body === undefined ? Buffer.from('<html>\nthis is not git\n</html>\n') : toBuffer(fault.body)
      const kind = service === 'info-refs' ? 'advertisement' : 'result'
      res.writeHead(200, { 'content-type': `application/x-git-upload-pack-${kind}`, 'cache-control': 'no-cache' })
      bytes = body.byteLength
      record(200)
      res.end(body)
      req.resume()
      return
    }
    const [pathInfo = '/', query = ''] = path.split('?', 2)
    const env: Record<string, string> = {
      GIT_PROJECT_ROOT: options.root,
      GIT_HTTP_EXPORT_ALL: '1',
      PATH_INFO: decodeURIComponent(pathInfo),
      QUERY_STRING: query,
      REQUEST_METHOD: req.method ?? 'GET',
      REMOTE_ADDR: '127.0.0.1',
      CONTENT_TYPE: req.headers['content-type'] ?? '',
    }
    if (req.headers['content-length'] !== undefined) env.CONTENT_LENGTH = req.headers['content-length']
    if (req.headers['content-encoding'] !== undefined) env.HTTP_CONTENT_ENCODING = req.headers['content-encoding']
    if (protocol !== undefined && options.protocolV2 !== false) env.GIT_PROTOCOL = protocol
    const child = spawn(options.git ?? 'git', ['http-backend'], { env: gitEnv(env), stdio: ['pipe', 'pipe', 'ignore'] })
    children.add(child)
    child.on('close', () => children.delete(child))
    child.on('error', () => {
      if (!res.headersSent) res.writeHead(500)
      res.end()
    })
    child.stdin.on('error', () => undefined)
    req.pipe(child.stdin)
    let head: Buffer | undefined = Buffer.alloc(0)
    const limit = fault?.type === 'disconnect' || fault?.type === 'truncate' ? fault.afterBytes : Infinity
    const corrupt = fault?.type === 'corrupt-pack' ? packCorrupter(fault.at ?? 20) : undefined
    let cut = false
    const send = (data: Buffer): void => {
      if (cut) return
      const chunk = corrupt === undefined ? data : corrupt(data)
      if (bytes + chunk.byteLength >= limit) {
        const part = chunk.subarray(0, limit - bytes)
        bytes = limit
        cut = true
        record(res.statusCode)
        res.write(part)
        child.kill()
        if (fault?.type === 'truncate') res.end()
        // end, not destroy: the bytes already written reach the client, then the connection closes
        // in the middle of the response.
        else res.socket?.end()
        return
      }
      bytes += chunk.byteLength
      entry.bytes = bytes
      res.write(chunk)
    }
    child.stdout.on('data', (chunk: Buffer) => {
      if (res.destroyed) return
      if (head === undefined) {
        send(chunk)
        return
      }
      head = Buffer.concat([head, chunk])
      const end = headerEnd(head)
      if (end === undefined) return
      const { status, headers } = parseCgiHeaders(head.subarray(0, end.start).toString('latin1'))
      const rest = head.subarray(end.body)
      head = undefined
      res.writeHead(status, headers)
      record(status)
      if (rest.byteLength > 0) send(rest)
    })
    child.stdout.on('end', () => {
      if (res.destroyed || cut) return
      if (head !== undefined && !res.headersSent) res.writeHead(502)
      res.end()
      record(res.statusCode)
    })
  }
  const server: Server =
    options.tls === undefined
      ? createHttpServer(handler)
      : createHttpsServer({ key: toBuffer(options.tls.key), cert: toBuffer(options.tls.cert) }, handler)
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  const url = `${options.tls === undefined ? 'http' : 'https'}://127.0.0.1:${port}`
  return {
    url,
    port,
    requests,
    failNext(fault, target = 'upload-pack') {
      faults.push({ fault, target })
    },
    clearRequests() {
      requests.length = 0
    },
    async stop() {
      for (const child of children) child.kill()
      server.closeAllConnections()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

function toBuffer(value: string | Uint8Array): Buffer {
  return typeof value === 'string' ? Buffer.from(value) : Buffer.from(value)
}

function schemeOf(header: string | undefined): GitServerRequest['authorization'] {
  if (header === undefined) return 'none'
  const scheme = header.split(' ', 1)[0]?.toLowerCase()
  return scheme === 'basic' ? 'basic' : scheme === 'bearer' ? 'bearer' : 'other'
}

function authorized(header: string | undefined, auth: GitServerAuth): boolean {
  if (header === undefined) return false
  if ('token' in auth) return header === `Bearer ${auth.token}`
  return header === `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`
}

function headerEnd(buffer: Buffer): { start: number; body: number } | undefined {
  const crlf = buffer.indexOf('\r\n\r\n')
  const lf = buffer.indexOf('\n\n')
  if (crlf >= 0 && (lf < 0 || crlf < lf)) return { start: crlf, body: crlf + 4 }
  if (lf >= 0) return { start: lf, body: lf + 2 }
  return undefined
}

function parseCgiHeaders(text: string): { status: number; headers: Record<string, string> } {
  let status = 200
  const headers: Record<string, string> = {}
  for (const line of text.split(/\r?\n/)) {
    const colon = line.indexOf(':')
    if (colon < 0) continue
    const name = line.slice(0, colon).trim().toLowerCase()
    const value = line.slice(colon + 1).trim()
    if (name === 'status') status = Number.parseInt(value, 10) || 200
    else headers[name] = value
  }
  return { status, headers }
}

/**
 * Flips the pack byte at offset `at` of an upload-pack response: the response is a run of pkt-lines
 * whose side-band channel 1 carries the pack, so only that channel's payload is counted.
 */
function packCorrupter(at: number): (input: Buffer) => Buffer {
  let header = ''
  let remaining = 0
  let first = false
  let packData = false
  let offset = 0
  let done = false
  return (input) => {
    if (done) return input
    const chunk = Buffer.from(input)
    let i = 0
    while (i < chunk.byteLength && !done) {
      if (remaining === 0) {
        header += String.fromCharCode(chunk[i++] as number)
        if (header.length < 4) continue
        const length = Number.parseInt(header, 16)
        header = ''
        remaining = length > 4 ? length - 4 : 0
        first = remaining > 0
        continue
      }
      if (first) {
        packData = chunk[i++] === 1
        first = false
        remaining--
        continue
      }
      const take = Math.min(remaining, chunk.byteLength - i)
      if (packData) {
        if (at >= offset && at < offset + take) {
          const index = i + at - offset
          chunk[index] = (chunk[index] as number) ^ 0xff
          done = true
        }
        offset += take
      }
      i += take
      remaining -= take
    }
    return chunk
  }
}
