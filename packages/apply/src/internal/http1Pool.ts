// HTTP/1.1 written and read directly on a keep-alive pool of TCP or TLS sockets, for the direct
// transport. A first apply sends two small requests per object; over node:https each one costs an
// OutgoingMessage, an IncomingMessage stream, the agent's bookkeeping and llhttp's callbacks, and
// over node:http2 a stream object and its timers: the profile of a first apply showed that
// machinery, not the bytes, as the larger part of the client's CPU. Here a request is one write
// of one string and its answer is parsed from the socket's chunks by a small state machine.
//
// Bounds: the head of an answer (status line and headers) is at most MAX_HEAD bytes, a chunk-size
// line at most MAX_LINE bytes and 13 hex digits (no overflow past 2^52), the body at most
// `maxResponseBytes`; each request is bounded by its timeout (waiting for a socket and connecting
// included) and by its signal. A request is sent again only when provably nothing of it was
// written: the idle socket it was given turned out closed before the write.
import { connect as connectNet } from 'node:net'
import type { Socket } from 'node:net'
import { connect as connectTls } from 'node:tls'
import type { ConnectionOptions } from 'node:tls'
import { Aborts } from './aborts.js'
import type { Cancellable } from './aborts.js'
import { queryOf } from './http2Sender.js'
import { BoundedBody, RequestTimeoutError, ResponseTooLargeError } from './transport.js'
import type { RawRequest, RawResponse } from './transport.js'

/** The largest head (status line, headers, trailers) of an answer, in bytes. */
export const MAX_HEAD: number = 64 * 1024
/** The longest chunk-size line (size and extensions), in bytes. */
const MAX_LINE = 4096
/** How many informational (1xx) answers may come before the final one. */
const MAX_INTERIM = 8

/** What the pool rejects with when the server's answer does not follow HTTP/1.1. */
export class Http1ProtocolError extends Error {
  override readonly name = 'Http1ProtocolError'
}

/** What the pool rejects with when the connection ended before the answer did. */
export class Http1ClosedError extends Error {
  override readonly name = 'Http1ClosedError'
  readonly code: string = 'ECONNRESET'
}

// A request target as node:http accepts it: no control characters, spaces or characters past latin1.
const BAD_PATH = /[^\u0021-\u00ff]/
const TOKEN = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
const STATUS = /^HTTP\/1\.([01]) ([1-9]\d\d)(?: [^\r\n]*)?$/
const CHUNK_SIZE = /^0*([0-9A-Fa-f]{1,13})[ \t]*(?:;[^\r\n]*)?$/
const LENGTH = /^\d{1,16}$/

/** Whether header values can be written as they are: printable ASCII and tabs only (no CR, LF, NUL). */
export function plainHeaders(pairs: readonly string[]): boolean {
  for (let i = 0; i < pairs.length; i += 2) if (!TOKEN.test(pairs[i] as string) || !/^[\t\x20-\x7e]*$/.test(pairs[i + 1] as string)) return false
  return true
}

/** How the pool reaches the server. */
export interface Http1PoolOptions {
  /** TLS connection settings (CA, client certificate, servername, rejectUnauthorized); undefined for plain TCP. */
  readonly tls: ConnectionOptions | undefined
  readonly host: string
  readonly port: number
  /** Headers on every request as name/value pairs, Host first; validated with {@link plainHeaders}. */
  readonly headers: readonly string[]
  readonly prefix: string
  readonly maxSockets: number
  readonly maxResponseBytes: number
  /** Milliseconds a new connection may take to connect (and finish TLS) before it is given up; 0: no bound. */
  readonly connectTimeout: number
}

type Phase = 'head' | 'fixed' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailers' | 'until-close' | 'done'

