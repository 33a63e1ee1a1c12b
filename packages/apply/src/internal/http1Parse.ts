// The answer side of the direct transport's HTTP/1.1 pool: a state machine fed the socket's chunks
// as they come, which reads the status line and headers (skipping informational 1xx answers), then
// a body framed by Content-Length, by chunks, or by the end of the connection. Every length is
// bounded: the head and trailers by MAX_HEAD bytes, a chunk-size line by MAX_LINE bytes and 13 hex
// digits (2^52, exact in a double), the body by the transport's maxResponseBytes. Anything that is
// not HTTP/1.1 as a server writes it is refused with Http1ProtocolError, not guessed at.
import { BoundedBody, ResponseTooLargeError } from './transport.js'

/** The largest head (status line, headers) or trailer section of an answer, in bytes. */
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

/** A header name: an RFC 9110 token. */
export const TOKEN: RegExp = /^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/
/**
 * A header value the pool writes as it is: an RFC 9110 field-value of visible ASCII, with spaces
 * and tabs inside but not at either end (a receiver strips them there, so the value would not
 * arrive as given). No CR, LF, NUL or other control; no obs-text (bytes above 0x7e), which a
 * string cannot write as one byte each: such a value is left to node's own HTTP client.
 */
export const FIELD_VALUE: RegExp = /^(?:[\x21-\x7e](?:[\t\x20-\x7e]*[\x21-\x7e])?)?$/

/** Whether header pairs can be written as they are: token names, and values as FIELD_VALUE allows. */
export function plainHeaders(pairs: readonly string[]): boolean {
  for (let i = 0; i < pairs.length; i += 2) if (!TOKEN.test(pairs[i] as string) || !FIELD_VALUE.test(pairs[i + 1] as string)) return false
  return true
}

const STATUS = /^HTTP\/1\.([01]) ([1-9]\d\d)(?: [^\r\n]*)?$/
const CHUNK_SIZE = /^0*([0-9A-Fa-f]{1,13})[ \t]*(?:;[^\r\n]*)?$/
const LENGTH = /^\d{1,16}$/
const CLOSE = /(?:^|,)\s*close\s*(?:,|$)/i
const KEEP_ALIVE = /(?:^|,)\s*keep-alive\s*(?:,|$)/i

type Phase = 'head' | 'fixed' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailers' | 'until-close' | 'done'

/** One answer as it is parsed. */
export class AnswerParser {
  #phase: Phase = 'head'
  #pending: Buffer | undefined
  #headBytes = 0
  #interim = 0
  #left = 0
  #status = 0
  #headers: Record<string, string> = Object.create(null) as Record<string, string>
  #keepAlive = true
  readonly #body: BoundedBody

  constructor(limit: number) {
    this.#body = new BoundedBody(limit)
  }

  /** Whether any byte of the answer came. */
  get started(): boolean {
    return this.#headBytes > 0 || this.#pending !== undefined || this.#phase !== 'head'
  }

  /** Whether the body ends with the connection (no length given): its end completes the answer. */
  get untilClose(): boolean {
    return this.#phase === 'until-close'
  }

  /** Whether the connection may carry another request after this answer. */
  get keepAlive(): boolean {
    return this.#keepAlive
  }

  get status(): number {
    return this.#status
  }

  /** The headers, names in lower case, several fields of one name joined with ', '. */
  get headers(): Record<string, string> {
    return this.#headers
  }

  text(): string {
    return this.#body.text()
  }

