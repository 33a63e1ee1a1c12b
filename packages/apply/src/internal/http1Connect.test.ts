// The deadline for a new connection (TCP and TLS together) of the HTTP/1.1 pool and of the HTTP/2
// session. node:tls is replaced
// here by a plain TCP connection that never reports the handshake done, to a server that sends a
// byte now and then: bytes a socket reads count as activity for node's socket.setTimeout, so an
// inactivity timer would never fire; the deadline must, at connectTimeout, not at the request's
// own (longer) deadline. Through the client it is APPLY_UNREACHABLE with that figure.
import { connect as connectNet, createServer } from 'node:net'
import type { AddressInfo, Socket } from 'node:net'
import { describe, expect, it, vi } from 'vitest'
import type * as Tls from 'node:tls'
import { Http1Pool } from './http1Pool.js'
import { ApplyError } from '../errors.js'
import { createDirectTransport } from './directTransport.js'
import { H2Sessions } from './h2Session.js'
import { HttpKubeClient } from './httpKubeClient.js'
import { ConnectTimeoutError } from './transport.js'

vi.mock('node:tls', async (original) => ({
  ...(await original<typeof Tls>()),
  connect: (options: { readonly host: string; readonly port: number }): Socket => connectNet({ host: options.host, port: options.port }),
}))

/** A TCP server that sends a byte every 20 ms on each connection, and never anything else. */
async function dripping(): Promise<{ port: number; closed: Promise<void>[]; stop: () => Promise<void> }> {
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
  return {
    port: (slow.address() as AddressInfo).port,
    closed,
    stop: async () => {
      for (const drip of drips) clearInterval(drip)
      await new Promise<void>((resolve) => slow.close(() => resolve()))
    },
  }
}

describe('a new connection\'s deadline', () => {
  it('gives a connection of the HTTP/1.1 pool one deadline for TCP and TLS together, which a server dripping bytes does not extend', async () => {
    const { port, closed, stop } = await dripping()
    try {
      const pool = new Http1Pool({ tls: {}, host: '127.0.0.1', port, headers: ['Host', `127.0.0.1:${port}`], prefix: '', maxSockets: 1, maxResponseBytes: 1 << 20, connectTimeout: 300 })
      const err = await pool.send({ method: 'GET', path: '/api/v1', timeout: 5_000 }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(ConnectTimeoutError)
      expect((err as Error).message).toBe('TCP and TLS not done within 300 ms')
      expect(closed).toHaveLength(1)
      await closed[0]
      pool.close()
    } finally {
      await stop()
    }
  })

  it('gives the HTTP/2 session\'s connection the same deadline', async () => {
    const { port, closed, stop } = await dripping()
    try {
      const sessions = new H2Sessions({ authority: `https://127.0.0.1:${port}`, tls: { host: '127.0.0.1', port }, limit: 10, handshakeTimeout: 300 })
      const err = await sessions.open({ method: 'GET', path: '/api/v1', headers: {}, body: undefined }).catch((e: unknown) => e)
      expect(err).toBeInstanceOf(ConnectTimeoutError)
      expect((err as Error).message).toBe('TCP and TLS not done within 300 ms')
      expect(closed).toHaveLength(1)
      await closed[0]
      sessions.close()
    } finally {
      await stop()
    }
  })

  it('reports a connection not up by its deadline through the client as APPLY_UNREACHABLE, naming the object, the server (no credentials) and that deadline', async () => {
    const { port, closed, stop } = await dripping()
    try {
      const server = `https://127.0.0.1:${port}`
      for (const requestTimeout of [5_000, 0]) {
        const transport = createDirectTransport(
          { server: `https://me:secret@127.0.0.1:${port}`, namespace: undefined, tls: {}, token: 'tok' },
          { headers: {}, maxSockets: 1, handshakeTimeout: 300, protocol: 'http1' },
        )
        const client = new HttpKubeClient(transport, { namespace: 'default', onRequest: undefined, retries: 0, requestTimeout })
        const err = await client.get({ group: '', kind: 'ConfigMap', namespace: 'default', name: 'web' }).catch((e: unknown) => e)
        expect(err).toBeInstanceOf(ApplyError)
        expect(err).toMatchObject({ code: 'APPLY_UNREACHABLE', details: { server, timeout: 300 } })
        expect((err as Error).message).toBe(`/api/v1: discovery failed: ${server} did not answer (TCP and TLS not done within 300 ms)`)
        expect((err as Error).message).not.toContain('secret')
      }
      expect(closed).toHaveLength(2)
      await Promise.all(closed)
    } finally {
      await stop()
    }
  })
})
