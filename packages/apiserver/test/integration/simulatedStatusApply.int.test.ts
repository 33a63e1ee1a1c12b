// Server-side apply to objects whose status the simulated controllers wrote: the status they write
// must type against the built-in schema, or every later apply to the object fails with a 500
// ("failed to create typed live object … field not declared in schema").
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer } from '../../src/index.js'
import type { ApiServer } from '../../src/index.js'
import { eventually, raw, uniqueName } from '../helpers/kube.js'
import type { RawResponse } from '../helpers/kube.js'

let server: ApiServer
beforeAll(async () => {
  server = await startApiServer({ controllers: 'ready', readyDelayMs: 20, daemonSetNodes: 2 })
})
afterAll(async () => {
  await server.stop()
})

const podTemplate = (app: string): Record<string, unknown> => ({
  metadata: { labels: { app } },
  spec: { containers: [{ name: 'main', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] },
})

interface Case {
  readonly name: string
  readonly path: string
  readonly body: (ns: string, label: string) => Record<string, unknown>
  /** Whether the status the simulator writes is there. */
  readonly ready: (status: Record<string, unknown>) => boolean
}

const workload = (apiVersion: string, kind: string, spec: Record<string, unknown>) => (ns: string, label: string): Record<string, unknown> => ({
  apiVersion,
  kind,
  metadata: { name: 'w', namespace: ns, labels: { step: label } },
  spec,
})

const cases: readonly Case[] = [
  {
    name: 'Deployment',
    path: '/apis/apps/v1/namespaces/NS/deployments/w',
    body: workload('apps/v1', 'Deployment', { replicas: 2, selector: { matchLabels: { app: 'w' } }, template: podTemplate('w') }),
    ready: (s) => s.readyReplicas === 2,
  },
  {
    name: 'StatefulSet',
    path: '/apis/apps/v1/namespaces/NS/statefulsets/w',
    body: workload('apps/v1', 'StatefulSet', { replicas: 2, serviceName: 'w', selector: { matchLabels: { app: 'w' } }, template: podTemplate('w') }),
    ready: (s) => s.availableReplicas === 2,
  },
  {
    name: 'DaemonSet',
    path: '/apis/apps/v1/namespaces/NS/daemonsets/w',
    body: workload('apps/v1', 'DaemonSet', { selector: { matchLabels: { app: 'w' } }, template: podTemplate('w') }),
    ready: (s) => s.numberReady === 2,
  },
  {
    name: 'ReplicaSet',
    path: '/apis/apps/v1/namespaces/NS/replicasets/w',
    body: workload('apps/v1', 'ReplicaSet', { replicas: 2, selector: { matchLabels: { app: 'w' } }, template: podTemplate('w') }),
    ready: (s) => s.availableReplicas === 2,
  },
  {
    name: 'ReplicationController',
    path: '/api/v1/namespaces/NS/replicationcontrollers/w',
    body: workload('v1', 'ReplicationController', { replicas: 2, selector: { app: 'w' }, template: podTemplate('w') }),
    ready: (s) => s.availableReplicas === 2,
  },
  {
    name: 'Job',
    path: '/apis/batch/v1/namespaces/NS/jobs/w',
    body: workload('batch/v1', 'Job', { template: { spec: { restartPolicy: 'Never', containers: [{ name: 'main', image: 'busybox:1.36' }] } } }),
    ready: (s) => s.succeeded === 1,
  },
  {
    name: 'Pod',
    path: '/api/v1/namespaces/NS/pods/w',
    body: (ns, label) => ({ apiVersion: 'v1', kind: 'Pod', metadata: { name: 'w', namespace: ns, labels: { step: label } }, spec: podTemplate('w').spec }),
    ready: (s) => s.phase === 'Running',
  },
  {
    name: 'PersistentVolumeClaim',
    path: '/api/v1/namespaces/NS/persistentvolumeclaims/w',
    body: workload('v1', 'PersistentVolumeClaim', { accessModes: ['ReadWriteOnce'], resources: { requests: { storage: '1Gi' } } }),
    ready: (s) => s.phase === 'Bound',
  },
  {
    name: 'LoadBalancer Service',
    path: '/api/v1/namespaces/NS/services/w',
    body: workload('v1', 'Service', { type: 'LoadBalancer', selector: { app: 'w' }, ports: [{ port: 80 }] }),
    ready: (s) => Array.isArray((s.loadBalancer as { ingress?: unknown } | undefined)?.ingress),
  },
]

function apply(path: string, body: unknown): Promise<RawResponse> {
  return raw(server, { method: 'PATCH', path: `${path}?fieldManager=sdk`, body: JSON.stringify(body), contentType: 'application/apply-patch+yaml' })
}

describe('server-side apply after the simulated controllers wrote status', () => {
  it.for(cases)('re-applies a $name with a changed label once it is ready', async ({ path: template, body, ready }) => {
    const ns = uniqueName('ready')
    const created = await raw(server, { method: 'POST', path: '/api/v1/namespaces', body: JSON.stringify({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }), contentType: 'application/json' })
    expect(created.status).toBe(201)
    const path = template.replace('NS', ns)
    const first = await apply(path, body(ns, 'one'))
    expect([first.status, first.text]).toEqual([201, expect.any(String)])
    const live = await eventually(async () => {
      const got = (await raw(server, { method: 'GET', path })).json()
      const status = got.status as Record<string, unknown> | undefined
      return status !== undefined && ready(status) ? got : undefined
    })
    const second = await apply(path, body(ns, 'two'))
    expect([second.status, second.text]).toEqual([200, expect.any(String)])
    const applied = second.json()
    expect(applied.metadata).toMatchObject({ labels: { step: 'two' } })
    expect(applied.status).toEqual(live.status)
    // The status write typed against the schema, so it was recorded as the controller's.
    const entries = (applied.metadata as { managedFields?: { manager: string; operation: string; subresource?: string }[] }).managedFields ?? []
    // A Deployment also carries the deployment controller's revision annotation, an Update of the main
    // resource by kube-controller-manager, as on a cluster.
    const revision = path.includes('/deployments/') ? [['kube-controller-manager', 'Update', '']] : []
    expect(entries.map((e) => [e.manager, e.operation, e.subresource ?? ''])).toEqual([
      ['sdk', 'Apply', ''],
      ...revision,
      ['kube-controller-manager', 'Update', 'status'],
    ])
  })
})
