// What differs between an HTTP/1.1 exchange and an HTTP/2 stream for the handler. The server
// speaks both over TLS (ALPN, as kube-apiserver does): node's HTTP/2 compatibility objects stand in
// for IncomingMessage and ServerResponse, but a stream is not a connection. Dropping one request
// must reset its stream only (RST_STREAM), not the session's socket that its siblings share, and
// connection-specific headers (Transfer-Encoding, Connection) are refused on HTTP/2.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { constants } from 'node:http2'
import type { Http2Stream, OutgoingHttpHeaders, ServerHttp2Stream } from 'node:http2'

function streamOf(message: IncomingMessage | ServerResponse): Http2Stream | undefined {
  const stream = (message as { stream?: Http2Stream }).stream
  return stream !== undefined && typeof stream === 'object' ? stream : undefined
}

/** Whether the exchange came over HTTP/2. */
export function isHttp2(message: IncomingMessage | ServerResponse): boolean {
  return streamOf(message) !== undefined
}

/** Whether the client can no longer be answered: its stream or its connection is gone. */
export function exchangeGone(request: IncomingMessage): boolean {
  const stream = streamOf(request)
  return stream === undefined ? request.socket.destroyed : stream.destroyed || stream.closed
}

/** Ends the exchange without an answer: HTTP/2 resets its stream, HTTP/1.1 closes its connection. */
export function dropExchange(request: IncomingMessage): void {
  const stream = streamOf(request)
  if (stream === undefined) request.socket.destroy()
  else stream.close(constants.NGHTTP2_INTERNAL_ERROR)
}

/** Each header's values as node's `headersDistinct` gives them (HTTP/2 requests lack it in node 20). */
export function distinctHeaders(request: IncomingMessage): NodeJS.Dict<string[]> {
  const own = (request as { headersDistinct?: NodeJS.Dict<string[]> }).headersDistinct
  if (own !== undefined) return own
  const out: NodeJS.Dict<string[]> = Object.create(null) as NodeJS.Dict<string[]>
  const raw = request.rawHeaders
  for (let i = 0; i + 1 < raw.length; i += 2) {
    const name = (raw[i] as string).toLowerCase()
    if (name.startsWith(':')) continue
    const list = out[name] ?? (out[name] = [])
    list.push(raw[i + 1] as string)
  }
  return out
}

/**
 * Answers with a whole body. On HTTP/2 the head and body go to the stream itself, so that node ends
 * the stream on the body's DATA frame: through the compatibility response, the end comes only after
 * the body has been written, as one more (empty) DATA frame in one more socket write, and Go
 * clients wait for it before they take the answer (kube-apiserver's Go server ends on the last frame).
 */
export function answerWhole(response: ServerResponse, code: number, answer: { readonly headers: Readonly<Record<string, string | string[] | number>>; readonly body: string | Uint8Array }): void {
  const { headers, body } = answer
  const stream = streamOf(response) as ServerHttp2Stream | undefined
  if (stream === undefined || stream.headersSent || response.req.method === 'HEAD') {
    response.writeHead(code, headers)
    response.end(body)
    return
  }
  const head: OutgoingHttpHeaders = { ':status': code }
  for (const [name, value] of Object.entries(headers)) head[name.toLowerCase()] = value
  stream.respond(head)
  stream.end(body)
}
