import { randomBytes } from 'node:crypto'
import { createServer as createHttpServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Http2SecureServer, ServerHttp2Stream } from 'node:http2'
import type { TLSSocket } from 'node:tls'
import { createSecureServer } from 'node:http2'
import type { Http2Session } from 'node:http2'
import type { Socket } from 'node:net'
import type { AddressInfo } from 'node:net'
import { systemClock } from '@gitops-sdk/core'
import { ApiServer } from './apiServer.js'
import { ApiServerError } from './errors.js'
import { runPass } from './internal/controllers/background.js'
import { Cluster } from './internal/state/cluster.js'
import type { HandlerContext } from './internal/http/handlerContext.js'
import { handleRequest } from './internal/http/handler.js'
import { FaultState } from './internal/http/faultState.js'
import { namespaceType } from './internal/state/registry.js'
import type { ResourceType } from './internal/state/registry.js'
import { bootstrapPolicy } from './internal/auth/bootstrap.js'
import type { UserInfo } from './internal/auth/rbac.js'
import { createServingCertificates } from './internal/http/tls.js'
import { createObject } from './internal/verbs/createObject.js'
import { internalRequest } from './internal/verbs/writes.js'
import type { ApiServerOptions } from './types.js'

const loopback = new Set(['127.0.0.1', 'localhost', '::1'])

/**
 * Starts an in-memory Kubernetes API server on loopback that `kubectl` and `@kubernetes/client-node`
 * talk to as to a cluster: discovery, CRUD, watch, server-side apply, CRDs, namespaces, garbage
 * collection. HTTPS (HTTP/2 or HTTP/1.1, by ALPN) with a CA made at start and bearer-token auth by default.
 *
 * @throws APISERVER_HOST_NOT_LOOPBACK when `host` is not a loopback address or a `webhookServices`
 * URL is not `https://` on loopback; APISERVER_LISTEN_FAILED
 * when the port cannot be bound. Rejects with `signal.reason` when aborted.
 * @example
 * ```ts
 * const server = await startApiServer()
 * const kc = new KubeConfig()
 * kc.loadFromOptions(server.kubeconfig())
 * // … drive it with client-node or write server.kubeconfigYaml() for kubectl …
 * await server.stop()
 * ```
 */
