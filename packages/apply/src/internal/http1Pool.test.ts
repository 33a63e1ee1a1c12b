// The HTTP/1.1 pool on its own, for what the client cannot reach (test/faults/http1.test.ts has
// the faults through the client): a connection that cannot even be started, idle age measured
// on a monotonic clock, and the one class of characters header values are held to.
import { describe, expect, it, vi } from 'vitest'
import { ok, rawServer } from '../../test/helpers/rawHttp1.js'
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
})