/** One request from its send to its answer (or failure). */
class Exchange implements Cancellable {
  conn: Conn | undefined
  finished = false
  timer: NodeJS.Timeout | undefined
  // The answer as it is parsed.
  phase: Phase = 'head'
  pending: Buffer | undefined
  headBytes = 0
  interim = 0
  status = 0
  headers: Record<string, string> = Object.create(null) as Record<string, string>
  keepAlive = true
  left = 0
  received = 0
  body: BoundedBody

  constructor(
    readonly request: RawRequest,
    readonly wire: string,
    readonly done: (response: RawResponse) => void,
    readonly fail: (err: unknown) => void,
    readonly pool: Http1Pool,
    limit: number,
  ) {
    this.body = new BoundedBody(limit)
  }

  destroy(): void {
    if (this.conn !== undefined) this.conn.socket.destroy()
    else this.pool.unqueue(this)
  }
}

/** One pooled connection. */
class Conn {
  exchange: Exchange | undefined
  closed = false
  used = false

  constructor(
    readonly socket: Socket,
    readonly pool: Http1Pool,
  ) {}
}

/** A keep-alive pool of HTTP/1.1 connections to one server; see the file's comment. */
export class Http1Pool {
  readonly #options: Http1PoolOptions
  readonly #fixed: string
  readonly #idle: Conn[] = []
  readonly #queue: Exchange[] = []
  readonly #aborts = new Aborts()
  #open = 0
  #closed = false

  constructor(options: Http1PoolOptions) {
    this.#options = options
    let fixed = ''
    for (let i = 0; i < options.headers.length; i += 2) fixed += `${options.headers[i] as string}: ${options.headers[i + 1] as string}\r\n`
    this.#fixed = fixed
  }

  send(request: RawRequest): Promise<RawResponse> {
    return new Promise<RawResponse>((done, fail) => {
      const { signal } = request
      if (signal?.aborted === true) {
        // An abort rejects with the signal's reason, untouched, whatever it is.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        fail(signal.reason)
        return
      }
      const target = `${this.#options.prefix}${request.path}${queryOf(request.query)}`
      if (BAD_PATH.test(target)) {
        fail(new TypeError('the request path holds characters HTTP does not allow unescaped'))
        return
      }
      const body = request.body
      const head = `${request.method} ${target} HTTP/1.1\r\n${this.#fixed}`
      const wire =
        body === undefined
          ? `${head}\r\n`
          : `${head}Content-Type: ${request.contentType ?? 'application/json'}\r\nContent-Length: ${Buffer.byteLength(body, 'utf8')}\r\n\r\n${body}`
      if (request.contentType !== undefined && !/^[\x20-\x7e]*$/.test(request.contentType)) {
        fail(new TypeError('the content type holds characters a header does not allow'))
        return
      }
      const ex = new Exchange(request, wire, done, fail, this, this.#options.maxResponseBytes)
      const ms = request.timeout
      if (ms !== undefined && ms > 0) {
        ex.timer = setTimeout(() => {
          // Failed first: a destroyed connection would report itself as reset instead.
          this.#fail(ex, new RequestTimeoutError(ms))
          ex.destroy()
        }, ms)
      }
      if (signal !== undefined) this.#aborts.watch(signal, ex, (reason) => this.#fail(ex, reason))
      this.#dispatch(ex)
    })
  }

  /** Ends every connection; requests in flight fail as their connections close. */
  close(): void {
    this.#closed = true
    for (const conn of this.#idle.splice(0)) conn.socket.destroy()
  }

  /** Drops a request still waiting for a connection (an abort or its deadline ended it). */
  unqueue(ex: Exchange): void {
    const at = this.#queue.indexOf(ex)
    if (at >= 0) this.#queue.splice(at, 1)
  }

  #dispatch(ex: Exchange): void {
    // The most recently used idle connection first: its peer is the least likely to have closed it.
    let conn = this.#idle.pop()
    while (conn !== undefined && (conn.closed || conn.socket.destroyed || !conn.socket.writable)) {
      // Closed while idle, before anything of this request was written: another connection takes it.
      conn.closed = true
      conn.socket.destroy()
      conn = this.#idle.pop()
    }
    if (conn !== undefined) {
      this.#start(conn, ex)
      return
    }
    if (this.#open < this.#options.maxSockets) {
      this.#start(this.#connect(), ex)
      return
    }
    this.#queue.push(ex)
  }

  #start(conn: Conn, ex: Exchange): void {
    conn.exchange = ex
    ex.conn = conn
    conn.socket.ref()
    conn.socket.write(ex.wire, 'utf8')
  }

