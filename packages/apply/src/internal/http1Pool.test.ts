// The HTTP/1.1 pool on its own, for what the client cannot reach (test/faults/http1.test.ts has
// the faults through the client): a connection that cannot even be started, idle age measured
// on a monotonic clock, and the one class of characters header values are held to.
import type { AddressInfo, Socket } from 'node:net'
import { createServer as createTlsServer } from 'node:tls'
import type { TLSSocket } from 'node:tls'
import { describe, expect, it, vi } from 'vitest'
import { testTls } from '../../test/helpers/fakeH2Api.js'
import { ok, rawServer } from '../../test/helpers/rawHttp1.js'
import type { RawServer } from '../../test/helpers/rawHttp1.js'
import { plainHeaders } from './http1Parse.js'
import { Http1Pool } from './http1Pool.js'
import type { Http1PoolOptions } from './http1Pool.js'

describe('the HTTP/1.1 pool itself', () => {
  const options = (port: number, more: Partial<Http1PoolOptions> = {}): Http1PoolOptions => ({ tls: undefined, host: '127.0.0.1', port, headers: ['Host', `127.0.0.1:${port}`], prefix: '', maxSockets: 1, maxResponseBytes: 1 << 20, connectTimeout: 10_000, ...more })

  it('fails a request whose connection cannot even be started with that error, restoring its counts and leaving no timer', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      // net.connect throws at once on a port out of range.
      const pool = new Http1Pool(options(65_536))
      for (let i = 0; i < 3; i += 1) {
        let outcome: unknown = 'pending'
        pool.send({ method: 'GET', path: '/api/v1', timeout: 60_000 }).then(
          () => (outcome = 'answered'),
          (e: unknown) => (outcome = e),
        )
        await Promise.resolve()
        await Promise.resolve()
        // With maxSockets 1, a count left behind by the first would queue the others for good.
        expect(outcome).toMatchObject({ code: 'ERR_SOCKET_BAD_PORT' })
        expect(vi.getTimerCount()).toBe(0)
      }
      pool.close()
    } finally {
      vi.useRealTimers()
    }
  })

  it('measures idle age on a monotonic clock: a wall clock set back does not make a stale connection look fresh', async () => {
    // Keep-Alive: timeout=1 leaves no idle time to reuse a connection after.
    const server = await rawServer((socket) => socket.write(ok('{}', 'Keep-Alive: timeout=1\r\n')))
    const wall = Date.now
    try {
      const pool = new Http1Pool(options(Number(new URL(server.url).port), { maxSockets: 2 }))
      await pool.send({ method: 'GET', path: '/x', timeout: 10_000 })
      vi.spyOn(Date, 'now').mockImplementation(() => wall() - 3_600_000)
      await new Promise((done) => setTimeout(done, 10))
      await pool.send({ method: 'GET', path: '/x', timeout: 10_000 })
      expect(server.connections()).toBe(2)
      pool.close()
    } finally {
      vi.restoreAllMocks()
      await server.stop()
    }
  })

  it('takes one character class for header values, RFC 9110 field-values: tabs and spaces inside, visible ASCII at the ends', async () => {
    expect(plainHeaders(['Host', 'h', 'X-A', 'a\tb c', 'X-B', ''])).toBe(true)
    for (const bad of [' a', 'a ', '\ta', 'a\t', 'a\r\nb', 'a\nb', 'a\0b', 'a\x7fb', 'é', 'a\x1fb']) expect(plainHeaders(['X-A', bad]), JSON.stringify(bad)).toBe(false)
    expect(plainHeaders(['X A', 'a'])).toBe(false)
    // The content type of a request is held to the same class.
    const server = await rawServer((socket) => socket.write(ok('{}')))
    try {
      const port = Number(new URL(server.url).port)
      const pool = new Http1Pool(options(port))
      const answer = await pool.send({ method: 'PATCH', path: '/x', body: '{}', contentType: 'application/json;\tcharset=utf-8', timeout: 10_000 })
      expect(answer.status).toBe(200)
      expect(server.seen[0]?.head).toContain('\r\nContent-Type: application/json;\tcharset=utf-8\r\n')
      for (const bad of ['application/json ', 'application/json\r\nX: y']) await expect(pool.send({ method: 'PATCH', path: '/x', body: '{}', contentType: bad, timeout: 10_000 })).rejects.toThrow(TypeError)
      pool.close()
    } finally {
      await server.stop()
    }
  })

  it('never writes a request on a reused connection from within the read that brought its last answer: a stray TLS record after it is no answer to the next', async () => {
    let connections = 0
    // /a's answer fills one TLS record exactly (16 KiB of plaintext): written with a stray answer
    // in one write, it goes out as two records in one TCP write, which the client reads in one
    // read, each record emitted as its own 'data' event.
    const fill = (n: number): string => ok(`"${'x'.repeat(n)}"`)
    let size = 16_384 - fill(0).length
    while (fill(size).length > 16_384) size -= 1
    const first = fill(size)
    expect(first.length).toBe(16_384)
    const server = createTlsServer({ key: testTls.key, cert: testTls.cert }, (socket: TLSSocket) => {
      connections += 1
      socket.on('error', () => undefined)
      let buffered = ''
      socket.on('data', (chunk: Buffer) => {
        buffered += chunk.toString('latin1')
        for (let end = buffered.indexOf('\r\n\r\n'); end >= 0; end = buffered.indexOf('\r\n\r\n')) {
          const path = buffered.slice(0, end).split(' ')[1] ?? ''
          buffered = buffered.slice(end + 4)
          socket.write(path === '/a' ? first + ok('"stray"') : ok(JSON.stringify(path)))
        }
      })
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    try {
      const port = (server.address() as AddressInfo).port
      const pool = new Http1Pool(options(port, { tls: { ca: testTls.ca } }))
      // maxSockets 1: /b waits for /a's connection, and is given it as /a's answer completes.
      const [a, b] = await Promise.all([pool.send({ method: 'GET', path: '/a', timeout: 10_000 }), pool.send({ method: 'GET', path: '/b', timeout: 10_000 })])
      expect(a.text).toHaveLength(size + 2)
      expect(b.text).toBe('"/b"')
      expect(connections).toBe(2)
      pool.close()
    } finally {
      server.close()
    }
  })

  /** A raw server answering every request with its path, after `first` has answered /first (its connection idle, its read some ms ago). */
  const idleServer = async (maxSockets = 1): Promise<{ server: RawServer; pool: Http1Pool; sockets: Socket[] }> => {
    const sockets: Socket[] = []
    const server = await rawServer((socket, request) => {
      sockets.push(socket)
      socket.write(ok(JSON.stringify(request.path)))
    })
    const pool = new Http1Pool(options(Number(new URL(server.url).port), { maxSockets }))
    await Promise.all(Array.from({ length: maxSockets }, (_, i) => pool.send({ method: 'GET', path: `/first${i}`, timeout: 10_000 })))
    // Past FRESH_READ: a request held for these connections waits two check phases.
    const since = performance.now()
    while (performance.now() - since < 5);
    return { server, pool, sockets }
  }
  const immediates = async (n: number): Promise<void> => {
    for (let i = 0; i < n; i += 1) await new Promise((resolve) => setImmediate(resolve))
  }

  it('never writes a held request that was aborted or timed out while held, and leaves no timer', async () => {
    const { server, pool } = await idleServer()
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      const stop = new AbortController()
      const aborted = pool.send({ method: 'GET', path: '/aborted', timeout: 60_000, signal: stop.signal }).catch((e: unknown) => e)
      await immediates(1)
      stop.abort(new Error('stopped'))
      expect(await aborted).toMatchObject({ message: 'stopped' })
      expect(vi.getTimerCount()).toBe(0)
      const late = pool.send({ method: 'GET', path: '/late', timeout: 1_000 }).catch((e: unknown) => e)
      vi.advanceTimersByTime(1_000)
      expect(await late).toMatchObject({ name: 'TimeoutError' })
      expect(vi.getTimerCount()).toBe(0)
      await immediates(4)
      expect(server.seen.map((r) => r.path)).toEqual(['/first0'])
      // The pool still serves, on a new connection.
      expect((await pool.send({ method: 'GET', path: '/after', timeout: 60_000 })).text).toBe('"/after"')
      expect(server.seen.map((r) => r.path)).toEqual(['/first0', '/after'])
      pool.close()
    } finally {
      vi.useRealTimers()
      await server.stop()
    }
  })

  it('writes each of two requests held in one turn once, when one of them goes elsewhere (stray bytes on its connection)', async () => {
    const { server, pool, sockets } = await idleServer(2)
    try {
      const x = pool.send({ method: 'GET', path: '/x', timeout: 10_000 })
      const y = pool.send({ method: 'GET', path: '/y', timeout: 10_000 })
      // Read between the two check phases the held requests wait: that connection is closed.
      sockets[0]?.write(ok('"stray"'))
      expect((await x).text).toBe('"/x"')
      expect((await y).text).toBe('"/y"')
      expect(server.seen.map((r) => r.path).sort()).toEqual(['/first0', '/first1', '/x', '/y'])
      expect(server.connections()).toBe(3)
      pool.close()
    } finally {
      await server.stop()
    }
  })
})
