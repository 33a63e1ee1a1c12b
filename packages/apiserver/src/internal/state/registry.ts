// The served resource types: the built-in table of SPEC.md Appendix A, fixed at start, plus the types that
// established CRDs add at run time.
import type { KubeMap } from '@gitops-sdk/core'

/** The scale subresource of a type: where its replica counts live. */
export interface ScaleSubresource {
  readonly specReplicasPath: string
  readonly statusReplicasPath: string
}

/** One served resource type. */
export interface ResourceType {
  readonly group: string
  readonly version: string
  readonly kind: string
  readonly listKind: string
  readonly plural: string
  readonly singular: string
  readonly namespaced: boolean
  readonly shortNames: readonly string[]
  readonly categories: readonly string[]
  readonly verbs: readonly string[]
  readonly status: boolean
  readonly scale?: ScaleSubresource | undefined
  /** Namespaces only: the `finalize` subresource. */
  readonly finalize?: boolean | undefined
  /** Whether `metadata.generation` is kept (SPEC.md §9.4). */
  readonly generation: boolean
  /** Set for custom resources: the CRD's name, its version's schema and selectable fields. */
  readonly crd?: CustomTypeInfo | undefined
}

/** What a custom resource type carries from its CRD. */
export interface CustomTypeInfo {
  readonly name: string
  readonly schema: KubeMap | undefined
  readonly selectableFields: readonly string[]
  /** The version's `additionalPrinterColumns` (name, type, format, description, priority, jsonPath). */
  readonly printerColumns?: readonly KubeMap[] | undefined
  readonly served: boolean
  readonly storage: boolean
}

/** `apps/v1`, or `v1` for the core group. */
export function apiVersionOf(type: Pick<ResourceType, 'group' | 'version'>): string {
  return type.group === '' ? type.version : `${type.group}/${type.version}`
}

/** The key of a type in maps: `apps/deployments`. */
export function typeKey(type: Pick<ResourceType, 'group' | 'plural'>): string {
  return `${type.group}/${type.plural}`
}

const allVerbs = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch']

type Row = [gv: string, plural: string, kind: string, namespaced: boolean, short: string, cats: string, sub: string, gen: boolean]