  #connect(): Conn {
    const { tls, host, port } = this.#options
    this.#open += 1
    const socket = tls === undefined ? connectNet({ host, port }) : connectTls({ ...tls, host, port, ALPNProtocols: ['http/1.1'] })
    socket.setNoDelay(true)
    // A server that accepts the connection and never completes TLS: the socket must not outlive the
    // requests waiting on it (each of which its own deadline ends), nor keep the process alive.
    const ms = this.#options.connectTimeout
    if (ms > 0) {
      socket.setTimeout(ms, () => socket.destroy(new RequestTimeoutError(ms)))
      socket.once(tls === undefined ? 'connect' : 'secureConnect', () => socket.setTimeout(0))
    }
    const conn = new Conn(socket, this)
    socket.on('data', (chunk: Buffer) => this.#data(conn, chunk))
    socket.on('end', () => this.#ended(conn, undefined))
    socket.on('error', (err: Error) => this.#ended(conn, err))
    socket.on('close', () => {
      this.#ended(conn, undefined)
      this.#open -= 1
      const at = this.#idle.indexOf(conn)
      if (at >= 0) this.#idle.splice(at, 1)
      // A place in the pool came free: a request waiting for one gets a new connection.
      const next = this.#queue.shift()
      if (next !== undefined) this.#dispatch(next)
    })
    return conn
  }

  /** The connection ended (its peer closed it, it failed, or it was destroyed). */
  #ended(conn: Conn, err: Error | undefined): void {
    conn.closed = true
    const ex = conn.exchange
    if (ex === undefined || ex.finished) {
      conn.socket.destroy()
      return
    }
    if (ex.phase === 'until-close' && err === undefined) {
      // An answer without a length ends with its connection.
      this.#complete(conn, ex)
      return
    }
    conn.exchange = undefined
    const started = ex.headBytes > 0 || ex.phase !== 'head'
    this.#fail(ex, err ?? new Http1ClosedError(started ? 'the connection closed before the answer ended' : 'the connection closed before an answer'))
    conn.socket.destroy()
  }

  #fail(ex: Exchange, err: unknown): void {
    if (ex.finished) return
    ex.finished = true
    if (ex.timer !== undefined) clearTimeout(ex.timer)
    if (ex.request.signal !== undefined) this.#aborts.forget(ex.request.signal, ex)
    const conn = ex.conn
    if (conn !== undefined && conn.exchange === ex) {
      // The rest of the answer is not read: its connection is closed, not reused.
      conn.exchange = undefined
      conn.socket.destroy()
    }
    ex.fail(err)
  }

