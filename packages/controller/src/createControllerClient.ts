import type { KubeConfig } from '@kubernetes/client-node'
import type { ControllerClient } from './controllerClient.js'
import { endpointOfKubeConfig } from './internal/endpoints.js'
import { HttpControllerClient } from './internal/httpClient.js'
import { Transport } from './internal/transport.js'
import type { Endpoint } from './internal/transport.js'
import type { InClusterConfig } from './loadInClusterConfig.js'

/** Options of {@link createControllerClient}: give `kubeConfig` or `inCluster`. */
export interface ControllerClientOptions {
  /** A loaded `@kubernetes/client-node` KubeConfig; its current context is used. */
  readonly kubeConfig?: KubeConfig | undefined
  /** The configuration of a pod's service account, from {@link loadInClusterConfig}. */
  readonly inCluster?: InClusterConfig | undefined
  /** Manager of the fields the client writes. @defaultValue 'gitops-controller' */
  readonly fieldManager?: string | undefined
  /** The User-Agent of every request (client-go: `binary/version (os/arch) …`). @defaultValue 'gitops-sdk-controller' */
  readonly userAgent?: string | undefined
  /** How long one request may take, in ms (a watch: until its headers); 0 for no limit. @defaultValue 30,000 */
  readonly requestTimeout?: number | undefined
  /** Largest answer read (and largest watch event), in bytes. @defaultValue 64 MiB */
  readonly maxResponseBytes?: number | undefined
  /** Connections kept open to the server. @defaultValue 16 */
  readonly maxConnections?: number | undefined
  /** Cancels the operation: it stops promptly and rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined
}

/**
 * Creates a {@link ControllerClient}: from a client-node `KubeConfig` (every credential client-node
 * supports, re-evaluated per request), or from a pod's service account (the token re-read when it
 * rotates, and after a 401).
 *
 * @throws `CONTROLLER_CONFIG_INVALID` when the KubeConfig's context names no cluster or its
 * credentials cannot be read; a `TypeError` when neither or both sources are given.
 * @example
 * ```ts
 * const kc = new KubeConfig()
 * kc.loadFromDefault()
 * const client = await createControllerClient({ kubeConfig: kc })
 * const page = await client.list(LEASE_RESOURCE, { namespace: 'flux-system' })
 * ```
 */
export async function createControllerClient(options: ControllerClientOptions): Promise<ControllerClient> {
  if (typeof options !== 'object') throw new TypeError('createControllerClient: options are required')
  const { kubeConfig, inCluster } = options
  if ((kubeConfig === undefined) === (inCluster === undefined)) throw new TypeError('createControllerClient: give exactly one of kubeConfig and inCluster')
  const requestTimeout = options.requestTimeout ?? 30_000
  if (!Number.isFinite(requestTimeout) || requestTimeout < 0) throw new TypeError('createControllerClient: requestTimeout must be a number of ms, 0 or more')
  options.signal?.throwIfAborted()
  let endpoint: Endpoint
  let namespace: string
  if (kubeConfig !== undefined) {
    endpoint = await endpointOfKubeConfig(kubeConfig)
    namespace = kubeConfig.getContextObject(kubeConfig.getCurrentContext())?.namespace ?? 'default'
  } else {
    const config = inCluster as InClusterConfig
    endpoint = {
      server: config.server,
      tls: { ca: config.ca },
      headers: async () => ({ Authorization: `Bearer ${await config.token()}` }),
      unauthorized: () => config.invalidateToken(),
    }
    namespace = config.namespace
  }
  const transport = new Transport(endpoint, {
    requestTimeout,
    maxBodyBytes: options.maxResponseBytes ?? 64 * 1024 * 1024,
    maxSockets: options.maxConnections ?? 16,
    userAgent: options.userAgent ?? 'gitops-sdk-controller',
  })
  return new HttpControllerClient(transport, { namespace, fieldManager: options.fieldManager ?? 'gitops-controller' })
}
