// Admission webhooks called over HTTPS as kube-apiserver calls them, against a real webhook server
// (test/helpers/webhookServer.ts): the AdmissionReview v1 it receives, a validating webhook that says
// no (through client-node and kubectl, with the message kubectl prints against a cluster), a mutating
// webhook reached through a Service mapped to loopback, selectors, DELETE and dry run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer } from '../../src/index.js'
import type { ApiServer } from '../../src/index.js'
import { hasKubectl, kubectlFor, objectApi, raw, statusOf } from '../helpers/kube.js'
import type { Kubectl } from '../helpers/kube.js'
import { startWebhookServer } from '../helpers/webhookServer.js'
import type { WebhookServer } from '../helpers/webhookServer.js'

let server: ApiServer
let webhook: WebhookServer
let kubectl: Kubectl
beforeAll(async () => {
  webhook = await startWebhookServer()
  server = await startApiServer({ webhookServices: { 'webhooks/guard': webhook.url } })
  kubectl = kubectlFor(server)
  const api = objectApi(server)
  for (const name of ['guarded', 'mutated', 'free']) await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { scenario: name } } })
  const rules = [{ operations: ['CREATE', 'UPDATE', 'DELETE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'], scope: 'Namespaced' }]
  await api.create({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'ValidatingWebhookConfiguration',
    metadata: { name: 'guard' },
    webhooks: [
      {
        name: 'guard.example.com',
        clientConfig: { url: `${webhook.url}/validate`, caBundle: webhook.caBundle },
        rules,
        namespaceSelector: { matchLabels: { scenario: 'guarded' } },
        sideEffects: 'None',
        admissionReviewVersions: ['v1'],
      },
    ],
  })
  await api.create({
    apiVersion: 'admissionregistration.k8s.io/v1',
    kind: 'MutatingWebhookConfiguration',
    metadata: { name: 'labeller' },
    webhooks: [
      {
        // Called first, and again after the labeller changed the object (reinvocationPolicy IfNeeded).
        name: 'annotator.example.com',
        clientConfig: { url: `${webhook.url}/annotate`, caBundle: webhook.caBundle },
        rules,
        namespaceSelector: { matchLabels: { scenario: 'mutated' } },
        sideEffects: 'None',
        admissionReviewVersions: ['v1'],
        reinvocationPolicy: 'IfNeeded',
      },
      {
        name: 'labeller.example.com',
        clientConfig: { service: { namespace: 'webhooks', name: 'guard', path: '/mutate' }, caBundle: webhook.caBundle },
        rules,
        namespaceSelector: { matchLabels: { scenario: 'mutated' } },
        objectSelector: { matchExpressions: [{ key: 'skip', operator: 'DoesNotExist' }] },
        sideEffects: 'NoneOnDryRun',
        admissionReviewVersions: ['v1'],
      },
    ],
  })
})
afterAll(async () => {
  kubectl.dispose()
  await server.stop()
  await webhook.close()
})

const configMap = (namespace: string, name: string, labels: Record<string, string> = {}): Record<string, unknown> => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: Object.keys(labels).length === 0 ? { name, namespace } : { name, namespace, labels },
  data: { a: '1' },
})
const stored = (namespace: string, name: string): Record<string, unknown> | undefined => {
  try {
    return server.get({ group: '', kind: 'ConfigMap', namespace, name })
  } catch {
    return undefined
  }
}

