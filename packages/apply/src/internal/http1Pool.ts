// HTTP/1.1 written and read directly on a keep-alive pool of TCP or TLS sockets, for the direct
// transport. A first apply sends two small requests per object; over node:https each one costs an
// OutgoingMessage, an IncomingMessage stream, the agent's bookkeeping and llhttp's callbacks, and
// over node:http2 a stream object and its timers: the profile of a first apply showed that
// machinery, not the bytes, as the larger part of the client's CPU. Here a request is one write
// of one string and its answer is parsed from the socket's chunks by a small state machine.
//
// The answer's own bounds (head, chunk sizes, body) are http1Parse.ts's; each request is bounded
// by its timeout (waiting for a socket and connecting included) and by its signal, and a new
// connection by its own deadline for TCP and TLS together. An idle connection found closed (or
// idle past the server's keep-alive) is passed over before any byte of the request is written. A
// connection that sends anything (a byte, or its end) while no request of ours is written on it
// is closed, and a request waiting for it goes to another one: those bytes are no answer to it.
// A request given a connection that carried an answer before is never written from within the
// read that brought that answer (more of that read may follow it): it waits for the next check
// phase at least, or until the event loop has read that socket again (see #start). A reused
// connection that closes after the write with no byte of answer sends a read or a dry-run once
// more elsewhere; a write it fails (APPLY_UNREACHABLE), never writing it twice.
import { connect as connectNet } from 'node:net'
import type { Socket } from 'node:net'
import { performance } from 'node:perf_hooks'
import { connect as connectTls } from 'node:tls'
import type { ConnectionOptions } from 'node:tls'
import { Aborts } from './aborts.js'
import type { Cancellable } from './aborts.js'
import { queryOf } from './http2Sender.js'
import { AnswerParser, FIELD_VALUE, Http1ClosedError } from './http1Parse.js'
import { connectDeadline, RequestTimeoutError } from './transport.js'
import type { RawRequest, RawResponse } from './transport.js'

// A request target is printable ASCII without spaces (the client percent-encodes everything else).
const BAD_PATH = /[^\u0021-\u007e]/

/** How the pool reaches the server. */
export interface Http1PoolOptions {
  /** TLS connection settings (CA, client certificate, servername, rejectUnauthorized); undefined for plain TCP. */
  readonly tls: ConnectionOptions | undefined
  readonly host: string
  readonly port: number
  /** Headers on every request as name/value pairs, Host first; validated with plainHeaders (http1Parse.ts). */
  readonly headers: readonly string[]
  readonly prefix: string
  readonly maxSockets: number
  readonly maxResponseBytes: number
  /**
   * Milliseconds a new connection may take to connect and finish TLS, in all (not between bytes),
   * before it is given up; 0: no bound. The request it was opened for ends it earlier if that
   * request's deadline comes first.
   */
  readonly connectTimeout: number
}

/** How an exchange settles its caller's promise. */
interface Settle {
  readonly done: (response: RawResponse) => void
  readonly fail: (err: unknown) => void
}

/** One request from its send to its answer (or failure). */
class Exchange implements Cancellable {
  conn: Conn | undefined
  finished = false
  /** Whether it was sent again once already (see #ended). */
  resent = false
  /** Whether it is written on `conn` (a reused connection holds it a moment before: see Http1Pool#start). */
  sent = false
  timer: NodeJS.Timeout | undefined
  readonly answer: AnswerParser

  constructor(
    readonly request: RawRequest,
    readonly wire: string,
    readonly settle: Settle & { readonly pool: Http1Pool; readonly limit: number },
  ) {
    this.answer = new AnswerParser(settle.limit)
  }

  destroy(): void {
    if (this.conn !== undefined) this.conn.socket.destroy()
    else this.settle.pool.unqueue(this)
  }
}

/**
 * How long a connection may have been idle and still carry a request, when the server gives no
 * `Keep-Alive: timeout=` hint: a server closes idle connections after a while (node's default is
 * 5 s), and a request written just as its close is under way fails with nothing to prove it was
 * not read, so is not sent again. An older connection is closed instead of reused (before any
 * byte of the request is written). Within an apply, connections are idle for milliseconds.
 */
const IDLE_REUSE = 4000

