// kstatus, after sigs.k8s.io/cli-utils pkg/kstatus/status (core.go, generic.go, status.go): the
// generic rules (deletionTimestamp, observedGeneration, Reconciling and Stalled conditions), the
// per-kind rules of the built-in workloads, then a generic Ready condition.
import { isKubeMap, splitApiVersion } from '@gitops-sdk/core'
import type { KubeMap, KubeObject, KubeValue } from '@gitops-sdk/core'

/** kstatus's summary of an object: `Current` means it has reached the state its spec asks for. */
export type HealthStatus = 'Current' | 'InProgress' | 'Failed' | 'Terminating' | 'NotFound'

/** What {@link computeStatus} found. */
export interface ObjectHealth {
  /** kstatus's summary. */
  readonly status: HealthStatus
  /** One line, e.g. `Ready: 1/3` or `Deployment is available. Replicas: 3`. */
  readonly message: string
}

type Rule = (object: KubeObject, now: Date) => ObjectHealth

const current = (message: string): ObjectHealth => ({ status: 'Current', message })
const inProgress = (message: string): ObjectHealth => ({ status: 'InProgress', message })
const failed = (message: string): ObjectHealth => ({ status: 'Failed', message })

/**
 * Computes an object's health with kstatus semantics, as `kubectl wait`-like tools and Flux's
 * health checks do: `Terminating` once deletion started; `InProgress` while
 * `status.observedGeneration` lags `metadata.generation` or a `Reconciling` condition is True;
 * `Failed` on a True `Stalled` condition; then the rules of Deployment, StatefulSet, DaemonSet,
 * ReplicaSet, Job, Pod, PersistentVolumeClaim, Service, CustomResourceDefinition and Namespace;
 * then a `Ready` condition (honouring the condition's own `observedGeneration`); otherwise `Current`.
 * Pure: it reads nothing but the object (and `now` for Pod scheduling grace).
 *
 * @example
 * ```ts
 * computeStatus(deployment) // { status: 'InProgress', message: 'Updated: 1/3' }
 * ```
 */
export function computeStatus(object: KubeObject | undefined, now: Date = new Date()): ObjectHealth {
  if (object === undefined) return { status: 'NotFound', message: 'Resource not found' }
  const deletion = object.metadata.deletionTimestamp
  if (typeof deletion === 'string' && deletion !== '') return { status: 'Terminating', message: 'Resource scheduled for deletion' }
  const generation = integer(object.metadata.generation)
  const observed = integer(field(object, 'status', 'observedGeneration'))
  if (generation !== undefined && observed !== undefined && observed !== generation) {
    return inProgress(`${object.kind} generation is ${generation}, but latest observed generation is ${observed}`)
  }
  for (const c of conditions(object)) {
    if (c.type === 'Reconciling' && c.status === 'True') return inProgress(c.message || c.reason || 'Reconciling')
    if (c.type === 'Stalled' && c.status === 'True') return failed(c.message || c.reason || 'Stalled')
  }
  const { group } = splitApiVersion(object.apiVersion)
  const rule = RULES.get(`${group}/${object.kind}`)
  if (rule !== undefined) return rule(object, now)
  const ready = conditions(object).find((c) => c.type === 'Ready')
  if (ready !== undefined) {
    const readyGeneration = ready.observedGeneration
    if (generation !== undefined && readyGeneration !== undefined && readyGeneration !== generation) {
      return inProgress(`Ready condition observed generation ${readyGeneration}, latest is ${generation}`)
    }
    if (ready.status === 'True') return current('Resource is Ready')
    if (ready.status === 'False' || ready.status === 'Unknown') return inProgress(ready.message || ready.reason || 'Resource is not Ready')
  }
  return current('Resource is current')
}

interface Condition {
  readonly type: string
  readonly status: string
  readonly reason: string
  readonly message: string
  readonly observedGeneration: number | undefined
}

function conditions(object: KubeObject): Condition[] {
  const list = field(object, 'status', 'conditions')
  if (!Array.isArray(list)) return []
  return list.filter(isKubeMap).map((c) => ({
    type: str(c.type),
    status: str(c.status),
    reason: str(c.reason),
    message: str(c.message),
    observedGeneration: integer(c.observedGeneration),
  }))
}

function field(object: KubeObject, ...path: string[]): KubeValue | undefined {
  let value: KubeValue | undefined = object as unknown as KubeMap
  for (const key of path) {
    if (!isKubeMap(value)) return undefined
    value = value[key]
  }
  return value
}

function str(value: KubeValue | undefined): string {
  return typeof value === 'string' ? value : ''
}

function integer(value: KubeValue | undefined): number | undefined {
  if (typeof value === 'number' && Number.isInteger(value)) return value
  if (typeof value === 'bigint') return Number(value)
  return undefined
}

function int(object: KubeObject, path: string, fallback: number): number {
  return integer(field(object, ...path.split('.'))) ?? fallback
}

