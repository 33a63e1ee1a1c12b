// A TLS stand-in for an API server on 127.0.0.1 that speaks HTTP/2 (or HTTP/1.1 only), for the
// transport faults the embedded apiserver does not make: a reset stream, a GOAWAY in the middle of
// an apply, a session that never starts. It serves core/v1 discovery itself and hands every other
// stream, with its body, to the test's handler. The certificate (127.0.0.1, valid until 2125) and its
// CA were made with the embedded apiserver's certificate code; the key is for these tests only.
import { createServer as createHttpsServer } from 'node:https'
import { createSecureServer } from 'node:http2'
import type { Http2Session, IncomingHttpHeaders, ServerHttp2Stream } from 'node:http2'
import type { AddressInfo } from 'node:net'
import type { TLSSocket } from 'node:tls'
import { createServer as createTlsServer } from 'node:tls'

const caPem = "-----BEGIN CERTIFICATE-----\nMIIBpzCCAU2gAwIBAgIQEz3cCyGsUXVxp1IWaHjxKTAKBggqhkjOPQQDAjAiMSAw\nHgYDVQQDDBdnaXRvcHMtc2RrLWFwaXNlcnZlci1jYTAgFw0yNTEyMzEyMzAwMDBa\nGA8yMTI1MTIwODAwMDAwMFowIjEgMB4GA1UEAwwXZ2l0b3BzLXNkay1hcGlzZXJ2\nZXItY2EwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAASxmSpUOKN13gewYeCaMA4X\nKrU8VAgkCaBtkHotzkJsqca5I+aWK5epDCExwSgfZ+G49UmDxtd0nHBNTJobvCjJ\no2MwYTAPBgNVHRMBAf8EBTADAQH/MA4GA1UdDwEB/wQEAwIBhjAdBgNVHQ4EFgQU\nPxHS0pD3tP4roShS1CgRsfCpWDswHwYDVR0jBBgwFoAUPxHS0pD3tP4roShS1CgR\nsfCpWDswCgYIKoZIzj0EAwIDSAAwRQIgB/LZA1J/hNeFeczEE0PatDX/uso9ibuo\n81OzWlSxBdwCIQDg9XKk2nQVwyJ9V2bbBWlIw4Z9ppmH3mSXsBMRJDwHfw==\n-----END CERTIFICATE-----\n"
const certPem = "-----BEGIN CERTIFICATE-----\nMIIByTCCAW+gAwIBAgIQNxS/JLdI2/J140bM7G9l9DAKBggqhkjOPQQDAjAiMSAw\nHgYDVQQDDBdnaXRvcHMtc2RrLWFwaXNlcnZlci1jYTAgFw0yNTEyMzEyMzAwMDBa\nGA8yMTI1MTIwODAwMDAwMFowHzEdMBsGA1UEAwwUZ2l0b3BzLXNkay1hcGlzZXJ2\nZXIwWTATBgcqhkjOPQIBBggqhkjOPQMBBwNCAARYKeDU8pCl3ODrLRJDqKmfYqNJ\nd0E9RMsrAPzykXVkIj1OpCVL6lJ5MzbaSNMmVa8yUP10iXo8vV5Aj5sFNFsFo4GH\nMIGEMAwGA1UdEwEB/wQCMAAwDgYDVR0PAQH/BAQDAgeAMBMGA1UdJQQMMAoGCCsG\nAQUFBwMBMC4GA1UdEQQnMCWHBH8AAAGCCWxvY2FsaG9zdIISZ3VhcmQud2ViaG9v\na3Muc3ZjMB8GA1UdIwQYMBaAFD8R0tKQ97T+K6EoUtQoEbHwqVg7MAoGCCqGSM49\nBAMCA0gAMEUCIQC0lO4zI2A7lLXWN8IUlNO0p9EH2+esUPXRQka0GkEjAgIgDurS\n8PiHLTRFBDuZRh7wRy5SWfFLptKf6BouIJ8PO/M=\n-----END CERTIFICATE-----\n"
const keyPem = "-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQgrUpEKVfDnnUhk/tu\nRoWLlnCxk7f4fVD3gUdBjIk9n16hRANCAARYKeDU8pCl3ODrLRJDqKmfYqNJd0E9\nRMsrAPzykXVkIj1OpCVL6lJ5MzbaSNMmVa8yUP10iXo8vV5Aj5sFNFsF\n-----END PRIVATE KEY-----\n"

/** The bearer token of the fake's kubeconfig: no error may show it. */
/** The fake server's key and certificate (127.0.0.1) and the CA that signed it, for tests with a TLS server of their own. */
export const testTls: { readonly ca: string; readonly cert: string; readonly key: string } = { ca: caPem, cert: certPem, key: keyPem }

