// What the client-node suites (integration/clientNode*.int.test.ts) share: a server with a short
// watch history, namespaces and manifests of their own, and watches read through client-node.
import { Watch } from '@kubernetes/client-node'
import { afterAll, beforeAll } from 'vitest'
import { startApiServer } from '../../src/index.js'
import type { ApiServer } from '../../src/index.js'
import { clientFor, kubeConfigFor, uniqueName } from './kube.js'
import type { Client, Manifest } from './kube.js'

/** One suite file's server, a client of it, and namespaces of its own. */
export interface ClientNodeSuite {
  readonly server: ApiServer
  readonly api: Client
  /** Creates a namespace of a generated name starting with `prefix`. */
  namespace(prefix: string): Promise<string>
}

/**
 * Starts a server for the calling suite file in its beforeAll (the watch history kept short, so
 * that 410 Gone is reachable) and stops it in its afterAll.
 */
export function clientNodeSuite(): ClientNodeSuite {
  let started: { server: ApiServer; api: Client } | undefined
  const get = (): { server: ApiServer; api: Client } => {
    if (started === undefined) throw new Error('the suite server starts in beforeAll')
    return started
  }
  beforeAll(async () => {
    const server = await startApiServer({ watchHistory: 50 })
    started = { server, api: clientFor(server) }
  })
  afterAll(() => started?.server.stop())
  return {
    get server() {
      return get().server
    },
    get api() {
      return get().api
    },
    namespace: (prefix) => createNamespace(get().api, prefix),
  }
}

/** Creates a namespace of a generated name starting with `prefix`. */
async function createNamespace(api: Client, prefix: string): Promise<string> {
  const name = uniqueName(prefix)
  await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })
  return name
}

/** A ConfigMap manifest. */
export const configMap = (ns: string, name: string, extra: Partial<Manifest> = {}): Manifest => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, ...extra })

/** A Deployment manifest of one nginx container, selecting `app: <name>`. */
export const deployment = (ns: string, name: string): Manifest => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: ns },
  spec: {
    selector: { matchLabels: { app: name } },
    template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'web', image: 'nginx:1.27' }] } },
  },
})

/** Collects watch events of one path until stopped. */
export async function watchEvents(
  server: ApiServer,
  path: string,
  query: Record<string, string> = {},
): Promise<{ events: { type: string; object: Manifest }[]; stop: () => void; done: Promise<unknown> }> {
  const events: { type: string; object: Manifest }[] = []
  let finish: (err: unknown) => void = () => undefined
  const done = new Promise((resolve) => (finish = resolve))
  const controller = await new Watch(kubeConfigFor(server)).watch(path, query, (type, object) => events.push({ type, object: object as Manifest }), (err) => finish(err))
  return { events, stop: () => controller.abort(), done }
}