const alwaysReady: Rule = () => current('Resource is always ready')

function deploymentStatus(o: KubeObject): ObjectHealth {
  let progressing = integer(field(o, 'spec', 'progressDeadlineSeconds')) === undefined
  let available = false
  for (const c of conditions(o)) {
    if (c.type === 'Progressing') {
      if (c.reason === 'ProgressDeadlineExceeded') return failed('Progress deadline exceeded')
      if (c.status === 'True' && c.reason === 'NewReplicaSetAvailable') progressing = true
    }
    if (c.type === 'Available' && c.status === 'True') available = true
  }
  const spec = int(o, 'spec.replicas', 1)
  const replicas = int(o, 'status.replicas', 0)
  const updated = int(o, 'status.updatedReplicas', 0)
  const ready = int(o, 'status.readyReplicas', 0)
  const avail = int(o, 'status.availableReplicas', 0)
  if (spec > replicas) return inProgress(`Replicas: ${replicas}/${spec}`)
  if (spec > updated) return inProgress(`Updated: ${updated}/${spec}`)
  if (replicas > spec) return inProgress(`Pending termination: ${replicas - spec}`)
  if (updated > avail) return inProgress(`Available: ${avail}/${updated}`)
  if (spec > ready) return inProgress(`Ready: ${ready}/${spec}`)
  if (!progressing) return inProgress('ReplicaSet not Available')
  if (!available) return inProgress('Deployment not Available')
  return current(`Deployment is available. Replicas: ${replicas}`)
}

function statefulSetStatus(o: KubeObject): ObjectHealth {
  if (field(o, 'spec', 'updateStrategy', 'type') === 'OnDelete') return current('StatefulSet is using the ondelete update strategy')
  const spec = int(o, 'spec.replicas', 1)
  const ready = int(o, 'status.readyReplicas', 0)
  const currentReplicas = int(o, 'status.currentReplicas', 0)
  const updated = int(o, 'status.updatedReplicas', 0)
  const replicas = int(o, 'status.replicas', 0)
  const partition = int(o, 'spec.updateStrategy.rollingUpdate.partition', -1)
  if (spec > replicas) return inProgress(`Replicas: ${replicas}/${spec}`)
  if (spec > ready) return inProgress(`Ready: ${ready}/${spec}`)
  if (replicas > spec) return inProgress(`Pending termination: ${replicas - spec}`)
  if (partition !== -1) {
    if (updated < spec - partition) return inProgress(`updated: ${updated}/${spec - partition}`)
    return current(`Partition rollout complete. updated: ${updated}`)
  }
  if (spec > currentReplicas) return inProgress(`current: ${currentReplicas}/${spec}`)
  if (str(field(o, 'status', 'currentRevision')) !== str(field(o, 'status', 'updateRevision'))) {
    return inProgress('Waiting for updated revision to match current')
  }
  return current(`All replicas scheduled as expected. Replicas: ${replicas}`)
}

function daemonSetStatus(o: KubeObject): ObjectHealth {
  if (integer(o.metadata.generation) === undefined) return inProgress('DaemonSet metadata.generation not found')
  if (integer(field(o, 'status', 'observedGeneration')) === undefined) return inProgress('DaemonSet status.observedGeneration not found')
  const desired = int(o, 'status.desiredNumberScheduled', -1)
  const scheduled = int(o, 'status.currentNumberScheduled', 0)
  const updated = int(o, 'status.updatedNumberScheduled', 0)
  const available = int(o, 'status.numberAvailable', 0)
  const ready = int(o, 'status.numberReady', 0)
  if (desired === -1) return inProgress('Missing .status.desiredNumberScheduled')
  if (desired > scheduled) return inProgress(`Current: ${scheduled}/${desired}`)
  if (desired > updated) return inProgress(`Updated: ${updated}/${desired}`)
  if (desired > available) return inProgress(`Available: ${available}/${desired}`)
  if (desired > ready) return inProgress(`Ready: ${ready}/${desired}`)
  return current(`All replicas scheduled as expected. Replicas: ${desired}`)
}

function replicaSetStatus(o: KubeObject): ObjectHealth {
  if (conditions(o).some((c) => c.type === 'ReplicaFailure' && c.status === 'True')) return inProgress('Replica Failure condition. Check Pods')
  const spec = int(o, 'spec.replicas', 1)
  const replicas = int(o, 'status.replicas', 0)
  const ready = int(o, 'status.readyReplicas', 0)
  const available = int(o, 'status.availableReplicas', 0)
  const labelled = int(o, 'status.fullyLabeledReplicas', 0)
  if (spec > labelled) return inProgress(`Labelled: ${labelled}/${spec}`)
  if (spec > available) return inProgress(`Available: ${available}/${spec}`)
  if (spec > ready) return inProgress(`Ready: ${ready}/${spec}`)
  if (replicas > spec) return inProgress(`Pending termination: ${replicas - spec}`)
  return current(`ReplicaSet is available. Replicas: ${replicas}`)
}