/**
 * How recently (ms) a reused connection's socket must have been read, at the check phase after a
 * request was held for it, for the request to be written then rather than after the event loop
 * reads it again (see Http1Pool#start): about what one poll phase's callbacks take, the window the
 * wait itself leaves.
 */
const FRESH_READ = 1

/** One pooled connection. */
class Conn {
  exchange: Exchange | undefined
  closed = false
  /** Whether it carried a whole answer before: a connection the server may have closed as idle. */
  served = false
  /** When it last became idle (performance.now(): monotonic, a wall clock jump does not move it). */
  idleSince = 0
  /**
   * When its socket was last read (performance.now()). What had come by then is read too only
   * once that read's callback is over: one TCP read can hold several TLS records (or end at
   * libuv's 64 KiB read boundary), each emitted as its own 'data' event, with node's ticks and
   * microtasks run between them.
   */
  readAt = 0
  /** How long it may stay idle and still be reused, in ms: the server's Keep-Alive hint less a second, else IDLE_REUSE. */
  idleLimit = -1

  constructor(readonly socket: Socket) {}
}

/** A keep-alive pool of HTTP/1.1 connections to one server; see the file's comment. */
export class Http1Pool {
  readonly #options: Http1PoolOptions
  readonly #fixed: string
  readonly #idle: Conn[] = []
  readonly #queue: Exchange[] = []
  readonly #aborts = new Aborts()
  /** Reused connections and the requests given them in this turn, pairwise, not yet written (see #start). */
  #held: (Conn | Exchange)[] = []
  #open = 0
  /** Connections still connecting (TCP and TLS): one at a time, see #dispatch. */
  #connecting = 0
  /** The last TLS session the server handed out, to resume on the next connection (no certificate chain to verify again). */
  #session: Buffer | undefined
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
      if (request.contentType !== undefined && !FIELD_VALUE.test(request.contentType)) {
        fail(new TypeError('the content type holds characters a header does not allow'))
        return
      }
      const body = request.body
      const head = `${request.method} ${target} HTTP/1.1\r\n${this.#fixed}`
      const wire =
        body === undefined
          ? `${head}\r\n`
          : `${head}Content-Type: ${request.contentType ?? 'application/json'}\r\nContent-Length: ${Buffer.byteLength(body, 'utf8')}\r\n\r\n${body}`
      const ex = new Exchange(request, wire, { done, fail, pool: this, limit: this.#options.maxResponseBytes })
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

  /** Ends the idle connections now, and each busy one once its answer is read. */
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
    const now = conn === undefined ? 0 : performance.now()
    while (conn !== undefined && (conn.closed || conn.socket.destroyed || !conn.socket.writable || now - conn.idleSince > conn.idleLimit)) {
      // Closed while idle (or idle long enough for its server to be closing it), before anything
      // of this request was written: another connection takes it.
      conn.closed = true
      conn.socket.destroy()
      conn = this.#idle.pop()
    }
    if (conn !== undefined) {
      this.#start(conn, ex)
      return
    }
    // One new connection at a time: a handshake takes longer than a small request, so requests that
    // come together (discovery, a stage's LISTs) mostly share the first connections instead of each
    // paying a handshake of its own; under a steady load the pool still grows to maxSockets.
    if (this.#open < this.#options.maxSockets && this.#connecting === 0) {
      this.#connect(ex)
      return
    }
    this.#queue.push(ex)
  }

  /**
   * Gives `conn` to `ex` and writes the request. Bytes its server sent after its last answer (a
   * stray second answer, a 408 before an idle close, its end) may follow that answer in the very
   * read that brought it (one TCP read emits each TLS record as its own 'data' event, node's ticks
   * and microtasks run between them; plain TCP does the same when an answer ends at libuv's 64 KiB
   * read boundary), or wait in the kernel, unread by the event loop: written before they are
   * read, the request would take them for its answer. Bytes reaching the kernel just before the
   * write cannot be told from an answer by any client (Go's has the same window); the pool keeps
   * that window under about a millisecond. A new connection is written on now. A reused one never
   * is from here, since this may run inside its read (an answer settles, its caller sends the
   * next request): it is held until the next check phase (setImmediate), when every read of the
   * poll phase is over. Then, if its socket was read (its last answer) less than FRESH_READ ago,
   * it is written on; else one check phase later, with a poll phase between them: anything that
   * came by then is read as stray (see #data, #ended), the connection is closed and the request
   * goes elsewhere, nothing of it written. The requests held in one turn share their immediates.
   * (Holding every request two check phases cost a first apply of 1,000 objects about 7 % more
   * client CPU: see docs/benchmarks.md, apply5.)
   */
  #start(conn: Conn, ex: Exchange): void {
    conn.exchange = ex
    ex.conn = conn
    ex.sent = false
    conn.socket.ref()
    if (!conn.served) this.#write(conn, ex)
    else if (this.#held.push(conn, ex) === 2) setImmediate(this.#turn)
  }

  /**
   * The first check phase after requests were held: those whose socket was read less than
   * FRESH_READ ago are written now, the others at the next check phase.
   */
  readonly #turn = (): void => {
    const held = this.#held
    this.#held = []
    const later = this.#writeHeld(held, performance.now() - FRESH_READ)
    if (later.length > 0) setImmediate(() => this.#writeHeld(later, -Infinity))
  }

  /** Writes the held requests still waiting whose socket was read after `since`; returns the others still waiting. */
  #writeHeld(held: readonly (Conn | Exchange)[], since: number): (Conn | Exchange)[] {
    const later: (Conn | Exchange)[] = []
    for (let i = 0; i < held.length; i += 2) {
      const conn = held[i] as Conn
      const ex = held[i + 1] as Exchange
      // Not if it failed, or went elsewhere (stray bytes, an end) since: then it may be another entry's.
      if (conn.exchange !== ex || ex.conn !== conn || ex.sent || ex.finished || conn.closed) continue
      if (conn.readAt > since) this.#write(conn, ex)
      else later.push(conn, ex)
    }
    return later
  }

