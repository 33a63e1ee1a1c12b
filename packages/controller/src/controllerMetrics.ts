import { Counter, Gauge, Histogram, Registry } from 'prom-client'
import type { WorkQueueMetricsHooks } from './workQueue.js'

/** Prometheus metrics of a controller: its work queues, its leader election and its reconciles. */
export interface ControllerMetrics {
  /** The registry holding them; {@link serveOperations} exposes it on `/metrics`. */
  readonly registry: Registry
  /** Hooks for a work queue named `name`, feeding client-go's `workqueue_*` metrics. */
  queueHooks(name: string): WorkQueueMetricsHooks
  /** Sets `leader_election_master_status{name}` (1 while leading), as client-go reports it. */
  setLeading(name: string, leading: boolean): void
  /** Observes one reconcile in Flux's `gotk_reconcile_duration_seconds{kind,name,namespace}` and counts it by result. */
  observeReconcile(object: { readonly kind: string; readonly name: string; readonly namespace: string }, outcome: { readonly seconds: number; readonly controller: string; readonly result: 'success' | 'error' | 'requeue' }): void
}

/**
 * Creates the metrics Flux's dashboards and client-go's users read: `workqueue_depth`,
 * `workqueue_adds_total`, `workqueue_queue_duration_seconds`, `workqueue_work_duration_seconds`,
 * `workqueue_retries_total` (label `name`), `leader_election_master_status` (label `name`),
 * `gotk_reconcile_duration_seconds` (labels `kind`, `name`, `namespace`) and
 * `controller_runtime_reconcile_total` (labels `controller`, `result`).
 *
 * @example
 * ```ts
 * const metrics = createControllerMetrics()
 * const queue = createWorkQueue({ metrics: metrics.queueHooks('widgets') })
 * ```
 */
export function createControllerMetrics(options: { readonly registry?: Registry | undefined } = {}): ControllerMetrics {
  const registry = options.registry ?? new Registry()
  const registers = [registry]
  const depth = new Gauge({ name: 'workqueue_depth', help: 'Current depth of workqueue', labelNames: ['name'], registers })
  const adds = new Counter({ name: 'workqueue_adds_total', help: 'Total number of adds handled by workqueue', labelNames: ['name'], registers })
  const queued = new Histogram({
    name: 'workqueue_queue_duration_seconds',
    help: 'How long in seconds an item stays in workqueue before being requested',
    labelNames: ['name'],
    buckets: [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 0.01, 0.1, 1, 10, 100, 1000],
    registers,
  })
  const work = new Histogram({
    name: 'workqueue_work_duration_seconds',
    help: 'How long in seconds processing an item from workqueue takes',
    labelNames: ['name'],
    buckets: [1e-8, 1e-7, 1e-6, 1e-5, 1e-4, 1e-3, 0.01, 0.1, 1, 10, 100, 1000],
    registers,
  })
  const retries = new Counter({ name: 'workqueue_retries_total', help: 'Total number of retries handled by workqueue', labelNames: ['name'], registers })
  const leader = new Gauge({ name: 'leader_election_master_status', help: 'Gauge of if the reporting system is master of the relevant lease, 0 indicates backup, 1 indicates master', labelNames: ['name'], registers })
  const reconcile = new Histogram({
    name: 'gotk_reconcile_duration_seconds',
    help: 'The duration in seconds of a GitOps Toolkit resource reconciliation.',
    labelNames: ['kind', 'name', 'namespace'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers,
  })
  const total = new Counter({ name: 'controller_runtime_reconcile_total', help: 'Total number of reconciliations per controller', labelNames: ['controller', 'result'], registers })
  return {
    registry,
    queueHooks(name) {
      return {
        add: () => adds.inc({ name }),
        depth: (d) => depth.set({ name }, d),
        latency: (ms) => queued.observe({ name }, ms / 1000),
        workDuration: (ms) => work.observe({ name }, ms / 1000),
        retry: () => retries.inc({ name }),
      }
    },
    setLeading: (name, leading) => leader.set({ name }, leading ? 1 : 0),
    observeReconcile(object, outcome) {
      reconcile.observe({ kind: object.kind, name: object.name, namespace: object.namespace }, outcome.seconds)
      total.inc({ controller: outcome.controller, result: outcome.result })
    },
  }
}
