// Raw HTTP to the API server over node:http(s) with one keep-alive agent. Authentication and TLS
// come from the caller's endpoint (a client-node KubeConfig or the in-cluster service account);
// bodies stay plain JSON. client-node 1.x's own request pipeline buffers every answer, which a
// watch cannot use, so list, watch and writes all go through this one path.
import { Agent as HttpAgent, request as httpRequest } from 'node:http'
import type { ClientRequest, IncomingMessage } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import { StringDecoder } from 'node:string_decoder'
import { trimCharRun } from '@gitops-sdk/core'
import { ControllerError } from '../errors.js'
import { linkedSignal } from './linkedSignal.js'

/** Where requests go and how they authenticate. */
export interface Endpoint {
  /** Base URL, `https://host:port`. */
  readonly server: string
  /** TLS settings of the connection. */
  readonly tls: TlsSettings
  /** Headers of the next request (the bearer token); called before every request. */
  headers(): Promise<Readonly<Record<string, string>>>
  /** Called after a 401, so a rotated credential is read again before the next request. */
  unauthorized?(): void
}

/** TLS settings of an {@link Endpoint}. */
export interface TlsSettings {
  readonly ca?: string | Buffer | undefined
  readonly cert?: string | Buffer | undefined
  readonly key?: string | Buffer | undefined
  readonly rejectUnauthorized?: boolean | undefined
  readonly servername?: string | undefined
}

/** One request. */
export interface HttpRequest {
  readonly method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE'
  readonly path: string
  readonly query?: Readonly<Record<string, string | undefined>> | undefined
  readonly body?: string | undefined
  readonly contentType?: string | undefined
  readonly signal?: AbortSignal | undefined
  /** Subject of error messages (`Lease/ns/name`, `leases in namespace ns`). */
  readonly subject: string
}

/** An answer read to its end. */
export interface HttpResponse {
  readonly status: number
  readonly text: string
  readonly headers: Readonly<Record<string, string | string[] | undefined>>
}

/** An answer whose body is read line by line (a watch). */
export interface HttpStream {
  readonly status: number
  /** The whole body when the status is not 2xx; empty otherwise. */
  readonly text: string
  /** The lines of a 2xx body; ends when the server ends the stream or an idle deadline passes. */
  readonly lines: AsyncIterable<string>
}

/** Limits of a transport. */
export interface TransportLimits {
  /** ms a request may take, to the end of its answer; 0 for none. */
  readonly requestTimeout: number
  /** Largest body read, in bytes. */
  readonly maxBodyBytes: number
  readonly maxSockets: number
  readonly userAgent: string
}

/** Sends requests to one API server. */
export class Transport {
  readonly server: string
  readonly #endpoint: Endpoint
  readonly #limits: TransportLimits
  readonly #agent: HttpAgent
  readonly #secure: boolean

  constructor(endpoint: Endpoint, limits: TransportLimits) {
    this.#endpoint = endpoint
    this.#limits = limits
    // In one pass: `/\/+$/` retried from each slash of a run inside the URL, quadratically.
    this.server = trimCharRun(endpoint.server, '/', 'end')
    this.#secure = this.server.startsWith('https:')
    const common = { keepAlive: true, maxSockets: limits.maxSockets, maxFreeSockets: limits.maxSockets }
    this.#agent = this.#secure ? new HttpsAgent({ ...common, ...definedTls(endpoint.tls) }) : new HttpAgent(common)
  }