export const fakeToken = 'h2-fake-secret-token'

/** What a handler does with one stream (after discovery). */
export type H2Handler = (stream: ServerHttp2Stream, request: { readonly method: string; readonly path: string; readonly body: string; readonly session: Http2Session }) => void

/** What an HTTP/1.1-only fake answers to one request (after discovery). */
export type Http1Answer = (method: string, path: string, body: string) => { readonly status: number; readonly body: string }

/** A running fake. */
export interface FakeH2Api {
  readonly url: string
  readonly kubeconfigYaml: string
  /** Requests the handler saw, as `METHOD path?query`. */
  readonly seen: string[]
  /** The protocols the fake's connections negotiated, in order. */
  readonly protocols: string[]
  stop(): Promise<void>
}

const discovery = JSON.stringify({
  kind: 'APIResourceList',
  groupVersion: 'v1',
  resources: [{ name: 'configmaps', namespaced: true, kind: 'ConfigMap', verbs: ['create', 'delete', 'get', 'list', 'patch', 'update'] }],
})

function kubeconfigFor(url: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    `clusters: [{ name: fake, cluster: { server: "${url}", certificate-authority-data: ${Buffer.from(caPem).toString('base64')} } }]`,
    `users: [{ name: fake, user: { token: ${fakeToken} } }]`,
    'contexts: [{ name: fake, context: { cluster: fake, user: fake, namespace: default } }]',
    'current-context: fake',
  ].join('\n')
}

/**
 * Starts the fake: `h2` serves HTTP/2 only, `http1` HTTPS with HTTP/1.1 only (`http1Answer` then
 * answers every non-discovery request), `silent` completes TLS with h2 and then says
 * nothing (no SETTINGS, no answer).
 */
export async function startFakeH2Api(mode: 'h2' | 'http1' | 'silent', handler: H2Handler, http1Answer: Http1Answer = () => ({ status: 500, body: '' })): Promise<FakeH2Api> {
  const seen: string[] = []
  const protocols: string[] = []
  const sockets = new Set<TLSSocket>()
  const tls = { key: keyPem, cert: certPem }
  let server: ReturnType<typeof createSecureServer> | ReturnType<typeof createHttpsServer> | ReturnType<typeof createTlsServer>
  if (mode === 'h2') {
    const h2 = createSecureServer({ ...tls, allowHTTP1: false })
    h2.on('session', (session: Http2Session) => session.on('error', () => undefined))
    h2.on('stream', (stream: ServerHttp2Stream, headers: IncomingHttpHeaders) => {
      stream.on('error', () => undefined)
      const method = String(headers[':method'])
      const path = String(headers[':path'])
      let body = ''
      stream.setEncoding('utf8')
      stream.on('data', (c: string) => (body += c))
      stream.on('end', () => {
        const bare = path.split('?')[0]
        if (method === 'GET' && (bare === '/api/v1' || bare === '/apis')) {
          stream.respond({ ':status': 200, 'content-type': 'application/json' })
          stream.end(bare === '/apis' ? JSON.stringify({ kind: 'APIGroupList', groups: [] }) : discovery)
          return
        }
        seen.push(`${method} ${path}`)
        handler(stream, { method, path, body, session: stream.session as Http2Session })
      })
    })
    server = h2
  } else if (mode === 'http1') {
    server = createHttpsServer(tls, (request, response) => {
      let body = ''
      request.setEncoding('utf8')
      request.on('data', (c: string) => (body += c))
      request.on('end', () => {
        const path = request.url ?? '/'
        const bare = path.split('?')[0]
        if (request.method === 'GET' && (bare === '/api/v1' || bare === '/apis')) {
          response.writeHead(200, { 'content-type': 'application/json' })
          response.end(bare === '/apis' ? JSON.stringify({ kind: 'APIGroupList', groups: [] }) : discovery)
          return
        }
        seen.push(`${request.method ?? ''} ${path}`)
        const answer = http1Answer(request.method ?? '', path, body)
        response.writeHead(answer.status, { 'content-type': 'application/json' })
        response.end(answer.body)
      })
    })
  } else {
    server = createTlsServer({ ...tls, ALPNProtocols: ['h2'] }, (socket) => {
      sockets.add(socket)
      socket.on('error', () => undefined)
      socket.on('close', () => sockets.delete(socket))
    })
  }
  server.on('secureConnection', (socket: TLSSocket) => {
    protocols.push(String(socket.alpnProtocol))
    sockets.add(socket)
    socket.on('close', () => sockets.delete(socket))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    kubeconfigYaml: kubeconfigFor(url),
    seen,
    protocols,
    stop: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}