  #write(conn: Conn, ex: Exchange): void {
    ex.sent = true
    conn.socket.write(ex.wire, 'utf8')
  }

  /** Opens a connection for `ex` and gives it to it; fails `ex` if the connection cannot even be started. */
  #connect(ex: Exchange): void {
    const { tls, host, port } = this.#options
    let socket: Socket
    try {
      socket = tls === undefined ? connectNet({ host, port }) : connectTls({ ...tls, host, port, ALPNProtocols: ['http/1.1'], ...(this.#session === undefined ? {} : { session: this.#session }) })
    } catch (err) {
      // Options node refuses (a bad port, a bad TLS setting) throw here, before any socket
      // exists: the request fails with that error, nothing counted and no timer left behind.
      this.#fail(ex, err)
      return
    }
    this.#open += 1
    this.#connecting += 1
    socket.setNoDelay(true)
    if (tls !== undefined) socket.on('session', (session: Buffer) => (this.#session = session))
    // A server that accepts the connection and never completes TLS, or drips its handshake a byte
    // at a time: the connection has one deadline for TCP and TLS together (not an inactivity
    // timer), and must neither outlive it nor keep the process alive. The request it was opened
    // for ends it earlier if that request's deadline comes first (a failed request destroys its
    // connection).
    const clearDeadline = connectDeadline(socket, this.#options.connectTimeout)
    let connecting = true
    const settled = (): void => {
      connecting = false
      this.#connecting -= 1
      clearDeadline()
    }
    const connected = (): void => {
      if (!connecting) return
      settled()
      // The next waiting request gets the next new connection while this one serves its own.
      const next = this.#open < this.#options.maxSockets ? this.#queue.shift() : undefined
      if (next !== undefined) this.#connect(next)
    }
    socket.once(tls === undefined ? 'connect' : 'secureConnect', connected)
    const conn = new Conn(socket)
    socket.on('data', (chunk: Buffer) => this.#data(conn, chunk))
    socket.on('end', () => this.#ended(conn, undefined))
    socket.on('error', (err: Error) => this.#ended(conn, err))
    socket.on('close', () => {
      if (connecting) settled()
      this.#ended(conn, undefined)
      this.#open -= 1
      const at = this.#idle.indexOf(conn)
      if (at >= 0) this.#idle.splice(at, 1)
      // A place in the pool came free: a request waiting for one gets a new connection.
      const next = this.#queue.shift()
      if (next !== undefined) this.#dispatch(next)
    })
    this.#start(conn, ex)
  }

  /** Takes `ex` off `conn`, which it was given but not written on, and finds it another connection. */
  #elsewhere(conn: Conn, ex: Exchange): void {
    conn.exchange = undefined
    ex.conn = undefined
    conn.socket.destroy()
    this.#dispatch(ex)
  }

  /** The connection ended (its peer closed it, it failed, or it was destroyed). */
  #ended(conn: Conn, err: Error | undefined): void {
    conn.closed = true
    const ex = conn.exchange
    if (ex === undefined || ex.finished) {
      conn.socket.destroy()
      return
    }
    if (!ex.sent) {
      // It ended before the request waiting for it was written: nothing was sent, any request may go elsewhere.
      this.#elsewhere(conn, ex)
      return
    }
    if (ex.answer.untilClose && err === undefined) {
      // An answer without a length ends with its connection.
      this.#complete(conn, ex)
      return
    }
    conn.exchange = undefined
    if (conn.served && !ex.answer.started && !ex.resent && sideEffectFree(ex.request)) {
      // A reused connection that ended before any byte of the answer: most likely the server closed
      // it as idle while the request was on its way. A request that changes nothing (a read or a
      // dry-run) is sent once more on another connection, as Go's HTTP client does for reads; a
      // write never is, since nothing proves the server did not act on it.
      ex.resent = true
      this.#elsewhere(conn, ex)
      return
    }
    this.#fail(ex, err ?? new Http1ClosedError(ex.answer.started ? 'the connection closed before the answer ended' : 'the connection closed before an answer'))
    conn.socket.destroy()
  }

  /** Marks `ex` settled: its deadline and its abort listener go. */
  #finish(ex: Exchange): void {
    ex.finished = true
    if (ex.timer !== undefined) clearTimeout(ex.timer)
    if (ex.request.signal !== undefined) this.#aborts.forget(ex.request.signal, ex)
  }

  #fail(ex: Exchange, err: unknown): void {
    if (ex.finished) return
    this.#finish(ex)
    const conn = ex.conn
    if (conn !== undefined && conn.exchange === ex) {
      // The rest of the answer is not read: its connection is closed, not reused.
      conn.exchange = undefined
      conn.socket.destroy()
    }
    ex.settle.fail(err)
  }

  #complete(conn: Conn, ex: Exchange): void {
    this.#finish(ex)
    conn.exchange = undefined
    conn.served = true
    const { answer } = ex
    ex.settle.done({ status: answer.status, text: answer.text(), headers: answer.headers })
    if (!answer.keepAlive || conn.closed || this.#closed) {
      conn.socket.destroy()
      return
    }
    const next = this.#queue.shift()
    if (next !== undefined) {
      this.#start(conn, next)
      return
    }
    // The server's latest Keep-Alive hint holds; a connection without one keeps IDLE_REUSE.
    const hint = answer.headers['keep-alive']
    if (hint !== undefined || conn.idleLimit < 0) conn.idleLimit = idleLimitOf(hint)
    conn.idleSince = performance.now()
    // An idle connection does not keep the process alive.
    conn.socket.unref()
    this.#idle.push(conn)
  }

  #data(conn: Conn, chunk: Buffer): void {
    conn.readAt = performance.now()
    const ex = conn.exchange
    if (ex === undefined || ex.finished || !ex.sent) {
      // Bytes nobody asked for (on an idle connection, before the request waiting for it was
      // written, or after an answer failed): it is not reused, and they answer nothing.
      conn.closed = true
      if (ex !== undefined && !ex.finished) this.#elsewhere(conn, ex)
      else conn.socket.destroy()
      return
    }
    let complete: boolean
    try {
      complete = ex.answer.feed(chunk)
    } catch (err) {
      this.#fail(ex, err)
      return
    }
    if (complete) this.#complete(conn, ex)
  }
}

/** Whether sending `request` twice cannot change anything on the server: a read, or a server-side dry-run. */
function sideEffectFree(request: RawRequest): boolean {
  return request.method === 'GET' || request.query?.dryRun === 'All'
}

/** How long a connection may be idle and reused: the `Keep-Alive: timeout=N` hint (seconds) less one second, else IDLE_REUSE. */
function idleLimitOf(keepAlive: string | undefined): number {
  const hint = keepAlive === undefined ? null : /(?:^|[,;\s])timeout\s*=\s*(\d{1,6})\b/i.exec(keepAlive)
  if (hint === null) return IDLE_REUSE
  return Math.max(0, Number(hint[1]) * 1000 - 1000)
}
