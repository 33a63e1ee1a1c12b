// Resource identity as kustomize (kyaml resid, v5.5.0) defines it: group, version, kind, name and
// namespace, where cluster-scoped kinds and the default namespace compare by an "effective"
// namespace.

/** Group, version and kind. */
export interface Gvk {
  readonly group: string
  readonly version: string
  readonly kind: string
}

/** A resource id: a GVK, a name and a namespace (as written, '' when absent). */
export interface ResId extends Gvk {
  readonly name: string
  readonly namespace: string
}

/** kustomize's stand-in namespace of cluster-scoped objects. */
export const NOT_NAMESPACEABLE = '_non_namespaceable_'
export const DEFAULT_NAMESPACE = 'default'

/** Splits an apiVersion at its first slash: `apps/v1` → apps, v1; `v1` → '', v1. */
export function parseGroupVersion(apiVersion: string): { readonly group: string; readonly version: string } {
  let gv = parsed.get(apiVersion)
  if (gv === undefined) {
    const i = apiVersion.indexOf('/')
    gv = i < 0 ? { group: '', version: apiVersion } : { group: apiVersion.slice(0, i), version: apiVersion.slice(i + 1) }
    if (parsed.size > 10_000) parsed.clear()
    parsed.set(apiVersion, gv)
  }
  return gv
}

// A tree has few distinct apiVersions; parsing each once saves an allocation per lookup.
const parsed = new Map<string, { readonly group: string; readonly version: string }>()

/** The apiVersion of a GVK. */
export function apiVersionOf(gvk: Gvk): string {
  return gvk.group === '' ? gvk.version : `${gvk.group}/${gvk.version}`
}

/** kustomize's text form of a GVK: `Deployment.v1.apps`, with `[noGrp]` and friends for blanks. */
export function gvkString(gvk: Gvk): string {
  return `${gvk.kind || '[noKind]'}.${gvk.version || '[noVer]'}.${gvk.group || '[noGrp]'}`
}

/** kustomize's text form of a ResId: `Deployment.v1.apps/web.prod`. */
export function idString(id: ResId): string {
  return `${gvkString(id)}/${id.name || '[noName]'}.${id.namespace || '[noNs]'}`
}

/** Whether `gvk` matches `selector`, where blank selector fields match anything. */
export function gvkSelected(gvk: Gvk, selector: Partial<Gvk> | undefined): boolean {
  if (selector === undefined) return true
  if (selector.group !== undefined && selector.group !== '' && gvk.group !== selector.group) return false
  if (selector.version !== undefined && selector.version !== '' && gvk.version !== selector.version) return false
  if (selector.kind !== undefined && selector.kind !== '' && gvk.kind !== selector.kind) return false
  return true
}

export function gvkEquals(a: Gvk, b: Gvk): boolean {
  return a.group === b.group && a.version === b.version && a.kind === b.kind
}

// Kinds kyaml knows to be cluster-scoped or namespaced without consulting a schema
// (kyaml/openapi precomputedIsNamespaceScoped, v0.18); `true` means namespaced.
const NAMESPACED: ReadonlyMap<string, boolean> = new Map(
  (
    [
      ['admissionregistration.k8s.io/v1', 'MutatingWebhookConfiguration ValidatingWebhookConfiguration', false],
      ['admissionregistration.k8s.io/v1beta1', 'MutatingWebhookConfiguration ValidatingWebhookConfiguration', false],
      ['apiextensions.k8s.io/v1', 'CustomResourceDefinition', false],
      ['apiextensions.k8s.io/v1beta1', 'CustomResourceDefinition', false],
      ['apiregistration.k8s.io/v1', 'APIService', false],
      ['apiregistration.k8s.io/v1beta1', 'APIService', false],
      ['apps/v1', 'ControllerRevision DaemonSet Deployment ReplicaSet StatefulSet', true],
      ['autoscaling/v1', 'HorizontalPodAutoscaler Scale', true],
      ['autoscaling/v2beta1', 'HorizontalPodAutoscaler', true],
      ['autoscaling/v2beta2', 'HorizontalPodAutoscaler', true],
      ['batch/v1', 'CronJob Job', true],
      ['batch/v1beta1', 'CronJob', true],
      ['certificates.k8s.io/v1', 'CertificateSigningRequest', false],
      ['certificates.k8s.io/v1beta1', 'CertificateSigningRequest', false],
      ['coordination.k8s.io/v1', 'Lease', true],
      ['coordination.k8s.io/v1beta1', 'Lease', true],
      ['discovery.k8s.io/v1', 'EndpointSlice', true],
      ['discovery.k8s.io/v1beta1', 'EndpointSlice', true],
      ['events.k8s.io/v1', 'Event', true],
      ['events.k8s.io/v1beta1', 'Event', true],
      ['extensions/v1beta1', 'Ingress', true],
      ['flowcontrol.apiserver.k8s.io/v1beta1', 'FlowSchema PriorityLevelConfiguration', false],
      ['networking.k8s.io/v1', 'Ingress NetworkPolicy', true],
      ['networking.k8s.io/v1', 'IngressClass', false],
      ['networking.k8s.io/v1beta1', 'Ingress', true],
      ['networking.k8s.io/v1beta1', 'IngressClass', false],
      ['node.k8s.io/v1', 'RuntimeClass', false],
      ['node.k8s.io/v1beta1', 'RuntimeClass', false],
      ['policy/v1', 'PodDisruptionBudget', true],
      ['policy/v1beta1', 'PodDisruptionBudget', true],
      ['policy/v1beta1', 'PodSecurityPolicy', false],
      ['rbac.authorization.k8s.io/v1', 'ClusterRole ClusterRoleBinding', false],
      ['rbac.authorization.k8s.io/v1', 'Role RoleBinding', true],
      ['rbac.authorization.k8s.io/v1beta1', 'ClusterRole ClusterRoleBinding', false],
      ['rbac.authorization.k8s.io/v1beta1', 'Role RoleBinding', true],
      ['scheduling.k8s.io/v1', 'PriorityClass', false],
      ['scheduling.k8s.io/v1beta1', 'PriorityClass', false],
      ['storage.k8s.io/v1', 'CSIDriver CSINode StorageClass VolumeAttachment', false],
      ['storage.k8s.io/v1beta1', 'CSIDriver CSINode StorageClass VolumeAttachment', false],
      ['storage.k8s.io/v1beta1', 'CSIStorageCapacity', true],
      ['v1', 'ComponentStatus Namespace Node NodeProxyOptions PersistentVolume', false],
      [
        'v1',
        'ConfigMap Endpoints Event LimitRange PersistentVolumeClaim Pod PodAttachOptions PodExecOptions ' +
          'PodPortForwardOptions PodProxyOptions PodTemplate ReplicationController ResourceQuota Secret Service ' +
          'ServiceAccount ServiceProxyOptions',
        true,
      ],
    ] as const
  ).flatMap(([apiVersion, kinds, namespaced]) => kinds.split(' ').map((kind) => [`${apiVersion}/${kind}`, namespaced] as const)),
)

/** Whether kyaml's precomputed table says `apiVersion`/`kind` is namespaced, or undefined when it does not know. */
export function precomputedNamespaced(apiVersion: string, kind: string): boolean | undefined {
  return NAMESPACED.get(`${apiVersion}/${kind}`)
}
