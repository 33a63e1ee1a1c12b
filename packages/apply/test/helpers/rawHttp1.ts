// A raw HTTP/1.1 stand-in for an API server on 127.0.0.1, for the faults of the direct transport's
// own HTTP/1.1 pool: it reads requests (Content-Length bodies), answers core/v1 discovery itself and
// hands every other request with its socket to the test's handler, which writes whatever bytes the
// case needs (or none). It counts connections opened and closed.
import { createServer } from 'node:net'
import type { AddressInfo, Server, Socket } from 'node:net'

const discovery = JSON.stringify({
  kind: 'APIResourceList',
  groupVersion: 'v1',
  resources: [{ name: 'configmaps', namespaced: true, kind: 'ConfigMap', verbs: ['create', 'delete', 'get', 'list', 'patch', 'update'] }],
})

/** One request as the raw server read it. */
export interface Seen {
  readonly method: string
  readonly path: string
  readonly head: string
  readonly body: string
}

/** What a case does with one request on its socket (after discovery, which the server answers itself). */
export type RawHandler = (socket: Socket, request: Seen, index: number) => void

/** A running raw server. */
export interface RawServer {
  /** The server's URL (http://127.0.0.1:port). */
  readonly url: string
  readonly seen: Seen[]
  /** Connections the server accepted. */
  connections(): number
  /** Connections that closed. */
  closed(): number
  stop(): Promise<void>
}

/** A 200 answer with `body` and its Content-Length, plus `extra` header lines. */
export const ok = (body: string, extra = ''): string => `HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`

/** A TCP server reading HTTP/1.1 requests (Content-Length bodies) and handing each to `handler`. */
export async function rawServer(handler: RawHandler): Promise<RawServer> {
  const seen: Seen[] = []
  const sockets = new Set<Socket>()
  let connections = 0
  let closed = 0
  const server: Server = createServer((socket) => {
    connections += 1
    sockets.add(socket)
    socket.on('error', () => undefined)
    socket.on('close', () => {
      closed += 1
      sockets.delete(socket)
    })
    let buffered = Buffer.alloc(0)
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk])
      for (;;) {
        const end = buffered.indexOf('\r\n\r\n')
        if (end < 0) return
        const head = buffered.toString('latin1', 0, end)
        const length = Number(/\r\ncontent-length: *(\d+)/i.exec(head)?.[1] ?? '0')
        if (buffered.length < end + 4 + length) return
        const body = buffered.toString('utf8', end + 4, end + 4 + length)
        buffered = buffered.subarray(end + 4 + length)
        const [method = '', path = ''] = (head.split('\r\n')[0] ?? '').split(' ')
        const bare = path.split('?')[0]
        if (method === 'GET' && (bare === '/api/v1' || bare === '/apis')) {
          socket.write(ok(bare === '/apis' ? JSON.stringify({ kind: 'APIGroupList', groups: [] }) : discovery))
          continue
        }
        const request = { method, path, head, body }
        seen.push(request)
        handler(socket, request, seen.length - 1)
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`
  return {
    url,
    seen,
    connections: () => connections,
    closed: () => closed,
    stop: async () => {
      for (const s of sockets) s.destroy()
      await new Promise<void>((resolve) => server.close(() => resolve()))
    },
  }
}

