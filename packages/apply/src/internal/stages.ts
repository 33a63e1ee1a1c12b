// Apply stages and kind order, after Flux's ResourceManager (fluxcd/pkg ssa/manager_apply.go
// ApplyAllStaged and ssa/sort.go ReconcileOrder): cluster definitions first, then classes, then
// everything else, admission webhooks last.
import { compareRefs } from '@gitops-sdk/core'
import type { ObjectRef } from '@gitops-sdk/core'

/** The stages of an apply, in order. */
export type Stage = 'definitions' | 'classes' | 'resources' | 'webhooks'

export const STAGES: readonly Stage[] = ['definitions', 'classes', 'resources', 'webhooks']

const FIRST = [
  'CustomResourceDefinition',
  'Namespace',
  'ClusterRole',
  'ClusterClass',
  'RuntimeClass',
  'PriorityClass',
  'StorageClass',
  'VolumeSnapshotClass',
  'IngressClass',
  'GatewayClass',
  'ClusterRoleBinding',
  'ResourceQuota',
  'ServiceAccount',
  'Role',
  'RoleBinding',
  'ConfigMap',
  'Secret',
  'Service',
  'LimitRange',
  'Deployment',
  'StatefulSet',
  'CronJob',
  'PodDisruptionBudget',
]
const LAST = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']

const RANK = new Map<string, number>([...FIRST.map((k, i): [string, number] => [k, i - FIRST.length]), ...LAST.map((k, i): [string, number] => [k, i + 1])])

/** Whether the object is a CRD (of apiextensions.k8s.io). */
export function isCrd(ref: Pick<ObjectRef, 'group' | 'kind'>): boolean {
  return ref.kind === 'CustomResourceDefinition' && ref.group === 'apiextensions.k8s.io'
}

/** Whether the object is a Namespace (core group). */
export function isNamespace(ref: Pick<ObjectRef, 'group' | 'kind'>): boolean {
  return ref.kind === 'Namespace' && ref.group === ''
}

/** The stage an object is applied in. */
export function stageOf(ref: Pick<ObjectRef, 'group' | 'kind'>): Stage {
  if (isCrd(ref) || isNamespace(ref) || (ref.kind === 'ClusterRole' && ref.group === 'rbac.authorization.k8s.io')) return 'definitions'
  if (ref.kind.endsWith('Class')) return 'classes'
  if (LAST.includes(ref.kind) && ref.group === 'admissionregistration.k8s.io') return 'webhooks'
  return 'resources'
}

/** Flux's apply order: known kinds by rank, then group, kind, namespace and name. */
export function compareForApply(a: ObjectRef, b: ObjectRef): number {
  const ra = RANK.get(a.kind) ?? 0
  const rb = RANK.get(b.kind) ?? 0
  return ra - rb || compareRefs(a, b)
}
