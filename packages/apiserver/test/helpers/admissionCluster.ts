// Shared by the admission suites: the test webhook (webhookServer.ts), a server that reaches it by
// URL and as the Service webhooks/guard, kubectl for that server, and one namespace per scenario
// labelled `scenario: <name>` for webhooks to select.
import type { KubernetesObjectApi } from '@kubernetes/client-node'
import { startApiServer } from '../../src/index.js'
import type { ApiServer } from '../../src/index.js'
import { kubectlFor, objectApi } from './kube.js'
import type { Kubectl } from './kube.js'
import { startWebhookServer } from './webhookServer.js'
import type { WebhookServer } from './webhookServer.js'

/** A running server with the test webhook. */
export interface AdmissionCluster {
  readonly server: ApiServer
  readonly webhook: WebhookServer
  readonly kubectl: Kubectl
  readonly api: KubernetesObjectApi
  /** One webhook of a configuration, called at `path` of the test webhook by URL. */
  readonly hook: (name: string, path: string, extra: Record<string, unknown>) => Record<string, unknown>
  /** Creates a Validating- or MutatingWebhookConfiguration. */
  readonly configure: (kind: 'ValidatingWebhookConfiguration' | 'MutatingWebhookConfiguration', name: string, webhooks: readonly Record<string, unknown>[]) => Promise<void>
  /** The paths of the webhook called for the object named `name`, in order. */
  readonly calls: (name: string) => string[]
  /** The stored ConfigMap, or undefined. */
  readonly stored: (namespace: string, name: string) => Record<string, unknown> | undefined
  readonly stop: () => Promise<void>
}

/** Selects the namespace of one scenario. */
export const inScenario = (name: string): { namespaceSelector: { matchLabels: { scenario: string } } } => ({ namespaceSelector: { matchLabels: { scenario: name } } })

/** A ConfigMap with `data: { a: '1' }` and more metadata. */
export const configMap = (namespace: string, name: string, metadata: Record<string, unknown> = {}): Record<string, unknown> => ({
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: { name, namespace, ...metadata },
  data: { a: '1' },
})

/** Starts the webhook and a server, and creates the scenarios' namespaces. */
export async function startAdmissionCluster(scenarios: readonly string[]): Promise<AdmissionCluster> {
  const webhook = await startWebhookServer()
  const server = await startApiServer({ webhookServices: { 'webhooks/guard': webhook.url } })
  const kubectl = kubectlFor(server)
  const api = objectApi(server)
  for (const name of scenarios) await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { scenario: name } } })
  return {
    server,
    webhook,
    kubectl,
    api,
    hook: (name, path, extra) => ({
      name,
      clientConfig: { url: `${webhook.url}${path}`, caBundle: webhook.caBundle },
      sideEffects: 'None',
      admissionReviewVersions: ['v1'],
      ...extra,
    }),
    configure: async (kind, name, webhooks) => {
      await api.create({ apiVersion: 'admissionregistration.k8s.io/v1', kind, metadata: { name }, webhooks } as never)
    },
    calls: (name) => webhook.reviews.filter((r) => r.request.name === name).map((r) => r.path),
    stored: (namespace, name) => {
      try {
        return server.get({ group: '', kind: 'ConfigMap', namespace, name })
      } catch {
        return undefined
      }
    },
    stop: async () => {
      kubectl.dispose()
      await server.stop()
      await webhook.close()
    },
  }
}
