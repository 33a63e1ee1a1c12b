// A server URL that carries a user and password (`http://user:password@host`): over the direct
// transport and over both majors of @kubernetes/client-node, no error (message, details, cause,
// toJSON) and no onRequest URL ever shows them, whether the server refuses the connection, never
// answers or answers too much.
import type * as ClientNode from '@kubernetes/client-node'
import { afterEach, describe, expect, it } from 'vitest'
import { ApplyError, createKubeClient } from '../../src/index.js'
import type { ApiRequestEvent, KubeClient, KubeClientOptions } from '../../src/index.js'
import { createKubeClientWith } from '../../src/createKubeClient.js'
import { startFakeApi } from '../helpers/fakeApi.js'
import type { FakeApi, FakeHandler } from '../helpers/fakeApi.js'

const user = 'alice-user'
const password = 'pa55-w0rd'
const target = { group: '', kind: 'ConfigMap', namespace: 'default', name: 'web' }

// client-node 2.x (undici's fetch) refuses such a URL outright, before connecting: its requests fail
// with APPLY_UNREACHABLE, which must not show them either.
const transports: { name: string; sends: boolean; create: (options: KubeClientOptions) => Promise<KubeClient> }[] = [
  { name: 'the direct transport', sends: true, create: (options) => createKubeClient(options) },
  { name: 'client-node 1.x', sends: true, create: async (options) => createKubeClientWith(await import('@kubernetes/client-node'), options) },
  { name: 'client-node 2.x', sends: false, create: async (options) => createKubeClientWith((await import('client-node-2')) as unknown as typeof ClientNode, options) },
]

/** Everything an error shows: message, toJSON (details, the cause's message) and the cause chain. */
function shown(err: unknown): string {
  expect(err).toBeInstanceOf(ApplyError)
  const e = err as ApplyError
  const causes: string[] = []
  for (let c: unknown = e.cause; c instanceof Error && causes.length < 5; c = c.cause) causes.push(`${c.name}: ${c.message}`)
  return JSON.stringify([e.message, e.toJSON(), e.details, causes])
}

describe.each(transports)('$name with user:password in the server URL', ({ sends, create }) => {
  let fake: FakeApi | undefined
  afterEach(async () => {
    await fake?.stop()
    fake = undefined
  })

  async function clientFor(handler: FakeHandler, options: Partial<KubeClientOptions> = {}): Promise<{ api: FakeApi; client: KubeClient }> {
    const api = await startFakeApi(handler)
    fake = api
    const kubeconfigYaml = api.kubeconfigYaml.replace('http://127.0.0.1', `http://${user}:${password}@127.0.0.1`)
    expect(kubeconfigYaml).toContain(password)
    return { api, client: await create({ kubeconfigYaml, ...options }) }
  }

  it('shows neither in APPLY_UNREACHABLE when the server refuses the connection', async () => {
    const { api, client } = await clientFor(() => undefined, { retries: 0 })
    await api.stop()
    fake = undefined
    const err = await client.get(target).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'APPLY_UNREACHABLE', details: { server: api.url } })
    const text = shown(err)
    expect(text).not.toContain(password)
    expect(text).not.toContain(user)
  })

  it('shows neither in APPLY_REQUEST_TIMEOUT when the server never answers', async () => {
    const { api, client } = await clientFor(() => undefined, { requestTimeout: 500, retries: 0 })
    const err = await client.get(target).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: sends ? 'APPLY_REQUEST_TIMEOUT' : 'APPLY_UNREACHABLE', details: { server: api.url } })
    expect((err as ApplyError).message).toContain(api.url)
    const text = shown(err)
    expect(text).not.toContain(password)
    expect(text).not.toContain(user)
  })

  it('shows neither in the URL onRequest reports', async () => {
    const events: ApiRequestEvent[] = []
    const { api, client } = await clientFor(
      (_req, res) => {
        res.writeHead(404, { 'Content-Type': 'application/json' })
        res.end(JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code: 404, reason: 'NotFound', message: 'not found' }))
      },
      { onRequest: (e) => events.push(e) },
    )
    if (sends) await expect(client.get(target)).resolves.toBeUndefined()
    else expect(shown(await client.get(target).catch((e: unknown) => e))).not.toContain(password)
    expect(events.map((e) => e.url)).toContain(`${api.url}${sends ? '/api/v1/namespaces/default/configmaps/web' : '/api/v1'}`)
    expect(JSON.stringify(events)).not.toContain(password)
    expect(JSON.stringify(events)).not.toContain(user)
  })
})