  /**
   * Takes the next chunk of the connection; true once the answer is complete. Throws
   * Http1ProtocolError or ResponseTooLargeError; bytes after a complete answer are an error too
   * (no request is pipelined, so no server sends them).
   */
  feed(chunk: Buffer): boolean {
    let buf = chunk
    if (this.#pending !== undefined) {
      buf = Buffer.concat([this.#pending, chunk])
      this.#pending = undefined
    }
    const rest = this.#parse(buf)
    if (this.#phase === 'done') {
      if (rest > 0) throw new Http1ProtocolError('the server sent more than its answer')
      return true
    }
    if (rest > 0) this.#pending = buf.subarray(buf.length - rest)
    return false
  }

  /** Parses what `buf` holds; returns how many bytes at its end wait for more (or follow the answer). */
  #parse(buf: Buffer): number {
    let at = 0
    while (at < buf.length || this.#phase === 'fixed') {
      switch (this.#phase) {
        case 'head': {
          const end = this.#headEnd(buf, at, '\r\n\r\n')
          if (end < 0) return buf.length - at
          this.#head(buf.toString('latin1', at, end))
          at = end + 4
          break
        }
        case 'fixed': {
          const take = Math.min(this.#left, buf.length - at)
          if (take > 0) this.#add(buf.subarray(at, at + take))
          at += take
          this.#left -= take
          if (this.#left > 0) return 0
          this.#phase = 'done'
          return buf.length - at
        }
        case 'until-close':
          this.#add(at === 0 ? buf : buf.subarray(at))
          return 0
        case 'chunk-size':
          at = this.#chunkSize(buf, at)
          if (at < 0) return -at - 1
          break
        case 'chunk-data': {
          const take = Math.min(this.#left, buf.length - at)
          this.#add(buf.subarray(at, at + take))
          at += take
          this.#left -= take
          if (this.#left === 0) this.#phase = 'chunk-end'
          break
        }
        case 'chunk-end':
          if (buf.length - at < 2) return buf.length - at
          if (buf[at] !== 13 || buf[at + 1] !== 10) throw new Http1ProtocolError('a chunk of the answer does not end where its size says')
          at += 2
          this.#phase = 'chunk-size'
          break
        case 'trailers': {
          const end = this.#headEnd(buf, at, '\r\n')
          if (end < 0) return buf.length - at
          const empty = end === at
          at = end + 2
          // Trailer fields are read past and dropped; the empty line ends the answer.
          if (empty) {
            this.#phase = 'done'
            return buf.length - at
          }
          break
        }
        case 'done':
          return buf.length - at
      }
    }
    return 0
  }

  /**
   * Where `sep` (ending the head, or a trailer line) starts from `at`, -1 when it has not come yet;
   * the bytes up to and with it count against MAX_HEAD either way.
   */
  #headEnd(buf: Buffer, at: number, sep: '\r\n\r\n' | '\r\n'): number {
    const end = buf.indexOf(sep, at, 'latin1')
    const bytes = end < 0 ? buf.length - at : end + sep.length - at
    if (this.#headBytes + bytes > MAX_HEAD) throw new Http1ProtocolError(`the answer's ${sep === '\r\n' ? 'trailers' : 'headers'} are larger than ${MAX_HEAD} bytes`)
    if (end >= 0) this.#headBytes += bytes
    return end
  }

  /** Reads a chunk-size line at `at`; returns where the chunk starts, or -(bytes left over) - 1 when the line is not complete. */
  #chunkSize(buf: Buffer, at: number): number {
    const end = buf.indexOf('\r\n', at, 'latin1')
    if (end < 0 ? buf.length - at > MAX_LINE : end - at > MAX_LINE) throw new Http1ProtocolError('a chunk-size line of the answer is too long')
    if (end < 0) return -(buf.length - at) - 1
    const match = CHUNK_SIZE.exec(buf.toString('latin1', at, end))
    if (match === null) throw new Http1ProtocolError('the answer has a malformed or too large chunk size')
    const size = Number.parseInt(match[1] as string, 16)
    if (size === 0) this.#phase = 'trailers'
    else {
      if (this.#body.size + size > this.#body.limit) throw new ResponseTooLargeError(this.#body.limit)
      this.#left = size
      this.#phase = 'chunk-data'
    }
    return end + 2
  }

  #add(bytes: Buffer): void {
    if (!this.#body.add(bytes)) throw new ResponseTooLargeError(this.#body.limit)
  }

  /** Reads a status line and headers; sets how the body is framed. */
  #head(text: string): void {
    const lines = text.split('\r\n')
    const status = STATUS.exec(lines[0] as string)
    if (status === null) throw new Http1ProtocolError('the answer does not start with an HTTP/1.x status line')
    const code = Number(status[2])
    const headers: Record<string, string> = Object.create(null) as Record<string, string>
    for (let i = 1; i < lines.length; i += 1) {
      const line = lines[i] as string
      const colon = line.indexOf(':')
      const name = colon <= 0 ? '' : line.slice(0, colon)
      // No obsolete line folding, no space before the colon: a malformed field is refused.
      if (!TOKEN.test(name)) throw new Http1ProtocolError('the answer has a malformed header line')
      const key = name.toLowerCase()
      const value = line.slice(colon + 1).trim()
      const had = headers[key]
      headers[key] = had === undefined ? value : `${had}, ${value}`
    }
    if (code < 200) {
      if (code === 101) throw new Http1ProtocolError('the server switched protocols unasked')
      // An informational answer (100 Continue, 103 Early Hints) precedes the real one.
      this.#interim += 1
      if (this.#interim > MAX_INTERIM) throw new Http1ProtocolError('the answer has too many informational parts')
      return
    }
    this.#status = code
    this.#headers = headers
    const connection = headers.connection ?? ''
    this.#keepAlive = status[1] === '1' ? !CLOSE.test(connection) : KEEP_ALIVE.test(connection)
    this.#framing(code, headers['transfer-encoding'], headers['content-length'])
  }

  #framing(code: number, encoding: string | undefined, length: string | undefined): void {
    if (code === 204 || code === 304) {
      this.#phase = 'fixed'
      this.#left = 0
      return
    }
    if (encoding !== undefined) {
      if (length !== undefined) throw new Http1ProtocolError('the answer has both Transfer-Encoding and Content-Length')
      if (encoding.trim().toLowerCase() !== 'chunked') throw new Http1ProtocolError('the answer has a transfer encoding other than chunked')
      this.#phase = 'chunk-size'
      return
    }
    if (length !== undefined) {
      const values = length.split(',').map((v) => v.trim())
      const first = values[0] as string
      if (!LENGTH.test(first) || values.some((v) => v !== first)) throw new Http1ProtocolError('the answer has a malformed Content-Length')
      const n = Number(first)
      if (n > this.#body.limit) throw new ResponseTooLargeError(this.#body.limit)
      this.#phase = 'fixed'
      this.#left = n
      return
    }
    // No length: the body ends with the connection, which is then not reused.
    this.#keepAlive = false
    this.#phase = 'until-close'
  }
}
