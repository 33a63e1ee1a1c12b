// Webhook matchConditions (CEL over object, oldObject, request and authorizer, errors under the
// failurePolicy) and writes to the scale subresource going through admission as an UPDATE of
// subresource `scale` with autoscaling/v1 Scale objects, against the real webhook server of
// test/helpers/webhookServer.ts, through client-node and kubectl.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { configMap, inScenario, startAdmissionCluster } from '../helpers/admissionCluster.js'
import type { AdmissionCluster } from '../helpers/admissionCluster.js'
import { hasKubectl, statusOf } from '../helpers/kube.js'

let cluster: AdmissionCluster

const configMapRules = [{ operations: ['CREATE', 'UPDATE'], apiGroups: [''], apiVersions: ['v1'], resources: ['configmaps'], scope: 'Namespaced' }]
const scaleRules = [{ operations: ['UPDATE'], apiGroups: ['apps'], apiVersions: ['v1'], resources: ['deployments/scale'] }]

beforeAll(async () => {
  cluster = await startAdmissionCluster(['cond', 'err-fail', 'err-ignore', 'scaled'])
  const { hook } = cluster
  const inNamespace = (ns: string): Record<string, unknown> => ({ ...inScenario(ns), rules: configMapRules })
  await cluster.configure('ValidatingWebhookConfiguration', 'conditioned', [
    hook('conditioned.example.com', '/validate', {
      ...inNamespace('cond'),
      matchConditions: [
        { name: 'not-platform', expression: "!has(object.metadata.labels) || !('team' in object.metadata.labels) || object.metadata.labels['team'] != 'platform'" },
        { name: 'creates-and-updates', expression: "request.operation in ['CREATE', 'UPDATE'] && (oldObject == null || request.operation == 'UPDATE')" },
        { name: 'may-read-secrets', expression: "authorizer.group('').resource('secrets').namespace('cond').check('list').allowed()" },
      ],
    }),
    // A condition that errs: refused under Fail, unless another condition is false.
    hook('erring.example.com', '/validate', {
      ...inNamespace('err-fail'),
      matchConditions: [
        { name: 'needs-data-key', expression: "object.data.missing == 'x'" },
        { name: 'opt-out', expression: "!has(object.metadata.annotations) || !('opt-out' in object.metadata.annotations)" },
      ],
    }),
    hook('ignoring.example.com', '/validate', { ...inNamespace('err-ignore'), failurePolicy: 'Ignore', matchConditions: [{ name: 'needs-data-key', expression: "object.data.missing == 'x'" }] }),
    hook('scale-cap.example.com', '/scale-cap', {
      ...inScenario('scaled'),
      rules: scaleRules,
      matchConditions: [{ name: 'scale-only', expression: "request.subResource == 'scale' && object.kind == 'Scale'" }],
    }),
  ])
  await cluster.configure('MutatingWebhookConfiguration', 'scale-floor', [hook('scale-min.example.com', '/scale-min', { ...inScenario('scaled'), rules: scaleRules })])
})
afterAll(() => cluster.stop())

describe('webhook matchConditions', () => {
  it('call the webhook only when every condition holds, over object, oldObject, request and authorizer', async () => {
    const { api, calls } = cluster
    // All three hold: the webhook is called, and denies.
    const denied = await statusOf(api.create(configMap('cond', 'mine', { labels: { forbidden: 'yes' } })))
    expect([denied.code, denied.body.message]).toEqual([403, 'admission webhook "conditioned.example.com" denied the request: manual edits of GitOps-owned objects are refused'])
    // not-platform is false: the webhook is not called and the write goes through.
    await api.create(configMap('cond', 'platform', { labels: { forbidden: 'yes', team: 'platform' } }))
    expect(calls('platform')).toEqual([])
    expect(calls('mine')).toEqual(['/validate'])
  })

  it('follow failurePolicy when a condition errs: Fail refuses with 403 Forbidden, Ignore skips the webhook; a false condition wins over an error', async () => {
    const { api, calls } = cluster
    const refused = await statusOf(api.create(configMap('err-fail', 'x')))
    expect(refused).toEqual({
      code: 403,
      body: {
        kind: 'Status',
        apiVersion: 'v1',
        metadata: {},
        status: 'Failure',
        message: `configmaps "x" is forbidden: expression 'object.data.missing == 'x'' resulted in error: no such key: missing`,
        reason: 'Forbidden',
        details: { name: 'x', kind: 'configmaps' },
        code: 403,
      },
    })
    expect(cluster.server.snapshot().some((o) => o.metadata.namespace === 'err-fail' && o.metadata.name === 'x')).toBe(false)
    await api.create(configMap('err-fail', 'opted', { annotations: { 'opt-out': 'yes' } }))
    await api.create(configMap('err-ignore', 'y', { labels: { forbidden: 'yes' } }))
    expect([...calls('x'), ...calls('opted'), ...calls('y')]).toEqual([])
  })
})

describe('the scale subresource through admission', () => {
  it.skipIf(!hasKubectl)('sends kubectl scale as an UPDATE of scale with Scale objects; a mutating webhook patches the Scale and a validating one may deny it', async () => {
    await cluster.api.create({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'scaled' },
      spec: { replicas: 3, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'app', image: 'nginx' }] } } },
    } as never)
    const replicas = (): unknown => (cluster.server.get({ group: 'apps', kind: 'Deployment', namespace: 'scaled', name: 'web' })?.spec as { replicas: number }).replicas
    const [raised, capped] = [await cluster.kubectl(['scale', 'deployment/web', '--replicas=1', '-n', 'scaled']), await cluster.kubectl(['scale', 'deployment/web', '--replicas=9', '-n', 'scaled'])]
    expect([raised.code, raised.stdout, raised.stderr]).toEqual([0, 'deployment.apps/web scaled\n', ''])
    expect([capped.code, capped.stderr]).toEqual([1, 'Error from server (Forbidden): admission webhook "scale-cap.example.com" denied the request: at most 5 replicas\n'])
    // Raised to 2 by the mutating webhook; the denied 9 stored nothing.
    expect(replicas()).toBe(2)
    const reviews = cluster.webhook.reviews.filter((r) => r.request.name === 'web')
    expect(reviews.map((r) => r.path)).toEqual(['/scale-min', '/scale-cap', '/scale-min', '/scale-cap'])
    expect(reviews[1]?.request).toMatchObject({
      kind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
      requestKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' },
      resource: { group: 'apps', version: 'v1', resource: 'deployments' },
      subResource: 'scale',
      requestSubResource: 'scale',
      operation: 'UPDATE',
      namespace: 'scaled',
      object: { apiVersion: 'autoscaling/v1', kind: 'Scale', metadata: { name: 'web', namespace: 'scaled' }, spec: { replicas: 2 } },
      oldObject: { apiVersion: 'autoscaling/v1', kind: 'Scale', spec: { replicas: 3 } },
    })
  })
})
