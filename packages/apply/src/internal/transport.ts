// The HTTP side of createKubeClient: @kubernetes/client-node's request pipeline (kubeconfig auth
// including exec and OIDC plugins, TLS, proxies, middleware) with raw JSON bodies.
//
// Both majors of client-node work: 1.x sends through node-fetch with an http(s).Agent on the
// request context (`setAgent`), 2.x through undici with a Dispatcher (`setDispatcher`). Whichever
// the installed module has is used; a module with neither (or without the request pipeline this
// file builds on) is refused when the client is created, not on the first request.
//
// Why not KubernetesObjectApi.patch/read/list directly: in client-node 1.4 they serialise through
// the typed models, which drop fields the models do not know, turn timestamps into Date objects
// and back with milliseconds, and take no AbortSignal. So this subclass reuses the pipeline
// (`requestPromise`: auth, middleware, fetch) and keeps bodies as plain JSON. It also swaps the
// per-request https.Agent client-node creates for one keep-alive agent, so requests share
// connections instead of paying a TLS handshake each.
import { Agent as HttpAgent } from 'node:http'
import { Agent as HttpsAgent } from 'node:https'
import type { AgentOptions } from 'node:https'
import type * as ClientNode from '@kubernetes/client-node'
import { replaceUrls } from '@gitops-sdk/core'

type Module = typeof ClientNode

/** An answer as it came. */
export interface RawResponse {
  readonly status: number
  readonly text: string
  readonly headers: Readonly<Record<string, string>>
}

/** One request. */
export interface RawRequest {
  readonly method: 'GET' | 'PATCH' | 'DELETE' | 'POST' | 'PUT'
  readonly path: string
  readonly query?: Readonly<Record<string, string | undefined>> | undefined
  readonly body?: string | undefined
  readonly contentType?: string | undefined
  readonly signal?: AbortSignal | undefined
  /**
   * Milliseconds until the request is given up with a {@link RequestTimeoutError}; only a
   * transport with `deadlines` reads it (0 or undefined: none).
   */
  readonly timeout?: number | undefined
}

/** Sends raw requests to the cluster of a kubeconfig. */
export interface Transport {
  readonly server: string
  /**
   * Whether `send` bounds a request by its `timeout` itself (cheaply, with no AbortSignal per
   * request); otherwise the caller bounds it through `signal`.
   */
  readonly deadlines?: boolean | undefined
  send(request: RawRequest): Promise<RawResponse>
  /** Ends the transport's connections (an HTTP/2 session says GOAWAY first); optional. */
  close?(): void
}

