// What a cluster needs to run the GitOps controller, in the order kubectl should apply it.
import type { KubeObject } from '@gitops-sdk/core'
import { fluxCrds } from '@gitops-sdk/flux'
import { leaseNameFor } from '../sharding.js'

/** Options of {@link installManifests}. */
export interface InstallOptions {
  /** Namespace of the controller, its Lease and its service account. @defaultValue 'flux-system' */
  readonly namespace?: string | undefined
  /** The controller's image (built from the repository's Dockerfile). @defaultValue 'ghcr.io/gitops-sdk/gitops:latest' */
  readonly image?: string | undefined
  /** Replicas behind the Lease. @defaultValue 2 */
  readonly replicas?: number | undefined
  /** Flux's `--watch-label-selector` of this installation (a shard). */
  readonly watchLabelSelector?: string | undefined
}

const NAME = 'gitops-controller'
const LABELS = { 'app.kubernetes.io/name': NAME, 'app.kubernetes.io/part-of': 'gitops-sdk' }

/**
 * The objects `gitops install --export` prints: Flux's CRDs, the namespace, a ServiceAccount, a
 * ClusterRole and its binding (the controller applies whatever the sources hold, so, like Flux's
 * `cluster-reconciler` binding, it may write every kind), the leader-election Role and binding on
 * Leases and Events of its namespace, and a Deployment of `replicas` replicas with leader election,
 * liveness and readiness probes on `/healthz` and `/readyz`, resource requests and limits, and a
 * non-root container with a read-only root file system.
 *
 * @example
 * ```ts
 * const objects = installManifests({ namespace: 'flux-system', image: 'registry.example/gitops:0.1.0' })
 * process.stdout.write(stringifyObjects(objects))
 * ```
 */
export function installManifests(options: InstallOptions = {}): KubeObject[] {
  const namespace = options.namespace ?? 'flux-system'
  const replicas = options.replicas ?? 2
  if (!Number.isInteger(replicas) || replicas < 1) throw new TypeError('installManifests: replicas must be a positive integer')
  const metadata = (name: string, namespaced = true): KubeObject['metadata'] => ({ name, ...(namespaced ? { namespace } : {}), labels: { ...LABELS } })
  const args = ['controller', '--leader-elect', '--health-addr=:9440', '--metrics-addr=:8080', '--log-format=json', '--log-level=info']
  if (options.watchLabelSelector !== undefined) args.push(`--watch-label-selector=${options.watchLabelSelector}`)
  const lease = leaseNameFor(NAME, options.watchLabelSelector ?? '')
  return [
    ...fluxCrds(),
    { apiVersion: 'v1', kind: 'Namespace', metadata: metadata(namespace, false) },
    { apiVersion: 'v1', kind: 'ServiceAccount', metadata: metadata(NAME) },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRole',
      metadata: metadata(NAME, false),
      rules: [
        { apiGroups: ['source.toolkit.fluxcd.io', 'kustomize.toolkit.fluxcd.io'], resources: ['*'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] },
        { apiGroups: ['source.toolkit.fluxcd.io', 'kustomize.toolkit.fluxcd.io'], resources: ['*/status', '*/finalizers'], verbs: ['get', 'update', 'patch'] },
        { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
        { apiGroups: [''], resources: ['serviceaccounts'], verbs: ['impersonate'] },
        // What the sources hold is applied and pruned: any kind, as Flux's cluster-reconciler may.
        { apiGroups: ['*'], resources: ['*'], verbs: ['*'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'ClusterRoleBinding',
      metadata: metadata(NAME, false),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'ClusterRole', name: NAME },
      subjects: [{ kind: 'ServiceAccount', name: NAME, namespace }],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'Role',
      metadata: metadata(`${NAME}-leader-election`),
      rules: [
        { apiGroups: ['coordination.k8s.io'], resources: ['leases'], verbs: ['get', 'list', 'watch', 'create', 'update', 'patch', 'delete'] },
        { apiGroups: [''], resources: ['events'], verbs: ['create', 'patch'] },
      ],
    },
    {
      apiVersion: 'rbac.authorization.k8s.io/v1',
      kind: 'RoleBinding',
      metadata: metadata(`${NAME}-leader-election`),
      roleRef: { apiGroup: 'rbac.authorization.k8s.io', kind: 'Role', name: `${NAME}-leader-election` },
      subjects: [{ kind: 'ServiceAccount', name: NAME, namespace }],
    },
    {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { ...metadata(NAME), annotations: { 'gitops-sdk.io/lease': `${namespace}/${lease}` } },
      spec: {
        replicas,
        selector: { matchLabels: { 'app.kubernetes.io/name': NAME } },
        template: {
          metadata: { labels: { ...LABELS } },
          spec: {
            serviceAccountName: NAME,
            terminationGracePeriodSeconds: 30,
            securityContext: { runAsNonRoot: true, runAsUser: 65532, runAsGroup: 65532, fsGroup: 65532, seccompProfile: { type: 'RuntimeDefault' } },
            containers: [
              {
                name: 'manager',
                image: options.image ?? 'ghcr.io/gitops-sdk/gitops:latest',
                imagePullPolicy: 'IfNotPresent',
                args,
                ports: [
                  { name: 'http-metrics', containerPort: 8080, protocol: 'TCP' },
                  { name: 'healthz', containerPort: 9440, protocol: 'TCP' },
                ],
                livenessProbe: { httpGet: { path: '/healthz', port: 'healthz' }, initialDelaySeconds: 5, periodSeconds: 10 },
                readinessProbe: { httpGet: { path: '/readyz', port: 'healthz' }, periodSeconds: 5 },
                resources: { requests: { cpu: '100m', memory: '128Mi' }, limits: { cpu: '1', memory: '1Gi' } },
                securityContext: { allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, runAsNonRoot: true, capabilities: { drop: ['ALL'] } },
                env: [{ name: 'HOME', value: '/tmp' }],
                volumeMounts: [{ name: 'tmp', mountPath: '/tmp' }],
              },
            ],
            volumes: [{ name: 'tmp', emptyDir: {} }],
          },
        },
      },
    },
  ]
}
