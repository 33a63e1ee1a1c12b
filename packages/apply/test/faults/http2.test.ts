// HTTP/2 transport faults of the direct client: a stream the server resets, a GOAWAY in the middle
// of an apply, a session that never starts, a server that speaks HTTP/1.1 only. Each failure is a
// typed error naming the object and the server's URL (never the token), nothing the failed request
// did not write is written, and only a stream the server provably never took is sent again.
import { constants } from 'node:http2'
import { createServer as createNetServer } from 'node:net'
import type { AddressInfo } from 'node:net'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { KubeObject } from '@gitops-sdk/core'
import { applyAll, ApplyError, createKubeClient } from '../../src/index.js'
import { fakeToken, startFakeH2Api } from '../helpers/fakeH2Api.js'
import type { FakeH2Api } from '../helpers/fakeH2Api.js'
import type { ServerHttp2Stream } from 'node:http2'

const fieldManager = 'gitops-h2-faults'
const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web', namespace: 'default' }, data: { k: 'v' } }
const applied = JSON.stringify({ ...cm, metadata: { ...cm.metadata, uid: 'u1', resourceVersion: '7' } })
const notFound = JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 404, reason: 'NotFound', message: 'configmaps "web" not found' })
/** Answers as a server without the object: a GET is 404, a PATCH (dry-run or not) returns the applied object. */
function answer(stream: ServerHttp2Stream, method: string): void {
  stream.respond({ ':status': method === 'GET' ? 404 : 200, 'content-type': 'application/json' })
  stream.end(method === 'GET' ? notFound : applied)
}
const writes = (api: FakeH2Api): string[] => api.seen.filter((s) => s.startsWith('PATCH') && !s.includes('dryRun'))

