// Faults of the direct client over its own HTTP/1.1 pool (its default), against a
// raw TCP server that writes whatever bytes a case needs: a malformed status line, oversized
// headers, bad or overflowing chunk sizes, a truncated body, a Content-Length that does not match,
// a connection reset mid-body, idle connections the server closes, a server too slow for the
// deadline, an oversized body, an abort mid-request. Each ends in a typed ApplyError naming the
// object and the URL without credentials (never the token), a failed connection is never reused,
// and a request that may have reached the server is never sent again.
import { createServer as createNetServer } from 'node:net'
import type { AddressInfo, Socket } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { KubeObject } from '@gitops-sdk/core'
import { applyAll, ApplyError, createKubeClient } from '../../src/index.js'
import type { KubeClient } from '../../src/index.js'
import { fakeToken, startFakeH2Api } from '../helpers/fakeH2Api.js'
import { ok, rawServer } from '../helpers/rawHttp1.js'
import type { RawHandler, RawServer } from '../helpers/rawHttp1.js'

const token = 'h1-raw-secret-token'
const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web', namespace: 'default' }, data: { k: 'v' } }
const live = JSON.stringify({ ...cm, metadata: { ...cm.metadata, uid: 'u1', resourceVersion: '7' } })
const target = { group: '', kind: 'ConfigMap', namespace: 'default', name: 'web' }
const MAX_HEAD = 64 * 1024

const until = async (condition: () => boolean): Promise<void> => {
  while (!condition()) await new Promise((done) => setTimeout(done, 5))
}
/** Holds the event loop while loopback delivers what a server just sent, which then waits unread (a sleep, not a bound). */
const unread = (): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100)

const kubeconfigOf = (url: string): string =>
  [
    'apiVersion: v1',
    'kind: Config',
    `clusters: [{ name: raw, cluster: { server: "${url.replace('http://', 'http://admin:hunter2@')}" } }]`,
    `users: [{ name: raw, user: { token: ${token} } }]`,
    'contexts: [{ name: raw, context: { cluster: raw, user: raw, namespace: default } }]',
    'current-context: raw',
  ].join('\n')

