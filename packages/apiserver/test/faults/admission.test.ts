// Admission webhooks that fail: down (Fail and Ignore), too slow, not JSON, the wrong uid, a
// certificate not trusted, a URL off loopback, an unmapped Service, a patch renaming the object, and
// configurations kube-apiserver would refuse. Each answer is kube-apiserver's Status, and nothing
// is stored or changed.
import { createServer } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ApiServerError, startApiServer } from '../../src/index.js'
import type { ApiServer } from '../../src/index.js'
import { raw } from '../helpers/kube.js'
import { startWebhookServer } from '../helpers/webhookServer.js'
import type { WebhookServer } from '../helpers/webhookServer.js'

let server: ApiServer
let webhook: WebhookServer
let closedPort = 0
beforeAll(async () => {
  webhook = await startWebhookServer()
  server = await startApiServer({ webhookServices: { 'webhooks/guard': webhook.url } })
  const probe = createServer()
  await new Promise<void>((resolve) => probe.listen(0, '127.0.0.1', resolve))
  closedPort = (probe.address() as { port: number }).port
  await new Promise<void>((resolve) => probe.close(() => resolve()))
})
afterAll(async () => {
  await server.stop()
  await webhook.close()
})

async function post(path: string, body: unknown): Promise<void> {
  const answer = await raw(server, { method: 'POST', path, body: JSON.stringify(body), contentType: 'application/json' })
  if (answer.status !== 201) throw new Error(`${path}: ${answer.text}`)
}