function jobStatus(o: KubeObject): ObjectHealth {
  const parallelism = int(o, 'spec.parallelism', 1)
  const completions = int(o, 'spec.completions', parallelism)
  const succeeded = int(o, 'status.succeeded', 0)
  const active = int(o, 'status.active', 0)
  const failures = int(o, 'status.failed', 0)
  for (const c of conditions(o)) {
    if (c.type === 'Complete' && c.status === 'True') return current(`Job Completed. succeeded: ${succeeded}/${completions}`)
    if (c.type === 'Failed' && c.status === 'True') return failed(`Job Failed. failed: ${failures}/${completions}`)
    if (c.type === 'Suspended' && c.status === 'True' && field(o, 'spec', 'suspend') === true) return current('Job is suspended')
  }
  if (str(field(o, 'status', 'startTime')) === '') return inProgress('Job not started')
  return current(`Job in progress. success:${succeeded}, active: ${active}, failed: ${failures}`)
}

/** A Pod that cannot be scheduled fails only after kstatus's 15 s grace after creation. */
const SCHEDULE_WINDOW_MS = 15_000

function podStatus(o: KubeObject, now: Date): ObjectHealth {
  const phase = str(field(o, 'status', 'phase'))
  const conds = conditions(o)
  switch (phase) {
    case 'Succeeded':
      return current('Pod has completed successfully')
    case 'Failed':
      return current('Pod has completed, but not successfully')
    case 'Running': {
      if (conds.some((c) => c.type === 'Ready' && c.status === 'True')) return current('Pod is Ready')
      const statuses = field(o, 'status', 'containerStatuses')
      const looping = (Array.isArray(statuses) ? statuses : [])
        .filter(isKubeMap)
        .filter((s) => isKubeMap(s.state) && isKubeMap(s.state.waiting) && s.state.waiting.reason === 'CrashLoopBackOff')
        .map((s) => str(s.name))
      if (looping.length > 0) return failed(`Containers in CrashLoop state: ${looping.join(',')}`)
      return inProgress('Pod is running but is not Ready')
    }
    case 'Pending': {
      const unschedulable = conds.find((c) => c.type === 'PodScheduled' && c.status === 'False' && c.reason === 'Unschedulable')
      if (unschedulable !== undefined) {
        const created = Date.parse(str(o.metadata.creationTimestamp))
        if (Number.isNaN(created) || now.getTime() - created < SCHEDULE_WINDOW_MS) return inProgress('Pod has not been scheduled')
        return failed('Pod could not be scheduled')
      }
      return inProgress('Pod is in the Pending phase')
    }
    case '':
      return inProgress('Pod phase not available')
    default:
      return inProgress(`Pod phase ${phase}`)
  }
}

function pvcStatus(o: KubeObject): ObjectHealth {
  const phase = str(field(o, 'status', 'phase')) || 'unknown'
  return phase === 'Bound' ? current('PVC is Bound') : inProgress(`PVC is not Bound. phase: ${phase}`)
}

function serviceStatus(o: KubeObject): ObjectHealth {
  if (str(field(o, 'spec', 'type')) === 'LoadBalancer' && str(field(o, 'spec', 'clusterIP')) === '') {
    return inProgress('ClusterIP not set. Service type: LoadBalancer')
  }
  return current('Service is ready')
}

function crdStatus(o: KubeObject): ObjectHealth {
  for (const c of conditions(o)) {
    if (c.type === 'NamesAccepted' && c.status === 'False') return failed(c.message || c.reason)
    if (c.type === 'Established') {
      if (c.status === 'False' && c.reason !== 'Installing') return failed(c.message || c.reason)
      if (c.status === 'True') return current('CRD is established')
    }
  }
  return inProgress('Install in progress')
}

function namespaceStatus(o: KubeObject): ObjectHealth {
  const phase = str(field(o, 'status', 'phase'))
  if (phase === 'Terminating') return { status: 'Terminating', message: 'Namespace is terminating' }
  return current('Namespace is active')
}

const RULES = new Map<string, Rule>([
  ['/Service', serviceStatus],
  ['/Pod', podStatus],
  ['/Secret', alwaysReady],
  ['/ConfigMap', alwaysReady],
  ['/PersistentVolumeClaim', pvcStatus],
  ['/Namespace', namespaceStatus],
  ['apps/StatefulSet', statefulSetStatus],
  ['apps/DaemonSet', daemonSetStatus],
  ['apps/Deployment', deploymentStatus],
  ['apps/ReplicaSet', replicaSetStatus],
  ['policy/PodDisruptionBudget', () => current('AllowedDisruptions has been computed.')],
  ['batch/CronJob', alwaysReady],
  ['batch/Job', jobStatus],
  ['apiextensions.k8s.io/CustomResourceDefinition', crdStatus],
])
