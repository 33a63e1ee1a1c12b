// Requests as HTTP/2 streams of the direct transport's session: the same bounds as its HTTP/1.1
// requests (a deadline by one timer, the caller's signal through one listener per signal), and a
// stream the server provably never took (refused, past a GOAWAY's last stream, or not yet sent
// when the session ended) is sent again on a new session, whatever its method: the server never
// acted on it. Any other failure is the caller's to report; nothing that may have been processed
// is sent twice.
import type { ClientHttp2Stream, IncomingHttpHeaders, OutgoingHttpHeaders } from 'node:http2'
import { Aborts } from './aborts.js'
import { flatHeaders, http2Module, notProcessed, NotSentError } from './h2Session.js'
import type { H2Sessions } from './h2Session.js'
import { BoundedBody, DEFAULT_MAX_RESPONSE_BYTES, RequestTimeoutError, ResponseTooLargeError } from './transport.js'
import type { RawRequest, RawResponse } from './transport.js'

/** How often a stream the server never took is sent again before its failure is reported. */
const RESENDS = 2

/** Sends raw requests over {@link H2Sessions}; undefined when the server turned out to speak HTTP/1.1 only. */
export class Http2Sender {
  readonly #sessions: H2Sessions
  readonly #prefix: string
  readonly #headers: OutgoingHttpHeaders
  readonly #maxResponseBytes: number
  readonly #aborts = new Aborts()

  constructor(sessions: H2Sessions, options: { readonly prefix: string; readonly headers: OutgoingHttpHeaders; readonly maxResponseBytes?: number | undefined }) {
    this.#sessions = sessions
    this.#prefix = options.prefix
    this.#headers = options.headers
    this.#maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES
  }

  async send(request: RawRequest): Promise<RawResponse | undefined> {
    const { signal } = request
    signal?.throwIfAborted()
    const ms = request.timeout !== undefined && request.timeout > 0 ? request.timeout : 0
    const deadline = ms > 0 ? Date.now() + ms : 0
    await this.#sessions.acquire(signal)
    try {
      for (let attempt = 0; ; attempt += 1) {
        const left = deadline === 0 ? 0 : deadline - Date.now()
        if (deadline !== 0 && left <= 0) throw new RequestTimeoutError(ms)
        try {
          return await this.#once(request, { left, ms })
        } catch (err) {
          if (!(err instanceof NotSentError) || attempt >= RESENDS || signal?.aborted === true) throw err
        }
      }
    } finally {
      this.#sessions.release()
    }
  }

  #once(request: RawRequest, time: { readonly left: number; readonly ms: number }): Promise<RawResponse | undefined> {
    const { signal } = request
    const body = request.body
    const headers: OutgoingHttpHeaders =
      body === undefined ? this.#headers : { ...this.#headers, 'content-type': request.contentType ?? 'application/json', 'content-length': Buffer.byteLength(body, 'utf8') }
    const path = `${this.#prefix}${request.path}${queryOf(request.query)}`
    return new Promise<RawResponse | undefined>((done, fail) => {
      let finished = false
      let stream: ClientHttp2Stream | undefined
      // What an abort or the deadline ends: the stream once there is one (never the session its siblings share).
      const handle = { destroy: () => stream?.close(http2Module().constants.NGHTTP2_CANCEL) }
      const finish = (settle: () => void): void => {
        if (finished) return
        finished = true
        if (timer !== undefined) clearTimeout(timer)
        if (signal !== undefined) this.#aborts.forget(signal, handle)
        settle()
      }
      // A RequestTimeoutError, a node error, NotSentError, or an aborted signal's reason as it is.
      // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
      const failed = (err: unknown): void => finish(() => fail(err))
      const timer =
        time.left > 0
          ? setTimeout(() => {
              failed(new RequestTimeoutError(time.ms))
              handle.destroy()
            }, time.left)
          : undefined
      if (signal !== undefined) this.#aborts.watch(signal, handle, failed)
      this.#sessions.open({ method: request.method, path, headers, body }).then(
        (opened) => {
          if (opened === 'http1') {
            finish(() => done(undefined))
            return
          }
          stream = opened.stream
          if (finished) {
            handle.destroy()
            return
          }
          const { session } = opened
          const own = stream
          let status = 0
          let answered: IncomingHttpHeaders = {}
          const text = new BoundedBody(this.#maxResponseBytes)
          const tooLarge = (): void => {
            failed(new ResponseTooLargeError(text.limit))
            // The rest of the answer is not read: this stream ends, its siblings go on.
            handle.destroy()
          }
          own.on('response', (h: IncomingHttpHeaders) => {
            status = Number(h[':status'] ?? 0)
            answered = h
            const length = h['content-length']
            if (text.declaredTooLarge(typeof length === 'string' ? length : undefined)) tooLarge()
          })
          own.on('data', (chunk: Buffer) => {
            if (!finished && !text.add(chunk)) tooLarge()
          })
          own.on('end', () =>
            finish(() =>
              done({
                status,
                text: text.text(),
                // Headers are read only when asked for (a Retry-After): most answers never are.
                get headers() {
                  return flatHeaders(answered)
                },
              }),
            ),
          )
          const unanswered = (cause: unknown): Error => {
            if (notProcessed(own, this.#sessions.goawayLastStreamId(session))) return new NotSentError('the server refused the HTTP/2 stream before acting on it', { cause })
            if (cause instanceof Error) return cause
            return new Error(`the HTTP/2 stream was closed before the answer ended (code ${own.rstCode})`)
          }
          // After the answer ended, 'close' is the normal end: nothing to build an error for.
          own.on('error', (err) => {
            if (!finished) failed(unanswered(err))
          })
          own.on('close', () => {
            if (!finished) failed(unanswered(undefined))
          })
        },
        (err: unknown) => failed(err),
      )
    })
  }
}

// Characters application/x-www-form-urlencoded leaves as they are: a query of only these (field
// managers, dryRun=All, force=true) is joined directly, without a URLSearchParams per request.
const PLAIN = /^[\w.*-]*$/

/** `?k=v&...` of the defined values, encoded as URLSearchParams encodes them; '' when none. */
export function queryOf(query: RawRequest['query']): string {
  if (query === undefined) return ''
  let plain = ''
  for (const key of Object.keys(query)) {
    const value = query[key]
    if (value === undefined) continue
    if (!PLAIN.test(key) || !PLAIN.test(value)) return encodedQuery(query)
    plain += `${plain === '' ? '?' : '&'}${key}=${value}`
  }
  return plain
}

function encodedQuery(query: NonNullable<RawRequest['query']>): string {
  const params = new URLSearchParams()
  for (const key of Object.keys(query)) {
    const value = query[key]
    if (value !== undefined) params.append(key, value)
  }
  const text = params.toString()
  return text === '' ? '' : `?${text}`
}
