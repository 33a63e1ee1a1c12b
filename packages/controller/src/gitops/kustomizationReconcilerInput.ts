// What the reconcile of Kustomizations (reconcileKustomization.ts) is given by the controller that
// runs it: clients, the shared sources, the caches' views and the controller's flags.
import type { DriftState, KubeClient } from '@gitops-sdk/apply'
import type { KubeObject } from '@gitops-sdk/core'
import type { GitRepository } from '@gitops-sdk/flux'
import type { DriftPlacement } from './appliedObjectsCache.js'
import type { ClientRequest } from './createClientFactory.js'
import type { SourceStore } from './sourceStore.js'

/** What the Kustomization reconcile needs. */
export interface KustomizationReconcilerInput {
  readonly kubeClient: KubeClient
  readonly clientFactory?: ((request: ClientRequest & { readonly signal?: AbortSignal | undefined }) => Promise<KubeClient>) | undefined
  readonly sources: SourceStore
  /** The GitRepository `namespace/name`, from the cache or the API. */
  readonly gitRepository: (key: string, signal: AbortSignal) => Promise<GitRepository | undefined>
  /** A Kustomization `namespace/name` from the cache. */
  readonly kustomization: (key: string) => KubeObject | undefined
  /**
   * Told which source revision a reconcile of `key` is working with, once it has the artifact
   * (undefined when the Kustomization is gone), so that a new revision enqueues only the readers
   * that have not seen it yet. @defaultValue nobody is told
   */
  readonly onRevisionSeen?: ((key: string, revision: string | undefined) => void) | undefined
  /** Told when a Kustomization became Ready, to enqueue the ones depending on it. */
  readonly onReady: (key: string) => void
  readonly noCrossNamespaceRefs: boolean
  readonly defaultServiceAccount?: string | undefined
  readonly fieldManager: string
  readonly statusFieldManager?: string | undefined
  /** Delay before a Kustomization whose dependencies are not ready is tried again (Flux's `--requeue-dependency`). */
  readonly requeueDependency: number
  readonly now: () => Date
  /**
   * Reads the drift checks of Kustomizations applying with `kubeClient` (no service account, no
   * remote cluster) go through: the applied objects cache's client. @defaultValue `kubeClient`
   */
  readonly driftClient?: KubeClient | undefined
  /**
   * Proves from memory that detectDrift over `driftClient` would find nothing (the applied objects
   * cache's `unchanged`); false sends the check to detectDrift. @defaultValue always detectDrift
   */
  readonly driftUnchanged?: ((state: DriftState, placement: DriftPlacement) => boolean) | undefined
  /**
   * Told what an apply through `kubeClient` left (the applied objects cache's `watch`), so that the
   * first no-change interval after it can be proven by `driftUnchanged`. @defaultValue nobody is told
   */
  readonly driftWatch?: ((state: DriftState) => void) | undefined
}
