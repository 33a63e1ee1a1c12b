// One process doing Flux's source-controller (GitRepository) and kustomize-controller
// (Kustomization) work, behind one Lease per watch label selector.
import type { TracerProvider } from '@opentelemetry/api'
import type { KubeClient } from '@gitops-sdk/apply'
import { silentLogger, systemClock } from '@gitops-sdk/core'
import type { Clock, KubeObject, Logger } from '@gitops-sdk/core'
import type { GitRepository } from '@gitops-sdk/flux'
import type { ControllerClient } from '../controllerClient.js'
import type { ControllerMetrics } from '../controllerMetrics.js'
import { createController } from '../createController.js'
import type { ControllerLogger } from '../createJsonLogger.js'
import { createEventRecorder } from '../eventRecorder.js'
import { RECONCILE_REQUESTED_AT_ANNOTATION } from '../fluxReasons.js'
import { createLeaderElector } from '../leaderElection.js'
import type { LeaderElectionOutcome } from '../leaderElection.js'
import { createHashSharding } from '../hashSharding.js'
import { leaseNameFor } from '../sharding.js'
import type { ClientRequest } from './createClientFactory.js'
import { gitRepositoryReconciler } from './reconcileGitRepository.js'
import { kustomizationReconciler } from './reconcileKustomization.js'
import { GITREPOSITORY_RESOURCE, KUSTOMIZATION_RESOURCE } from './resources.js'
import { createSourceStore } from './sourceStore.js'
import { createAppliedObjectsCache } from './appliedObjectsCache.js'
import { createKustomizationIndex } from './kustomizationIndex.js'

/** Options of {@link createGitOpsController}. */
export interface GitOpsControllerOptions {
  /** Watches, status, Events, finalizers and the Lease. */
  readonly client: ControllerClient
  /** Applies, prunes and waits (see `createKubeClient` in `@gitops-sdk/apply`). */
  readonly kubeClient: KubeClient
  /**
   * Makes the clients of `spec.serviceAccountName` and `spec.kubeConfig` (see
   * {@link createClientFactory}). Without it, Kustomizations using either fail with
   * `RECONCILE_KUSTOMIZATION_UNSUPPORTED`.
   */
  readonly clientFactory?: ((request: ClientRequest & { readonly signal?: AbortSignal | undefined }) => Promise<KubeClient>) | undefined
  /** Flux's `--watch-label-selector`, e.g. `sharding.fluxcd.io/key=shard1`. @defaultValue every object */
  readonly labelSelector?: string | undefined
  /** Watch only this namespace (Flux's `--watch-all-namespaces=false`). @defaultValue every namespace */
  readonly namespace?: string | undefined
  /** Reconciles of each kind at once (Flux's `--concurrent`). @defaultValue 4 */
  readonly concurrency?: number | undefined
  /** Refuse sources in another namespace than the Kustomization's (Flux's `--no-cross-namespace-refs`). @defaultValue false */
  readonly noCrossNamespaceRefs?: boolean | undefined
  /** Service account impersonated when a Kustomization names none (Flux's `--default-service-account`). */
  readonly defaultServiceAccount?: string | undefined
  /**
   * Run only while holding the Lease `gitops-controller` (plus a hash of the label selector) in
   * `namespace`; `identity` must differ per replica.
   */
  readonly leaderElection?:
    | {
        /** Namespace of the Lease. */
        readonly namespace: string
        /** This replica's holder identity in the Lease (for example the pod name). */
        readonly identity: string
        /** How long a Lease is valid after its last renewal, in ms. @defaultValue 35,000 (Flux's) */
        readonly leaseDuration?: number | undefined
        /** How long the leader keeps trying to renew before it stops its work, in ms. @defaultValue 30,000 */
        readonly renewDeadline?: number | undefined
        /** How often a candidate tries to acquire, and the leader to renew, in ms. @defaultValue 5,000 */
        readonly retryPeriod?: number | undefined
      }
    | undefined
  /**
   * Split the objects among every replica of `group` by consistent hashing of `namespace/name`,
   * each replica behind its own member Lease in `namespace` (see {@link createHashSharding});
   * instead of `leaderElection`, which it excludes. Timings as for leader election.
   */
  readonly hashSharding?:
    | {
        /** Namespace of the member Leases. */
        readonly namespace: string
        /** This replica's identity (for example the pod name). */
        readonly identity: string
        /** The group's name; replicas with the same group share the work. */
        readonly group: string
        /** How long a member counts as live after its Lease last changed, in ms. @defaultValue 35,000 */
        readonly leaseDuration?: number | undefined
        /** How long a replica works on without a successful round, in ms. @defaultValue 30,000 */
        readonly renewDeadline?: number | undefined
        /** Time between rounds, in ms. @defaultValue 5,000 */
        readonly retryPeriod?: number | undefined
      }
    | undefined
  /** Manager of the applied fields. @defaultValue 'kustomize-controller', so objects Flux applied are taken over */
  readonly fieldManager?: string | undefined
  /** Host in `.status.artifact.url`. @defaultValue 'source-controller.flux-system.svc.cluster.local.' */
  readonly storageAddress?: string | undefined
  /** Directory for incremental git fetches. @defaultValue none: every fetch is in memory */
  readonly cacheDir?: string | undefined
  /** Delay before retrying a Kustomization whose dependencies are not ready, in ms. @defaultValue 30,000 */
  readonly requeueDependency?: number | undefined
  /** The component name of Events (`reportingComponent`). @defaultValue 'gitops-controller' */
  readonly component?: string | undefined
  /** Where reconcile, work-queue and leader-election metrics go. @defaultValue none */
  readonly metrics?: ControllerMetrics | undefined
  /** @defaultValue silent */
  readonly logger?: Logger | ControllerLogger | undefined
  /** @defaultValue the system clock */
  readonly clock?: Clock | undefined
  /**
   * Check drift on a no-change interval against a watch cache of the applied kinds (one watch per
   * kind, of the objects carrying the inventory label) instead of requests per Kustomization;
   * reads fall back to requests while a watch is down or silent. Applies only to Kustomizations
   * applying with `kubeClient` (no service account, no remote cluster). @defaultValue true
   */
  readonly watchAppliedObjects?: boolean | undefined
  /** Where the spans of every reconcile and phase go. @defaultValue the global provider of `@opentelemetry/api` (a no-op until an SDK registers one) */
  readonly tracerProvider?: TracerProvider | undefined
}