/** A namespace and a webhook configuration that only its requests reach. */
async function scenario(name: string, webhookSpec: Record<string, unknown>, operations = ['CREATE', 'UPDATE']): Promise<string> {
  await post('/api/v1/namespaces', { metadata: { name, labels: { scenario: name } } })
  const { mutating, ...spec } = webhookSpec
  await post(`/apis/admissionregistration.k8s.io/v1/${mutating === true ? 'mutating' : 'validating'}webhookconfigurations`, {
    metadata: { name },
    webhooks: [
      {
        name: `${name}.example.com`,
        rules: [{ operations, apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'] }],
        namespaceSelector: { matchLabels: { scenario: name } },
        sideEffects: 'None',
        admissionReviewVersions: ['v1'],
        ...spec,
      },
    ],
  })
  return name
}

const createConfigMap = (namespace: string, name = 'cm'): ReturnType<typeof raw> =>
  raw(server, { method: 'POST', path: `/api/v1/namespaces/${namespace}/configmaps`, body: JSON.stringify({ metadata: { name }, data: { a: '1' } }), contentType: 'application/json' })
const exists = async (namespace: string, name = 'cm'): Promise<boolean> => (await raw(server, { method: 'GET', path: `/api/v1/namespaces/${namespace}/configmaps/${name}` })).status === 200

describe('admission webhook faults', () => {
  it('a webhook that is down fails the write under failurePolicy Fail (500 InternalError naming it) and is skipped under Ignore', async () => {
    const url = `https://127.0.0.1:${closedPort}/`
    const failing = await scenario('down', { clientConfig: { url, caBundle: webhook.caBundle } })
    const ignored = await scenario('ignored', { clientConfig: { url, caBundle: webhook.caBundle }, failurePolicy: 'Ignore' })
    const answer = await createConfigMap(failing)
    expect(answer.status).toBe(500)
    expect(answer.json()).toMatchObject({ reason: 'InternalError', code: 500 })
    expect(String(answer.json().message)).toMatch(
      new RegExp(`^Internal error occurred: failed calling webhook "down\\.example\\.com": failed to call webhook: Post "https://127\\.0\\.0\\.1:${closedPort}/\\?timeout=10s": .*ECONNREFUSED`),
    )
    expect(await exists(failing)).toBe(false)
    expect((await createConfigMap(ignored)).status).toBe(201)
  })

  it('a webhook slower than its timeoutSeconds fails the write with "context deadline exceeded"', async () => {
    const ns = await scenario('slow', { clientConfig: { url: `${webhook.url}/slow`, caBundle: webhook.caBundle }, timeoutSeconds: 1 })
    const answer = await createConfigMap(ns)
    expect([answer.status, answer.json().message]).toEqual([
      500,
      `Internal error occurred: failed calling webhook "slow.example.com": failed to call webhook: Post "${webhook.url}/slow?timeout=1s": context deadline exceeded`,
    ])
    expect(await exists(ns)).toBe(false)
  })

  it('an answer that is not JSON, or has another uid, is an invalid webhook response', async () => {
    const badJson = await scenario('badjson', { clientConfig: { url: `${webhook.url}/badjson`, caBundle: webhook.caBundle } })
    const wrongUid = await scenario('wronguid', { clientConfig: { url: `${webhook.url}/wronguid`, caBundle: webhook.caBundle } })
    const [a, b] = await Promise.all([createConfigMap(badJson), createConfigMap(wrongUid)])
    expect(a.status).toBe(500)
    expect(String(a.json().message)).toMatch(/^Internal error occurred: failed calling webhook "badjson\.example\.com": received invalid webhook response: /)
    expect(b.status).toBe(500)
    const uid = webhook.reviews.find((r) => r.path === '/wronguid')?.request.uid ?? ''
    expect(b.json().message).toBe(`Internal error occurred: failed calling webhook "wronguid.example.com": received invalid webhook response: expected response.uid="${uid}", got "not-the-request-uid"`)
    expect([await exists(badJson), await exists(wrongUid)]).toEqual([false, false])
  })

  it('a certificate the caBundle does not trust, a URL off loopback and an unmapped Service fail the call', async () => {
    const untrusted = await scenario('untrusted', { clientConfig: { url: `${webhook.url}/validate` } })
    const remote = await scenario('remote', { clientConfig: { url: 'https://webhook.example.com/validate', caBundle: webhook.caBundle } })
    const unmapped = await scenario('unmapped', { clientConfig: { service: { namespace: 'other', name: 'svc', path: '/validate' }, caBundle: webhook.caBundle } })
    const answers = await Promise.all([createConfigMap(untrusted), createConfigMap(remote), createConfigMap(unmapped)])
    expect(answers.map((a) => a.status)).toEqual([500, 500, 500])
    expect(String(answers[0].json().message)).toMatch(/failed calling webhook "untrusted\.example\.com": failed to call webhook: Post ".*": .*certificate/)
    expect(answers[1].json().message).toBe(
      'Internal error occurred: failed calling webhook "remote.example.com": failed to call webhook: Post "https://webhook.example.com/validate?timeout=10s": only loopback webhook URLs are reachable from the embedded apiserver',
    )
    expect(answers[2].json().message).toBe(
      'Internal error occurred: failed calling webhook "unmapped.example.com": failed to call webhook: Post "https://svc.other.svc:443/validate?timeout=10s": service "other/svc" is not mapped to a local URL (the webhookServices option)',
    )
    expect([await exists(untrusted), await exists(remote), await exists(unmapped)]).toEqual([false, false, false])
  })

  it('a mutating patch that renames the object is refused as an update of an immutable field, and the object stays as it was', async () => {
    const ns = await scenario('rename', { mutating: true, clientConfig: { url: `${webhook.url}/rename`, caBundle: webhook.caBundle } }, ['UPDATE'])
    expect((await createConfigMap(ns)).status).toBe(201)
    const before = (await raw(server, { method: 'GET', path: `/api/v1/namespaces/${ns}/configmaps/cm` })).json()
    const answer = await raw(server, { method: 'PATCH', path: `/api/v1/namespaces/${ns}/configmaps/cm`, body: '{"data":{"a":"2"}}', contentType: 'application/merge-patch+json' })
    expect(answer.status).toBe(422)
    expect(answer.json().message).toBe('ConfigMap "renamed" is invalid: metadata.name: Invalid value: "renamed": field is immutable')
    expect((await raw(server, { method: 'GET', path: `/api/v1/namespaces/${ns}/configmaps/cm` })).json()).toEqual(before)
    expect(await exists(ns, 'renamed')).toBe(false)
  })

  it('refuses a webhook configuration kube-apiserver refuses, with its 422 causes, and stores nothing', async () => {
    const answer = await raw(server, {
      method: 'POST',
      path: '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations',
      body: JSON.stringify({
        metadata: { name: 'broken' },
        webhooks: [
          { name: 'short', clientConfig: { url: 'http://127.0.0.1:1/' }, sideEffects: 'Unknown', admissionReviewVersions: ['v1'], timeoutSeconds: 31 },
          { name: 'a.example.com', clientConfig: {}, admissionReviewVersions: [], failurePolicy: 'Sometimes' },
        ],
      }),
      contentType: 'application/json',
    })
    expect(answer.status).toBe(422)
    expect((answer.json().details as { causes: { message: string; field: string }[] }).causes.map((c) => `${c.field}: ${c.message}`)).toEqual([
      'webhooks[0].name: Invalid value: "short": should be a domain with at least three segments separated by dots',
      'webhooks[0].sideEffects: Unsupported value: "Unknown": supported values: "None", "NoneOnDryRun"',
      'webhooks[0].clientConfig.url: Invalid value: "http://127.0.0.1:1/": \'https\' is the only allowed URL scheme',
      'webhooks[0].timeoutSeconds: Invalid value: 31: the timeout value must be between 1 and 30 seconds',
      'webhooks[1].admissionReviewVersions: Required value: must specify one of v1, v1beta1',
      'webhooks[1].sideEffects: Required value: must specify one of None, NoneOnDryRun',
      'webhooks[1].clientConfig: Required value: exactly one of url or service is required',
      'webhooks[1].failurePolicy: Unsupported value: "Sometimes": supported values: "Fail", "Ignore"',
    ])
    expect((await raw(server, { method: 'GET', path: '/apis/admissionregistration.k8s.io/v1/validatingwebhookconfigurations/broken' })).status).toBe(404)
  })

  it('refuses a webhookServices URL off loopback at start', async () => {
    const start = startApiServer({ webhookServices: { 'webhooks/guard': 'https://10.0.0.1:443' } })
    await expect(start).rejects.toBeInstanceOf(ApiServerError)
    await expect(start).rejects.toMatchObject({ code: 'APISERVER_HOST_NOT_LOOPBACK', message: expect.stringMatching(/^webhookServices\["webhooks\/guard"\]: /) as unknown })
  })
})
