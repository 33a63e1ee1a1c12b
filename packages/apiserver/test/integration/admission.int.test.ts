// Admission webhooks called over HTTPS as kube-apiserver calls them, against a real webhook server
// (test/helpers/webhookServer.ts): the AdmissionReview v1 it receives, a validating webhook that says
// no (through client-node and kubectl, with the message kubectl prints against a cluster), a mutating
// webhook reached through a Service mapped to loopback, selectors, DELETE and dry run.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { configMap, inScenario, startAdmissionCluster } from '../helpers/admissionCluster.js'
import type { AdmissionCluster } from '../helpers/admissionCluster.js'
import { hasKubectl, raw, statusOf } from '../helpers/kube.js'

let cluster: AdmissionCluster
beforeAll(async () => {
  cluster = await startAdmissionCluster(['guarded', 'mutated', 'free'])
  const rules = [{ operations: ['CREATE', 'UPDATE', 'DELETE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'], scope: 'Namespaced' }]
  await cluster.configure('ValidatingWebhookConfiguration', 'guard', [cluster.hook('guard.example.com', '/validate', { rules, ...inScenario('guarded') })])
  await cluster.configure('MutatingWebhookConfiguration', 'labeller', [
    // Called first, and again after the labeller changed the object (reinvocationPolicy IfNeeded).
    cluster.hook('annotator.example.com', '/annotate', { rules, ...inScenario('mutated'), reinvocationPolicy: 'IfNeeded' }),
    cluster.hook('labeller.example.com', '', {
      clientConfig: { service: { namespace: 'webhooks', name: 'guard', path: '/mutate' }, caBundle: cluster.webhook.caBundle },
      rules,
      ...inScenario('mutated'),
      objectSelector: { matchExpressions: [{ key: 'skip', operator: 'DoesNotExist' }] },
      sideEffects: 'NoneOnDryRun',
    }),
  ])
})
afterAll(() => cluster.stop())

const labelled = (namespace: string, name: string, labels: Record<string, string>): Record<string, unknown> => configMap(namespace, name, { labels })

describe('admission webhooks', () => {
  it('sends an AdmissionReview v1 and passes the webhook warnings on; a denial is the Status kube-apiserver returns and stores nothing', async () => {
    const created = await raw(cluster.server, { method: 'POST', path: '/api/v1/namespaces/guarded/configmaps?fieldManager=tester', body: JSON.stringify(configMap('guarded', 'ok')), contentType: 'application/json' })
    expect(created.status).toBe(201)
    expect(created.headers.warning).toBe('299 - "checked by guard"')
    const sent = cluster.webhook.reviews.find((r) => r.path === '/validate' && r.request.name === 'ok')
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

    const { api } = cluster
    const denied = await statusOf(api.create(labelled('guarded', 'bad', { forbidden: 'yes' })))
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
    expect(cluster.stored('guarded', 'bad')).toBeUndefined()
    // An update that adds the label is refused too, with the old object sent beside the new one.
    const update = await statusOf(api.patch(labelled('guarded', 'ok', { forbidden: 'yes' }), undefined, undefined, undefined, undefined, 'application/merge-patch+json'))
    expect(update.code).toBe(403)
    expect(cluster.webhook.reviews.at(-1)?.request).toMatchObject({ operation: 'UPDATE', oldObject: { metadata: { name: 'ok' } }, options: { kind: 'UpdateOptions' } })
    expect((cluster.stored('guarded', 'ok')?.metadata as { labels?: unknown }).labels).toBeUndefined()
    // Outside the namespace selector the webhook is not called.
    const before = cluster.webhook.reviews.length
    await api.create(labelled('free', 'bad', { forbidden: 'yes' }))
    expect(cluster.webhook.reviews.length).toBe(before)
  })

  it('applies a mutating webhook’s JSONPatch, reached through a Service mapped to loopback, unless the object selector excludes it', async () => {
    const { api } = cluster
    await api.create(configMap('mutated', 'one'))
    expect(cluster.stored('mutated', 'one')?.metadata).toMatchObject({ labels: { mutated: 'true' }, annotations: { 'seen-labels': 'mutated' } })
    expect(cluster.webhook.reviews.filter((r) => r.request.name === 'one').map((r) => r.path)).toEqual(['/annotate', '/mutate', '/annotate'])
    expect((cluster.stored('mutated', 'one')?.metadata as { managedFields: unknown[] }).managedFields).toHaveLength(1)
    await api.create(labelled('mutated', 'two', { skip: 'yes' }))
    expect((cluster.stored('mutated', 'two')?.metadata as { labels: unknown }).labels).toEqual({ skip: 'yes' })
    // Server-side apply goes through it too; a dry run reaches a NoneOnDryRun webhook with dryRun true.
    const applied = await raw(cluster.server, {
      method: 'PATCH',
      path: '/api/v1/namespaces/mutated/configmaps/three?fieldManager=ssa&dryRun=All',
      body: JSON.stringify(labelled('mutated', 'three', { app: 'x' })),
      contentType: 'application/apply-patch+yaml',
    })
    expect(applied.status).toBe(201)
    expect(applied.json().metadata).toMatchObject({ labels: { app: 'x', mutated: 'true' } })
    expect(cluster.webhook.reviews.at(-1)?.request).toMatchObject({ dryRun: true, options: { dryRun: ['All'], fieldManager: 'ssa' } })
    expect(cluster.stored('mutated', 'three')).toBeUndefined()
  })

  it.skipIf(!hasKubectl)('prints the denial as kubectl does against a cluster, for apply and delete', async () => {
    await cluster.api.create(labelled('guarded', 'locked', { locked: 'yes' }))
    const manifest = 'apiVersion: v1\nkind: ConfigMap\nmetadata: {name: edit, namespace: guarded, labels: {forbidden: "yes"}}\ndata: {a: "1"}\n'
    const [applied, deleted] = await Promise.all([cluster.kubectl(['apply', '-f', '-'], manifest), cluster.kubectl(['delete', 'configmap', 'locked', '-n', 'guarded'])])
    expect([applied.code, applied.stderr]).toEqual([
      1,
      'Error from server (Forbidden): error when creating "STDIN": admission webhook "guard.example.com" denied the request: manual edits of GitOps-owned objects are refused\n',
    ])
    expect([deleted.code, deleted.stderr]).toEqual([1, 'Error from server (Forbidden): admission webhook "guard.example.com" denied the request: objects labelled locked cannot be deleted\n'])
    expect(cluster.webhook.reviews.find((r) => r.request.operation === 'DELETE')?.request).toMatchObject({ operation: 'DELETE', object: null, oldObject: { metadata: { name: 'locked' } }, options: { kind: 'DeleteOptions' } })
    expect(cluster.stored('guarded', 'locked')).toBeDefined()
    expect(cluster.stored('guarded', 'edit')).toBeUndefined()
  })
})
