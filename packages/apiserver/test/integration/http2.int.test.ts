// HTTP/2 on the embedded apiserver, through node:http2 as a Go client would use it: ALPN picks h2,
// a watch streams on its own stream and ends when the client resets it, a dropped request resets
// only its stream (its siblings on the session are answered), and stop() says GOAWAY and ends the
// session instead of leaving it open; an idle session (no open stream) and an idle HTTP/1.1
// connection are closed after idleTimeoutMs.
import { connect } from 'node:http2'
import { Agent, request as httpsRequest } from 'node:https'
import type { Socket } from 'node:net'
import type { ClientHttp2Session, IncomingHttpHeaders } from 'node:http2'
import { afterEach, describe, expect, it } from 'vitest'
import { startApiServer } from '../../src/index.js'
import type { ApiServer } from '../../src/index.js'

function session(server: ApiServer): Promise<ClientHttp2Session> {
  return new Promise((resolve, reject) => {
    const s = connect(server.url, { ca: server.caCertPem })
    s.once('error', reject)
    s.once('connect', () => resolve(s))
  })
}

function get(s: ClientHttp2Session, server: ApiServer, path: string): Promise<{ status: number; text: string; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const stream = s.request({ ':path': path, authorization: `Bearer ${server.token ?? ''}`, accept: 'application/json' })
    let text = ''
    let headers: IncomingHttpHeaders = {}
    stream.setEncoding('utf8')
    stream.on('response', (h) => (headers = h))
    stream.on('data', (c: string) => (text += c))
    stream.on('end', () => resolve({ status: Number(headers[':status']), text, headers }))
    stream.on('error', reject)
  })
}

describe('the apiserver over HTTP/2', () => {
  let server: ApiServer | undefined
  afterEach(async () => {
    await server?.stop()
    server = undefined
  })

  it('negotiates h2, streams a watch until the client resets it, and resets only a dropped stream', async () => {
    server = await startApiServer()
    const s = await session(server)
    expect(s.alpnProtocol).toBe('h2')
    const list = await get(s, server, '/api/v1/namespaces')
    expect(list.status).toBe(200)
    expect((JSON.parse(list.text) as { items: unknown[] }).items).toHaveLength(4)

    const watch = s.request({ ':path': '/api/v1/namespaces/default/configmaps?watch=true', authorization: `Bearer ${server.token ?? ''}` })
    watch.setEncoding('utf8')
    let events = ''
    const added = new Promise<void>((resolve) => watch.on('data', (c: string) => ((events += c), events.includes('"ADDED"') ? resolve() : undefined)))
    await new Promise((resolve) => watch.once('response', resolve))
    const made = await new Promise<number>((resolve, reject) => {
      const create = s.request({ ':method': 'POST', ':path': '/api/v1/namespaces/default/configmaps', authorization: `Bearer ${server?.token ?? ''}`, 'content-type': 'application/json' })
      create.on('response', (h) => resolve(Number(h[':status'])))
      create.on('error', reject)
      create.resume()
      create.end(JSON.stringify({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'a' } }))
    })
    expect(made).toBe(201)
    await added
    watch.close()
    await new Promise((resolve) => watch.once('close', resolve))

    server.faults.set({ mode: 'drop', names: ['a'], times: 1 })
    const dropped = get(s, server, '/api/v1/namespaces/default/configmaps/a').catch((e: unknown) => e)
    const sibling = get(s, server, '/api/v1/namespaces/default/configmaps')
    expect(await dropped).toMatchObject({ code: 'ERR_HTTP2_STREAM_ERROR' })
    expect((await sibling).status).toBe(200)
    expect(s.closed || s.destroyed).toBe(false)
    expect((await get(s, server, '/api/v1/namespaces/default/configmaps/a')).status).toBe(200)

    const ended = new Promise<void>((resolve) => s.once('close', () => resolve()))
    const goaway = new Promise<void>((resolve) => s.once('goaway', () => resolve()))
    await server.stop()
    await goaway
    await ended
  })

  it('closes a session once it has had no open stream for idleTimeoutMs, and an idle HTTP/1.1 connection', async () => {
    server = await startApiServer({ idleTimeoutMs: 40 })
    const s = await session(server)
    const watch = s.request({ ':path': '/api/v1/namespaces/default/configmaps?watch=true', authorization: `Bearer ${server.token ?? ''}` })
    await new Promise((resolve) => watch.once('response', resolve))
    // Longer than the timeout: the open watch keeps the session.
    await new Promise((resolve) => setTimeout(resolve, 120))
    expect(s.closed || s.destroyed).toBe(false)
    expect((await get(s, server, '/api/v1/namespaces/default')).status).toBe(200)
    const goaway = new Promise<void>((resolve) => s.once('goaway', () => resolve()))
    const ended = new Promise<void>((resolve) => s.once('close', () => resolve()))
    watch.close()
    await goaway
    await ended

    const agent = new Agent({ keepAlive: true, ALPNProtocols: ['http/1.1'] })
    const answer = await new Promise<{ status: number | undefined; connection: string | undefined; socket: Socket }>((resolve, reject) => {
      const req = httpsRequest(`${server?.url ?? ''}/api/v1/namespaces`, { ca: server?.caCertPem, headers: { authorization: `Bearer ${server?.token ?? ''}` }, agent }, (res) => {
        const socket = res.socket
        res.resume()
        res.once('end', () => resolve({ status: res.statusCode, connection: res.headers.connection, socket }))
      })
      req.once('error', reject)
      req.end()
    })
    expect(answer).toMatchObject({ status: 200, connection: 'keep-alive' })
    const { socket } = answer
    if (!socket.destroyed) await new Promise((resolve) => socket.once('close', resolve))
    expect(socket.destroyed).toBe(true)
    agent.destroy()
  })
})
