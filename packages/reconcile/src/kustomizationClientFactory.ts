// The clients a Flux Kustomization applies with: as its `serviceAccountName` (impersonation) and
// on the cluster of its `kubeConfig.secretRef`, as kustomize-controller builds them.
import { createKubeClient } from '@gitops-sdk/apply'
import type { KubeClient, KubeConfigLike } from '@gitops-sdk/apply'
import { isKubeMap } from '@gitops-sdk/core'
import type { KubeConfigReference } from '@gitops-sdk/flux'
import { ReconcileError } from './errors.js'
import type { KustomizationReconcileOptions } from './kustomizationReconcile.js'

/** Options of {@link kustomizationClientFactory}. */
export interface KustomizationClientFactoryOptions {
  /** Client of the cluster the Kustomizations live in: `kubeConfig.secretRef` Secrets are read there. */
  readonly client: KubeClient
  /** The kubeconfig of that cluster, for the impersonating clients (give this or `kubeConfig`). */
  readonly kubeconfigYaml?: string | undefined
  /** The same as a client-node `KubeConfig`. */
  readonly kubeConfig?: KubeConfigLike | undefined
  /** Per-request deadline of the clients made, in ms. @defaultValue createKubeClient's (30 s) */
  readonly requestTimeout?: number | undefined
}

/** What the factory is given: the Kustomization's namespace and the two fields it acts on. */
export type KustomizationClientInput = Parameters<NonNullable<KustomizationReconcileOptions['clientFactory']>>[0]

// The keys kustomize-controller reads a kubeconfig from when secretRef names none, in order.
const DEFAULT_KEYS = ['value', 'value.yaml']

/**
 * Makes the `clientFactory` of {@link kustomizationReconcile} as kustomize-controller does it:
 * `spec.kubeConfig.secretRef` reads the kubeconfig from that Secret in the Kustomization's
 * namespace (its `key`, else `value`, else `value.yaml`) and applies to that cluster;
 * `spec.serviceAccountName` sends every request as `system:serviceaccount:NS:NAME` (the
 * `Impersonate-User` header), on the remote cluster too when both are set. The kubeconfig's
 * content never reaches an error or a log: only the Secret and the key are named.
 *
 * @throws (from the returned function) `RECONCILE_KUBECONFIG_INVALID` naming the Secret when it
 *   does not exist, holds no such key or no usable kubeconfig; `RECONCILE_KUSTOMIZATION_UNSUPPORTED`
 *   for `kubeConfig.configMapRef` (workload identity); `TypeError` when neither a kubeconfig nor a
 *   KubeConfig of the home cluster is given and impersonation is asked for.
 * @example
 * ```ts
 * const clientFactory = kustomizationClientFactory({ client, kubeconfigYaml })
 * const mapped = await kustomizationReconcile(k, { client, resolveSource, clientFactory })
 * ```
 */
export function kustomizationClientFactory(options: KustomizationClientFactoryOptions): (input: KustomizationClientInput) => Promise<KubeClient> {
  return async (input) => {
    const { namespace, serviceAccountName, kubeConfig } = input
    const impersonate = serviceAccountName === undefined ? undefined : { serviceAccount: { namespace, name: serviceAccountName } }
    const timeout = options.requestTimeout === undefined ? {} : { requestTimeout: options.requestTimeout }
    if (kubeConfig !== undefined) {
      const kubeconfigYaml = await remoteKubeconfig(kubeConfig, namespace, options.client)
      try {
        return await createKubeClient({ kubeconfigYaml, impersonate, ...timeout })
      } catch (cause) {
        const subject = `Secret/${namespace}/${kubeConfig.secretRef?.name ?? ''}`
        // The cause may quote the kubeconfig: only its error code travels on.
        const code = (cause as { code?: unknown }).code
        throw new ReconcileError({
          code: 'RECONCILE_KUBECONFIG_INVALID',
          message: `${subject}: spec.kubeConfig: the kubeconfig it holds cannot be used${typeof code === 'string' ? ` (${code})` : ''}`,
          details: { secret: subject, field: 'spec.kubeConfig.secretRef' },
        })
      }
    }
    if (options.kubeconfigYaml === undefined && options.kubeConfig === undefined) {
      throw new TypeError('kustomizationClientFactory: impersonation needs the kubeconfigYaml or kubeConfig of the home cluster')
    }
    return createKubeClient({ kubeconfigYaml: options.kubeconfigYaml, kubeConfig: options.kubeConfig, impersonate, ...timeout })
  }
}

async function remoteKubeconfig(ref: KubeConfigReference, namespace: string, client: KubeClient): Promise<string> {
  if (ref.secretRef === undefined) {
    throw new ReconcileError({
      code: 'RECONCILE_KUSTOMIZATION_UNSUPPORTED',
      message: `Kustomization in ${namespace}: spec.kubeConfig.configMapRef: workload identity for remote clusters is not supported (give secretRef)`,
      details: { field: 'spec.kubeConfig.configMapRef', namespace },
    })
  }
  const subject = `Secret/${namespace}/${ref.secretRef.name}`
  const invalid = (why: string): ReconcileError =>
    new ReconcileError({ code: 'RECONCILE_KUBECONFIG_INVALID', message: `${subject}: spec.kubeConfig: ${why}`, details: { secret: subject, field: 'spec.kubeConfig.secretRef' } })
  const secret = await client.get({ group: '', version: 'v1', kind: 'Secret', namespace, name: ref.secretRef.name })
  if (secret === undefined) throw invalid('the Secret does not exist')
  const data = isKubeMap(secret.data) ? secret.data : {}
  const keys = ref.secretRef.key === undefined ? DEFAULT_KEYS : [ref.secretRef.key]
  for (const key of keys) {
    if (!Object.hasOwn(data, key)) continue
    const value = data[key]
    if (typeof value === 'string' && value !== '') return Buffer.from(value, 'base64').toString('utf8')
  }
  throw invalid(`no key ${keys.map((k) => JSON.stringify(k)).join(' or ')} holds a kubeconfig`)
}
