// A cluster for the integration tests: the embedded apiserver on 127.0.0.1, reached through the
// real client (createKubeClient) and through kubectl. Nothing here reaches into the server's
// internals, so the same tests run against a real cluster: set GITOPS_TEST_KUBECONFIG to a
// kubeconfig file and they use its current context instead of starting a server.
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll } from 'vitest'
import { startApiServer } from '@gitops-sdk/apiserver'
import type { ApiServer } from '@gitops-sdk/apiserver'
import type { KubeObject } from '@gitops-sdk/core'
import { stringifyObjects } from '@gitops-sdk/core'
import { createKubeClient } from '../../src/index.js'
import type { ApiRequestEvent, KubeClient } from '../../src/index.js'

export const kubectlBin: string = process.env.KUBECTL ?? 'kubectl'

export { hasKubectl } from '../../../../testing/kubectl.js'

/** What one kubectl run printed. */
export interface KubectlResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** A cluster the tests talk to, with a client that counts its requests. */
export interface TestCluster {
  readonly client: KubeClient
  readonly kubeconfigPath: string
  readonly kubeconfigYaml: string
  /** Requests the client made, oldest first. */
  readonly requests: ApiRequestEvent[]
  /** Runs kubectl against the cluster. */
  kubectl(args: readonly string[], input?: string, env?: Readonly<Record<string, string>>): Promise<KubectlResult>
  /** Runs kubectl and fails on a non-zero exit; `env` adds variables (e.g. KUBE_EDITOR). */
  kubectlOk(args: readonly string[], input?: string, env?: Readonly<Record<string, string>>): Promise<string>
  /** Applies objects with kubectl as field manager `manager`. */
  kubectlApply(objects: readonly KubeObject[], manager: string, extra?: readonly string[]): Promise<string>
  /** A fresh namespace for one test, created through kubectl-free raw API (the client). */
  namespace(prefix: string): Promise<string>
  /** A new client for the same cluster (own discovery cache, own request log). */
  newClient(onRequest?: (r: ApiRequestEvent) => void): Promise<KubeClient>
  stop(): Promise<void>
}

/** Starts the embedded apiserver (or uses GITOPS_TEST_KUBECONFIG) and a client for it. */
export async function startCluster(): Promise<TestCluster> {
  const external = process.env.GITOPS_TEST_KUBECONFIG
  let server: ApiServer | undefined
  let kubeconfigYaml: string
  if (external !== undefined && external !== '') {
    kubeconfigYaml = readFileSync(external, 'utf8')
  } else {
    server = await startApiServer()
    kubeconfigYaml = server.kubeconfigYaml()
  }
  const dir = mkdtempSync(join(tmpdir(), 'gitops-apply-test-'))
  const kubeconfigPath = join(dir, 'kubeconfig')
  writeFileSync(kubeconfigPath, kubeconfigYaml)
  const requests: ApiRequestEvent[] = []
  const client = await createKubeClient({ kubeconfigYaml, onRequest: (r) => requests.push(r) })
  const kubectl = (args: readonly string[], input?: string, env: Readonly<Record<string, string>> = {}): Promise<KubectlResult> =>
    new Promise((resolve) => {
      const child = execFile(
        kubectlBin,
        ['--kubeconfig', kubeconfigPath, '--cache-dir', join(dir, 'cache'), ...args],
        { env: { PATH: process.env.PATH ?? '', HOME: dir, ...env }, timeout: 60_000, maxBuffer: 64 * 1024 * 1024 },
        (err, stdout, stderr) => resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr }),
      )
      child.stdin?.on('error', () => undefined) // kubectl may exit before reading its input; its exit code says why
      child.stdin?.end(input)
    })
  const kubectlOk = async (args: readonly string[], input?: string, env?: Readonly<Record<string, string>>): Promise<string> => {
    const result = await kubectl(args, input, env)
    if (result.code !== 0) throw new Error(`kubectl ${args.join(' ')} failed (${result.code}): ${result.stderr}`)
    return result.stdout
  }
  return {
    client,
    kubeconfigPath,
    kubeconfigYaml,
    requests,
    kubectl,
    kubectlOk,
    kubectlApply: (objects, manager, extra = []) =>
      kubectlOk(['apply', '--server-side', '--validate=false', `--field-manager=${manager}`, ...extra, '-f', '-'], stringifyObjects([...objects])),
    namespace: async (prefix) => {
      const name = `${prefix}-${Math.random().toString(36).slice(2, 8)}`
      await client.apply({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } }, { fieldManager: 'test-setup' })
      return name
    },
    newClient: (onRequest) => createKubeClient({ kubeconfigYaml, onRequest }),
    stop: async () => {
      await server?.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** A ConfigMap. */
export function configMap(namespace: string, name: string, data: Record<string, string> = { key: 'value' }): KubeObject {
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace }, data }
}

/** A Deployment with one container. */
export function deployment(namespace: string, name: string, spec: { replicas?: number; image?: string; labels?: Record<string, string> } = {}): KubeObject {
  const labels = spec.labels ?? { app: name }
  return {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace },
    spec: {
      replicas: spec.replicas ?? 1,
      selector: { matchLabels: labels },
      template: {
        metadata: { labels },
        spec: { containers: [{ name: 'app', image: spec.image ?? 'nginx:1.27', ports: [{ containerPort: 80 }] }] },
      },
    },
  }
}

/**
 * Whether the server records managedFields on apply (every real cluster does; the embedded server
 * does once its server-side-apply engine is wired in). Tests of ownership skip without it.
 */
export async function recordsManagedFields(cluster: TestCluster): Promise<boolean> {
  const ns = await cluster.namespace('probe')
  const applied = await cluster.client.apply(configMap(ns, 'probe'), { fieldManager: 'probe' })
  const entries = applied.metadata.managedFields
  return Array.isArray(entries) && entries.length > 0
}

/** A cluster for one test file: started before its tests, stopped after them. */
export interface ClusterHandle {
  readonly cluster: TestCluster
  /** Whether the server records managedFields (see {@link recordsManagedFields}). */
  readonly ownership: boolean
}

/** Starts a cluster before the file's tests and stops it after them. */
export function useCluster(): ClusterHandle {
  const handle: { cluster?: TestCluster; ownership: boolean } = { ownership: false }
  beforeAll(async () => {
    handle.cluster = await startCluster()
    handle.ownership = await recordsManagedFields(handle.cluster)
  })
  afterAll(async () => {
    await handle.cluster?.stop()
  })
  return {
    get cluster(): TestCluster {
      if (handle.cluster === undefined) throw new Error('the cluster starts in beforeAll')
      return handle.cluster
    },
    get ownership(): boolean {
      return handle.ownership
    },
  }
}
