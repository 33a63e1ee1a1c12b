import { randomUUID } from 'node:crypto'
import type { Span, TracerProvider } from '@opentelemetry/api'
import { silentLogger, systemClock } from '@gitops-sdk/core'
import type { Clock, KubeObject, Logger, LogFields } from '@gitops-sdk/core'
import type { ControllerClient } from './controllerClient.js'
import type { ControllerMetrics } from './controllerMetrics.js'
import type { ControllerLogger } from './createJsonLogger.js'
import type { EventRecorder } from './eventRecorder.js'
import type { HashSharding } from './hashSharding.js'
import { createEventRecorder } from './eventRecorder.js'
import { RECONCILE_REQUESTED_AT_ANNOTATION } from './fluxReasons.js'
import type { Informer } from './informer.js'
import { createInformer } from './informer.js'
import type { LeaderElectionOptions } from './leaderElection.js'
import { createLeaderElector } from './leaderElection.js'
import type { RateLimiter } from './rateLimiter.js'
import { runWorkers } from './runWorkers.js'
import type { WorkResult } from './runWorkers.js'
import { linkedSignal } from './internal/linkedSignal.js'
import { leaseNameFor } from './sharding.js'
import { traceReconcile } from './traceReconcile.js'
import type { PhaseRunner } from './traceReconcile.js'
import type { ResourceType, Selection } from './types.js'
import type { WorkQueue } from './workQueue.js'
import { createWorkQueue } from './workQueue.js'

/** What a reconcile function gets for one key. */
export interface ReconcileContext<T extends KubeObject = KubeObject> {
  /** `namespace/name` (or `name`) of the object. */
  readonly key: string
  /** The object's namespace; empty for cluster-scoped kinds. */
  readonly namespace: string
  /** The object's name. */
  readonly name: string
  /** The object as the cache holds it; undefined when it was deleted. Copy before changing it. */
  readonly object: T | undefined
  /** A fresh id for this run, in every log line of it. */
  readonly reconcileID: string
  /** Aborts when the controller stops or loses leadership. */
  readonly signal: AbortSignal
  /** The controller's client. */
  readonly client: ControllerClient
  /** The controller's Event recorder. */
  readonly recorder: EventRecorder
  /** A logger carrying `controller`, `controllerKind`, `object`, `namespace`, `name` and `reconcileID`. */
  readonly log: Logger
  /** This run's OpenTelemetry span (`reconcile <Kind>`): add attributes such as `gitops.revision` to it. */
  readonly span: Span
  /** Runs a phase (`fetch`, `render`, `apply`, …) as a child span of {@link ReconcileContext.span}. */
  readonly phase: PhaseRunner
}

/** Nothing (done), `{ requeue: true }` (retry with back-off), or `{ requeueAfter: ms }` (run again later, Flux's interval). */
export type ReconcileResult = WorkResult | undefined

/** Options of {@link createController}. */
export interface ControllerOptions<T extends KubeObject = KubeObject> extends Selection {
  /** The controller's name, in logs, metrics, Events and its Lease. */
  readonly name: string
  /** The kind it reconciles. */
  readonly resource: ResourceType
  /** The client for the watch, the Lease, the Events and the reconcile function. */
  readonly client: ControllerClient
  /** Brings one object to its desired state; throwing retries it with back-off. */
  readonly reconcile: (context: ReconcileContext<T>) => Promise<ReconcileResult>
  /** Objects reconciled at once (Flux's `--concurrent`). @defaultValue 4 */
  readonly concurrency?: number | undefined
  /** Every cached object is reconciled again after this many ms; 0 for never. @defaultValue 0 */
  readonly resyncPeriod?: number | undefined
  /**
   * Which updates enqueue the object. @defaultValue Flux's predicates: the generation changed, the
   * `reconcile.fluxcd.io/requestedAt` annotation changed, labels, annotations, finalizers or the deletion timestamp changed, or a resync
   */
  readonly shouldReconcile?: ((old: T, object: T) => boolean) | undefined
  /** Run only while this replica holds the Lease; the cache is kept warm meanwhile (controller-runtime does the same). */
  readonly leaderElection?:
    | (Omit<LeaderElectionOptions, 'client' | 'name' | 'onStartedLeading' | 'clock'> & {
        /** The Lease's name. @defaultValue the controller's name */
        readonly name?: string | undefined
      })
    | undefined
  /**
   * Work only on the keys this replica owns in a consistent-hash shard group (see
   * {@link createHashSharding}; the caller runs it). Keys it loses are aborted and awaited before
   * the sharding's round completes; keys it gains are enqueued. @defaultValue every key
   */
  readonly sharding?: HashSharding | undefined
  /** Retry delays. @defaultValue Flux's: per-key 750 ms to 15 min, under 10 qps / 100 burst */
  readonly rateLimiter?: RateLimiter | undefined
  /** Metrics to feed. */
  readonly metrics?: ControllerMetrics | undefined
  /** Logger; a {@link ControllerLogger} gets the carried fields natively. @defaultValue silent */
  readonly logger?: Logger | ControllerLogger | undefined
  /** Event recorder. @defaultValue one writing Events as `name` */
  readonly recorder?: EventRecorder | undefined
  /** Clock of delays, resync and leader election. @defaultValue the system clock */
  readonly clock?: Clock | undefined
  /** Where the spans of every reconcile go. @defaultValue the global provider of `@opentelemetry/api`: a no-op until the application registers an SDK */
  readonly tracerProvider?: TracerProvider | undefined
}

