// The direct client's bound on an answer's body (maxResponseBytes), over HTTP/1.1 and HTTP/2: a
// body declared larger than the bound, and one that grows past it while it streams, each end
// their request (the connection, or only the stream) with APPLY_RESPONSE_TOO_LARGE naming the
// object and the URL without credentials; an apply whose dry-run answer is too large writes
// nothing of its stage.
import type { ServerResponse } from 'node:http'
import type { ServerHttp2Stream } from 'node:http2'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import type { KubeObject } from '@gitops-sdk/core'
import { applyAll, ApplyError, createKubeClient } from '../../src/index.js'
import { startFakeApi } from '../helpers/fakeApi.js'
import type { FakeApi } from '../helpers/fakeApi.js'
import { fakeToken, startFakeH2Api } from '../helpers/fakeH2Api.js'
import type { FakeH2Api } from '../helpers/fakeH2Api.js'

const fieldManager = 'gitops-size-faults'
const limit = 4096
const cmOf = (name: string): KubeObject => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: 'default' }, data: { k: 'v' } })
const appliedOf = (name: string): string => JSON.stringify({ ...cmOf(name), metadata: { name, namespace: 'default', uid: `u-${name}`, resourceVersion: '7' } })
const notFound = (name: string): string => JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 404, reason: 'NotFound', message: `configmaps "${name}" not found` })
const target = { group: '', kind: 'ConfigMap', namespace: 'default', name: 'web' }
/** A JSON object of about `bytes` bytes, with multi-byte characters in it. */
const bigJson = (bytes: number): string => JSON.stringify({ kind: 'ConfigMap', data: { k: 'é'.repeat(Math.ceil(bytes / 2)) } })
const emptyList = JSON.stringify({ kind: 'ConfigMapList', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items: [] })
/** A GET's answer on a server without the objects: an empty list for the collection, 404 for one object. */
const absent = (name: string): { status: number; body: string } => (name === 'configmaps' ? { status: 200, body: emptyList } : { status: 404, body: notFound(name) })
const nameOf = (path: string): string => (path.split('?')[0] ?? '').split('/').pop() ?? ''
const writes = (seen: readonly string[]): string[] => seen.filter((s) => s.startsWith('PATCH') && !s.includes('dryRun'))

/** Writes chunks until the client goes away (bounded, so that a broken client cannot hang the test). */
function endless(write: (chunk: string) => boolean, closed: () => boolean, end: () => void): void {
  let sent = 0
  const chunk = 'x'.repeat(1024)
  const more = (): void => {
    if (closed()) return
    if (sent > 64 * limit) {
      end()
      return
    }
    sent += chunk.length
    write(chunk)
    setImmediate(more)
  }
  more()
}

describe.each([
  { name: 'node:http', protocol: 'h2' },
  { name: 'its own pool', protocol: undefined },
])('the direct client over HTTP/1.1 ($name) bounds an answer body', ({ protocol }) => {
  let fake: FakeApi | undefined
  const previous = process.env.GITOPS_APPLY_PROTOCOL
  beforeEach(() => {
    if (protocol === undefined) delete process.env.GITOPS_APPLY_PROTOCOL
    else process.env.GITOPS_APPLY_PROTOCOL = protocol
  })
  afterEach(async () => {
    if (previous === undefined) delete process.env.GITOPS_APPLY_PROTOCOL
    else process.env.GITOPS_APPLY_PROTOCOL = previous
    await fake?.stop()
    fake = undefined
  })

  it('refuses a body declared larger than maxResponseBytes with APPLY_RESPONSE_TOO_LARGE naming the object and the URL without credentials', async () => {
    let calls = 0
    fake = await startFakeApi((req, res) => {
      calls += 1
      if (calls === 1) {
        const body = bigJson(2 * limit)
        res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': String(Buffer.byteLength(body)) })
        res.end(body)
        return
      }
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end(appliedOf('web'))
    })
    const withUser = fake.kubeconfigYaml.replace('http://127.0.0.1', 'http://admin:pa55word@127.0.0.1')
    const client = await createKubeClient({ kubeconfigYaml: withUser, maxResponseBytes: limit })
    const err = await client.get(target).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApplyError)
    expect(err).toMatchObject({
      code: 'APPLY_RESPONSE_TOO_LARGE',
      message: `ConfigMap/default/web: get failed: the answer of ${fake.url}/api/v1/namespaces/default/configmaps/web is larger than ${limit} bytes (maxResponseBytes)`,
      details: { limit },
    })
    const text = JSON.stringify([(err as ApplyError).message, (err as ApplyError).toJSON()])
    expect(text).not.toContain('pa55word')
    expect(text).not.toContain('fake-token')
    // The client goes on: the next answer, within the bound, is read.
    expect((await client.get(target))?.metadata.uid).toBe('u-web')
  })

  it('ends a body that grows past maxResponseBytes while it streams, and closes its connection', async () => {
    let closed: Promise<void> | undefined
    fake = await startFakeApi((req, res: ServerResponse) => {
      closed = new Promise((resolve) => (req.socket.closed ? resolve() : req.socket.once('close', () => resolve())))
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.write('{"kind":"ConfigMap","data":{"k":"')
      endless((c) => res.write(c), () => req.socket.destroyed, () => res.end('"}}'))
    })
    const client = await createKubeClient({ kubeconfigYaml: fake.kubeconfigYaml, maxResponseBytes: limit })
    await expect(client.get(target)).rejects.toMatchObject({ code: 'APPLY_RESPONSE_TOO_LARGE', message: expect.stringMatching(/^ConfigMap\/default\/web: get failed: the answer of http:\/\/127\.0\.0\.1:\d+\/api\/v1\/namespaces\/default\/configmaps\/web is larger than 4096 bytes/) })
    await closed
  })

  it('writes nothing of a stage whose dry-run answer is too large', async () => {
    // The fake's own record has no query: this one tells a dry-run from a write.
    const seen: string[] = []
    fake = await startFakeApi((req, res) => {
      seen.push(`${req.method ?? ''} ${req.url ?? ''}`)
      const name = nameOf(req.url ?? '')
      if (req.method === 'GET') {
        const { status, body } = absent(name)
        res.writeHead(status, { 'Content-Type': 'application/json' })
        res.end(body)
        return
      }
      res.writeHead(200, { 'Content-Type': 'application/json' })
      res.end(name === 'big' ? bigJson(2 * limit) : appliedOf(name))
    })
    const client = await createKubeClient({ kubeconfigYaml: fake.kubeconfigYaml, maxResponseBytes: limit })
    const err = await applyAll([cmOf('a'), cmOf('big'), cmOf('c')], { client, fieldManager }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'APPLY_RESPONSE_TOO_LARGE', message: expect.stringMatching(/^ConfigMap\/default\/big: apply failed: the answer of http:\/\/127\.0\.0\.1:\d+\/api\/v1\/namespaces\/default\/configmaps\/big\?.*dryRun=All is larger than 4096 bytes/) })
    expect(seen.filter((r) => r.startsWith('PATCH'))).toHaveLength(3)
    expect(writes(seen)).toEqual([])
    expect((err as ApplyError).changeSet?.entries.map((e) => e.action)).not.toContain('created')
  })

  it('refuses a maxResponseBytes that is not a whole number of bytes, 1 or more', async () => {
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY]) {
      await expect(createKubeClient({ kubeconfigYaml: 'apiVersion: v1', maxResponseBytes: bad })).rejects.toThrow(TypeError)
    }
  })
})