describe('the direct client over HTTP/2 (GITOPS_APPLY_PROTOCOL=h2)', () => {
  let fake: FakeH2Api | undefined
  const previous = process.env.GITOPS_APPLY_PROTOCOL
  beforeEach(() => {
    process.env.GITOPS_APPLY_PROTOCOL = 'h2'
  })
  afterEach(async () => {
    if (previous === undefined) delete process.env.GITOPS_APPLY_PROTOCOL
    else process.env.GITOPS_APPLY_PROTOCOL = previous
    await fake?.stop()
    fake = undefined
  })

  it('reports a reset dry-run stream as APPLY_UNREACHABLE naming the object, sends it once and writes nothing', async () => {
    fake = await startFakeH2Api('h2', (stream) => stream.close(constants.NGHTTP2_INTERNAL_ERROR))
    const client = await createKubeClient({ kubeconfigYaml: fake.kubeconfigYaml, requestTimeout: 20_000 })
    const err = await applyAll([cm], { client, fieldManager }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApplyError)
    expect(err).toMatchObject({ code: 'APPLY_UNREACHABLE', message: expect.stringMatching(new RegExp(`^ConfigMap/default/web: .*${fake.url}`)) })
    expect(JSON.stringify(err)).not.toContain(fakeToken)
    expect((err as Error).message).not.toContain(fakeToken)
    expect(fake.seen).toHaveLength(1)
    expect(writes(fake)).toEqual([])
    expect(fake.protocols).toEqual(['h2'])
  })

  it('sends again, on a new session, a stream that a GOAWAY says the server never took, and applies once', async () => {
    let goaways = 0
    fake = await startFakeH2Api('h2', (stream, { method, session }) => {
      if (method === 'PATCH' && goaways === 0) {
        goaways += 1
        // The stream before this one as the last processed: this one is refused (0 would mean "the last received" to node).
        session.goaway(constants.NGHTTP2_NO_ERROR, (stream.id ?? 3) - 2)
        return
      }
      answer(stream, method)
    })
    const client = await createKubeClient({ kubeconfigYaml: fake.kubeconfigYaml, requestTimeout: 20_000 })
    const result = await applyAll([cm], { client, fieldManager })
    expect(result.entries.map((e) => e.action)).toEqual(['created'])
    expect(fake.protocols).toEqual(['h2', 'h2'])
    // The refused dry-run, its second sending, then the apply: one write.
    expect(fake.seen.filter((s) => s.includes('dryRun'))).toHaveLength(2)
    expect(writes(fake)).toHaveLength(1)
  })

  it('does not send again a write the server may have taken when its session ends mid-apply', async () => {
    fake = await startFakeH2Api('h2', (stream, { method, path, session }) => {
      if (method !== 'PATCH' || path.includes('dryRun')) {
        answer(stream, method)
        return
      }
      // The write's stream counts as processed (last stream id is its own), then the session ends unanswered.
      session.goaway(constants.NGHTTP2_INTERNAL_ERROR, stream.id ?? 0)
      session.destroy()
    })
    const client = await createKubeClient({ kubeconfigYaml: fake.kubeconfigYaml, requestTimeout: 20_000 })
    const err = await applyAll([cm], { client, fieldManager }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'APPLY_UNREACHABLE', message: expect.stringMatching(new RegExp(`^ConfigMap/default/web: apply failed: ${fake.url} did not answer`)) })
    expect((err as Error).message).not.toContain(fakeToken)
    expect(writes(fake)).toHaveLength(1)
  })

  it('ends a request on a session that never starts with APPLY_REQUEST_TIMEOUT naming the object', async () => {
    fake = await startFakeH2Api('silent', () => undefined)
    const client = await createKubeClient({ kubeconfigYaml: fake.kubeconfigYaml, requestTimeout: 300 })
    const err = await client.get({ group: '', kind: 'ConfigMap', namespace: 'default', name: 'web' }).catch((e: unknown) => e)
    // The first request is discovery's, which names what it looked up.
    expect(err).toMatchObject({ code: 'APPLY_REQUEST_TIMEOUT', message: `/api/v1: discovery failed: ${fake.url} did not answer within 300 ms` })
    expect((err as Error).message).not.toContain(fakeToken)
    expect(fake.protocols).toEqual(['h2'])
  })

  it('ends a request to a server that never completes TLS with APPLY_REQUEST_TIMEOUT, and closes that connection', async () => {
    // Accepts TCP and never answers the TLS handshake: the half-open socket must not outlive the request.
    const closed: Promise<void>[] = []
    const silent = createNetServer((socket) => {
      socket.on('error', () => undefined)
      // Read (and drop) the ClientHello, so that the client's end of the connection is seen.
      socket.resume()
      closed.push(new Promise((resolve) => socket.once('close', () => resolve())))
    })
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', resolve))
    try {
      fake = await startFakeH2Api('h2', () => undefined)
      const url = `https://127.0.0.1:${(silent.address() as AddressInfo).port}`
      const client = await createKubeClient({ kubeconfigYaml: fake.kubeconfigYaml.replace(fake.url, url), requestTimeout: 300 })
      const err = await client.get({ group: '', kind: 'ConfigMap', namespace: 'default', name: 'web' }).catch((e: unknown) => e)
      expect(err).toMatchObject({ code: 'APPLY_REQUEST_TIMEOUT', message: `/api/v1: discovery failed: ${url} did not answer within 300 ms` })
      expect((err as Error).message).not.toContain(fakeToken)
      expect(closed).toHaveLength(1)
      await closed[0]
    } finally {
      await new Promise((resolve) => silent.close(resolve))
    }
  })

  it('ends a stream (not its session) when the caller aborts, and the session serves the next request', async () => {
    let held = 0
    fake = await startFakeH2Api('h2', (stream, { method }) => {
      if (method === 'GET' && held === 0) {
        held += 1
        return
      }
      stream.respond({ ':status': 200, 'content-type': 'application/json' })
      stream.end(applied)
    })
    const client = await createKubeClient({ kubeconfigYaml: fake.kubeconfigYaml, requestTimeout: 20_000 })
    const controller = new AbortController()
    const reason = new Error('stop')
    const pending = client.get({ group: '', kind: 'ConfigMap', namespace: 'default', name: 'web' }, { signal: controller.signal })
    while (fake.seen.length === 0) await new Promise((resolve) => setImmediate(resolve))
    controller.abort(reason)
    await expect(pending).rejects.toBe(reason)
    expect((await client.get({ group: '', kind: 'ConfigMap', namespace: 'default', name: 'web' }))?.metadata.uid).toBe('u1')
    expect(fake.protocols).toEqual(['h2'])
  })

  it('falls back to HTTP/1.1 when the server offers nothing else', async () => {
    fake = await startFakeH2Api('http1', () => undefined, (method) => (method === 'GET' ? { status: 404, body: notFound } : { status: 200, body: applied }))
    const client = await createKubeClient({ kubeconfigYaml: fake.kubeconfigYaml, requestTimeout: 20_000 })
    const result = await applyAll([cm], { client, fieldManager })
    expect(result.entries.map((e) => e.action)).toEqual(['created'])
    // The ALPN probe, then the HTTP/1.1 pool's connection.
    expect(fake.protocols[0]).toBe('false')
    expect(writes(fake)).toHaveLength(1)
  })

  it('sends the same body for a dry-run and its write, and an object changed since in a later apply', async () => {
    const bodies: string[] = []
    fake = await startFakeH2Api('h2', (stream, { method, path, body }) => {
      if (method === 'PATCH') bodies.push(`${path.includes('dryRun') ? 'dry-run' : 'write'} ${body}`)
      answer(stream, method)
    })
    const client = await createKubeClient({ kubeconfigYaml: fake.kubeconfigYaml })
    const object: KubeObject = structuredClone(cm)
    await applyAll([object], { client, fieldManager })
    expect(bodies).toHaveLength(2)
    expect(bodies[1]?.replace(/^write /, '')).toBe(bodies[0]?.replace(/^dry-run /, ''))
    ;(object.data as Record<string, string>).k = 'changed'
    await applyAll([object], { client, fieldManager })
    expect(bodies.slice(2).map((b) => b.includes('"k":"changed"'))).toEqual([true, true])
    client.close?.()
  })

  it('closes its session on close(): the next request opens a new one', async () => {
    fake = await startFakeH2Api('h2', (stream, { method }) => answer(stream, method))
    const client = await createKubeClient({ kubeconfigYaml: fake.kubeconfigYaml })
    // Nothing to close yet: no error, no connection.
    client.close?.()
    expect(await client.get({ group: '', kind: 'ConfigMap', namespace: 'default', name: 'web' })).toBeUndefined()
    expect(await client.get({ group: '', kind: 'ConfigMap', namespace: 'default', name: 'web' })).toBeUndefined()
    expect(fake.protocols).toEqual(['h2'])
    client.close?.()
    expect(await client.get({ group: '', kind: 'ConfigMap', namespace: 'default', name: 'web' })).toBeUndefined()
    expect(fake.protocols).toEqual(['h2', 'h2'])
    client.close?.()
  })

  it('closes quietly after a connection that failed', async () => {
    fake = await startFakeH2Api('h2', (stream, { method }) => answer(stream, method))
    const kubeconfigYaml = fake.kubeconfigYaml
    await fake.stop()
    fake = undefined
    const client = await createKubeClient({ kubeconfigYaml, retries: 0 })
    await expect(client.get({ group: '', kind: 'ConfigMap', namespace: 'default', name: 'web' })).rejects.toMatchObject({ code: 'APPLY_UNREACHABLE' })
    client.close?.()
    // A rejected connection left to close() must not surface as an unhandled rejection.
    await new Promise((resolve) => setTimeout(resolve, 20))
  })
})