  /** Sends a request and reads its whole answer, within the request timeout. */
  async send(request: HttpRequest): Promise<HttpResponse> {
    request.signal?.throwIfAborted()
    const { requestTimeout } = this.#limits
    const linked = linkedSignal(request.signal)
    const deadline = new AbortController()
    const timer = requestTimeout > 0 ? setTimeout(() => {
      deadline.abort(new Error('timeout'))
      linked.abort(deadline.signal.reason)
    }, requestTimeout) : undefined
    try {
      const response = await this.#open(request, linked.signal)
      const text = await readBody(response, this.#limits.maxBodyBytes, request.subject)
      if (response.statusCode === 401) this.#endpoint.unauthorized?.()
      return { status: response.statusCode ?? 0, text, headers: response.headers }
    } catch (cause) {
      throw this.#failure(request, cause, deadline.signal)
    } finally {
      clearTimeout(timer)
      linked.dispose()
    }
  }

  /**
   * Opens a streamed request (a watch). The stream ends when no byte arrives for `idleMs`: a
   * server that went silent without closing the connection cannot hold a watcher forever.
   */
  async stream(request: HttpRequest, idleMs: number): Promise<HttpStream> {
    request.signal?.throwIfAborted()
    const { requestTimeout } = this.#limits
    const headerDeadline = new AbortController()
    const linked = linkedSignal(request.signal)
    const timer = requestTimeout > 0 ? setTimeout(() => {
      headerDeadline.abort(new Error('timeout'))
      linked.abort(headerDeadline.signal.reason)
    }, requestTimeout) : undefined
    let response: IncomingMessage
    try {
      response = await this.#open(request, linked.signal)
    } catch (cause) {
      linked.dispose()
      throw this.#failure(request, cause, headerDeadline.signal)
    } finally {
      clearTimeout(timer)
    }
    // The stream's own abort listener (readLines) takes over from here.
    linked.dispose()
    const status = response.statusCode ?? 0
    if (status < 200 || status > 299) {
      if (status === 401) this.#endpoint.unauthorized?.()
      return { status, text: await readBody(response, this.#limits.maxBodyBytes, request.subject), lines: empty() }
    }
    return { status, text: '', lines: readLines(response, { idleMs, maxLine: this.#limits.maxBodyBytes, signal: request.signal, subject: request.subject }) }
  }

  /** Closes the kept-alive connections. */
  close(): void {
    this.#agent.destroy()
  }

  async #open(request: HttpRequest, signal: AbortSignal | undefined): Promise<IncomingMessage> {
    const url = new URL(this.server + request.path)
    for (const [key, value] of Object.entries(request.query ?? {})) if (value !== undefined) url.searchParams.set(key, value)
    const headers: Record<string, string> = { Accept: 'application/json', 'User-Agent': this.#limits.userAgent, ...(await this.#endpoint.headers()) }
    if (request.body !== undefined) {
      headers['Content-Type'] = request.contentType ?? 'application/json'
      headers['Content-Length'] = String(Buffer.byteLength(request.body))
    }
    const send = this.#secure ? httpsRequest : httpRequest
    return new Promise<IncomingMessage>((resolve, reject) => {
      let req: ClientRequest
      try {
        req = send(url, { method: request.method, headers, agent: this.#agent, ...(signal === undefined ? {} : { signal }) }, resolve)
      } catch (cause) {
        reject(cause instanceof Error ? cause : new Error(String(cause)))
        return
      }
      req.on('error', reject)
      req.end(request.body)
    })
  }

  #failure(request: HttpRequest, cause: unknown, deadline: AbortSignal | undefined): unknown {
    if (request.signal?.aborted === true) return request.signal.reason
    if (cause instanceof ControllerError) return cause
    if (deadline?.aborted === true) {
      return new ControllerError({
        code: 'CONTROLLER_REQUEST_TIMEOUT',
        message: `${request.subject}: ${request.method} ${request.path.split('?')[0] ?? ''} failed: ${this.server} did not answer within ${this.#limits.requestTimeout} ms`,
        details: { server: this.server, timeout: this.#limits.requestTimeout },
      })
    }
    const why = cause instanceof Error ? cause.message : String(cause)
    return new ControllerError({
      code: 'CONTROLLER_UNREACHABLE',
      message: `${request.subject}: ${request.method} failed: ${this.server} is unreachable (${why})`,
      details: { server: this.server },
      cause,
    })
  }
}

function definedTls(tls: TlsSettings): Record<string, unknown> {
  const out: Record<string, unknown> = {}
  for (const [key, value] of Object.entries(tls)) if (value !== undefined) out[key] = value
  return out
}

async function readBody(response: IncomingMessage, max: number, subject: string): Promise<string> {
  const chunks: Buffer[] = []
  let size = 0
  for await (const chunk of response as AsyncIterable<Buffer>) {
    size += chunk.length
    if (size > max) {
      response.destroy()
      throw tooLarge(subject, max)
    }
    chunks.push(chunk)
  }
  return Buffer.concat(chunks).toString('utf8')
}

function tooLarge(subject: string, max: number): ControllerError {
  return new ControllerError({ code: 'CONTROLLER_RESPONSE_TOO_LARGE', message: `${subject}: the answer is larger than ${max} bytes`, details: { limit: max } })
}

async function* empty(): AsyncGenerator<string> {
  // nothing: a failed stream has no lines
}

interface LineOptions {
  readonly idleMs: number
  readonly maxLine: number
  readonly signal: AbortSignal | undefined
  readonly subject: string
}

async function* readLines(response: IncomingMessage, options: LineOptions): AsyncGenerator<string> {
  let idle: NodeJS.Timeout | undefined
  const arm = (): void => {
    clearTimeout(idle)
    idle = setTimeout(() => response.destroy(), options.idleMs)
  }
  const onAbort = (): void => {
    response.destroy()
  }
  options.signal?.addEventListener('abort', onAbort, { once: true })
  let pending = ''
  // A multi-byte character may be split between chunks.
  const decoder = new StringDecoder('utf8')
  try {
    arm()
    for await (const chunk of response as AsyncIterable<Buffer>) {
      arm()
      pending += decoder.write(chunk)
      if (pending.length > options.maxLine) throw tooLarge(options.subject, options.maxLine)
      let newline = pending.indexOf('\n')
      while (newline >= 0) {
        const line = pending.slice(0, newline).trim()
        pending = pending.slice(newline + 1)
        if (line !== '') yield line
        newline = pending.indexOf('\n')
      }
    }
  } catch (cause) {
    if (cause instanceof ControllerError) throw cause
    // A destroyed or reset stream is the end of this watch; the informer watches again.
  } finally {
    clearTimeout(idle)
    options.signal?.removeEventListener('abort', onAbort)
    response.destroy()
  }
  options.signal?.throwIfAborted()
}