describe('the direct client over HTTP/2 bounds an answer body', () => {
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

  it('refuses a body declared larger than maxResponseBytes, ends only its stream, and the session serves the next request', async () => {
    let calls = 0
    fake = await startFakeH2Api('h2', (stream: ServerHttp2Stream) => {
      calls += 1
      if (calls === 1) {
        const body = bigJson(2 * limit)
        stream.respond({ ':status': 200, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) })
        stream.end(body)
        return
      }
      stream.respond({ ':status': 200, 'content-type': 'application/json' })
      stream.end(appliedOf('web'))
    })
    const client = await createKubeClient({ kubeconfigYaml: fake.kubeconfigYaml, maxResponseBytes: limit })
    const err = await client.get(target).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApplyError)
    expect(err).toMatchObject({
      code: 'APPLY_RESPONSE_TOO_LARGE',
      message: `ConfigMap/default/web: get failed: the answer of ${fake.url}/api/v1/namespaces/default/configmaps/web is larger than ${limit} bytes (maxResponseBytes)`,
    })
    expect(JSON.stringify([(err as Error).message, (err as ApplyError).toJSON()])).not.toContain(fakeToken)
    expect((await client.get(target))?.metadata.uid).toBe('u-web')
    expect(fake.protocols).toEqual(['h2'])
  })

  it('ends a stream whose body grows past maxResponseBytes', async () => {
    let reset: Promise<void> | undefined
    fake = await startFakeH2Api('h2', (stream: ServerHttp2Stream) => {
      reset = new Promise((resolve) => stream.once('close', () => resolve()))
      stream.respond({ ':status': 200, 'content-type': 'application/json' })
      stream.write('{"kind":"ConfigMap","data":{"k":"')
      endless((c) => stream.write(c), () => stream.closed || stream.destroyed, () => stream.end('"}}'))
    })
    const client = await createKubeClient({ kubeconfigYaml: fake.kubeconfigYaml, maxResponseBytes: limit })
    await expect(client.get(target)).rejects.toMatchObject({ code: 'APPLY_RESPONSE_TOO_LARGE', message: expect.stringMatching(/^ConfigMap\/default\/web: get failed: the answer of https:\/\/127\.0\.0\.1:\d+\/api\/v1\/namespaces\/default\/configmaps\/web is larger than 4096 bytes/) })
    await reset
    expect(fake.protocols).toEqual(['h2'])
  })

  it('writes nothing of a stage whose dry-run answer is too large', async () => {
    fake = await startFakeH2Api('h2', (stream: ServerHttp2Stream, { method, path }) => {
      const name = nameOf(path)
      const { status, body } = method === 'GET' ? absent(name) : { status: 200, body: name === 'big' ? bigJson(2 * limit) : appliedOf(name) }
      stream.respond({ ':status': status, 'content-type': 'application/json' })
      stream.end(body)
    })
    const client = await createKubeClient({ kubeconfigYaml: fake.kubeconfigYaml, maxResponseBytes: limit })
    const err = await applyAll([cmOf('a'), cmOf('big'), cmOf('c')], { client, fieldManager }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'APPLY_RESPONSE_TOO_LARGE', message: expect.stringMatching(/^ConfigMap\/default\/big: apply failed: the answer of https:\/\/127\.0\.0\.1:\d+\/api\/v1\/namespaces\/default\/configmaps\/big\?.*dryRun=All is larger than 4096 bytes/) })
    expect((err as Error).message).not.toContain(fakeToken)
    expect(writes(fake.seen)).toEqual([])
    expect((err as ApplyError).changeSet?.entries.map((e) => e.action)).not.toContain('created')
  })
})
