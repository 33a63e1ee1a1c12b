// The clients a Kustomization applies with: its service account (impersonation, Flux's
// multi-tenancy) or a remote cluster's kubeconfig from a Secret (`spec.kubeConfig.secretRef`).
// Not built on reconcile's `kustomizationClientFactory`, whose rules (keys `value`, `value.yaml`,
// impersonation on the remote cluster too) it shares: a controller calls it on every interval of
// every Kustomization, so clients are kept per service account and per Secret version (that one
// makes a new client, with its own connections, per call), the Secret is read through the
// controller's client with the reconcile's signal, and its errors are `CONTROLLER_SECRET_INVALID`,
// a released code; wrapping the other would read each Secret twice to key the cache.
import { createKubeClient } from '@gitops-sdk/apply'
import type { KubeClient } from '@gitops-sdk/apply'
import { isKubeMap } from '@gitops-sdk/core'
import type { KubeConfigReference } from '@gitops-sdk/flux'
import type { KubeConfig } from '@kubernetes/client-node'
import type { ControllerClient } from '../controllerClient.js'
import { ControllerError } from '../errors.js'
import { SECRET_RESOURCE } from './resources.js'

/** What a Kustomization asks to apply as. */
export interface ClientRequest {
  /** The Kustomization's namespace: its service account and its kubeconfig Secret live there. */
  readonly namespace: string
  /** `spec.serviceAccountName`: requests impersonate this ServiceAccount of `namespace`. @defaultValue the controller's own identity */
  readonly serviceAccountName?: string | undefined
  /** `spec.kubeConfig`: the Secret holding a kubeconfig of the cluster to apply to. @defaultValue the controller's own cluster */
  readonly kubeConfig?: KubeConfigReference | undefined
}

/** Options of {@link createClientFactory}. */
export interface ClientFactoryOptions {
  /** The controller's own cluster access; impersonating clients are made from it. */
  readonly kubeConfig: KubeConfig
  /** Reads the kubeconfig Secrets. */
  readonly client: ControllerClient
  /** Request timeout of the made clients, in ms. @defaultValue 30,000 */
  readonly requestTimeout?: number | undefined
}

/**
 * Makes the clients of `spec.serviceAccountName` (every request impersonates
 * `system:serviceaccount:<namespace>:<name>`, as kustomize-controller does) and of
 * `spec.kubeConfig.secretRef` (the Secret's `value` or `value.yaml`, or the named key, holds a
 * kubeconfig of the target cluster; with a service account too, it is impersonated there). Clients
 * are kept per service account and per Secret version.
 *
 * @throws `CONTROLLER_SECRET_INVALID` when the kubeconfig Secret or its key is missing.
 * @example
 * ```ts
 * const clientFactory = createClientFactory({ kubeConfig, client })
 * const tenant = await clientFactory({ namespace: 'team-a', serviceAccountName: 'deployer' })
 * ```
 */
export function createClientFactory(options: ClientFactoryOptions): (request: ClientRequest & { readonly signal?: AbortSignal | undefined }) => Promise<KubeClient> {
  const clients = new Map<string, Promise<KubeClient>>()
  const requestTimeout = options.requestTimeout ?? 30_000
  return async (request) => {
    const impersonate = request.serviceAccountName === undefined ? undefined : { serviceAccount: { namespace: request.namespace, name: request.serviceAccountName } }
    const secretRef = request.kubeConfig?.secretRef
    if (request.kubeConfig !== undefined && secretRef === undefined) {
      throw new ControllerError({ code: 'CONTROLLER_SECRET_INVALID', message: `Kustomization in ${request.namespace}: spec.kubeConfig needs a secretRef (configMapRef is not supported)`, details: { field: 'spec.kubeConfig' } })
    }
    if (secretRef === undefined) {
      const key = `sa:${request.namespace}/${request.serviceAccountName ?? ''}`
      let made = clients.get(key)
      if (made === undefined) {
        made = createKubeClient({ kubeConfig: options.kubeConfig, impersonate, requestTimeout })
        clients.set(key, made)
        made.catch(() => clients.delete(key))
      }
      return made
    }
    const subject = `Secret/${request.namespace}/${secretRef.name}`
    const secret = await options.client.get(SECRET_RESOURCE, { namespace: request.namespace, name: secretRef.name }, { signal: request.signal })
    if (secret === undefined) throw new ControllerError({ code: 'CONTROLLER_SECRET_INVALID', message: `${subject}: the kubeconfig Secret of spec.kubeConfig.secretRef does not exist`, details: { secret: subject } })
    const data = isKubeMap(secret.data) ? secret.data : {}
    const names = secretRef.key === undefined ? ['value', 'value.yaml'] : [secretRef.key]
    const name = names.find((n) => Object.hasOwn(data, n) && typeof data[n] === 'string')
    if (name === undefined) {
      throw new ControllerError({ code: 'CONTROLLER_SECRET_INVALID', message: `${subject}: no key ${names.map((n) => JSON.stringify(n)).join(' or ')} holding a kubeconfig`, details: { secret: subject, keys: names } })
    }
    const key = `kc:${request.namespace}/${secretRef.name}@${typeof secret.metadata.resourceVersion === 'string' ? secret.metadata.resourceVersion : ''}:${name}:${request.serviceAccountName ?? ''}`
    let made = clients.get(key)
    if (made === undefined) {
      const yaml = Buffer.from(data[name] as string, 'base64').toString('utf8')
      made = createKubeClient({ kubeconfigYaml: yaml, impersonate, requestTimeout })
      clients.set(key, made)
      made.catch(() => clients.delete(key))
    }
    return made
  }
}
