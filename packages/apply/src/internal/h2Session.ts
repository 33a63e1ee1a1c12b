// HTTP/2 for the direct transport: one TLS connection per server, its protocol picked by ALPN as
// kube-apiserver and Go's client do it. Every request is a stream of one session, so a request
// costs a HEADERS and a DATA frame instead of an HTTP/1.1 message parsed on a socket of its own,
// which the profile of a first apply (two requests per object) showed as the larger part of the
// client's CPU. A server that answers ALPN with http/1.1 (or nothing) is remembered as such and
// the caller goes on over its HTTP/1.1 pool.
import type * as Http2 from 'node:http2'
import type { ClientHttp2Session, ClientHttp2Stream, IncomingHttpHeaders, OutgoingHttpHeaders, Settings } from 'node:http2'
import { connect as connectTls } from 'node:tls'
import type { ConnectionOptions } from 'node:tls'
import { connectDeadline } from './transport.js'

let http2: typeof Http2 | undefined
/**
 * node:http2, loaded on first use: the transport's default, HTTP/1.1 on its own pool, never needs
 * it, and loading it (node:assert with it) cost every `gitops apply` about 5 ms of CPU at start.
 */
export function http2Module(): typeof Http2 {
  return (http2 ??= process.getBuiltinModule('node:http2'))
}

/** What one stream needs of the session around it. */
export interface H2Exchange {
  readonly method: string
  readonly path: string
  readonly headers: OutgoingHttpHeaders
  readonly body: string | undefined
}

/** What {@link H2Sessions.stream} hands back: the stream, or that the server speaks only HTTP/1.1. */
export type Opened = { readonly stream: ClientHttp2Stream; readonly session: ClientHttp2Session } | 'http1'

/** Why a stream failed before the server could have acted on it, so that sending it again is safe. */
export class NotSentError extends Error {
  override readonly name = 'NotSentError'
}

/**
 * One session at a time to one server, made on first use and again after it closed. `limit`
 * bounds the streams in flight (further ones wait their turn); the server's own
 * SETTINGS_MAX_CONCURRENT_STREAMS lowers it.
 */
export class H2Sessions {
  readonly #authority: string
  readonly #tls: ConnectionOptions
  #limit: number
  readonly #open = new WeakMap<ClientHttp2Session, number>()
  readonly #goaway = new WeakMap<ClientHttp2Session, number>()
  #session: Promise<ClientHttp2Session | 'http1'> | undefined
  #current: ClientHttp2Session | undefined
  #http1 = false
  #active = 0
  readonly #waiting: (() => void)[] = []

  readonly #handshakeTimeout: number

  constructor(options: { readonly authority: string; readonly tls: ConnectionOptions; readonly limit: number; readonly handshakeTimeout: number }) {
    this.#authority = options.authority
    this.#tls = options.tls
    this.#limit = Math.max(1, options.limit)
    this.#handshakeTimeout = options.handshakeTimeout
  }

  /** Whether ALPN chose HTTP/1.1: every later request goes the HTTP/1.1 way. */
  get http1(): boolean {
    return this.#http1
  }

  /** The last stream id the server's GOAWAY said it processed, if it sent one. */
  goawayLastStreamId(session: ClientHttp2Session): number | undefined {
    return this.#goaway.get(session)
  }

  /** Waits for a place among the streams in flight; `release` gives it back. */
  async acquire(signal: AbortSignal | undefined): Promise<void> {
    if (this.#active < this.#limit) {
      this.#active += 1
      return
    }
    await new Promise<void>((resolve, reject) => {
      const go = (): void => {
        signal?.removeEventListener('abort', onAbort)
        resolve()
      }
      const onAbort = (): void => {
        const at = this.#waiting.indexOf(go)
        if (at >= 0) this.#waiting.splice(at, 1)
        // An abort rejects with the signal's reason, untouched, whatever it is.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        reject(signal?.reason)
      }
      signal?.addEventListener('abort', onAbort, { once: true })
      this.#waiting.push(go)
    })
  }

  release(): void {
    if (this.#active > this.#limit) {
      this.#active -= 1
      return
    }
    const next = this.#waiting.shift()
    if (next !== undefined) next()
    else this.#active -= 1
  }

