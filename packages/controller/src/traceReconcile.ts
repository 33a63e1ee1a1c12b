import { context, SpanStatusCode, trace } from '@opentelemetry/api'
import type { Attributes, Span, TracerProvider } from '@opentelemetry/api'
import { isGitOpsError } from '@gitops-sdk/core'

/** The instrumentation scope of every span this package starts. */
export const TRACER_NAME = '@gitops-sdk/controller'

/** Runs one phase of a reconcile (`fetch`, `render`, `apply`, …) as a child span of the reconcile's span. */
export type PhaseRunner = <T>(name: string, run: (span: Span) => Promise<T>, attributes?: Attributes) => Promise<T>

/** What a reconcile span names: the controller, the object and the run. */
export interface ReconcileSpanInit {
  /** The controller's name, such as `kustomization`. */
  readonly controller: string
  /** The object's kind, such as `Kustomization`. */
  readonly kind: string
  /** The object's namespace; empty for cluster-scoped kinds. */
  readonly namespace: string
  /** The object's name. */
  readonly name: string
  /** The run's id, also in its log lines. */
  readonly reconcileID: string
  /** Aborts when the run is stopped; a span ended by it says so. */
  readonly signal: AbortSignal
  /** Where spans go. @defaultValue the global provider of `@opentelemetry/api` (a no-op until an SDK registers one) */
  readonly tracerProvider?: TracerProvider | undefined
}

/**
 * Runs `run` inside a span `reconcile <Kind>` with the attributes `gitops.controller`,
 * `gitops.object.kind`, `gitops.object.namespace`, `gitops.object.name` and `gitops.reconcile_id`
 * (never a spec, a status or a secret value); `run` gets the span (to add `gitops.revision`, say)
 * and a {@link PhaseRunner} whose spans are its children. A span whose run throws ends with status
 * ERROR, the error's message and `error.type` (its code for a `GitOpsError`), and
 * `gitops.aborted: true` when the signal stopped it. Spans go through `@opentelemetry/api`, so
 * they cost nothing until the application installs an OpenTelemetry SDK.
 *
 * @example
 * ```ts
 * await traceReconcile({ controller: 'widgets', kind: 'Widget', namespace, name, reconcileID, signal }, async (span, phase) => {
 *   const source = await phase('fetch', () => fetchIt(signal))
 *   span.setAttribute('gitops.revision', source.revision)
 * })
 * ```
 */
export async function traceReconcile<T>(init: ReconcileSpanInit, run: (span: Span, phase: PhaseRunner) => Promise<T>): Promise<T> {
  const tracer = (init.tracerProvider ?? trace.getTracerProvider()).getTracer(TRACER_NAME)
  const attributes: Attributes = {
    'gitops.controller': init.controller,
    'gitops.object.kind': init.kind,
    'gitops.object.namespace': init.namespace,
    'gitops.object.name': init.name,
    'gitops.reconcile_id': init.reconcileID,
  }
  if (init.namespace !== '') attributes['k8s.namespace.name'] = init.namespace
  const parent = context.active()
  const span = tracer.startSpan(`reconcile ${init.kind}`, { attributes }, parent)
  // Without an SDK the span is the API's no-op one, with an invalid span context: a context
  // carrying it would tell nobody anything, so the run goes without one (every reconcile of
  // every interval paid for a context copy and its wrappers).
  if (!trace.isSpanContextValid(span.spanContext())) return ended(span, init.signal, () => run(span, (_name, step) => step(span)))
  const inSpan = trace.setSpan(parent, span)
  const phase: PhaseRunner = async (name, step, extra) => {
    // A reconcile span nobody records (no SDK installed, or not sampled) has no recorded
    // children either under parent-based sampling: the phases then run without a span and
    // context of their own, which every step of every no-change interval would otherwise pay.
    if (!span.isRecording()) return step(span)
    const child = tracer.startSpan(name, { attributes: { 'gitops.phase': name, ...extra } }, inSpan)
    return context.with(trace.setSpan(inSpan, child), () => ended(child, init.signal, () => step(child)))
  }
  return context.with(inSpan, () => ended(span, init.signal, () => run(span, phase)))
}

/**
 * Runs `run`, then ends `span`: its status left unset on success (as OpenTelemetry asks of
 * instrumentation libraries, so that a reconciler may still mark a run that ended Ready=False as
 * an error), ERROR with the error's message and type when `run` throws.
 */
async function ended<T>(span: Span, signal: AbortSignal, run: () => Promise<T>): Promise<T> {
  try {
    return await run()
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error)
    const type = isGitOpsError(error) ? error.code : error instanceof Error ? error.name : typeof error
    span.setAttribute('error.type', type)
    if (signal.aborted) span.setAttribute('gitops.aborted', true)
    // Only the name and message: they name subjects, never secret values (the project's errors
    // keep those out); the stack and `details` stay out of exported telemetry.
    span.addEvent('exception', { 'exception.type': type, 'exception.message': message })
    span.setStatus({ code: SpanStatusCode.ERROR, message })
    throw error
  } finally {
    span.end()
  }
}
