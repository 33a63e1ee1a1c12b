// The embedded apiserver and a controller client on it, for the integration tests.
import { KubeConfig } from '@kubernetes/client-node'
import { startApiServer } from '@gitops-sdk/apiserver'
import type { ApiServer, ApiServerOptions } from '@gitops-sdk/apiserver'
import type { KubeObject } from '@gitops-sdk/core'
import { createControllerClient } from '../../src/createControllerClient.js'
import type { ControllerClient } from '../../src/controllerClient.js'
import type { ResourceType } from '../../src/types.js'

export const CONFIGMAPS: ResourceType = { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true }
export const NAMESPACES: ResourceType = { group: '', version: 'v1', kind: 'Namespace', plural: 'namespaces', namespaced: false }

export interface TestCluster {
  readonly server: ApiServer
  readonly kubeConfig: KubeConfig
  readonly client: ControllerClient
  stop(): Promise<void>
}

export async function startCluster(options: ApiServerOptions = {}): Promise<TestCluster> {
  const server = await startApiServer(options)
  const kubeConfig = new KubeConfig()
  kubeConfig.loadFromOptions(server.kubeconfig())
  const client = await createControllerClient({ kubeConfig, requestTimeout: 10_000 })
  return {
    server,
    kubeConfig,
    client,
    async stop() {
      client.close()
      await server.stop()
    },
  }
}

export function configMap(name: string, namespace: string, extra: { labels?: Record<string, string>; data?: Record<string, string> } = {}): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace, ...(extra.labels === undefined ? {} : { labels: extra.labels }) }, data: extra.data ?? { a: '1' } }
}

/**
 * Waits until `check` holds, polling every `every` ms, for at most `ms`. A check that lists many
 * objects from a server other processes also use wants a longer `every`: each poll costs the
 * server CPU the processes under test then lack.
 */
export async function eventually<T>(check: () => T | undefined | false | Promise<T | undefined | false>, ms = 10_000, every = 10): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const value = await check()
    if (value !== undefined && value !== false) return value
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, every))
  }
}

/** Lets pending promise callbacks and I/O run. */
export async function settle(times = 5): Promise<void> {
  for (let i = 0; i < times; i++) await new Promise((r) => setImmediate(r))
}

/**
 * Wraps a client so a test can wait until every request it sent has been answered (or is held by
 * a freeze fault): time then moves only when the test advances its fake clock.
 */
export function trackedClient(client: ControllerClient): { client: ControllerClient; inFlight: () => number } {
  let pending = 0
  const track = <T>(p: Promise<T>): Promise<T> => {
    pending++
    return p.finally(() => pending--)
  }
  const wrapped: ControllerClient = {
    server: client.server,
    namespace: client.namespace,
    list: (r, o) => track(client.list(r, o)),
    watch: (r, o) => client.watch(r, o),
    get: (r, k, o) => track(client.get(r, k, o)),
    create: (r, obj, o) => track(client.create(r, obj, o)),
    update: (r, obj, o) => track(client.update(r, obj, o)),
    patch: (r, k, o) => track(client.patch(r, k, o)),
    delete: (r, k, o) => track(client.delete(r, k, o)),
    close: () => client.close(),
  }
  return { client: wrapped, inFlight: () => pending }
}

export const WIDGETS: ResourceType = { group: 'example.com', version: 'v1', kind: 'Widget', plural: 'widgets', namespaced: true }

/** Installs the Widget CRD (a status subresource, any spec and status). */
export async function installWidgets(client: ControllerClient): Promise<void> {
  const crds: ResourceType = { group: 'apiextensions.k8s.io', version: 'v1', kind: 'CustomResourceDefinition', plural: 'customresourcedefinitions', namespaced: false }
  await client.create(crds, {
    apiVersion: 'apiextensions.k8s.io/v1',
    kind: 'CustomResourceDefinition',
    metadata: { name: 'widgets.example.com' },
    spec: {
      group: 'example.com',
      scope: 'Namespaced',
      names: { plural: 'widgets', kind: 'Widget', singular: 'widget', listKind: 'WidgetList' },
      versions: [
        {
          name: 'v1',
          served: true,
          storage: true,
          subresources: { status: {} },
          schema: { openAPIV3Schema: { type: 'object', properties: { spec: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true }, status: { type: 'object', 'x-kubernetes-preserve-unknown-fields': true } } } },
        },
      ],
    },
  })
}

export function widget(name: string, namespace: string, spec: Record<string, unknown> = { size: 1 }): KubeObject {
  return { apiVersion: 'example.com/v1', kind: 'Widget', metadata: { name, namespace }, spec } as unknown as KubeObject
}