describe('admission webhooks', () => {
  it('sends an AdmissionReview v1 and passes the webhook warnings on; a denial is the Status kube-apiserver returns and stores nothing', async () => {
    const created = await raw(server, { method: 'POST', path: '/api/v1/namespaces/guarded/configmaps?fieldManager=tester', body: JSON.stringify(configMap('guarded', 'ok')), contentType: 'application/json' })
    expect(created.status).toBe(201)
    expect(created.headers.warning).toBe('299 - "checked by guard"')
    const sent = webhook.reviews.find((r) => r.path === '/validate' && r.request.name === 'ok')
    expect(sent?.request).toMatchObject({
      kind: { group: '', version: 'v1', kind: 'ConfigMap' },
      resource: { group: '', version: 'v1', resource: 'configmaps' },
      requestKind: { group: '', version: 'v1', kind: 'ConfigMap' },
      name: 'ok',
      namespace: 'guarded',
      operation: 'CREATE',
      userInfo: { username: 'system:admin', groups: ['system:masters', 'system:authenticated'] },
      object: { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'ok', namespace: 'guarded' }, data: { a: '1' } },
      oldObject: null,
      dryRun: false,
      options: { apiVersion: 'meta.k8s.io/v1', kind: 'CreateOptions', fieldManager: 'tester' },
    })
    expect(sent?.request.uid).toMatch(/^[0-9a-f-]{36}$/)

    const api = objectApi(server)
    const denied = await statusOf(api.create(configMap('guarded', 'bad', { forbidden: 'yes' })))
    expect(denied).toEqual({
      code: 403,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: 'admission webhook "guard.example.com" denied the request: manual edits of GitOps-owned objects are refused',
        reason: 'Forbidden',
        code: 403,
      },
    })
    expect(stored('guarded', 'bad')).toBeUndefined()
    // An update that adds the label is refused too, with the old object sent beside the new one.
    const update = await statusOf(api.patch(configMap('guarded', 'ok', { forbidden: 'yes' }), undefined, undefined, undefined, undefined, 'application/merge-patch+json'))
    expect(update.code).toBe(403)
    expect(webhook.reviews.at(-1)?.request).toMatchObject({ operation: 'UPDATE', oldObject: { metadata: { name: 'ok' } }, options: { kind: 'UpdateOptions' } })
    expect((stored('guarded', 'ok')?.metadata as { labels?: unknown }).labels).toBeUndefined()
    // Outside the namespace selector the webhook is not called.
    const before = webhook.reviews.length
    await api.create(configMap('free', 'bad', { forbidden: 'yes' }))
    expect(webhook.reviews.length).toBe(before)
  })

  it('applies a mutating webhook’s JSONPatch, reached through a Service mapped to loopback, unless the object selector excludes it', async () => {
    const api = objectApi(server)
    await api.create(configMap('mutated', 'one'))
    expect(stored('mutated', 'one')?.metadata).toMatchObject({ labels: { mutated: 'true' }, annotations: { 'seen-labels': 'mutated' } })
    expect(webhook.reviews.filter((r) => r.request.name === 'one').map((r) => r.path)).toEqual(['/annotate', '/mutate', '/annotate'])
    expect((stored('mutated', 'one')?.metadata as { managedFields: unknown[] }).managedFields).toHaveLength(1)
    await api.create(configMap('mutated', 'two', { skip: 'yes' }))
    expect((stored('mutated', 'two')?.metadata as { labels: unknown }).labels).toEqual({ skip: 'yes' })
    // Server-side apply goes through it too; a dry run reaches a NoneOnDryRun webhook with dryRun true.
    const applied = await raw(server, {
      method: 'PATCH',
      path: '/api/v1/namespaces/mutated/configmaps/three?fieldManager=ssa&dryRun=All',
      body: JSON.stringify(configMap('mutated', 'three', { app: 'x' })),
      contentType: 'application/apply-patch+yaml',
    })
    expect(applied.status).toBe(201)
    expect(applied.json().metadata).toMatchObject({ labels: { app: 'x', mutated: 'true' } })
    expect(webhook.reviews.at(-1)?.request).toMatchObject({ dryRun: true, options: { dryRun: ['All'], fieldManager: 'ssa' } })
    expect(stored('mutated', 'three')).toBeUndefined()
  })

  it.skipIf(!hasKubectl)('prints the denial as kubectl does against a cluster, for apply and delete', async () => {
    await objectApi(server).create(configMap('guarded', 'locked', { locked: 'yes' }))
    const manifest = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: edit, namespace: guarded, labels: {forbidden: "yes"}}\ndata: {a: "1"}\n'
    const [applied, deleted] = await Promise.all([kubectl(['apply', '-f', '-'], manifest), kubectl(['delete', 'configmap', 'locked', '-n', 'guarded'])])
    expect([applied.code, applied.stderr]).toEqual([
      1,
      'Error from server (Forbidden): error when creating "STDIN": admission webhook "guard.example.com" denied the request: manual edits of GitOps-owned objects are refused\n',
    ])
    expect([deleted.code, deleted.stderr]).toEqual([1, 'Error from server (Forbidden): admission webhook "guard.example.com" denied the request: objects labelled locked cannot be deleted\n'])
    expect(webhook.reviews.find((r) => r.request.operation === 'DELETE')?.request).toMatchObject({ operation: 'DELETE', object: null, oldObject: { metadata: { name: 'locked' } }, options: { kind: 'DeleteOptions' } })
    expect(stored('guarded', 'locked')).toBeDefined()
    expect(stored('guarded', 'edit')).toBeUndefined()
  })
})
