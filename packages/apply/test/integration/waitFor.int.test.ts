import { describe, expect, it } from 'vitest'
import type { ObjectRef } from '@gitops-sdk/core'
import { applyAll, ApplyError, waitFor } from '../../src/index.js'
import type { WaitProgress } from '../../src/index.js'
import { configMap, deployment, useCluster } from '../helpers/cluster.js'

const env = useCluster()

const fieldManager = 'gitops-test'

/** Writes a Deployment's status through the API, as its controller would. */
async function setStatus(ns: string, name: string, status: Record<string, unknown>): Promise<void> {
  await env.cluster.kubectlOk(['patch', `deployment/${name}`, '-n', ns, '--subresource=status', '--type=merge', '-p', JSON.stringify({ status })])
}

const ready = (replicas: number, generation = 1): Record<string, unknown> => ({
  observedGeneration: generation,
  replicas,
  updatedReplicas: replicas,
  readyReplicas: replicas,
  availableReplicas: replicas,
  conditions: [
    { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable' },
    { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' },
  ],
})

describe('waitFor', () => {
  it('waits until a Deployment the test rolls out is Current', async () => {
    const ns = await env.cluster.namespace('wait')
    await applyAll([deployment(ns, 'web', { replicas: 2 }), configMap(ns, 'cfg')], { client: env.cluster.client, fieldManager })
    const refs: ObjectRef[] = [
      { group: 'apps', kind: 'Deployment', namespace: ns, name: 'web' },
      { group: '', kind: 'ConfigMap', namespace: ns, name: 'cfg' },
    ]
    const seen: WaitProgress[] = []
    let partialSent = false
    let readySent = false
    const statuses = await waitFor(refs, {
      client: env.cluster.client,
      timeout: 20_000,
      interval: 50,
      onProgress: (p) => {
        seen.push(p)
        // Advance the rollout as a controller would, one step after waitFor has seen the previous
        // one, so that no step can overtake another however slowly kubectl starts.
        if (!partialSent) {
          partialSent = true
          void setStatus(ns, 'web', { observedGeneration: 1, replicas: 1, updatedReplicas: 1 })
        } else if (!readySent && p.statuses[0]?.message === 'Replicas: 1/2') {
          readySent = true
          void setStatus(ns, 'web', ready(2))
        }
      },
    })
    expect(statuses.map((s) => s.status)).toEqual(['Current', 'Current'])
    expect(seen[0]?.statuses[0]).toMatchObject({ status: 'InProgress' })
    expect(seen.some((p) => p.statuses[0]?.message === 'Replicas: 1/2')).toBe(true)
    expect(seen.at(-1)?.current).toBe(2)
  })

  it('fails fast when an object is Failed', async () => {
    const ns = await env.cluster.namespace('failed')
    await applyAll([deployment(ns, 'web')], { client: env.cluster.client, fieldManager })
    await setStatus(ns, 'web', { observedGeneration: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] })
    // A timeout would end in APPLY_WAIT_TIMEOUT after 20 s: the Failed verdict ends the wait first.
    const err = await waitFor([{ group: 'apps', kind: 'Deployment', namespace: ns, name: 'web' }], { client: env.cluster.client, timeout: 20_000 }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'APPLY_WAIT_FAILED', message: `Deployment/${ns}/web (Failed: Progress deadline exceeded) failed` })
  })

  it('times out naming every object not Current with its last status', async () => {
    const ns = await env.cluster.namespace('timeout')
    await applyAll([deployment(ns, 'web'), deployment(ns, 'api')], { client: env.cluster.client, fieldManager })
    const err = await waitFor(
      [
        { group: 'apps', kind: 'Deployment', namespace: ns, name: 'web' },
        { group: 'apps', kind: 'Deployment', namespace: ns, name: 'api' },
        { group: '', kind: 'ConfigMap', namespace: ns, name: 'never' },
      ],
      { client: env.cluster.client, timeout: 400, interval: 50 },
    ).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApplyError)
    expect((err as ApplyError).code).toBe('APPLY_WAIT_TIMEOUT')
    expect((err as ApplyError).failures.map((f) => f.message)).toEqual([
      `Deployment/${ns}/web: InProgress: Replicas: 0/1`,
      `Deployment/${ns}/api: InProgress: Replicas: 0/1`,
      `ConfigMap/${ns}/never: NotFound: Resource not found`,
    ])
  })

  it('rejects with the signal reason when aborted', async () => {
    const ns = await env.cluster.namespace('abort')
    await applyAll([deployment(ns, 'web')], { client: env.cluster.client, fieldManager })
    const reason = new Error('stop')
    const controller = new AbortController()
    setTimeout(() => controller.abort(reason), 100)
    await expect(waitFor([{ group: 'apps', kind: 'Deployment', namespace: ns, name: 'web' }], { client: env.cluster.client, timeout: 20_000, interval: 50, signal: controller.signal })).rejects.toBe(reason)
  })
})

