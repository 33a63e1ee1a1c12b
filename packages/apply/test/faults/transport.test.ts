// Transport faults, over both majors of @kubernetes/client-node: a server that never answers, one
// that throttles (429 Retry-After), fails (500), keeps conflicting (409) or drops the connection.
// Every request is bounded, an abort reaches the socket, and each fault is a typed error naming
// the object; nothing is written that the failed request did not write.
import type * as ClientNode from '@kubernetes/client-node'
import { afterEach, describe, expect, it } from 'vitest'
import type { KubeObject } from '@gitops-sdk/core'
import { applyAll, ApplyError } from '../../src/index.js'
import type { KubeClient, KubeClientOptions } from '../../src/index.js'
import { createKubeClientWith } from '../../src/createKubeClient.js'
import { startFakeApi, status } from '../helpers/fakeApi.js'
import type { FakeApi, FakeHandler } from '../helpers/fakeApi.js'

const majors = [
  { major: '1.x', load: async () => (await import('@kubernetes/client-node')) },
  { major: '2.x', load: async () => (await import('client-node-2')) as unknown as typeof ClientNode },
]

const fieldManager = 'gitops-faults'
const cm: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'web', namespace: 'default' }, data: { k: 'v' } }
const target = { group: '', kind: 'ConfigMap', namespace: 'default', name: 'web' }