  /** Opens a stream for `exchange` on the current session (connecting first when there is none). */
  async open(exchange: H2Exchange): Promise<Opened> {
    const session = await (this.#session ??= this.#connect())
    if (session === 'http1') return 'http1'
    if (session.closed || session.destroyed) {
      this.#forget(session)
      return this.open(exchange)
    }
    let stream: ClientHttp2Stream
    try {
      stream = session.request({ ...exchange.headers, ':method': exchange.method, ':path': exchange.path }, { endStream: exchange.body === undefined })
    } catch (cause) {
      // A session that went away between the check and the request: nothing was sent.
      this.#forget(session)
      throw new NotSentError('the HTTP/2 session closed before the request was sent', { cause })
    }
    // The session keeps the process alive only while it has a stream open, as a pooled HTTP/1.1
    // socket does only while it carries a request.
    const open = (this.#open.get(session) ?? 0) + 1
    this.#open.set(session, open)
    if (open === 1) session.ref()
    stream.once('close', () => {
      const left = (this.#open.get(session) ?? 1) - 1
      this.#open.set(session, left)
      if (left === 0) session.unref()
    })
    if (exchange.body !== undefined) stream.end(exchange.body)
    return { stream, session }
  }

  /** Closes the session (a GOAWAY to the server); streams in flight finish first. */
  close(): void {
    const pending = this.#session
    this.#session = undefined
    this.#current = undefined
    // A connection that failed has nothing to close (its requests already reported the failure).
    pending?.then(
      (session) => {
        if (session !== 'http1') session.close()
      },
      () => undefined,
    )
  }

  #forget(session: ClientHttp2Session): void {
    if (this.#current !== session) return
    this.#current = undefined
    this.#session = undefined
  }

  #connect(): Promise<ClientHttp2Session | 'http1'> {
    const attempt = new Promise<ClientHttp2Session | 'http1'>((resolve, reject) => {
      // No Nagle delay: a stream's HEADERS and DATA are small writes, as Go's client and node:http's agent do.
      const socket = connectTls({ ...this.#tls, ALPNProtocols: ['h2', 'http/1.1'] })
      socket.setNoDelay(true)
      socket.once('error', reject)
      // A server that accepts the connection and never completes TLS, or drips its handshake a
      // byte at a time: the connection has one deadline for TCP and TLS together (not an
      // inactivity timer, which each byte would restart), and must neither outlive it nor keep the
      // process alive.
      const clearDeadline = connectDeadline(socket, this.#handshakeTimeout)
      socket.once('secureConnect', () => {
        socket.off('error', reject)
        clearDeadline()
        if (socket.alpnProtocol !== 'h2') {
          // The server speaks HTTP/1.1 only: this probe's connection is not kept.
          this.#http1 = true
          socket.destroy()
          resolve('http1')
          return
        }
        const session = http2Module().connect(this.#authority, { createConnection: () => socket })
        session.on('error', () => this.#forget(session))
        session.once('goaway', (_code: number, lastStreamID: number) => {
          this.#goaway.set(session, lastStreamID)
          this.#forget(session)
        })
        session.once('close', () => this.#forget(session))
        session.once('remoteSettings', (settings: Settings) => {
          const most = settings.maxConcurrentStreams
          // The server's bound, when lower than ours, is the one in force (never below one stream).
          if (most !== undefined && most > 0 && most < this.#limit) this.#limit = most
        })
        session.unref()
        this.#current = session
        resolve(session)
      })
    })
    // A failed connection is not cached: the next request tries again.
    attempt.catch(() => {
      if (this.#session === attempt) this.#session = undefined
    })
    return attempt
  }
}

/** Whether a stream's failure came before the server took it: refused, or past the GOAWAY's last stream. */
export function notProcessed(stream: ClientHttp2Stream, goawayLastStreamId: number | undefined): boolean {
  if (stream.rstCode === http2Module().constants.NGHTTP2_REFUSED_STREAM) return true
  const id = stream.id
  if (id === undefined) return true
  return goawayLastStreamId !== undefined && id > goawayLastStreamId
}

/** An answer's headers (HTTP/1.1 or HTTP/2) as one string per name, HTTP/2's pseudo-headers left out. */
export function flatHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = Object.create(null) as Record<string, string>
  for (const key of Object.keys(headers)) {
    if (key.startsWith(':')) continue
    const value = headers[key]
    if (value !== undefined) out[key] = Array.isArray(value) ? value.join(', ') : value
  }
  return out
}
