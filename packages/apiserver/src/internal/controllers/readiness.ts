// The status a healthy cluster converges to for each workload kind (SPEC.md §14), written by the
// simulated controllers and by the `markReady` helper as an Update of `/status`.
import { createHash } from 'node:crypto'
import { isKubeMap } from '@gitops-sdk/core'
import type { KubeMap, KubeObject, KubeValue } from '@gitops-sdk/core'
import type { Cluster } from '../state/cluster.js'
import { timestamp } from '../state/objects.js'
import { podTemplateHash } from './deploymentRevisions.js'
import { stringifyJson } from '../../ssa/deepJson.js'

function hashOf(object: KubeObject): string {
  const template = isKubeMap(object.spec) ? (object.spec.template ?? null) : null
  return createHash('sha256').update(stringifyJson(template)).digest('hex').slice(0, 10).replace(/[0-9]/g, (d) => 'bcdfghjklm'[Number(d)] ?? 'b')
}

/** Conditions with times kept from `old` when their status did not change. */
function conditions(old: KubeValue | undefined, wanted: KubeMap[], at: { now: string; withUpdateTime: boolean }): KubeMap[] {
  const { now, withUpdateTime } = at
  const previous = isKubeMap(old) && Array.isArray(old.conditions) ? old.conditions.filter(isKubeMap) : []
  return wanted.map((c) => {
    const before = previous.find((p) => p.type === c.type)
    const same = before !== undefined && before.status === c.status && before.reason === c.reason && before.message === c.message
    const out: KubeMap = { type: c.type ?? '', status: c.status ?? '' }
    if (withUpdateTime) out.lastUpdateTime = same ? (before.lastUpdateTime ?? now) : now
    out.lastTransitionTime = before !== undefined && before.status === c.status ? (before.lastTransitionTime ?? now) : now
    if (c.reason !== undefined) out.reason = c.reason
    if (c.message !== undefined) out.message = c.message
    return out
  })
}

const replicasOf = (object: KubeObject): number => (isKubeMap(object.spec) && typeof object.spec.replicas === 'number' ? object.spec.replicas : 1)

/** The ready status of `object`, or undefined for kinds that have none to simulate. */
export function readyStatus(cluster: Cluster, object: KubeObject): KubeValue | undefined {
  const now = timestamp(cluster.now())
  const generation = typeof object.metadata.generation === 'number' ? object.metadata.generation : 1
  const old = object.status as KubeValue | undefined
  const spec = isKubeMap(object.spec) ? object.spec : {}
  switch (`${object.apiVersion}/${object.kind}`) {
    case 'apps/v1/Deployment': {
      const n = replicasOf(object)
      const status: KubeMap = { observedGeneration: generation }
      if (n > 0) Object.assign(status, { replicas: n, updatedReplicas: n, readyReplicas: n, availableReplicas: n })
      status.conditions = conditions(
        old,
        [
          { type: 'Available', status: 'True', reason: 'MinimumReplicasAvailable', message: 'Deployment has minimum availability.' },
          { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable', message: `ReplicaSet "${object.metadata.name}-${podTemplateHash(spec.template)}" has successfully progressed.` },
        ],
        { now, withUpdateTime: true },
      )
      return status
    }
    case 'apps/v1/StatefulSet': {
      const n = replicasOf(object)
      const revision = `${object.metadata.name}-${hashOf(object)}`
      return { observedGeneration: generation, replicas: n, readyReplicas: n, currentReplicas: n, updatedReplicas: n, availableReplicas: n, currentRevision: revision, updateRevision: revision, collisionCount: 0 }
    }
    case 'apps/v1/DaemonSet': {
      const n = cluster.settings.daemonSetNodes
      return { observedGeneration: generation, desiredNumberScheduled: n, currentNumberScheduled: n, numberReady: n, updatedNumberScheduled: n, numberAvailable: n, numberMisscheduled: 0 }
    }
    case 'apps/v1/ReplicaSet':
    case 'v1/ReplicationController': {
      const n = replicasOf(object)
      return { observedGeneration: generation, replicas: n, fullyLabeledReplicas: n, readyReplicas: n, availableReplicas: n }
    }
    case 'batch/v1/Job': {
      if (spec.suspend === true) return undefined
      const completions = typeof spec.completions === 'number' ? spec.completions : 1
      const previous = isKubeMap(old) ? old : {}
      const start = typeof previous.startTime === 'string' ? previous.startTime : now
      return {
        conditions: conditions(old, [
          { type: 'SuccessCriteriaMet', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' },
          { type: 'Complete', status: 'True', reason: 'CompletionsReached', message: 'Reached expected number of succeeded pods' },
        ], { now, withUpdateTime: false }).map((c) => ({ ...c, lastProbeTime: c.lastTransitionTime ?? now })),
        startTime: start,
        completionTime: typeof previous.completionTime === 'string' ? previous.completionTime : now,
        succeeded: completions,
        terminating: 0,
        ready: 0,
        uncountedTerminatedPods: {},
      }
    }
    case 'v1/Pod':
      return {
        ...(isKubeMap(old) ? old : {}),
        phase: 'Running',
        conditions: conditions(old, ['PodScheduled', 'Initialized', 'ContainersReady', 'Ready'].map((type) => ({ type, status: 'True' })), { now, withUpdateTime: false }).map((c) => ({ ...c, lastProbeTime: null })),
        podIP: '10.244.0.10',
        hostIP: '127.0.0.1',
        startTime: isKubeMap(old) && typeof old.startTime === 'string' ? old.startTime : now,
      }
    case 'v1/PersistentVolumeClaim':
      return { ...(isKubeMap(old) ? old : {}), phase: 'Bound' }
    case 'v1/Service':
      return spec.type === 'LoadBalancer' ? { loadBalancer: { ingress: [{ ip: '127.0.0.1', ipMode: 'VIP' }] } } : undefined
    default:
      return undefined
  }
}

/** Kinds the simulated controllers drive. */
export const simulatedKinds: ReadonlySet<string> = new Set([
  'apps/deployments',
  'apps/statefulsets',
  'apps/daemonsets',
  'apps/replicasets',
  'batch/jobs',
  '/pods',
  '/persistentvolumeclaims',
  '/services',
  '/replicationcontrollers',
])