describe.each(majors)('the client over client-node $major', ({ load }) => {
  let fake: FakeApi | undefined
  afterEach(async () => {
    await fake?.stop()
    fake = undefined
  })

  async function clientFor(handler: FakeHandler, options: Partial<KubeClientOptions> = {}): Promise<{ api: FakeApi; client: KubeClient }> {
    const api = await startFakeApi(handler)
    fake = api
    const client = await createKubeClientWith(await load(), { kubeconfigYaml: api.kubeconfigYaml, ...options })
    return { api, client }
  }

  const frozen: FakeHandler = () => undefined

  it('ends a request to a frozen server with APPLY_REQUEST_TIMEOUT naming the object, and closes its connection', async () => {
    const { api, client } = await clientFor(frozen, { requestTimeout: 2_000 })
    const closed = api.nextRequest().then((request) => api.closed(request))
    const err = await client.get(target).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApplyError)
    expect(err).toMatchObject({ code: 'APPLY_REQUEST_TIMEOUT', message: `ConfigMap/default/web: get failed: ${api.url} did not answer within 2000 ms` })
    await closed
  })

  it('rejects with the abort reason when the signal aborts a request in flight, and the abort reaches the socket', async () => {
    const { api, client } = await clientFor(frozen)
    const controller = new AbortController()
    const reason = new Error('reconcile cancelled')
    const closed = api.nextRequest().then((request) => {
      controller.abort(reason)
      return api.closed(request)
    })
    await expect(client.apply(cm, { fieldManager, signal: controller.signal })).rejects.toBe(reason)
    await closed
  })

  it('lets the caller signal end applyAll against a frozen server, writing nothing', async () => {
    const { api, client } = await clientFor(frozen)
    const controller = new AbortController()
    void api.nextRequest().then(() => controller.abort(new Error('stop')))
    await expect(applyAll([cm], { client, fieldManager, signal: controller.signal })).rejects.toThrow('stop')
    expect(api.seen.filter((s) => s.startsWith('PATCH') && !s.includes('dryRun'))).toEqual([])
  })

  it('retries a 429 after its Retry-After and succeeds', async () => {
    let calls = 0
    const { api, client } = await clientFor((_req, res) => {
      calls += 1
      if (calls <= 2) status(res, 429, 'TooManyRequests', 'slow down', { headers: { 'Retry-After': '0' } })
      else {
        res.writeHead(200, { 'Content-Type': 'application/json' })
        res.end(JSON.stringify({ ...cm, metadata: { ...cm.metadata, resourceVersion: '7' } }))
      }
    })
    await expect(client.get(target)).resolves.toMatchObject({ metadata: { resourceVersion: '7' } })
    expect(api.seen).toHaveLength(3)
  })

  it('stops retrying 429 after the configured retries with a typed error', async () => {
    const { api, client } = await clientFor((_req, res) => status(res, 429, 'TooManyRequests', 'slow down', { headers: { 'Retry-After': '0' } }), { retries: 2 })
    await expect(client.get(target)).rejects.toMatchObject({ code: 'APPLY_API_ERROR', message: 'ConfigMap/default/web: get failed (TooManyRequests): slow down' })
    expect(api.seen).toHaveLength(3)
  })

  it('reports a 500 as APPLY_API_ERROR naming the object, without retrying a write', async () => {
    const { api, client } = await clientFor((_req, res) => status(res, 500, 'InternalError', 'etcdserver: request timed out'))
    await expect(client.apply(cm, { fieldManager })).rejects.toMatchObject({ code: 'APPLY_API_ERROR', message: 'ConfigMap/default/web: apply failed (InternalError): etcdserver: request timed out' })
    expect(api.seen).toEqual(['PATCH /api/v1/namespaces/default/configmaps/web'])
  })

  it('fails applyAll on a 409 storm with a typed error and no write', async () => {
    const { api, client } = await clientFor((req, res) => {
      if (req.method === 'GET') status(res, 404, 'NotFound', 'configmaps "web" not found')
      else status(res, 409, 'Conflict', 'Operation cannot be fulfilled on configmaps "web": the object has been modified; please apply your changes to the latest version and try again')
    })
    const err = await applyAll([cm], { client, fieldManager }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'APPLY_API_ERROR', message: expect.stringMatching(/^ConfigMap\/default\/web: dry-run apply failed \(Conflict\)/) })
    expect((err as ApplyError).changeSet?.entries).toMatchObject([{ action: 'failed' }])
    expect(api.seen.filter((s) => s.startsWith('PATCH'))).toHaveLength(1)
  })

  it('reports a dropped connection as APPLY_UNREACHABLE naming the object and the server', async () => {
    const { api, client } = await clientFor((req) => req.socket.destroy())
    await expect(client.get(target)).rejects.toMatchObject({ code: 'APPLY_UNREACHABLE', message: expect.stringMatching(new RegExp(`^ConfigMap/default/web: get failed: ${api.url} did not answer`)) })
  })

  it('masks a Secret value the server quotes in its error, in every form', async () => {
    const plaintext = 'hunter2-marker-Qx9'
    const encoded = Buffer.from(plaintext).toString('base64')
    const { client } = await clientFor((_req, res) =>
      status(res, 422, 'Invalid', `Secret "creds" is invalid: data[token]: Invalid value: "${plaintext}": must be no more than 8 bytes; was ${encoded}`, {
        causes: [{ reason: 'FieldValueInvalid', field: 'data[token]', message: `Invalid value: "${plaintext}": must be no more than 8 bytes` }],
      }),
    )
    const secret: KubeObject = { apiVersion: 'v1', kind: 'Secret', metadata: { name: 'creds', namespace: 'default' }, data: { token: encoded } }
    const err = await client.apply(secret, { fieldManager }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'APPLY_INVALID', message: 'Secret/default/creds: apply failed (Invalid): Secret "creds" is invalid: data[token]: Invalid value: "***": must be no more than 8 bytes; was ***' })
    const text = JSON.stringify([(err as ApplyError).message, (err as ApplyError).toJSON(), (err as ApplyError).details])
    expect(text).not.toContain(plaintext)
    expect(text).not.toContain(encoded)
  })

  it('masks a quoted value it was not sent, in an error about a Secret read', async () => {
    const { client } = await clientFor((_req, res) => status(res, 500, 'InternalError', 'decrypt failed for value "s3cr3t-from-etcd"'))
    const err = await client.get({ group: '', kind: 'Secret', namespace: 'default', name: 'creds' }).catch((e: unknown) => e)
    expect((err as Error).message).toBe('Secret/default/creds: get failed (InternalError): decrypt failed for value "***"')
  })
})
