import { systemClock } from '@gitops-sdk/core'
import type { KubeObject, KubeValue } from '@gitops-sdk/core'
import { describe, expect, it } from 'vitest'
import { Cluster } from '../state/cluster.js'
import { readyStatus } from './readiness.js'
import { pruneBuiltinFields } from '../rules/unknownFields.js'

const cluster = new Cluster({
  clock: systemClock, seed: 1, gitVersion: 'v1.32.0', establishDelayMs: 0, watchHistory: 10, bookmarkIntervalMs: 0, controllers: 'ready', readyDelayMs: 0, daemonSetNodes: 2,
})

const template = { metadata: { labels: { app: 'w' } }, spec: { containers: [{ name: 'main', image: 'nginx:1.27' }] } }
const object = (apiVersion: string, kind: string, spec: Record<string, KubeValue>): KubeObject => ({
  apiVersion,
  kind,
  metadata: { name: 'w', namespace: 'default', generation: 2 },
  spec,
})

const kinds: readonly { name: string; object: KubeObject }[] = [
  { name: 'Deployment', object: object('apps/v1', 'Deployment', { replicas: 2, template }) },
  { name: 'Deployment scaled to zero', object: object('apps/v1', 'Deployment', { replicas: 0, template }) },
  { name: 'StatefulSet', object: object('apps/v1', 'StatefulSet', { replicas: 2, template }) },
  { name: 'DaemonSet', object: object('apps/v1', 'DaemonSet', { template }) },
  { name: 'ReplicaSet', object: object('apps/v1', 'ReplicaSet', { replicas: 2, template }) },
  { name: 'ReplicationController', object: object('v1', 'ReplicationController', { replicas: 2, template }) },
  { name: 'Job', object: object('batch/v1', 'Job', { completions: 3, template }) },
  { name: 'Pod', object: { ...object('v1', 'Pod', template.spec), status: { phase: 'Pending', qosClass: 'BestEffort' } } },
  { name: 'PersistentVolumeClaim', object: { ...object('v1', 'PersistentVolumeClaim', {}), status: { phase: 'Pending' } } },
  { name: 'LoadBalancer Service', object: object('v1', 'Service', { type: 'LoadBalancer', ports: [{ port: 80 }] }) },
]

describe('readyStatus', () => {
  it.for(kinds)('writes only fields the built-in schema declares for a $name', ({ object }) => {
    const status = readyStatus(cluster, object)
    expect(status).toBeDefined()
    const ready = { ...structuredClone(object), status } as KubeObject
    expect(pruneBuiltinFields(ready)).toEqual([])
  })

  it('keeps the times of conditions whose status did not change', () => {
    const deployment = object('apps/v1', 'Deployment', { replicas: 1, template })
    const first = readyStatus(cluster, deployment)
    const again = readyStatus(cluster, { ...deployment, status: first })
    expect(again).toEqual(first)
  })
})