// SPEC.md Appendix A, in its order (which is also the order of groups in /apis).
const rows: Row[] = [
  ['v1', 'configmaps', 'ConfigMap', true, 'cm', '', '', false],
  ['v1', 'endpoints', 'Endpoints', true, 'ep', '', '', false],
  ['v1', 'events', 'Event', true, 'ev', '', '', false],
  ['v1', 'limitranges', 'LimitRange', true, 'limits', '', '', false],
  ['v1', 'namespaces', 'Namespace', false, 'ns', '', 'status,finalize', false],
  ['v1', 'persistentvolumeclaims', 'PersistentVolumeClaim', true, 'pvc', '', 'status', false],
  ['v1', 'persistentvolumes', 'PersistentVolume', false, 'pv', '', 'status', false],
  ['v1', 'pods', 'Pod', true, 'po', 'all', 'status', false],
  ['v1', 'replicationcontrollers', 'ReplicationController', true, 'rc', 'all', 'scale,status', true],
  ['v1', 'resourcequotas', 'ResourceQuota', true, 'quota', '', 'status', false],
  ['v1', 'secrets', 'Secret', true, '', '', '', false],
  ['v1', 'serviceaccounts', 'ServiceAccount', true, 'sa', '', '', false],
  ['v1', 'services', 'Service', true, 'svc', 'all', 'status', false],
  ['apps/v1', 'controllerrevisions', 'ControllerRevision', true, '', '', '', false],
  ['apps/v1', 'daemonsets', 'DaemonSet', true, 'ds', 'all', 'status', true],
  ['apps/v1', 'deployments', 'Deployment', true, 'deploy', 'all', 'scale,status', true],
  ['apps/v1', 'replicasets', 'ReplicaSet', true, 'rs', 'all', 'scale,status', true],
  ['apps/v1', 'statefulsets', 'StatefulSet', true, 'sts', 'all', 'scale,status', true],
  ['autoscaling/v2', 'horizontalpodautoscalers', 'HorizontalPodAutoscaler', true, 'hpa', 'all', 'status', false],
  ['batch/v1', 'cronjobs', 'CronJob', true, 'cj', 'all', 'status', true],
  ['batch/v1', 'jobs', 'Job', true, '', 'all', 'status', true],
  ['coordination.k8s.io/v1', 'leases', 'Lease', true, '', '', '', false],
  ['networking.k8s.io/v1', 'ingressclasses', 'IngressClass', false, '', '', '', true],
  ['networking.k8s.io/v1', 'ingresses', 'Ingress', true, 'ing', '', 'status', true],
  ['networking.k8s.io/v1', 'networkpolicies', 'NetworkPolicy', true, 'netpol', '', '', true],
  ['policy/v1', 'poddisruptionbudgets', 'PodDisruptionBudget', true, 'pdb', '', 'status', true],
  ['rbac.authorization.k8s.io/v1', 'clusterrolebindings', 'ClusterRoleBinding', false, '', '', '', false],
  ['rbac.authorization.k8s.io/v1', 'clusterroles', 'ClusterRole', false, '', '', '', false],
  ['rbac.authorization.k8s.io/v1', 'rolebindings', 'RoleBinding', true, '', '', '', false],
  ['rbac.authorization.k8s.io/v1', 'roles', 'Role', true, '', '', '', false],
  ['storage.k8s.io/v1', 'storageclasses', 'StorageClass', false, 'sc', '', '', false],
  ['scheduling.k8s.io/v1', 'priorityclasses', 'PriorityClass', false, 'pc', '', '', false],
  ['admissionregistration.k8s.io/v1', 'mutatingwebhookconfigurations', 'MutatingWebhookConfiguration', false, '', 'api-extensions', '', true],
  ['admissionregistration.k8s.io/v1', 'validatingwebhookconfigurations', 'ValidatingWebhookConfiguration', false, '', 'api-extensions', '', true],
  ['apiextensions.k8s.io/v1', 'customresourcedefinitions', 'CustomResourceDefinition', false, 'crd,crds', 'api-extensions', 'status', true],
  // Reviews: created and answered, never stored (see verbs/review.ts).
  ['authentication.k8s.io/v1', 'selfsubjectreviews', 'SelfSubjectReview', false, '', '', '', false],
  ['authentication.k8s.io/v1', 'tokenreviews', 'TokenReview', false, '', '', '', false],
  ['authorization.k8s.io/v1', 'localsubjectaccessreviews', 'LocalSubjectAccessReview', true, '', '', '', false],
  ['authorization.k8s.io/v1', 'selfsubjectaccessreviews', 'SelfSubjectAccessReview', false, '', '', '', false],
  ['authorization.k8s.io/v1', 'selfsubjectrulesreviews', 'SelfSubjectRulesReview', false, '', '', '', false],
  ['authorization.k8s.io/v1', 'subjectaccessreviews', 'SubjectAccessReview', false, '', '', '', false],
]

/** The groups whose resources are reviews: create only, answered and never stored. */
export const reviewGroups: ReadonlySet<string> = new Set(['authentication.k8s.io', 'authorization.k8s.io'])

const scale: ScaleSubresource = { specReplicasPath: '.spec.replicas', statusReplicasPath: '.status.replicas' }
const split = (text: string): string[] => (text === '' ? [] : text.split(','))

/** The built-in types of SPEC.md Appendix A, in registration order. */
export const builtinTypes: readonly ResourceType[] = rows.map(([gv, plural, kind, namespaced, short, cats, sub, gen]) => {
  const slash = gv.indexOf('/')
  const subs = split(sub)
  return {
    group: slash < 0 ? '' : gv.slice(0, slash),
    version: slash < 0 ? gv : gv.slice(slash + 1),
    kind,
    listKind: `${kind}List`,
    plural,
    singular: kind.toLowerCase(),
    namespaced,
    shortNames: split(short),
    categories: split(cats),
    verbs: plural === 'namespaces' ? allVerbs.filter((v) => v !== 'deletecollection') : reviewGroups.has(gv.split('/')[0] ?? '') ? ['create'] : allVerbs,
    status: subs.includes('status'),
    scale: subs.includes('scale') ? scale : undefined,
    finalize: subs.includes('finalize'),
    generation: gen,
  }
})

/** The verbs of a served custom resource, in apiextensions' order. */
export const customVerbs: readonly string[] = ['delete', 'deletecollection', 'get', 'list', 'patch', 'create', 'update', 'watch']
/** The verbs of a custom resource while its CRD terminates. */
export const terminatingCustomVerbs: readonly string[] = ['delete', 'deletecollection', 'get', 'list', 'watch']

/** The types of the core group, by name. */
export const namespaceType: ResourceType = builtinTypes.find((t) => t.plural === 'namespaces') as ResourceType
/** The CRD type. */
export const crdType: ResourceType = builtinTypes.find((t) => t.plural === 'customresourcedefinitions') as ResourceType