/** Where a URL's authority ends: `/`, `?`, `#`, `\\` or white space. */
const AUTHORITY_END = /[\s/?#\\]/g

/**
 * `text` with the userinfo of every URL in it removed: after a scheme, up to the last `@` before
 * the authority ends (a password may hold an unescaped `@`). What
 * `text.replace(/([A-Za-z][A-Za-z0-9+.-]*:\/\/)[^\s/?#\\]*@/g, '$1')` gives, in one pass by core's
 * replaceUrls: that pattern tried each letter of a long run of scheme characters as a start and
 * read the run to its end (100 KB of letters took seconds).
 */
export function withoutUserinfoInText(text: string): string {
  return replaceUrls(text, { stop: AUTHORITY_END }, ({ start, separator, end }) => {
    // The last `@` of the authority, looked for in the authority only (lastIndexOf would go on
    // past the `://` to the start of the text on each URL without one).
    let at = end - 1
    while (at >= separator + 3 && text.charCodeAt(at) !== 0x40 /* @ */) at--
    return at >= separator + 3 ? { until: at + 1, text: text.slice(start, separator + 3) } : undefined
  })
}

/**
 * The server URL as errors and logs show it, without the user and password a URL may carry
 * (`https://user:password@host`): the one place both transports take their `server` from. Given
 * a longer text (a node or fetch error message that repeats the URL), every URL in it loses its
 * userinfo.
 */
export function shownServer(text: string): string {
  // A server URL as the URL parser reads it: its userinfo may hold characters (a space, a tab)
  // where the pattern below would stop looking for the `@`.
  if (URL.canParse(text)) {
    const url = new URL(text)
    if (url.username !== '' || url.password !== '') {
      url.username = ''
      url.password = ''
      return text.endsWith('/') ? url.href : url.href.replace(/\/$/, '')
    }
  }
  return withoutUserinfoInText(text)
}

/** What a transport with `deadlines` rejects with when a request ran out of time. */
export class RequestTimeoutError extends Error {
  override readonly name = 'TimeoutError'
  constructor(readonly timeout: number) {
    super(`no answer within ${timeout} ms`)
  }
}

/**
 * A new connection that did not finish connecting (TCP, and TLS when the server is https) within
 * the transport's connect deadline: the server did not answer, whatever the request's own deadline.
 */
export class ConnectTimeoutError extends Error {
  override readonly name = 'ConnectTimeoutError'
  constructor(readonly timeout: number) {
    super(`TCP and TLS not done within ${timeout} ms`)
  }
}

/**
 * Gives a connecting socket one deadline for TCP and TLS together (not an inactivity timer, which
 * each byte of a dripping handshake would restart): past `ms` it is destroyed with a
 * ConnectTimeoutError. The timer keeps no process alive and goes when the socket closes; call the
 * returned function once connected. `ms` 0: no deadline.
 */
export function connectDeadline(socket: { destroy(error: Error): unknown; once(event: 'close', listener: () => void): unknown }, ms: number): () => void {
  if (ms <= 0) return () => {}
  const timer = setTimeout(() => socket.destroy(new ConnectTimeoutError(ms)), ms).unref()
  const clear = (): void => clearTimeout(timer)
  socket.once('close', clear)
  return clear
}

/**
 * The largest answer body the direct transport reads by default, in bytes: 256 MiB, far above a
 * list page of 500 large objects (CRDs of a few hundred KB each) and below the longest string V8
 * can hold (about 512 MiB), so an endless or huge body ends in a typed error, not a crash.
 */
export const DEFAULT_MAX_RESPONSE_BYTES: number = 256 * 1024 * 1024

/** What a transport rejects with when an answer's body is (or grows) larger than its bound. */
export class ResponseTooLargeError extends Error {
  override readonly name = 'ResponseTooLargeError'
  constructor(readonly limit: number) {
    super(`the answer is larger than ${limit} bytes`)
  }
}

/**
 * An answer's body read as bytes up to `limit`: `add` says false once the body is larger (its
 * bytes are then dropped), `text` decodes it once (a multi-byte character split across chunks
 * is whole again).
 */
export class BoundedBody {
  readonly limit: number
  #chunks: Buffer[] = []
  #size = 0

  constructor(limit: number) {
    this.limit = limit
  }

  /** The bytes added so far. */
  get size(): number {
    return this.#size
  }

  /** Whether a declared Content-Length already passes the bound. */
  declaredTooLarge(length: string | undefined): boolean {
    if (length === undefined) return false
    const n = Number(length)
    return Number.isFinite(n) && n > this.limit
  }

  add(chunk: Buffer): boolean {
    this.#size += chunk.length
    if (this.#size > this.limit) {
      this.#chunks = []
      return false
    }
    this.#chunks.push(chunk)
    return true
  }

  text(): string {
    const chunks = this.#chunks
    if (chunks.length === 0) return ''
    if (chunks.length === 1) return (chunks[0] as Buffer).toString('utf8')
    return Buffer.concat(chunks, this.#size).toString('utf8')
  }
}

/**
 * Extra headers on every request (impersonation) and the connection pool size. A header with
 * several values is sent as several lines (as Go's http.Header does), which client-node's string
 * headers cannot hold: the shared 1.x agent sets them on each request it carries.
 */
export interface TransportOptions {
  readonly headers: Readonly<Record<string, string | readonly string[]>>
  readonly maxSockets: number
}

const RAW = 'gitops-sdk:raw'

/** How the installed client-node takes a connection pool: 1.x an Agent, 2.x an undici Dispatcher. */
export type PoolStyle = 'agent' | 'dispatcher'

/** The pool style of a client-node module, or why it cannot be used (any other string). */
export function poolStyleOf(mod: Module): string {
  const context = (mod as unknown as { RequestContext?: { prototype?: Record<string, unknown> } }).RequestContext?.prototype
  const api = (mod as unknown as { KubernetesObjectApi?: { prototype?: Record<string, unknown> } }).KubernetesObjectApi?.prototype
  if (typeof api?.requestPromise !== 'function' || typeof api.processResponse !== 'function') return 'its KubernetesObjectApi has no requestPromise/processResponse'
  if (typeof mod.createConfiguration !== 'function' || typeof mod.ServerConfiguration !== 'function') return 'it has no createConfiguration/ServerConfiguration'
  if (typeof context?.setAgent === 'function') return 'agent'
  if (typeof context?.setDispatcher === 'function') return 'dispatcher'
  return 'its RequestContext has neither setAgent (1.x) nor setDispatcher (2.x)'
}

/** A pool the request context takes, by style. */
type SharedPool = { readonly style: 'agent'; readonly agent: HttpAgent } | { readonly style: 'dispatcher'; readonly dispatcher: unknown }

interface PoolContext {
  setAgent?(agent: HttpAgent): void
  setDispatcher?(dispatcher: unknown): void
}

/** Builds the transport for the current context of `kc`. */
export async function createTransport(mod: Module, kc: ClientNode.KubeConfig, options: TransportOptions): Promise<Transport> {
  const cluster = kc.getCurrentCluster()
  if (cluster === null) throw new Error('the kubeconfig context names no cluster')
  const style = poolStyleOf(mod)
  if (style !== 'agent' && style !== 'dispatcher') throw new Error(style)
  const shared = style === 'agent' ? await sharedAgent(kc, cluster, options.maxSockets) : await sharedDispatcher(kc, cluster)
  const single: [string, string][] = []
  const multiple: [string, readonly string[]][] = []
  for (const [key, value] of Object.entries(options.headers)) {
    if (typeof value === 'string') single.push([key, value])
    else multiple.push([key, value])
  }
  if (multiple.length > 0) {
    if (shared?.style !== 'agent') throw new Error(`several ${multiple.map(([k]) => k).join(', ')} headers need @kubernetes/client-node 1.x without a proxy`)
    repeatHeaders(shared.agent, multiple)
  }
  const configuration = mod.createConfiguration({
    baseServer: new mod.ServerConfiguration(cluster.server, {}),
    authMethods: { default: kc },
    promiseMiddleware: [
      {
        pre: async (context) => {
          const pool = context as unknown as PoolContext
          if (shared?.style === 'agent') pool.setAgent?.(shared.agent)
          else if (shared?.style === 'dispatcher') pool.setDispatcher?.(shared.dispatcher)
          for (const [key, value] of single) context.setHeaderParam(key, value)
          return context
        },
        post: async (context) => context,
      },
    ],
  })

  class RawObjectApi extends mod.KubernetesObjectApi {
    async send(request: RawRequest): Promise<RawResponse> {
      const context = this.configuration.baseServer.makeRequestContext(request.path, mod.HttpMethod[request.method])
      context.setHeaderParam('Accept', 'application/json')
      for (const [key, value] of Object.entries(request.query ?? {})) if (value !== undefined) context.setQueryParam(key, value)
      if (request.body !== undefined) {
        context.setHeaderParam('Content-Type', request.contentType ?? 'application/json')
        context.setBody(request.body)
      }
      if (request.signal !== undefined) context.setSignal(request.signal)
      return (await this.requestPromise(context, RAW)) as unknown as RawResponse
    }

    protected override async processResponse<T extends ClientNode.KubernetesObject>(response: ClientNode.ResponseContext, type?: string): Promise<T> {
      if (type !== RAW) return super.processResponse(response, type)
      const raw: RawResponse = { status: response.httpStatusCode, text: await response.body.text(), headers: response.headers }
      return raw as unknown as T
    }
  }

  const api = new RawObjectApi(configuration)
  return { server: shownServer(cluster.server), send: (request) => api.send(request) }
}

/**
 * Sets headers of several values on every request `agent` carries: node writes an array value as
 * one header line per element. The agent sees each request before its headers are flushed.
 */
function repeatHeaders(agent: HttpAgent, headers: readonly [string, readonly string[]][]): void {
  const withHook = agent as HttpAgent & { addRequest(request: { setHeader(name: string, value: readonly string[]): unknown }, options: unknown): void }
  const addRequest = withHook.addRequest.bind(agent)
  withHook.addRequest = (request, requestOptions) => {
    for (const [key, values] of headers) request.setHeader(key, values)
    addRequest(request, requestOptions)
  }
}

/**
 * 2.x: one undici Dispatcher for every request, made by client-node itself from the kubeconfig's
 * TLS settings (2.x makes a new one per request otherwise); undefined behind a proxy or when
 * there are no TLS settings (undici's global keep-alive dispatcher is then used, as 2.x does).
 */
async function sharedDispatcher(kc: ClientNode.KubeConfig, cluster: ClientNode.Cluster): Promise<SharedPool | undefined> {
  if (cluster.proxyUrl !== undefined && cluster.proxyUrl !== '') return undefined
  const create = (kc as unknown as { createDispatcher?: (cluster: ClientNode.Cluster, options: Record<string, unknown>) => unknown }).createDispatcher
  if (typeof create !== 'function') return undefined
  const opts: Record<string, unknown> = {}
  await kc.applyToHTTPSOptions(opts as Parameters<ClientNode.KubeConfig['applyToHTTPSOptions']>[0])
  const tls: Record<string, unknown> = {}
  for (const key of ['ca', 'cert', 'key', 'pfx', 'passphrase', 'rejectUnauthorized', 'servername']) if (opts[key] !== undefined) tls[key] = opts[key]
  if (cluster.skipTLSVerify) tls.rejectUnauthorized = false
  if (cluster.tlsServerName !== undefined && cluster.tlsServerName !== '') tls.servername = cluster.tlsServerName
  const dispatcher = create.call(kc, cluster, tls)
  return dispatcher === undefined ? undefined : { style: 'dispatcher', dispatcher }
}

/** 1.x: one keep-alive agent with the TLS settings client-node would use; undefined behind a proxy. */
async function sharedAgent(kc: ClientNode.KubeConfig, cluster: ClientNode.Cluster, maxSockets: number): Promise<SharedPool | undefined> {
  if (cluster.proxyUrl !== undefined && cluster.proxyUrl !== '') return undefined
  const opts: { ca?: AgentOptions['ca']; cert?: AgentOptions['cert']; key?: AgentOptions['key']; pfx?: AgentOptions['pfx']; passphrase?: string; rejectUnauthorized?: boolean; headers?: unknown } = {}
  await kc.applyToHTTPSOptions(opts as Parameters<ClientNode.KubeConfig['applyToHTTPSOptions']>[0])
  const common = { keepAlive: true, maxSockets, maxFreeSockets: maxSockets }
  if (cluster.server.startsWith('http:')) return { style: 'agent', agent: new HttpAgent(common) }
  const tls: AgentOptions = { ...common }
  if (opts.ca !== undefined) tls.ca = opts.ca
  if (opts.cert !== undefined) tls.cert = opts.cert
  if (opts.key !== undefined) tls.key = opts.key
  if (opts.pfx !== undefined) tls.pfx = opts.pfx
  if (opts.passphrase !== undefined) tls.passphrase = opts.passphrase
  if (cluster.skipTLSVerify) tls.rejectUnauthorized = false
  if (cluster.tlsServerName !== undefined && cluster.tlsServerName !== '') tls.servername = cluster.tlsServerName
  return { style: 'agent', agent: new HttpsAgent(tls) }
}
