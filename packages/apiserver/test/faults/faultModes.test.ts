// The fault modes of server.faults and startApiServer({ faults }), each against a real client
// request: freeze, latency, 429 with Retry-After, 500 and other errors, 409 storms, dropped
// connections, cut watches and compaction. No timing is asserted; order and answers are.
import { request } from 'node:https'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer } from '../../src/index.js'
import type { ApiServer } from '../../src/index.js'
import { eventually, raw } from '../helpers/kube.js'

let server: ApiServer
beforeAll(async () => {
  server = await startApiServer()
})
afterAll(async () => {
  await server.stop()
})
afterEach(() => {
  server.faults.clear()
})

const base = '/api/v1/namespaces/default/configmaps'
let counter = 0
const fresh = (): string => `faulty-${++counter}`
const create = (name: string): ReturnType<typeof raw> => raw(server, { method: 'POST', path: base, body: JSON.stringify({ metadata: { name }, data: { a: '1' } }), contentType: 'application/json' })
const get = (name: string): ReturnType<typeof raw> => raw(server, { method: 'GET', path: `${base}/${name}` })
const mergePatch = (name: string, data: Record<string, string>): ReturnType<typeof raw> =>
  raw(server, { method: 'PATCH', path: `${base}/${name}`, body: JSON.stringify({ data }), contentType: 'application/merge-patch+json' })

/** Reads a watch until the stream ends; resolves with the events and how it ended. */
function watch(path: string): Promise<{ events: { type: string }[]; ended: 'end' | 'error' | 'aborted' }> {
  return new Promise((resolve) => {
    const events: { type: string }[] = []
    const req = request(new URL(path, server.url), { ca: server.caCertPem, headers: { authorization: `Bearer ${server.token ?? ''}` } }, (res) => {
      let buffer = ''
      res.on('data', (chunk: Buffer) => {
        buffer += chunk.toString()
        for (let nl = buffer.indexOf('\n'); nl >= 0; nl = buffer.indexOf('\n')) {
          events.push(JSON.parse(buffer.slice(0, nl)) as { type: string })
          buffer = buffer.slice(nl + 1)
        }
      })
      res.on('end', () => resolve({ events, ended: 'end' }))
      res.on('aborted', () => resolve({ events, ended: 'aborted' }))
      res.on('error', () => resolve({ events, ended: 'error' }))
    })
    req.on('error', () => resolve({ events, ended: 'error' }))
    req.end()
  })
}

