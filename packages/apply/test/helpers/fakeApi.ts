// A tiny stand-in for an API server on 127.0.0.1, for faults the embedded apiserver does not make:
// it serves core/v1 discovery and hands every other request to the test's handler, which may
// answer, answer late, or never answer. A test can wait for the connection of a request to close,
// to tell that an abort reached the socket (a request that is never answered keeps its connection
// open otherwise: the server's keep-alive timeout applies to idle connections only).
import { createServer } from 'node:http'
import type { IncomingMessage, Server, ServerResponse } from 'node:http'
import type { Socket } from 'node:net'

/** What a handler does with one request (after discovery). */
export type FakeHandler = (request: IncomingMessage, response: ServerResponse, body: string) => void

/** A running fake. */
export interface FakeApi {
  readonly url: string
  /** A kubeconfig for it (plain HTTP, as client-node 2.x allows only with insecure-skip-tls-verify). */
  readonly kubeconfigYaml: string
  /** Requests the handler saw, as `METHOD path`. */
  readonly seen: string[]
  /** Resolves when the handler receives its next request. */
  nextRequest(): Promise<IncomingMessage>
  /** Resolves when the connection that carried `request` is closed. */
  closed(request: IncomingMessage): Promise<void>
  stop(): Promise<void>
}

const discovery = {
  kind: 'APIResourceList',
  groupVersion: 'v1',
  resources: [
    { name: 'configmaps', namespaced: true, kind: 'ConfigMap', verbs: ['create', 'delete', 'get', 'list', 'patch', 'update'] },
    { name: 'secrets', namespaced: true, kind: 'Secret', verbs: ['create', 'delete', 'get', 'list', 'patch', 'update'] },
    { name: 'namespaces', namespaced: false, kind: 'Namespace', verbs: ['create', 'delete', 'get', 'list', 'patch', 'update'] },
  ],
}

/** Starts the fake with `handler` for everything but discovery. */
export async function startFakeApi(handler: FakeHandler): Promise<FakeApi> {
  const seen: string[] = []
  const requestWaiters: ((r: IncomingMessage) => void)[] = []
  const sockets = new Set<Socket>()
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = []
    request.on('data', (c: Buffer) => chunks.push(c))
    request.on('end', () => {
      const path = new URL(request.url ?? '/', 'http://x').pathname
      if (request.method === 'GET' && (path === '/api/v1' || path === '/apis')) {
        response.setHeader('Content-Type', 'application/json')
        response.end(JSON.stringify(path === '/apis' ? { kind: 'APIGroupList', groups: [] } : discovery))
        return
      }
      seen.push(`${request.method ?? ''} ${path}`)
      requestWaiters.shift()?.(request)
      handler(request, response, Buffer.concat(chunks).toString('utf8'))
    })
  })
  server.on('connection', (socket: Socket) => {
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const address = server.address()
  if (address === null || typeof address === 'string') throw new Error('no port')
  const url = `http://127.0.0.1:${address.port}`
  const kubeconfigYaml = [
    'apiVersion: v1',
    'kind: Config',
    'clusters: [{ name: fake, cluster: { server: "' + url + '", insecure-skip-tls-verify: true } }]',
    'users: [{ name: fake, user: { token: fake-token } }]',
    'contexts: [{ name: fake, context: { cluster: fake, user: fake, namespace: default } }]',
    'current-context: fake',
  ].join('\n')
  return {
    url,
    kubeconfigYaml,
    seen,
    nextRequest: () => new Promise((resolve) => requestWaiters.push(resolve)),
    closed: (request) => new Promise((resolve) => (request.socket.closed ? resolve() : request.socket.once('close', () => resolve()))),
    stop: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

/** Answers a Kubernetes Status. */
export function status(response: ServerResponse, code: number, reason: string, message: string, extra: { headers?: Record<string, string>; causes?: unknown[] } = {}): void {
  response.writeHead(code, { 'Content-Type': 'application/json', ...(extra.headers ?? {}) })
  response.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message, details: { causes: extra.causes ?? [] } }))
}