/** A running GitOps controller. */
export interface GitOpsController {
  /** Whether both informers synced. */
  hasSynced(): boolean
  /** Whether this replica leads (true without leader election once running). */
  isLeader(): boolean
  /**
   * Runs until `signal` aborts (`'stopped'`: the queues drained, the Lease released) or the Lease
   * is lost (`'lost'`: the caller should exit, as Flux's controllers do).
   */
  run(signal: AbortSignal): Promise<LeaderElectionOutcome>
}

/**
 * Creates a controller doing the work of Flux's source-controller for GitRepositories (fetch
 * every interval, `.status.artifact` with revision and digest) and of kustomize-controller for
 * Kustomizations (build, decrypt, substitute, apply, prune with the inventory in
 * `.status.inventory`, health checks, `dependsOn`, `suspend`, deletion by `deletionPolicy`,
 * impersonation and remote clusters), writing the status and Events Flux writes, so that the
 * `flux` CLI and `kubectl wait --for=condition=Ready` read them. Kustomizations reading one
 * GitRepository share one fetch of it.
 *
 * @example
 * ```ts
 * const controller = createGitOpsController({ client, kubeClient, leaderElection: { namespace: 'flux-system', identity: hostname() } })
 * await controller.run(signal)
 * ```
 */
export function createGitOpsController(options: GitOpsControllerOptions): GitOpsController {
  if (typeof options !== 'object' || typeof options.client !== 'object' || typeof options.kubeClient !== 'object') throw new TypeError('createGitOpsController: client and kubeClient are required')
  if (options.hashSharding !== undefined && options.leaderElection !== undefined) throw new TypeError('createGitOpsController: hashSharding and leaderElection exclude each other')
  const clock = options.clock ?? systemClock
  const now = (): Date => clock.now()
  const sharding = options.hashSharding === undefined ? undefined : createHashSharding({ ...options.hashSharding, client: options.client, clock, onError: (error) => options.logger?.warn('hash shard round failed; retrying', { error: error instanceof Error ? error.message : String(error) }) })
  const { client } = options
  const component = options.component ?? 'gitops-controller'
  const recorder = createEventRecorder({ client, component, instance: options.leaderElection?.identity ?? options.hashSharding?.identity, clock })
  const sources = createSourceStore({ client, cacheDir: options.cacheDir, now })
  const selection = { namespace: options.namespace, labelSelector: options.labelSelector }
  const common = { client, recorder, clock, metrics: options.metrics, logger: options.logger ?? silentLogger, concurrency: options.concurrency, shouldReconcile: fluxPredicates, sharding, tracerProvider: options.tracerProvider, ...selection }
  // Filled once both controllers exist: each enqueues into the other.
  const link: { kustomizations?: ReturnType<typeof createController> } = {}
  const index = createKustomizationIndex()
  // The source revision each Kustomization's latest reconcile took (one shared string each).
  const revisionSeen = new Map<string, string>()
  const applied = options.watchAppliedObjects === false ? undefined : createAppliedObjectsCache({ client, kubeClient: options.kubeClient, clock, logger: options.logger })
  const repositories = createController({
    ...common,
    name: 'gitrepository',
    resource: GITREPOSITORY_RESOURCE,
    reconcile: gitRepositoryReconciler({
      sources,
      storageAddress: options.storageAddress ?? 'source-controller.flux-system.svc.cluster.local.',
      fieldManager: component,
      now,
      onNewRevision: (key) => {
        // A Kustomization that already applied this revision (it fetched the source itself before
        // this reconcile stored it), or whose reconcile took the artifact of this revision (the
        // informer may not have its status write yet), has nothing new to do; one still queued
        // or not yet at the artifact takes the new one from the store.
        const revision = sources.get(key)?.revision
        for (const reader of index.readersOf(key)) {
          if (revision !== undefined && (revisionSeen.get(reader) === revision || lastAppliedRevisionOf(link.kustomizations?.informer.cache.get(reader)) === revision)) continue
          link.kustomizations?.queue.add(reader)
        }
      },
    }),
  })
  const kustomizations = createController({
    ...common,
    name: 'kustomization',
    resource: KUSTOMIZATION_RESOURCE,
    reconcile: kustomizationReconciler({
      kubeClient: options.kubeClient,
      clientFactory: options.clientFactory,
      sources,
      gitRepository: async (key, signal) => {
        const cached = repositories.informer.cache.get(key)
        if (cached !== undefined) return cached as unknown as GitRepository
        const slash = key.indexOf('/')
        const found = await client.get(GITREPOSITORY_RESOURCE, { namespace: key.slice(0, slash), name: key.slice(slash + 1) }, { signal })
        return found as unknown as GitRepository | undefined
      },
      kustomization: (key) => link.kustomizations?.informer.cache.get(key),
      onRevisionSeen: (key, revision) => {
        if (revision === undefined) revisionSeen.delete(key)
        else revisionSeen.set(key, revision)
      },
      onReady: (key) => {
        for (const dependent of index.dependentsOf(key)) link.kustomizations?.queue.add(dependent)
      },
      noCrossNamespaceRefs: options.noCrossNamespaceRefs === true,
      defaultServiceAccount: options.defaultServiceAccount,
      fieldManager: options.fieldManager ?? 'kustomize-controller',
      statusFieldManager: component,
      requeueDependency: options.requeueDependency ?? 30_000,
      now,
      driftClient: applied?.client,
      driftUnchanged: applied === undefined ? undefined : (state, placement) => applied.unchanged(state, placement),
      driftWatch: applied === undefined ? undefined : (state) => applied.watch(state),
    }),
  })
  link.kustomizations = kustomizations
  kustomizations.informer.addHandler(index.handler)
  let leading = options.leaderElection === undefined
  const runBoth = async (signal: AbortSignal): Promise<void> => {
    await Promise.all([repositories.run(signal), kustomizations.run(signal), applied?.run(signal)])
  }
  return {
    hasSynced: () => repositories.hasSynced() && kustomizations.hasSynced(),
    isLeader: () => leading,
    async run(signal) {
      const election = options.leaderElection
      if (sharding !== undefined) {
        options.logger?.info('hash sharding', { lease: sharding.leaseName, identity: sharding.identity })
        await Promise.all([runBoth(signal), sharding.run(signal)])
        return 'stopped'
      }
      if (election === undefined) {
        await runBoth(signal)
        return 'stopped'
      }
      const elector = createLeaderElector({
        client,
        namespace: election.namespace,
        name: leaseNameFor('gitops-controller', options.labelSelector ?? ''),
        identity: election.identity,
        leaseDuration: election.leaseDuration,
        renewDeadline: election.renewDeadline,
        retryPeriod: election.retryPeriod,
        clock,
        onStartedLeading: async (leaderSignal) => {
          leading = true
          options.metrics?.setLeading('gitops-controller', true)
          options.logger?.info('leading', { identity: election.identity })
          await runBoth(leaderSignal)
        },
        onStoppedLeading: () => {
          leading = false
          options.metrics?.setLeading('gitops-controller', false)
          options.logger?.info('stopped leading', { identity: election.identity })
        },
      })
      return elector.run(signal)
    },
  }
}

/**
 * Flux's predicates of these two kinds: the generation changed, `requestedAt` changed, the object
 * is being deleted, its labels changed (it may have left the shard), or a resync. Unlike the
 * runtime's default, a finalizer the controller itself added enqueues nothing: the reconcile that
 * added it goes on, and running it again would double every interval's schedule.
 */
function fluxPredicates(old: KubeObject, object: KubeObject): boolean {
  if (old.metadata.resourceVersion === object.metadata.resourceVersion) return true
  if (old.metadata.generation !== object.metadata.generation) return true
  if (old.metadata.deletionTimestamp !== object.metadata.deletionTimestamp) return true
  const requested = (o: KubeObject): unknown => o.metadata.annotations?.[RECONCILE_REQUESTED_AT_ANNOTATION]
  if (requested(old) !== requested(object)) return true
  return JSON.stringify(old.metadata.labels ?? null) !== JSON.stringify(object.metadata.labels ?? null)
}

function lastAppliedRevisionOf(object: KubeObject | undefined): unknown {
  const status: unknown = object?.status
  return typeof status === 'object' && status !== null ? (status as { lastAppliedRevision?: unknown }).lastAppliedRevision : undefined
}
