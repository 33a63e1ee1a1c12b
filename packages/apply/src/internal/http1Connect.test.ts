// The HTTP/1.1 pool's deadline for a new connection (TCP and TLS together). node:tls is replaced
// here by a plain TCP connection that never reports the handshake done, to a server that sends a
// byte now and then: bytes a socket reads count as activity for node's socket.setTimeout, so an
// inactivity timer would never fire; the pool's deadline must, at connectTimeout, not at the
// request's own (longer) deadline.
import { connect as connectNet, createServer } from 'node:net'
import type { AddressInfo, Socket } from 'node:net'
import { describe, expect, it, vi } from 'vitest'
import type * as Tls from 'node:tls'
import { Http1Pool } from './http1Pool.js'
import { RequestTimeoutError } from './transport.js'

vi.mock('node:tls', async (original) => ({
  ...(await original<typeof Tls>()),
  connect: (options: { readonly host: string; readonly port: number }): Socket => connectNet({ host: options.host, port: options.port }),
}))

describe('the HTTP/1.1 pool connecting', () => {
  it('gives a connection one deadline for TCP and TLS together, which a server dripping bytes does not extend', async () => {
    const closed: Promise<void>[] = []
    const drips = new Set<NodeJS.Timeout>()
    const slow = createServer((socket) => {
      socket.on('error', () => undefined)
      socket.resume()
      closed.push(new Promise((resolve) => socket.once('close', () => resolve())))
      const drip = setInterval(() => socket.write('x'), 20)
      drips.add(drip)
      socket.once('close', () => clearInterval(drip))
    })
    await new Promise<void>((resolve) => slow.listen(0, '127.0.0.1', resolve))
    try {
      const port = (slow.address() as AddressInfo).port
      const pool = new Http1Pool({ tls: {}, host: '127.0.0.1', port, headers: ['Host', `127.0.0.1:${port}`], prefix: '', maxSockets: 1, maxResponseBytes: 1 << 20, connectTimeout: 300 })
      const err = await pool.send({ method: 'GET', path: '/api/v1', timeout: 5_000 }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(RequestTimeoutError)
      expect((err as Error).message).toContain('within 300 ms')
      expect(closed).toHaveLength(1)
      await closed[0]
      pool.close()
    } finally {
      for (const drip of drips) clearInterval(drip)
      await new Promise<void>((resolve) => slow.close(() => resolve()))
    }
  })
})
