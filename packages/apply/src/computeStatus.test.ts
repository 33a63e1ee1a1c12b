import { describe, expect, it } from 'vitest'
import type { KubeObject } from '@gitops-sdk/core'
import { computeStatus } from './computeStatus.js'

const obj = (apiVersion: string, kind: string, rest: Record<string, unknown> = {}, metadata: Record<string, unknown> = {}): KubeObject =>
  ({ apiVersion, kind, metadata: { name: 'x', namespace: 'ns', generation: 1, ...metadata }, ...rest })

const deploymentReady = { observedGeneration: 1, replicas: 2, updatedReplicas: 2, readyReplicas: 2, availableReplicas: 2, conditions: [{ type: 'Available', status: 'True' }, { type: 'Progressing', status: 'True', reason: 'NewReplicaSetAvailable' }] }

describe('computeStatus', () => {
  it.each([
    { name: 'a missing object is NotFound', object: undefined, status: 'NotFound', message: 'Resource not found' },
    { name: 'an object being deleted is Terminating', object: obj('v1', 'ConfigMap', {}, { deletionTimestamp: '2024-01-01T00:00:00Z' }), status: 'Terminating', message: 'Resource scheduled for deletion' },
    { name: 'a lagging observedGeneration is InProgress', object: obj('apps/v1', 'Deployment', { spec: { replicas: 2 }, status: { ...deploymentReady, observedGeneration: 0 } }, { generation: 2 }), status: 'InProgress', message: 'Deployment generation is 2, but latest observed generation is 0' },
    { name: 'a ready Deployment is Current', object: obj('apps/v1', 'Deployment', { spec: { replicas: 2 }, status: deploymentReady }), status: 'Current', message: 'Deployment is available. Replicas: 2' },
    { name: 'a Deployment rolling out is InProgress', object: obj('apps/v1', 'Deployment', { spec: { replicas: 3 }, status: { ...deploymentReady, replicas: 3, updatedReplicas: 1 } }), status: 'InProgress', message: 'Updated: 1/3' },
    { name: 'a Deployment past its deadline is Failed', object: obj('apps/v1', 'Deployment', { spec: {}, status: { observedGeneration: 1, conditions: [{ type: 'Progressing', status: 'False', reason: 'ProgressDeadlineExceeded' }] } }), status: 'Failed', message: 'Progress deadline exceeded' },
    { name: 'a StatefulSet on OnDelete is Current', object: obj('apps/v1', 'StatefulSet', { spec: { updateStrategy: { type: 'OnDelete' } } }), status: 'Current', message: 'StatefulSet is using the ondelete update strategy' },
    { name: 'a StatefulSet with revisions apart is InProgress', object: obj('apps/v1', 'StatefulSet', { spec: { replicas: 1 }, status: { replicas: 1, readyReplicas: 1, currentReplicas: 1, currentRevision: 'a', updateRevision: 'b' } }), status: 'InProgress', message: 'Waiting for updated revision to match current' },
    { name: 'a DaemonSet without observedGeneration is InProgress', object: obj('apps/v1', 'DaemonSet', { status: {} }), status: 'InProgress', message: 'DaemonSet status.observedGeneration not found' },
    { name: 'a DaemonSet fully scheduled is Current', object: obj('apps/v1', 'DaemonSet', { status: { observedGeneration: 1, desiredNumberScheduled: 2, currentNumberScheduled: 2, updatedNumberScheduled: 2, numberAvailable: 2, numberReady: 2 } }), status: 'Current', message: 'All replicas scheduled as expected. Replicas: 2' },
    { name: 'a ReplicaSet short of labelled replicas is InProgress', object: obj('apps/v1', 'ReplicaSet', { spec: { replicas: 2 }, status: { fullyLabeledReplicas: 1 } }), status: 'InProgress', message: 'Labelled: 1/2' },
    { name: 'a complete Job is Current', object: obj('batch/v1', 'Job', { status: { succeeded: 1, conditions: [{ type: 'Complete', status: 'True' }] } }), status: 'Current', message: 'Job Completed. succeeded: 1/1' },
    { name: 'a failed Job is Failed', object: obj('batch/v1', 'Job', { status: { failed: 3, conditions: [{ type: 'Failed', status: 'True' }] } }), status: 'Failed', message: 'Job Failed. failed: 3/1' },
    { name: 'a Job not started is InProgress', object: obj('batch/v1', 'Job'), status: 'InProgress', message: 'Job not started' },
    { name: 'a ready Pod is Current', object: obj('v1', 'Pod', { status: { phase: 'Running', conditions: [{ type: 'Ready', status: 'True' }] } }), status: 'Current', message: 'Pod is Ready' },
    { name: 'a crash-looping Pod is Failed', object: obj('v1', 'Pod', { status: { phase: 'Running', containerStatuses: [{ name: 'app', state: { waiting: { reason: 'CrashLoopBackOff' } } }] } }), status: 'Failed', message: 'Containers in CrashLoop state: app' },
    { name: 'an unbound PVC is InProgress', object: obj('v1', 'PersistentVolumeClaim', { status: { phase: 'Pending' } }), status: 'InProgress', message: 'PVC is not Bound. phase: Pending' },
    { name: 'a LoadBalancer Service without IP is InProgress', object: obj('v1', 'Service', { spec: { type: 'LoadBalancer' } }), status: 'InProgress', message: 'ClusterIP not set. Service type: LoadBalancer' },
    { name: 'an established CRD is Current', object: obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', { status: { conditions: [{ type: 'Established', status: 'True' }] } }), status: 'Current', message: 'CRD is established' },
    { name: 'a CRD whose names clash is Failed', object: obj('apiextensions.k8s.io/v1', 'CustomResourceDefinition', { status: { conditions: [{ type: 'NamesAccepted', status: 'False', reason: 'ListKindConflict', message: 'taken' }] } }), status: 'Failed', message: 'taken' },
    { name: 'a terminating Namespace is Terminating', object: obj('v1', 'Namespace', { status: { phase: 'Terminating' } }), status: 'Terminating', message: 'Namespace is terminating' },
    { name: 'a Stalled condition is Failed', object: obj('example.com/v1', 'Widget', { status: { conditions: [{ type: 'Stalled', status: 'True', message: 'bad spec' }] } }), status: 'Failed', message: 'bad spec' },
    { name: 'a Reconciling condition is InProgress', object: obj('example.com/v1', 'Widget', { status: { conditions: [{ type: 'Reconciling', status: 'True', reason: 'Progressing' }] } }), status: 'InProgress', message: 'Progressing' },
    { name: 'a Ready condition of an older generation is InProgress', object: obj('example.com/v1', 'Widget', { status: { conditions: [{ type: 'Ready', status: 'True', observedGeneration: 1 }] } }, { generation: 2 }), status: 'InProgress', message: 'Ready condition observed generation 1, latest is 2' },
    { name: 'a Ready=False condition is InProgress', object: obj('example.com/v1', 'Widget', { status: { conditions: [{ type: 'Ready', status: 'False', message: 'waiting' }] } }), status: 'InProgress', message: 'waiting' },
    { name: 'a Ready=True condition is Current', object: obj('example.com/v1', 'Widget', { status: { conditions: [{ type: 'Ready', status: 'True', observedGeneration: 1 }] } }), status: 'Current', message: 'Resource is Ready' },
    { name: 'an object without conditions is Current', object: obj('example.com/v1', 'Widget'), status: 'Current', message: 'Resource is current' },
  ])('$name', ({ object, status, message }) => {
    expect(computeStatus(object)).toEqual({ status, message })
  })

  it('gives an unschedulable Pod 15 seconds before calling it Failed', () => {
    const pod = obj('v1', 'Pod', { status: { phase: 'Pending', conditions: [{ type: 'PodScheduled', status: 'False', reason: 'Unschedulable' }] } }, { creationTimestamp: '2024-01-01T00:00:00Z' })
    expect(computeStatus(pod, new Date('2024-01-01T00:00:10Z')).status).toBe('InProgress')
    expect(computeStatus(pod, new Date('2024-01-01T00:00:20Z'))).toEqual({ status: 'Failed', message: 'Pod could not be scheduled' })
  })
})
