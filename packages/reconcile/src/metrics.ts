import { createServer } from 'node:http'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { ReconcilerEvent } from './reconciler.js'
import { Counter, Gauge, Histogram, Registry } from 'prom-client'

/** Prometheus metrics of a reconciler, fed by its events. */
export interface ReconcilerMetrics {
  /** The registry holding the metrics; expose it as you like, or with {@link serveMetrics}. */
  readonly registry: Registry
  /** Feeds one reconciler event into the metrics. */
  observe(event: ReconcilerEvent): void
  /** Counts one Kubernetes API request (for a KubeClient's request hook). */
  countApiRequest(request: { readonly verb: string; readonly code: number }): void
}

const CONDITIONS = ['Ready', 'Reconciling', 'Stalled'] as const
const STATUSES = ['True', 'False', 'Unknown'] as const

/**
 * Creates the metrics Flux users expect, under the `gitops_` prefix: a reconcile duration
 * histogram, a condition gauge (1 for the current status of each condition type, 0 for the
 * others, like `gotk_reconcile_condition`), a drift gauge, and a counter of API requests.
 *
 * @example
 * ```ts
 * const metrics = createReconcilerMetrics()
 * for await (const event of reconciler.events()) metrics.observe(event)
 * ```
 */
export function createReconcilerMetrics(options: { readonly registry?: Registry | undefined } = {}): ReconcilerMetrics {
  const registry = options.registry ?? new Registry()
  const duration = new Histogram({
    name: 'gitops_reconcile_duration_seconds',
    help: 'Duration of one reconcile, from fetch to the end of the health wait.',
    labelNames: ['name'],
    buckets: [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300],
    registers: [registry],
  })
  const phase = new Histogram({
    name: 'gitops_reconcile_phase_duration_seconds',
    help: 'Duration of each phase of a reconcile.',
    labelNames: ['name', 'phase'],
    buckets: [0.001, 0.01, 0.05, 0.1, 0.5, 1, 5, 30, 120],
    registers: [registry],
  })
  const condition = new Gauge({
    name: 'gitops_reconcile_condition',
    help: 'Current condition status of each reconcile (1 for the status it has, 0 otherwise).',
    labelNames: ['name', 'type', 'status'],
    registers: [registry],
  })
  const unverified = new Gauge({
    name: 'gitops_unverified_decryptions',
    help: 'SOPS-encrypted objects of the last reconcile decrypted without a MAC check (lenient decryption integrity).',
    labelNames: ['name'],
    registers: [registry],
  })
  const drift = new Gauge({
    name: 'gitops_drift_objects',
    help: 'Objects found drifted from Git and corrected in the last reconcile.',
    labelNames: ['name'],
    registers: [registry],
  })
  const alerts = new Counter({
    name: 'gitops_alerts_total',
    help: 'Alerts raised: drift, failure, recovery.',
    labelNames: ['name', 'type'],
    registers: [registry],
  })
  const requests = new Counter({
    name: 'gitops_api_requests_total',
    help: 'Kubernetes API requests made, by verb and HTTP status code.',
    labelNames: ['verb', 'code'],
    registers: [registry],
  })
  return {
    registry,
    observe(event) {
      switch (event.type) {
        case 'phase-finished':
        case 'phase-failed':
          phase.observe({ name: event.name, phase: event.phase }, event.durationMs / 1000)
          return
        case 'finished': {
          const { status } = event
          const total = Object.values(status.durations).reduce((a, b) => a + b, 0)
          duration.observe({ name: status.name }, total / 1000)
          for (const type of CONDITIONS) {
            const current = status.conditions.find((c) => c.type === type)?.status
            for (const s of STATUSES) condition.set({ name: status.name, type, status: s }, current === s ? 1 : 0)
          }
          drift.set({ name: status.name }, status.drifted.length)
          unverified.set({ name: status.name }, status.unverifiedDecryptions?.length ?? 0)
          return
        }
        case 'alert':
          alerts.inc({ name: event.alert.name, type: event.alert.type })
          return
        case 'phase-started':
        case 'skipped':
        case 'drift':
        case 'unverified-decryption':
          return
      }
    },
    countApiRequest({ verb, code }) {
      requests.inc({ verb, code: String(code) })
    },
  }
}

/**
 * Serves `registry` at `http://127.0.0.1:<port>/metrics` (port 0 picks a free one). Resolves with the
 * URL and a `close` function.
 *
 * @example
 * ```ts
 * const server = await serveMetrics(metrics.registry, { port: 9090 })
 * // … later
 * await server.close()
 * ```
 */
export async function serveMetrics(
  registry: Registry,
  options: {
    /** The port; 0 picks a free one. */
    readonly port: number
    /** The address to listen on. @defaultValue '127.0.0.1' */
    readonly host?: string | undefined
  },
): Promise<{
  /** The metrics URL, `http://<host>:<port>/metrics`. */
  readonly url: string
  /** Stops serving. */
  close(): Promise<void>
}> {
  const server: Server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end('not found\n')
      return
    }
    registry.metrics().then(
      (text) => res.writeHead(200, { 'content-type': registry.contentType }).end(text),
      (err: unknown) => res.writeHead(500).end(`${String(err)}\n`),
    )
  })
  const host = options.host ?? '127.0.0.1'
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port, host, resolve)
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://${host}:${port}/metrics`,
    close: () => new Promise<void>((resolve, reject) => server.close((err) => (err ? reject(err) : resolve()))),
  }
}