// The wait between stages polls only what its write did not already show Current: a new
// Namespace (and a ClusterRole) answers Current, a CRD answers Established only once its names
// are served (here after establishDelayMs).
describe('applyAll between stages', () => {
  it('polls a CRD not yet Established, not a Namespace whose write answered it Active', async () => {
    const { startApiServer } = await import('@gitops-sdk/apiserver')
    const { createKubeClient } = await import('../../src/index.js')
    const server = await startApiServer({ establishDelayMs: 150 })
    try {
      const requests: { verb: string; url?: string | undefined }[] = []
      const client = await createKubeClient({ kubeconfigYaml: server.kubeconfigYaml(), onRequest: (r) => requests.push(r) })
      const group = 'gadgets.example.com'
      const crd = {
        apiVersion: 'apiextensions.k8s.io/v1',
        kind: 'CustomResourceDefinition',
        metadata: { name: `gadgets.${group}` },
        spec: {
          group,
          names: { kind: 'Gadget', plural: 'gadgets', singular: 'gadget', listKind: 'GadgetList' },
          scope: 'Namespaced',
          versions: [{ name: 'v1', served: true, storage: true, schema: { openAPIV3Schema: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } }],
        },
      }
      const ns = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'stage-wait' } }
      const role = { apiVersion: 'rbac.authorization.k8s.io/v1', kind: 'ClusterRole', metadata: { name: 'stage-wait-reader' }, rules: [] }
      const waits: (readonly ObjectRef[])[] = []
      const onProgress = (p: { type: string; refs?: readonly ObjectRef[] }): void => {
        if (p.type === 'wait' && p.refs !== undefined) waits.push(p.refs)
      }
      const objects = [ns, role, configMap('stage-wait', 'a')]
      // Namespace and ClusterRole only: no wait, and no LIST of every Namespace.
      const first = await applyAll(objects, { client, fieldManager: 'gitops-test', onProgress })
      expect(first.entries.map((e) => e.action)).toEqual(['created', 'created', 'created'])
      expect(waits).toEqual([])
      expect(requests.filter((r) => r.verb === 'list' && /\/namespaces(\?|$)/.test(r.url ?? '') && !(r.url ?? '').includes('labelSelector'))).toEqual([])
      // With a CRD whose answer is not Established yet: it alone is waited for, then its resource applied.
      const gadget = { apiVersion: `${group}/v1`, kind: 'Gadget', metadata: { name: 'g', namespace: 'stage-wait' }, spec: { size: 1 } }
      const second = await applyAll([...objects, crd, gadget], { client, fieldManager: 'gitops-test', onProgress })
      expect(second.entries.map((e) => `${e.ref.kind} ${e.action}`)).toEqual(['CustomResourceDefinition created', 'Namespace unchanged', 'ClusterRole unchanged', 'ConfigMap unchanged', 'Gadget created'])
      expect(waits.map((refs) => refs.map((r) => r.kind))).toEqual([['CustomResourceDefinition']])
    } finally {
      await server.stop()
    }
  })
})