export async function startApiServer(options: ApiServerOptions = {}): Promise<ApiServer> {
  const { signal } = options
  signal?.throwIfAborted()
  const host = options.host ?? '127.0.0.1'
  if (!loopback.has(host)) {
    throw new ApiServerError({ code: 'APISERVER_HOST_NOT_LOOPBACK', message: `${host}: the embedded API server listens on loopback only`, details: { host } })
  }
  const clock = options.clock ?? systemClock
  const cluster = new Cluster({
    clock,
    seed: options.seed,
    gitVersion: options.version ?? 'v1.32.0',
    establishDelayMs: options.establishDelayMs ?? 0,
    watchHistory: options.watchHistory ?? 10_000,
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 5_000,
    controllers: options.controllers ?? 'none',
    readyDelayMs: options.readyDelayMs ?? 0,
    daemonSetNodes: options.daemonSetNodes ?? 1,
  })
  cluster.onPass = () => runPass(cluster)
  const reseed = (): void => {
    for (const name of ['default', 'kube-system', 'kube-public', 'kube-node-lease']) {
      createObject(cluster, namespaceType, { namespace: '', body: { apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, request: internalRequest('kube-apiserver') })
    }
  }
  const authorization = options.authorization ?? 'AlwaysAllow'
  const rbacType = (plural: string): ResourceType | undefined => cluster.types.get(`rbac.authorization.k8s.io/${plural}`)
  const bootstrap = (): void => {
    if (authorization !== 'RBAC') return
    const policy = bootstrapPolicy()
    for (const [plural, list] of [['clusterroles', policy.roles], ['clusterrolebindings', policy.bindings]] as const) {
      const type = rbacType(plural)
      if (type !== undefined) for (const body of list) createObject(cluster, type, { namespace: '', body, request: internalRequest('kube-apiserver') })
    }
  }
  const seed = (): void => {
    reseed()
    bootstrap()
  }
  seed()

  const authentication = options.authentication ?? true
  const token = authentication ? (options.tokens?.[0] ?? randomBytes(24).toString('hex')) : undefined
  const tokens = authentication ? new Set(options.tokens ?? [token ?? '']) : undefined
  const tls = options.tls ?? true
  const certs = tls ? createServingCertificates(clock.now()) : undefined
  let port = 0
  const faults = new FaultState()
  if (options.faults !== undefined) faults.set(options.faults)
  const identities = new Map<string, UserInfo>()
  for (const user of options.users ?? []) {
    const groups = [...(user.groups ?? [])]
    if (!groups.includes('system:authenticated')) groups.push('system:authenticated')
    identities.set(user.token, { name: user.name, uid: user.uid, groups })
  }
  const stopping = new AbortController()
  const network = { services: webhookServices(options.webhookServices), signal: stopping.signal }
  const context: HandlerContext = { cluster, tokens, port: () => port, log: [], interceptors: [], watches: new Set(), faults, identities, authorization, network, stopping }
  const listener = (request: Parameters<typeof handleRequest>[1], response: Parameters<typeof handleRequest>[2]): void => {
    void handleRequest(context, request, response)
  }
  const connections: ServerConnections = { sessions: new Set(), sockets: new Set() }
  const idleTimeoutMs = options.idleTimeoutMs ?? 30_000
  const server = certs === undefined ? createHttpServer(listener) : secureServer(certs, { listener, connections, idleTimeoutMs })
  // HTTP/1.1 connections: node:http's own keep-alive timer (the TLS server's http/1.1 sockets too).
  server.keepAliveTimeout = idleTimeoutMs
  await new Promise<void>((resolve, reject) => {
    const onAbort = (): void => {
      server.close()
      reject(signal?.reason as Error)
    }
    server.once('error', (err: Error) => {
      signal?.removeEventListener('abort', onAbort)
      reject(new ApiServerError({ code: 'APISERVER_LISTEN_FAILED', message: `${host}:${options.port ?? 0}: cannot listen: ${err.message}`, details: { host, port: options.port ?? 0 }, cause: err }))
    })
    signal?.addEventListener('abort', onAbort, { once: true })
    server.listen(options.port ?? 0, host, () => {
      signal?.removeEventListener('abort', onAbort)
      resolve()
    })
  })
  port = (server.address() as AddressInfo).port
  const urlHost = host === '::1' ? '[::1]' : host
  return new ApiServer({
    server,
    connections,
    cluster,
    handler: context,
    url: `${tls ? 'https' : 'http'}://${urlHost}:${port}`,
    token,
    caCertPem: certs?.caCertPem,
    reseed: seed,
  })
}

/** The open HTTP/2 sessions and HTTP/1.1 sockets of a TLS server, for stop(). */
export interface ServerConnections {
  readonly sessions: Set<Http2Session>
  readonly sockets: Set<Socket>
}

/**
 * HTTPS with HTTP/2 and HTTP/1.1 negotiated through ALPN, as kube-apiserver serves: kubectl (Go)
 * picks h2, clients that offer only http/1.1 (client-node) keep it. The handler gets node's HTTP/2
 * compatibility request and response, which stand in for IncomingMessage and ServerResponse.
 */
function secureServer(
  certs: { readonly keyPem: string; readonly certPem: string },
  serving: { readonly listener: (request: IncomingMessage, response: ServerResponse) => void; readonly connections: ServerConnections; readonly idleTimeoutMs: number },
): Http2SecureServer & { keepAliveTimeout: number } {
  const { listener, connections, idleTimeoutMs } = serving
  // noDelay as node:http's server sets it: an answer's frames are small writes.
  const server = createSecureServer({ key: certs.keyPem, cert: certs.certPem, allowHTTP1: true, noDelay: true }, listener as unknown as Parameters<typeof createSecureServer>[1])
  server.on('session', (session: Http2Session) => {
    connections.sessions.add(session)
    session.once('close', () => connections.sessions.delete(session))
    closeWhenIdle(session, idleTimeoutMs)
    // A broken session (a client gone mid-frame) is the client's problem, never an uncaught error here.
    session.on('error', () => undefined)
  })
  server.on('secureConnection', (socket: TLSSocket) => {
    if (socket.alpnProtocol === 'h2') return
    connections.sockets.add(socket)
    socket.once('close', () => connections.sockets.delete(socket))
  })
  // node:http's connection handling, which serves the http/1.1 sockets, reads keepAliveTimeout here.
  return Object.assign(server, { keepAliveTimeout: idleTimeoutMs })
}

/**
 * Closes an HTTP/2 session (GOAWAY, then the socket) once it has had no open stream for
 * `idleTimeoutMs`, as Go's HTTP/2 server does with its IdleTimeout: a session with a stream open (a
 * watch, a slow request) is never idle, unlike node's own session timeout, which counts frames.
 */
function closeWhenIdle(session: Http2Session, idleTimeoutMs: number): void {
  let open = 0
  let timer: NodeJS.Timeout | undefined
  const arm = (): void => {
    timer = setTimeout(() => session.close(), idleTimeoutMs)
    timer.unref()
  }
  session.on('stream', (stream: ServerHttp2Stream) => {
    open++
    clearTimeout(timer)
    stream.once('close', () => {
      open--
      if (open === 0 && !session.closed && !session.destroyed) arm()
    })
  })
  session.once('close', () => clearTimeout(timer))
  arm()
}

/** The `webhookServices` option as a map, each URL checked: https on loopback. */
function webhookServices(option: Readonly<Record<string, string>> | undefined): Map<string, string> {
  const out = new Map<string, string>()
  for (const [service, target] of Object.entries(option ?? {})) {
    let url: URL | undefined
    try {
      url = new URL(target)
    } catch {
      url = undefined
    }
    if (url === undefined || url.protocol !== 'https:' || !['127.0.0.1', 'localhost', '[::1]'].includes(url.hostname)) {
      throw new ApiServerError({
        code: 'APISERVER_HOST_NOT_LOOPBACK',
        message: `webhookServices["${service}"]: ${target} is not an https URL on loopback; only 127.0.0.1 is a network target`,
        details: { service },
      })
    }
    out.set(service, url.href)
  }
  return out
}