  #complete(conn: Conn, ex: Exchange): void {
    ex.finished = true
    if (ex.timer !== undefined) clearTimeout(ex.timer)
    if (ex.request.signal !== undefined) this.#aborts.forget(ex.request.signal, ex)
    conn.exchange = undefined
    conn.used = true
    const headers = ex.headers
    ex.done({ status: ex.status, text: ex.body.text(), headers })
    if (!ex.keepAlive || conn.closed || this.#closed) {
      conn.socket.destroy()
      return
    }
    const next = this.#queue.shift()
    if (next !== undefined) {
      this.#start(conn, next)
      return
    }
    // An idle connection does not keep the process alive.
    conn.socket.unref()
    this.#idle.push(conn)
  }

  #data(conn: Conn, chunk: Buffer): void {
    const ex = conn.exchange
    if (ex === undefined || ex.finished) {
      // Bytes nobody asked for (on an idle connection, or after an answer failed): it is not reused.
      conn.closed = true
      conn.socket.destroy()
      return
    }
    let buf = chunk
    if (ex.pending !== undefined) {
      buf = Buffer.concat([ex.pending, chunk])
      ex.pending = undefined
    }
    try {
      const rest = this.#parse(ex, buf)
      if (ex.phase === 'done' ) return
      if (rest > 0) ex.pending = buf.subarray(buf.length - rest)
    } catch (err) {
      this.#fail(ex, err)
    }
  }

  /**
   * Parses what `buf` holds of the answer; returns how many bytes at its end wait for more (an
   * unfinished line). Completes or fails the exchange itself.
   */
  #parse(ex: Exchange, buf: Buffer): number {
    let at = 0
    const conn = ex.conn as Conn
    while (at < buf.length || ex.phase === 'fixed') {
      switch (ex.phase) {
        case 'head': {
          const end = buf.indexOf('\r\n\r\n', at, 'latin1')
          if (end < 0) {
            if (ex.headBytes + buf.length - at > MAX_HEAD) throw new Http1ProtocolError(`the answer's headers are larger than ${MAX_HEAD} bytes`)
            return buf.length - at
          }
          ex.headBytes += end + 4 - at
          if (ex.headBytes > MAX_HEAD) throw new Http1ProtocolError(`the answer's headers are larger than ${MAX_HEAD} bytes`)
          this.#head(ex, buf.toString('latin1', at, end))
          at = end + 4
          break
        }
        case 'fixed': {
          const take = Math.min(ex.left, buf.length - at)
          if (take > 0 && !this.#add(ex, buf.subarray(at, at + take))) return 0
          at += take
          ex.left -= take
          if (ex.left > 0) return 0
          return this.#finish(conn, ex, buf.length - at)
        }
        case 'until-close': {
          if (!this.#add(ex, at === 0 ? buf : buf.subarray(at))) return 0
          return 0
        }
        case 'chunk-size': {
          const end = buf.indexOf('\r\n', at, 'latin1')
          if (end < 0) {
            if (buf.length - at > MAX_LINE) throw new Http1ProtocolError('a chunk-size line of the answer is too long')
            return buf.length - at
          }
          if (end - at > MAX_LINE) throw new Http1ProtocolError('a chunk-size line of the answer is too long')
          const match = CHUNK_SIZE.exec(buf.toString('latin1', at, end))
          if (match === null) throw new Http1ProtocolError('the answer has a malformed or too large chunk size')
          const size = Number.parseInt(match[1] as string, 16)
          at = end + 2
          if (size === 0) {
            ex.phase = 'trailers'
            break
          }
          if (ex.received + size > ex.body.limit) {
            this.#tooLarge(ex)
            return 0
          }
          ex.left = size
          ex.phase = 'chunk-data'
          break
        }
        case 'chunk-data': {
          const take = Math.min(ex.left, buf.length - at)
          if (!this.#add(ex, buf.subarray(at, at + take))) return 0
          at += take
          ex.left -= take
          if (ex.left === 0) ex.phase = 'chunk-end'
          break
        }
        case 'chunk-end': {
          if (buf.length - at < 2) return buf.length - at
          if (buf[at] !== 13 || buf[at + 1] !== 10) throw new Http1ProtocolError('a chunk of the answer does not end where its size says')
          at += 2
          ex.phase = 'chunk-size'
          break
        }
        case 'trailers': {
          const end = buf.indexOf('\r\n', at, 'latin1')
          if (end < 0) {
            if (ex.headBytes + buf.length - at > MAX_HEAD) throw new Http1ProtocolError(`the answer's trailers are larger than ${MAX_HEAD} bytes`)
            return buf.length - at
          }
          ex.headBytes += end + 2 - at
          if (ex.headBytes > MAX_HEAD) throw new Http1ProtocolError(`the answer's trailers are larger than ${MAX_HEAD} bytes`)
          const empty = end === at
          at = end + 2
          // Trailer fields are read past and dropped; the empty line ends the answer.
          if (empty) return this.#finish(conn, ex, buf.length - at)
          break
        }
        default:
          return 0
      }
    }
    return 0
  }

  /** The answer is complete; `extra` bytes came after it, which no server sends unasked. */
  #finish(conn: Conn, ex: Exchange, extra: number): number {
    if (extra > 0) throw new Http1ProtocolError('the server sent more than its answer')
    ex.phase = 'done' 
    this.#complete(conn, ex)
    return 0
  }

  #add(ex: Exchange, bytes: Buffer): boolean {
    ex.received += bytes.length
    if (ex.body.add(bytes)) return true
    this.#tooLarge(ex)
    return false
  }

  #tooLarge(ex: Exchange): void {
    this.#fail(ex, new ResponseTooLargeError(ex.body.limit))
  }

  /** Reads a status line and headers; sets how the body is framed. */
  #head(ex: Exchange, text: string): void {
    const lines = text.split('\r\n')
    const status = STATUS.exec(lines[0] as string)
    if (status === null) throw new Http1ProtocolError('the answer does not start with an HTTP/1.x status line')
    const code = Number(status[2])
    const headers: Record<string, string> = Object.create(null) as Record<string, string>
    for (let i = 1; i < lines.length; i += 1) {
      const line = lines[i] as string
      const colon = line.indexOf(':')
      const name = colon <= 0 ? '' : line.slice(0, colon)
      // No obsolete line folding, no space before the colon: a malformed field is refused, not guessed at.
      if (!TOKEN.test(name)) throw new Http1ProtocolError('the answer has a malformed header line')
      const key = name.toLowerCase()
      const value = line.slice(colon + 1).trim()
      const had = headers[key]
      headers[key] = had === undefined ? value : `${had}, ${value}`
    }
    if (code < 200) {
      if (code === 101) throw new Http1ProtocolError('the server switched protocols unasked')
      // An informational answer (100 Continue, 103 Early Hints) precedes the real one.
      ex.interim += 1
      if (ex.interim > MAX_INTERIM) throw new Http1ProtocolError('the answer has too many informational parts')
      return
    }
    ex.status = code
    ex.headers = headers
    const connection = (headers.connection ?? '').toLowerCase()
    ex.keepAlive = status[1] === '1' ? !/(?:^|,)\s*close\s*(?:,|$)/.test(connection) : /(?:^|,)\s*keep-alive\s*(?:,|$)/.test(connection)
    const encoding = headers['transfer-encoding']
    const length = headers['content-length']
    if (code === 204 || code === 304) {
      ex.phase = 'fixed'
      ex.left = 0
      return
    }
    if (encoding !== undefined) {
      if (length !== undefined) throw new Http1ProtocolError('the answer has both Transfer-Encoding and Content-Length')
      if (encoding.trim().toLowerCase() !== 'chunked') throw new Http1ProtocolError('the answer has a transfer encoding other than chunked')
      ex.phase = 'chunk-size'
      return
    }
    if (length !== undefined) {
      const values = length.split(',').map((v) => v.trim())
      const first = values[0] as string
      if (!LENGTH.test(first) || values.some((v) => v !== first)) throw new Http1ProtocolError('the answer has a malformed Content-Length')
      const n = Number(first)
      if (n > ex.body.limit) throw new ResponseTooLargeError(ex.body.limit)
      ex.phase = 'fixed'
      ex.left = n
      return
    }
    // No length: the body ends with the connection, which is then not reused.
    ex.keepAlive = false
    ex.phase = 'until-close'
  }
}