describe('the direct client over its own HTTP/1.1 pool', () => {
  let server: RawServer | undefined
  let client: KubeClient | undefined
  const previous = process.env.GITOPS_APPLY_PROTOCOL
  beforeEach(() => {
    process.env.GITOPS_APPLY_PROTOCOL = 'http1'
  })
  afterEach(async () => {
    client?.close?.()
    client = undefined
    await server?.stop()
    server = undefined
    if (previous === undefined) delete process.env.GITOPS_APPLY_PROTOCOL
    else process.env.GITOPS_APPLY_PROTOCOL = previous
  })
  const open = async (handler: RawHandler, options: { readonly maxResponseBytes?: number; readonly requestTimeout?: number; readonly maxConnections?: number } = {}): Promise<KubeClient> => {
    server = await rawServer(handler)
    client = await createKubeClient({ kubeconfigYaml: kubeconfigOf(server.url), requestTimeout: options.requestTimeout ?? 10_000, maxResponseBytes: options.maxResponseBytes, maxConnections: options.maxConnections ?? 4, retries: 0 })
    return client
  }
  /** The error of a call, checked to be an ApplyError naming the object and the server, credential-free. */
  const failure = async (call: Promise<unknown>): Promise<ApplyError> => {
    const err = await call.then(
      () => undefined,
      (e: unknown) => e,
    )
    expect(err).toBeInstanceOf(ApplyError)
    const text = `${(err as Error).message} ${JSON.stringify(err)} ${String((err as Error).cause)}`
    for (const secret of [token, 'hunter2', 'admin:']) expect(text).not.toContain(secret)
    expect((err as Error).message).toContain('ConfigMap/default/web')
    expect((err as Error).message).toContain(server?.url)
    return err as ApplyError
  }
  const get = (c: KubeClient, signal?: AbortSignal): Promise<ApplyError> => failure(c.get(target, { signal }))

  it('sends the token, Host and Accept headers and the body with its length; applies over one reused connection', async () => {
    const c = await open((socket, r) => socket.write(r.method === 'GET' ? `HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\n{}` : ok(live)))
    const result = await applyAll([cm], { client: c, fieldManager: 'h1-faults' })
    expect(result.entries.map((e) => e.action)).toEqual(['created'])
    const write = server?.seen.find((s) => s.method === 'PATCH' && !s.path.includes('dryRun'))
    expect(write?.head).toMatch(/^PATCH \/api\/v1\/namespaces\/default\/configmaps\/web\?fieldManager=h1-faults\S* HTTP\/1\.1\r\nHost: 127\.0\.0\.1:\d+\r\nAccept: application\/json\r\n/)
    expect(write?.head).toContain(`\r\nAuthorization: Bearer ${token}`)
    expect(write?.head).toContain(`\r\nContent-Type: application/apply-patch+yaml\r\nContent-Length: ${Buffer.byteLength(write?.body ?? '')}`)
    expect(server?.connections()).toBe(1)
  })

  it('reads a chunked answer with extensions and trailers fed one byte at a time, after an informational answer', async () => {
    const c = await open((socket) => {
      const body = live
      const wire = `HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3;ext=1\r\n${body.slice(0, 3)}\r\n00${(body.length - 3).toString(16).toUpperCase()}\r\n${body.slice(3)}\r\n0\r\nX-Trailer: t\r\n\r\n`
      let i = 0
      const next = (): void => {
        if (i >= wire.length) return
        socket.write(wire[i] as string)
        i += 1
        setImmediate(next)
      }
      next()
    })
    expect(await c.get(target)).toMatchObject({ metadata: { uid: 'u1' } })
    expect(await c.get(target)).toMatchObject({ metadata: { uid: 'u1' } })
    expect(server?.connections()).toBe(1)
  })

  it('refuses a malformed status line with APPLY_UNREACHABLE and closes the connection', async () => {
    const c = await open((socket) => socket.write('HTTP/1.1 2OO OK\r\nContent-Length: 0\r\n\r\n'))
    expect(await get(c)).toMatchObject({ code: 'APPLY_UNREACHABLE', message: expect.stringContaining('status line') })
    await until(() => server?.closed() === 1)
  })

  it('refuses headers larger than the bound, whether or not they ever end', async () => {
    const big = `X-Big: ${'a'.repeat(MAX_HEAD)}\r\n`
    const c = await open((socket, _r, i) => socket.write(i === 0 ? `HTTP/1.1 200 OK\r\n${big}Content-Length: 0\r\n\r\n` : `HTTP/1.1 200 OK\r\n${big}`))
    expect(await get(c)).toMatchObject({ code: 'APPLY_UNREACHABLE', message: expect.stringContaining('headers are larger') })
    expect(await get(c)).toMatchObject({ code: 'APPLY_UNREACHABLE', message: expect.stringContaining('headers are larger') })
  })

  it('refuses malformed header lines, a Content-Length that is not a number or says two things, and both framings at once', async () => {
    const answers = [
      'HTTP/1.1 200 OK\r\n folded: x\r\nContent-Length: 0\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: -1\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 2, 3\r\n\r\nab',
      'HTTP/1.1 200 OK\r\nContent-Length: 99999999999999999999\r\n\r\n',
      'HTTP/1.1 200 OK\r\nContent-Length: 2\r\nTransfer-Encoding: chunked\r\n\r\n2\r\nab\r\n0\r\n\r\n',
      'HTTP/1.1 200 OK\r\nTransfer-Encoding: gzip\r\n\r\n',
    ]
    const c = await open((socket, _r, i) => socket.write(answers[i] as string))
    for (const answer of answers) expect(await get(c), answer).toMatchObject({ code: 'APPLY_UNREACHABLE', message: expect.stringMatching(/header|Content-Length|Transfer-Encoding|transfer encoding/) })
  })

  it('refuses bad and overflowing chunk sizes, and a chunk that does not end where its size says', async () => {
    const answers = ['zz\r\n', `${'f'.repeat(14)}\r\n`, `1${'0'.repeat(20)}\r\n`, '1'.repeat(5000), '-1\r\n', '2\r\nabc\r\n0\r\n\r\n']
    const c = await open((socket, _r, i) => socket.write(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${answers[i] as string}`))
    for (const answer of answers) expect(await get(c), answer).toMatchObject({ code: 'APPLY_UNREACHABLE', message: expect.stringContaining('chunk') })
  })

  it('accepts a chunk size with leading zeros, but no chunk larger than maxResponseBytes', async () => {
    const c = await open((socket, _r, i) => socket.write(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${i === 0 ? `0000000000000000${live.length.toString(16)}\r\n${live}\r\n0\r\n\r\n` : '1000000\r\n'}`), { maxResponseBytes: 4096 })
    expect(await c.get(target)).toMatchObject({ metadata: { uid: 'u1' } })
    expect(await get(c)).toMatchObject({ code: 'APPLY_RESPONSE_TOO_LARGE' })
  })

  it('fails a truncated body and one whose connection is reset mid-way, and sends neither again', async () => {
    const c = await open((socket, _r, i) => {
      if (i === 0) socket.end('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"half":')
      else {
        socket.write('HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\n{"half":')
        setTimeout(() => socket.resetAndDestroy(), 20)
      }
    })
    expect(await get(c)).toMatchObject({ code: 'APPLY_UNREACHABLE', message: expect.stringContaining('closed before the answer ended') })
    expect(await get(c)).toMatchObject({ code: 'APPLY_UNREACHABLE', message: expect.stringContaining('ECONNRESET') })
    expect(server?.seen).toHaveLength(2)
  })

  it('fails an answer longer than its Content-Length, and does not reuse the connection', async () => {
    const c = await open((socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\n{}{"more":1}'))
    expect(await get(c)).toMatchObject({ code: 'APPLY_UNREACHABLE', message: expect.stringContaining('more than its answer') })
    await until(() => server?.closed() === 1)
  })

  it('reports a write whose connection dropped as APPLY_UNREACHABLE and never sends it again', async () => {
    const c = await open((socket, r) => {
      if (r.method === 'GET') socket.write(`HTTP/1.1 404 Not Found\r\nContent-Length: 2\r\n\r\n{}`)
      else if (r.path.includes('dryRun')) socket.write(ok(live))
      else socket.destroy()
    })
    expect(await failure(applyAll([cm], { client: c, fieldManager: 'h1-faults' }))).toMatchObject({ code: 'APPLY_UNREACHABLE' })
    expect(server?.seen.filter((s) => s.method === 'PATCH' && !s.path.includes('dryRun'))).toHaveLength(1)
  })

  it('opens a new connection after the server closed an idle one, or said Connection: close, resending nothing', async () => {
    const c = await open((socket, _r, i) => {
      if (i === 0) {
        socket.write(ok(live))
        // Closed while idle, after the answer.
        setTimeout(() => socket.end(), 10)
      } else socket.write(ok(live, i === 1 ? 'Connection: close\r\n' : ''))
    })
    await c.get(target)
    await until(() => server?.closed() === 1)
    await c.get(target)
    await c.get(target)
    expect(server?.connections()).toBe(3)
    expect(server?.seen).toHaveLength(3)
  })

  it('sends a read again once, on a new connection, when a reused one closes before any byte of its answer', async () => {
    // The second request finds its connection closing, as an idle connection the server closes
    // while a request is on its way. (A write in that case is never sent again: see above.)
    const c = await open((socket, _r, i) => (i === 1 ? socket.destroy() : socket.write(ok(live))))
    await c.get(target)
    expect(await c.get(target)).toMatchObject({ metadata: { uid: 'u1' } })
    expect(server?.seen).toHaveLength(3)
    expect(server?.connections()).toBe(2)
  })

  it('does not hide a read that fails again after its one resend', async () => {
    const c = await open((socket, _r, i) => (i === 0 ? socket.write(ok(live)) : socket.destroy()))
    await c.get(target)
    expect(await get(c)).toMatchObject({ code: 'APPLY_UNREACHABLE' })
    expect(server?.seen).toHaveLength(3)
  })

  it('does not reuse a connection idle for longer than the Keep-Alive timeout the server announced, less a second', async () => {
    const c = await open((socket, _r, i) => socket.write(ok(live, i === 0 ? 'Keep-Alive: timeout=1\r\n' : '')))
    await c.get(target)
    await new Promise((done) => setTimeout(done, 10))
    await c.get(target)
    expect(server?.connections()).toBe(2)
    // The stale one was closed by the client, not left to the server.
    await until(() => server?.closed() === 1)
    expect(server?.seen).toHaveLength(2)
  })

  it('does not take bytes an idle connection received after an answer, still unread, for the next request\'s answer', async () => {
    // A stray answer is in the client's kernel buffer, not yet read by the event loop, when the next request comes.
    const sockets: Socket[] = []
    const c = await open((socket) => {
      sockets.push(socket)
      socket.write(ok(live))
    })
    await c.get(target)
    sockets[0]?.write(ok(JSON.stringify({ ...cm, metadata: { ...cm.metadata, uid: 'stray' } })))
    unread()
    expect(await c.get(target)).toMatchObject({ metadata: { uid: 'u1' } })
    expect(server?.connections()).toBe(2)
    expect(server?.seen).toHaveLength(2)
    await until(() => server?.closed() === 1)
  })

  it('sends a write on another connection when the idle one it would take has ended, unread, and writes it once', async () => {
    const sockets: Socket[] = []
    const c = await open((socket) => {
      sockets.push(socket)
      socket.write(ok(live))
    })
    await c.get(target)
    // The server closes the idle connection; its end waits unread when the write comes.
    sockets[0]?.end()
    unread()
    expect(await c.apply(cm, { fieldManager: 'h1-faults' })).toMatchObject({ metadata: { uid: 'u1' } })
    expect(server?.seen.filter((s) => s.method === 'PATCH')).toHaveLength(1)
    expect(server?.connections()).toBe(2)
  })

  it('reads an answer without a length to the end of its connection, and does not reuse that connection', async () => {
    const c = await open((socket) => socket.end(`HTTP/1.0 200 OK\r\n\r\n${live}`))
    expect(await c.get(target)).toMatchObject({ metadata: { uid: 'u1' } })
    expect(await c.get(target)).toMatchObject({ metadata: { uid: 'u1' } })
    expect(server?.connections()).toBe(2)
  })

  it('ends a request to a server too slow for the deadline with APPLY_REQUEST_TIMEOUT and closes its connection', async () => {
    const c = await open((socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\n{"slo'), { requestTimeout: 100 })
    expect(await get(c)).toMatchObject({ code: 'APPLY_REQUEST_TIMEOUT' })
    await until(() => server?.closed() === 1)
  })

  it('bounds the wait for a free connection by the same deadline', async () => {
    const c = await open(() => undefined, { requestTimeout: 100, maxConnections: 1 })
    const [first, second] = await Promise.all([get(c), get(c)])
    expect(first.code).toBe('APPLY_REQUEST_TIMEOUT')
    expect(second.code).toBe('APPLY_REQUEST_TIMEOUT')
    expect(server?.seen).toHaveLength(1)
  })

  it('refuses an oversized body, declared or streamed, with APPLY_RESPONSE_TOO_LARGE', async () => {
    const c = await open(
      (socket, _r, i) => {
        if (i === 0) socket.write('HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n')
        else socket.write(`HTTP/1.1 200 OK\r\n\r\n${'x'.repeat(5000)}`)
      },
      { maxResponseBytes: 4096 },
    )
    expect(await get(c)).toMatchObject({ code: 'APPLY_RESPONSE_TOO_LARGE' })
    expect(await get(c)).toMatchObject({ code: 'APPLY_RESPONSE_TOO_LARGE' })
    await until(() => server?.closed() === 2)
  })

  it('rejects with the abort reason mid-body and while waiting for a connection, and closes the connection', async () => {
    const c = await open((socket) => socket.write('HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n{"par'), { maxConnections: 1 })
    const controller = new AbortController()
    const reason = new Error('SIGINT')
    const inFlight = c.get(target, { signal: controller.signal }).catch((e: unknown) => e)
    const waiting = c.get(target, { signal: controller.signal }).catch((e: unknown) => e)
    await until(() => server?.seen.length === 1)
    controller.abort(reason)
    expect(await inFlight).toBe(reason)
    expect(await waiting).toBe(reason)
    await until(() => server?.closed() === 1)
    expect(server?.seen).toHaveLength(1)
  })

  it('speaks HTTP/1.1 over TLS with the kubeconfig CA and token (ALPN http/1.1)', async () => {
    const fake = await startFakeH2Api('http1', () => undefined, (method) => ({ status: method === 'GET' ? 404 : 200, body: method === 'GET' ? '{"kind":"Status","code":404,"reason":"NotFound"}' : live }))
    try {
      const tls = await createKubeClient({ kubeconfigYaml: fake.kubeconfigYaml, requestTimeout: 20_000 })
      const result = await applyAll([cm], { client: tls, fieldManager: 'h1-faults' })
      tls.close?.()
      expect(result.entries.map((e) => e.action)).toEqual(['created'])
      expect(fake.protocols.length).toBeGreaterThan(0)
      expect(fake.protocols.every((p) => p === 'http/1.1')).toBe(true)
      expect(fake.seen.length).toBeGreaterThan(0)
      expect(fakeToken).not.toBe('')
    } finally {
      await fake.stop()
    }
  })
})

describe('the direct client over its own HTTP/1.1 pool, TLS', () => {
  it('ends a request to a server that never completes TLS with APPLY_REQUEST_TIMEOUT, and closes that connection', async () => {
    // Accepts TCP and never answers the TLS handshake: the half-open socket must not outlive the request.
    const closed: Promise<void>[] = []
    const silent = createNetServer((socket) => {
      socket.on('error', () => undefined)
      socket.resume()
      closed.push(new Promise((resolve) => socket.once('close', () => resolve())))
    })
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    const fake = await startFakeH2Api('http1', () => undefined)
    const previous = process.env.GITOPS_APPLY_PROTOCOL
    delete process.env.GITOPS_APPLY_PROTOCOL
    try {
      const url = `https://127.0.0.1:${(silent.address() as AddressInfo).port}`
      const client = await createKubeClient({ kubeconfigYaml: fake.kubeconfigYaml.replace(fake.url, url), requestTimeout: 300 })
      const err = await client.get(target).catch((e: unknown) => e)
      expect(err).toMatchObject({ code: 'APPLY_REQUEST_TIMEOUT', message: `/api/v1: discovery failed: ${url} did not answer within 300 ms` })
      expect((err as Error).message).not.toContain(fakeToken)
      expect(closed).toHaveLength(1)
      await closed[0]
    } finally {
      if (previous !== undefined) process.env.GITOPS_APPLY_PROTOCOL = previous
      await fake.stop()
      await new Promise<void>((resolve) => silent.close(() => resolve()))
    }
  })
})