describe('server.faults', () => {
  it('freeze holds matching requests unanswered until released, then answers them', async () => {
    const name = fresh()
    expect((await create(name)).status).toBe(201)
    server.faults.set({ mode: 'freeze', verbs: ['get'], names: [name] })
    let answered = false
    const pending = get(name).then((r) => {
      answered = true
      return r
    })
    await eventually(() => server.faults.held === 1 || undefined)
    // Other requests are not held.
    expect((await raw(server, { method: 'GET', path: base })).status).toBe(200)
    expect(answered).toBe(false)
    server.faults.release()
    expect((await pending).status).toBe(200)
    expect(server.faults.held).toBe(0)
  })

  it('freeze lets a client time out, and the held write is not applied after stop', async () => {
    const frozen = await startApiServer({ faults: [{ mode: 'freeze', verbs: ['create'] }] })
    const controller = new AbortController()
    const url = new URL(base, frozen.url)
    const failed = new Promise<string>((resolve) => {
      const req = request(url, { method: 'POST', ca: frozen.caCertPem, signal: controller.signal, headers: { authorization: `Bearer ${frozen.token ?? ''}`, 'content-type': 'application/json' } }, () => resolve('answered'))
      req.on('error', (err) => resolve(err.name))
      req.end(JSON.stringify({ metadata: { name: 'held' } }))
    })
    await eventually(() => frozen.faults.held === 1 || undefined)
    controller.abort()
    expect(await failed).toBe('AbortError')
    await frozen.stop()
    expect(frozen.snapshot().some((o) => o.metadata.name === 'held')).toBe(false)
  })

  it('latency holds a matching request past its arrival and then answers it normally', async () => {
    const name = fresh()
    await create(name)
    server.faults.set({ mode: 'latency', ms: 300, verbs: ['get'], names: [name] })
    const seen = server.requests().length
    let answered = false
    const slow = get(name).then((r) => {
      answered = true
      return r
    })
    // The poll's 10 ms timer is due long before the 300 ms one, in the same event loop.
    await eventually(() => server.requests().slice(seen).some((r) => r.verb === 'get' && r.name === name) || undefined)
    expect(answered).toBe(false)
    expect((await slow).status).toBe(200)
  })

  it('throttle answers 429 with Retry-After for the given number of times', async () => {
    const name = fresh()
    await create(name)
    server.faults.set({ mode: 'throttle', verbs: ['patch'], retryAfterSeconds: 3, times: 2 })
    for (let i = 0; i < 2; i++) {
      const answer = await mergePatch(name, { b: String(i) })
      expect(answer.status).toBe(429)
      expect(answer.headers['retry-after']).toBe('3')
      expect(answer.json()).toMatchObject({ kind: 'Status', reason: 'TooManyRequests', details: { retryAfterSeconds: 3 }, code: 429 })
    }
    expect((await mergePatch(name, { b: 'ok' })).status).toBe(200)
    expect(((await get(name)).json().data as Record<string, string>).b).toBe('ok')
  })

  it.for([
    { status: 500 as const, reason: 'InternalError' },
    { status: 503 as const, reason: 'ServiceUnavailable' },
    { status: 504 as const, reason: 'Timeout' },
    { status: 403 as const, reason: 'Forbidden' },
  ])('error answers $status $reason and changes nothing', async ({ status, reason }) => {
    const name = fresh()
    await create(name)
    const before = (await get(name)).json()
    server.faults.set({ mode: 'error', status, resources: ['configmaps'], verbs: ['patch', 'delete'] })
    const patched = await mergePatch(name, { b: '2' })
    expect(patched.status).toBe(status)
    expect(patched.json()).toMatchObject({ kind: 'Status', status: 'Failure', reason, code: status })
    expect((await raw(server, { method: 'DELETE', path: `${base}/${name}` })).status).toBe(status)
    expect((await get(name)).json()).toEqual(before)
  })

  it('error defaults to 500 InternalError, scoped by path prefix', async () => {
    server.faults.set({ mode: 'error', pathPrefix: '/apis/apps/' })
    const apps = await raw(server, { method: 'GET', path: '/apis/apps/v1/namespaces/default/deployments' })
    expect(apps.status).toBe(500)
    expect(apps.json()).toMatchObject({ reason: 'InternalError', message: 'Internal error occurred: injected fault' })
    expect((await raw(server, { method: 'GET', path: base })).status).toBe(200)
  })

  it('conflict answers writes with the optimistic-lock 409 and lets reads through', async () => {
    const name = fresh()
    await create(name)
    server.faults.set({ mode: 'conflict', times: 5 })
    for (let i = 0; i < 5; i++) {
      const answer = await mergePatch(name, { b: String(i) })
      if (i === 0) expect((await get(name)).status).toBe(200)
      expect(answer.status).toBe(409)
      expect(answer.json()).toMatchObject({
        reason: 'Conflict',
        message: `Operation cannot be fulfilled on configmaps "${name}": the object has been modified; please apply your changes to the latest version and try again`,
        details: { name, kind: 'configmaps' },
      })
    }
    expect((await mergePatch(name, { b: 'after' })).status).toBe(200)
  })

  it('drop destroys the connection without an answer', async () => {
    const name = fresh()
    await create(name)
    server.faults.set({ mode: 'drop', verbs: ['get'], times: 1 })
    await expect(get(name)).rejects.toMatchObject({ code: 'ECONNRESET' })
    expect((await get(name)).status).toBe(200)
  })

  it('cutWatch destroys a watch stream after the given number of events', async () => {
    await create(fresh())
    await create(fresh())
    server.faults.set({ mode: 'cutWatch', afterEvents: 1 })
    const cut = await watch(`${base}?watch=true`)
    expect(cut.events.length).toBe(1)
    expect(cut.ended).not.toBe('end')
  })

  it('cutWatches destroys every open watch now', async () => {
    const seen = server.requests().length
    const stream = watch(`${base}?watch=true&resourceVersion=0`)
    // A watch is registered in the same turn as its request is logged.
    await eventually(() => server.requests().slice(seen).some((r) => r.verb === 'watch') || undefined)
    server.faults.cutWatches()
    const ended = await stream
    expect(ended.ended).not.toBe('end')
  })

  it('compact makes every earlier resourceVersion too old for a watch (410 Expired)', async () => {
    const name = fresh()
    const made = (await create(name)).json() as { metadata: { resourceVersion: string } }
    await mergePatch(name, { b: '2' })
    server.faults.compact()
    const old = await watch(`${base}?watch=true&resourceVersion=${made.metadata.resourceVersion}`)
    expect(old.events).toMatchObject([{ type: 'ERROR', object: { kind: 'Status', code: 410, reason: 'Expired' } }])
    const list = await raw(server, { method: 'GET', path: `${base}?limit=1` })
    const token = (list.json().metadata as { continue?: string }).continue
    expect(token).toBeDefined()
    await mergePatch(name, { b: '3' })
    server.faults.compact()
    const next = await raw(server, { method: 'GET', path: `${base}?limit=1&continue=${encodeURIComponent(token ?? '')}` })
    expect(next.status).toBe(410)
  })

  it('clear removes the rules and startApiServer({ faults }) starts with them', async () => {
    const throttled = await startApiServer({ faults: [{ mode: 'throttle', verbs: ['list'] }] })
    try {
      expect((await raw(throttled, { method: 'GET', path: base })).status).toBe(429)
      throttled.faults.clear()
      expect((await raw(throttled, { method: 'GET', path: base })).status).toBe(200)
    } finally {
      await throttled.stop()
    }
  })
})
