// The GitOps controller's end-to-end set-up, shared by its integration suites: a temporary folder,
// the embedded apiserver with Flux's CRDs (and a kubeconfig file for kubectl), a repository `fleet`
// served by git http-backend, the controller in process, and a reconcile asked for as
// `flux reconcile` asks.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { applyAll, createKubeClient } from '@gitops-sdk/apply'
import type { KubeClient } from '@gitops-sdk/apply'
import type { ApiServerOptions } from '@gitops-sdk/apiserver'
import type { KubeObject } from '@gitops-sdk/core'
import { fluxCrds } from '@gitops-sdk/flux'
import { createRepository, startGitServer } from '@gitops-sdk/git-source/testing'
import type { GitServer, TestFile, TestRepository } from '@gitops-sdk/git-source/testing'
import type { ControllerClient } from '../../src/controllerClient.js'
import { createGitOpsController, KUSTOMIZATION_RESOURCE } from '../../src/gitops.js'
import type { GitOpsControllerOptions } from '../../src/gitops.js'
import { eventually, startCluster } from './cluster.js'
import type { TestCluster } from './cluster.js'

/** What {@link startGitOps} started. */
export interface GitOpsFixture {
  /** The temporary folder; `kubeconfig` in it is the server's, for `runKubectl(dir, …)`. */
  readonly dir: string
  readonly cluster: TestCluster
  readonly kubeClient: KubeClient
  readonly repo: TestRepository
  readonly git: GitServer
  /** Applies objects with field manager `test`. */
  readonly apply: (objects: readonly KubeObject[]) => Promise<void>
  /** Runs a GitOps controller in process (on the cluster's clients) until `stop`. */
  readonly runController: (options?: Omit<GitOpsControllerOptions, 'client' | 'kubeClient'>) => void
  /** Stops the controllers, the git server and the apiserver, and removes the folder. */
  readonly stop: () => Promise<void>
}

/**
 * Starts the apiserver (with `apiServer` options), installs Flux's CRDs and `namespace` when given,
 * and serves a repository `fleet` whose first commit holds `files`.
 */
export async function startGitOps(input: { prefix: string; files: Readonly<Record<string, TestFile>>; namespace?: string; apiServer?: ApiServerOptions }): Promise<GitOpsFixture> {
  const dir = mkdtempSync(join(tmpdir(), input.prefix))
  const cluster = await startCluster(input.apiServer ?? {})
  writeFileSync(join(dir, 'kubeconfig'), cluster.server.kubeconfigYaml())
  const kubeClient = await createKubeClient({ kubeConfig: cluster.kubeConfig })
  const repo = await createRepository(join(dir, 'repos'), { name: 'fleet' })
  await repo.commit(input.files)
  const git = await startGitServer({ root: join(dir, 'repos') })
  const apply = async (objects: readonly KubeObject[]): Promise<void> => {
    await applyAll(objects, { client: kubeClient, fieldManager: 'test' })
  }
  await apply([...fluxCrds(), ...(input.namespace === undefined ? [] : [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: input.namespace } }])])
  const stopping = new AbortController()
  const running: Promise<unknown>[] = []
  return {
    dir,
    cluster,
    kubeClient,
    repo,
    git,
    apply,
    runController: (options = {}) => {
      running.push(createGitOpsController({ ...options, client: cluster.client, kubeClient }).run(stopping.signal))
    },
    stop: async () => {
      stopping.abort()
      await Promise.all(running)
      await git.stop()
      await cluster.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

/** The GitRepository `fleet` reading the branch main of `url`. */
export function fleetSource(namespace: string, url: string): KubeObject {
  return { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'fleet', namespace }, spec: { interval: '10m', url, ref: { branch: 'main' } } }
}

/** A Kustomization of the source `fleet` (interval 10m, prune), with more of its spec. */
export function fleetKustomization(name: string, namespace: string, spec: Record<string, unknown>): KubeObject {
  return {
    apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
    kind: 'Kustomization',
    metadata: { name, namespace },
    spec: { interval: '10m', prune: true, sourceRef: { kind: 'GitRepository', name: 'fleet' }, ...spec },
  }
}

/**
 * Asks for a reconcile of a Kustomization as `flux reconcile` does (the requestedAt annotation set
 * to `at`), and waits until the controller handled it.
 */
export async function reconcileNow(client: ControllerClient, key: { namespace: string; name: string }, at: string): Promise<void> {
  await client.patch(KUSTOMIZATION_RESOURCE, key, { patch: { type: 'merge', body: { metadata: { annotations: { 'reconcile.fluxcd.io/requestedAt': at } } } } })
  await eventually(async () => ((await client.get(KUSTOMIZATION_RESOURCE, key))?.status as { lastHandledReconcileAt?: string } | undefined)?.lastHandledReconcileAt === at)
}
