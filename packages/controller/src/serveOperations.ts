import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Registry } from 'prom-client'
import { ControllerError } from './errors.js'

/** A named health or readiness check: resolves true when healthy. */
export type HealthCheck = () => boolean | Promise<boolean>

/** Options of {@link serveOperations}. */
export interface OperationsOptions {
  /** `host:port` to listen on; port 0 picks a free one (Flux: `:9440` for probes, `:8080` for metrics). @defaultValue '127.0.0.1:0' */
  readonly address?: string | undefined
  /** Checks behind `/healthz`, by name. */
  readonly healthz?: Readonly<Record<string, HealthCheck>> | undefined
  /** Checks behind `/readyz`, by name (informers synced, for example). */
  readonly readyz?: Readonly<Record<string, HealthCheck>> | undefined
  /** The registry `/metrics` serves in Prometheus text format. */
  readonly registry?: Registry | undefined
  /** How long one check may take before it counts as failed, in ms. @defaultValue 5,000 */
  readonly checkTimeout?: number | undefined
  /** Stops the server when aborted. */
  readonly signal?: AbortSignal | undefined
}

/** A running operations endpoint. */
export interface OperationsServer {
  /** `http://host:port`. */
  readonly url: string
  /** Stops listening and closes open connections. */
  close(): Promise<void>
}

/**
 * Serves `/healthz`, `/readyz` (200 `ok` when every check passes, 500 listing the failed ones, as
 * controller-runtime's probes answer; `?verbose` lists each) and `/metrics` (Prometheus text).
 *
 * @throws `CONTROLLER_LISTEN_FAILED` when the address cannot be bound; a `TypeError` for a malformed address.
 * @example
 * ```ts
 * const ops = await serveOperations({ address: '0.0.0.0:9440', registry: metrics.registry, readyz: { informers: () => informer.hasSynced() } })
 * ```
 */
export async function serveOperations(options: OperationsOptions = {}): Promise<OperationsServer> {
  const address = options.address ?? '127.0.0.1:0'
  const match = /^(.*):([0-9]{1,5})$/.exec(address)
  if (match === null || Number(match[2]) > 65535) throw new TypeError(`serveOperations: address "${address}" is not host:port`)
  const host = (match[1] ?? '').replace(/^\[(.*)\]$/, '$1') || '0.0.0.0'
  const port = Number(match[2])
  const timeout = options.checkTimeout ?? 5_000
  options.signal?.throwIfAborted()
  const run = async (checks: Readonly<Record<string, HealthCheck>>): Promise<{ ok: boolean; lines: string[] }> => {
    const lines: string[] = []
    let ok = true
    for (const [name, check] of Object.entries(checks)) {
      let passed: boolean
      let timer: NodeJS.Timeout | undefined
      try {
        passed = await Promise.race([Promise.resolve().then(check), new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), timeout)))])
      } catch {
        passed = false
      } finally {
        clearTimeout(timer)
      }
      ok &&= passed
      lines.push(`[${passed ? '+' : '-'}]${name} ${passed ? 'ok' : 'failed'}`)
    }
    return { ok, lines }
  }
  const server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://localhost')
    const send = (status: number, body: string, type = 'text/plain; charset=utf-8'): void => {
      response.writeHead(status, { 'Content-Type': type, 'X-Content-Type-Options': 'nosniff' })
      response.end(body)
    }
    if (request.method !== 'GET' && request.method !== 'HEAD') {
      send(405, 'method not allowed\n')
      return
    }
    const probe = url.pathname === '/healthz' ? options.healthz : url.pathname === '/readyz' ? options.readyz : undefined
    if (url.pathname === '/healthz' || url.pathname === '/readyz') {
      void run(probe ?? {}).then(({ ok, lines }) => {
        const verbose = url.searchParams.has('verbose') || !ok
        send(ok ? 200 : 500, verbose ? `${lines.join('\n')}\n${url.pathname.slice(1)} check ${ok ? 'passed' : 'failed'}\n` : 'ok')
      })
      return
    }
    if (url.pathname === '/metrics' && options.registry !== undefined) {
      const registry = options.registry
      registry.metrics().then(
        (text) => send(200, text, registry.contentType),
        () => send(500, 'metrics unavailable\n'),
      )
      return
    }
    send(404, 'not found\n')
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', (cause) =>
      reject(new ControllerError({ code: 'CONTROLLER_LISTEN_FAILED', message: `${address}: cannot listen (${cause.message})`, details: { address }, cause })),
    )
    server.listen(port, host, () => resolve())
  })
  const bound = server.address() as AddressInfo
  const shownHost = bound.family === 'IPv6' ? `[${bound.address}]` : bound.address
  const close = (): Promise<void> =>
    new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    })
  options.signal?.addEventListener('abort', () => void close(), { once: true })
  return { url: `http://${shownHost}:${bound.port}`, close }
}