/** A running controller's parts. */
export interface Controller<T extends KubeObject = KubeObject> {
  /** The informer feeding it (its cache is readable). */
  readonly informer: Informer<T>
  /** Its work queue. */
  readonly queue: WorkQueue
  /** Whether the informer synced (a readiness check). */
  hasSynced(): boolean
  /** Whether this replica leads (always true without leader election, once running). */
  isLeader(): boolean
  /** Runs until `signal` aborts (or leadership is lost): the informer, then the workers; drains the queue on the way out. */
  run(signal: AbortSignal): Promise<void>
}

/**
 * Creates a controller: an informer on one kind feeds a de-duplicated, rate-limited work queue;
 * `concurrency` workers call `reconcile` for each key, never two at once for the same key, and
 * record `gotk_reconcile_duration_seconds`. With `leaderElection`, only the replica holding the
 * Lease runs workers, and a lost Lease aborts their signal.
 *
 * @example
 * ```ts
 * const controller = createController({ name: 'widgets', resource: WIDGETS, client,
 *   reconcile: async ({ object }) => (object === undefined ? undefined : { requeueAfter: 60_000 }) })
 * await controller.run(signal)
 * ```
 */
export function createController<T extends KubeObject = KubeObject>(options: ControllerOptions<T>): Controller<T> {
  if (typeof options !== 'object' || typeof options.reconcile !== 'function') throw new TypeError('createController: options.reconcile is required')
  if (typeof options.name !== 'string' || options.name === '') throw new TypeError('createController: name must not be empty')
  const clock = options.clock ?? systemClock
  const metrics = options.metrics
  const logger = options.logger ?? silentLogger
  const withFields = (fields: LogFields): Logger => (isControllerLogger(logger) ? logger.with(fields) : prefixed(logger, fields))
  const recorder = options.recorder ?? createEventRecorder({ client: options.client, component: options.name, clock })
  const queue = createWorkQueue({ clock, rateLimiter: options.rateLimiter, metrics: metrics?.queueHooks(options.name) })
  const informer = createInformer<T>(options.resource, {
    client: options.client,
    namespace: options.namespace,
    labelSelector: options.labelSelector,
    fieldSelector: options.fieldSelector,
    resyncPeriod: options.resyncPeriod,
    clock,
    onError: (error) => withFields({ controller: options.name }).warn('list or watch failed; retrying', { error: describe(error) }),
  })
  const shouldReconcile = options.shouldReconcile ?? fluxPredicate
  informer.addHandler({
    onAdd: (o) => queue.add(keyOf(o)),
    onUpdate: (old, o) => {
      if (shouldReconcile(old, o)) queue.add(keyOf(o))
    },
    onDelete: (o) => queue.add(keyOf(o)),
  })
  let leading = options.leaderElection === undefined
  const { sharding } = options
  // Keys being reconciled, so that a shard handover can stop them and wait for them.
  const inFlight = new Map<string, { readonly abort: (reason: unknown) => void; readonly done: Promise<unknown> }>()
  const unsubscribe = sharding?.onChange(async (previous, next) => {
    const ending: Promise<unknown>[] = []
    for (const [key, entry] of inFlight) {
      if (next.owns(key)) continue
      entry.abort(new Error(`${key}: now owned by another replica of the shard group`))
      ending.push(entry.done)
    }
    for (const object of informer.cache.list()) {
      const key = keyOf(object)
      if (next.owns(key) && !previous.owns(key)) queue.add(key)
    }
    await Promise.allSettled(ending)
  })

  const work = async (key: string, workerSignal: AbortSignal): Promise<WorkResult> => {
    if (sharding === undefined) return reconcileKey(key, workerSignal)
    // Checked and registered in one step: a handover that starts later sees this key in flight.
    if (!sharding.owns(key)) return undefined
    const stop = linkedSignal(workerSignal)
    const done = reconcileKey(key, stop.signal)
    const entry = { abort: (reason: unknown) => stop.abort(reason), done }
    inFlight.set(key, entry)
    try {
      return await done
    } finally {
      if (inFlight.get(key) === entry) inFlight.delete(key)
      stop.dispose()
    }
  }

  const reconcileKey = async (key: string, signal: AbortSignal): Promise<WorkResult> => {
    const slash = key.indexOf('/')
    const namespace = slash < 0 ? '' : key.slice(0, slash)
    const name = slash < 0 ? key : key.slice(slash + 1)
    const reconcileID = randomUUID()
    // As controller-runtime's reconcile logger: the controller, its kind, the object, the run.
    const log = withFields({ controller: options.name, controllerKind: options.resource.kind, object: key, namespace, name, reconcileID })
    const started = clock.now().getTime()
    const observe = (result: 'success' | 'error' | 'requeue'): void =>
      metrics?.observeReconcile({ kind: options.resource.kind, name, namespace }, { seconds: (clock.now().getTime() - started) / 1000, controller: options.name, result })
    const init = { controller: options.name, kind: options.resource.kind, namespace, name, reconcileID, signal, tracerProvider: options.tracerProvider }
    return traceReconcile(init, async (span, phase) => {
      try {
        const result = await options.reconcile({ key, namespace, name, object: informer.cache.get(key), reconcileID, signal, client: options.client, recorder, log, span, phase })
        const outcome = result === undefined || 'requeueAfter' in result ? 'success' : 'requeue'
        span.setAttribute('gitops.result', outcome)
        if (result !== undefined && 'requeueAfter' in result) span.setAttribute('gitops.requeue_after_ms', result.requeueAfter)
        observe(outcome)
        log.debug('reconcile finished', { result: outcome, ...(result !== undefined && 'requeueAfter' in result ? { requeueAfter: result.requeueAfter } : {}) })
        return result
      } catch (error) {
        observe('error')
        span.setAttribute('gitops.result', 'error')
        if (!signal.aborted) log.error('reconcile failed; retrying with back-off', { error: describe(error), retries: queue.retries(key) + 1 })
        throw error
      }
    })
  }

  const runWorkersUntil = async (signal: AbortSignal): Promise<void> => {
    try {
      await informer.waitForSync(signal)
    } catch {
      return
    }
    await runWorkers(queue, work, { concurrency: options.concurrency ?? 4, signal })
  }

  return {
    informer,
    queue,
    hasSynced: () => informer.hasSynced(),
    isLeader: () => leading,
    async run(signal) {
      const informerStop = new AbortController()
      const informing = informer.run(informerStop.signal)
      try {
        const election = options.leaderElection
        if (election === undefined) {
          await runWorkersUntil(signal)
        } else {
          const leaseName = election.name ?? leaseNameFor(options.name, options.labelSelector ?? '')
          const elector = createLeaderElector({
            ...election,
            name: leaseName,
            client: options.client,
            clock,
            onStartedLeading: async (leaderSignal) => {
              leading = true
              metrics?.setLeading(leaseName, true)
              withFields({ controller: options.name }).info('leading', { lease: leaseName, identity: election.identity })
              await runWorkersUntil(leaderSignal)
            },
            onStoppedLeading: () => {
              leading = false
              metrics?.setLeading(leaseName, false)
              withFields({ controller: options.name }).info('stopped leading', { lease: leaseName, identity: election.identity })
              election.onStoppedLeading?.()
            },
          })
          metrics?.setLeading(leaseName, false)
          await elector.run(signal)
        }
      } finally {
        unsubscribe?.()
        queue.shutDown()
        informerStop.abort()
        await informing
      }
    },
  }
}

function keyOf(object: KubeObject): string {
  const ns = object.metadata.namespace ?? ''
  return ns === '' ? object.metadata.name : `${ns}/${object.metadata.name}`
}

/** Flux's predicates: GenerationChanged or ReconcileRequested, plus metadata a controller acts on, and resyncs. */
function fluxPredicate(old: KubeObject, object: KubeObject): boolean {
  if (old.metadata.resourceVersion === object.metadata.resourceVersion) return true
  if (old.metadata.generation !== object.metadata.generation) return true
  const requested = (o: KubeObject): unknown => o.metadata.annotations?.[RECONCILE_REQUESTED_AT_ANNOTATION]
  if (requested(old) !== requested(object)) return true
  if (old.metadata.deletionTimestamp !== object.metadata.deletionTimestamp) return true
  const json = (v: unknown): string => JSON.stringify(v ?? null)
  return json(old.metadata.labels) !== json(object.metadata.labels) || json(old.metadata.annotations) !== json(object.metadata.annotations) || json(old.metadata.finalizers) !== json(object.metadata.finalizers)
}

function isControllerLogger(logger: Logger): logger is ControllerLogger {
  return typeof (logger as Partial<ControllerLogger>).with === 'function'
}

function prefixed(logger: Logger, fields: LogFields): Logger {
  return {
    debug: (m, f) => logger.debug(m, { ...fields, ...f }),
    info: (m, f) => logger.info(m, { ...fields, ...f }),
    warn: (m, f) => logger.warn(m, { ...fields, ...f }),
    error: (m, f) => logger.error(m, { ...fields, ...f }),
  }
}

function describe(error: unknown): unknown {
  if (error instanceof Error) return 'toJSON' in error && typeof error.toJSON === 'function' ? (error.toJSON as () => unknown)() : error.message
  return String(error)
}
