import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest'
import { AsyncLocalStorage } from 'node:async_hooks'
import { context, ROOT_CONTEXT, SpanStatusCode, trace } from '@opentelemetry/api'
import type { Context, ContextManager } from '@opentelemetry/api'
import { AlwaysOffSampler, BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base'
import { ControllerError } from './errors.js'
import { TRACER_NAME, traceReconcile } from './traceReconcile.js'

const exporter = new InMemorySpanExporter()
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })

/** What an SDK's AsyncLocalStorage context manager does, so that the active span follows awaits. */
function asyncContextManager(): ContextManager {
  const storage = new AsyncLocalStorage<Context>()
  const manager: ContextManager = {
    active: () => storage.getStore() ?? ROOT_CONTEXT,
    with: (ctx, fn, thisArg, ...args) => storage.run(ctx, () => fn.call(thisArg, ...args)),
    bind: (_ctx, target) => target,
    enable: () => manager,
    disable: () => manager,
  }
  return manager
}

beforeAll(() => {
  // As an application installs an SDK: the global provider and context manager of @opentelemetry/api.
  trace.setGlobalTracerProvider(provider)
  context.setGlobalContextManager(asyncContextManager())
})
afterAll(async () => {
  trace.disable()
  context.disable()
  await provider.shutdown()
})
beforeEach(() => exporter.reset())

const init = (signal = new AbortController().signal) => ({ controller: 'widgets', kind: 'Widget', namespace: 'apps', name: 'web', reconcileID: 'r-1', signal })
const byName = (name: string): ReadableSpan => {
  const found = exporter.getFinishedSpans().find((s) => s.name === name)
  if (found === undefined) throw new Error(`no span ${name} among ${exporter.getFinishedSpans().map((s) => s.name).join(', ')}`)
  return found
}

describe('traceReconcile', () => {
  it('makes one ended span per reconcile with the object and the run, and one ended child per phase', async () => {
    const result = await traceReconcile(init(), async (span, phase) => {
      const revision = await phase('fetch', async () => 'main@sha1:abc')
      span.setAttribute('gitops.revision', revision)
      await phase('apply', async (child) => {
        child.setAttribute('gitops.objects', 3)
        // A span the reconcile starts itself nests too, through the active context.
        trace.getTracer('user').startActiveSpan('user work', (inner) => inner.end())
      })
      return 'done'
    })
    expect(result).toBe('done')
    const root = byName('reconcile Widget')
    expect(root.instrumentationScope.name).toBe(TRACER_NAME)
    expect(root.attributes).toEqual({
      'gitops.controller': 'widgets',
      'gitops.object.kind': 'Widget',
      'gitops.object.namespace': 'apps',
      'gitops.object.name': 'web',
      'gitops.reconcile_id': 'r-1',
      'k8s.namespace.name': 'apps',
      'gitops.revision': 'main@sha1:abc',
    })
    expect(root.status.code).toBe(SpanStatusCode.UNSET)
    expect(root.parentSpanContext).toBeUndefined()
    for (const name of ['fetch', 'apply']) {
      const child = byName(name)
      expect(child.parentSpanContext?.spanId).toBe(root.spanContext().spanId)
      expect(child.spanContext().traceId).toBe(root.spanContext().traceId)
      expect(child.attributes['gitops.phase']).toBe(name)
      expect(child.ended).toBe(true)
    }
    expect(byName('user work').parentSpanContext?.spanId).toBe(byName('apply').spanContext().spanId)
    expect(exporter.getFinishedSpans().every((s) => s.ended)).toBe(true)
  })

  it('ends a failed phase and its reconcile with status ERROR, the message and the error code, never details', async () => {
    const failure = new ControllerError({ code: 'CONTROLLER_API_ERROR', message: 'ConfigMap/apps/web: refused', details: { token: 'hunter2' } })
    await expect(
      traceReconcile(init(), async (_span, phase) => {
        await phase('fetch', async () => undefined)
        await phase('apply', async () => {
          throw failure
        })
      }),
    ).rejects.toBe(failure)
    for (const name of ['apply', 'reconcile Widget']) {
      const span = byName(name)
      expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'ConfigMap/apps/web: refused' })
      expect(span.attributes['error.type']).toBe('CONTROLLER_API_ERROR')
      expect(span.attributes['gitops.aborted']).toBeUndefined()
      expect(span.events.map((e) => e.name)).toEqual(['exception'])
      expect(JSON.stringify([span.attributes, span.events])).not.toContain('hunter2')
    }
    expect(byName('fetch').status.code).toBe(SpanStatusCode.UNSET)
    expect(exporter.getFinishedSpans()).toHaveLength(3)
  })

  it('ends the spans of an aborted reconcile, marked aborted', async () => {
    const stop = new AbortController()
    const running = traceReconcile(init(stop.signal), async (_span, phase) =>
      phase('render', () => new Promise((_, fail) => stop.signal.addEventListener('abort', () => fail(stop.signal.reason as Error), { once: true }))),
    )
    stop.abort(new Error('stopped'))
    await expect(running).rejects.toThrow('stopped')
    for (const name of ['render', 'reconcile Widget']) {
      const span = byName(name)
      expect(span.ended).toBe(true)
      expect(span.attributes['gitops.aborted']).toBe(true)
      expect(span.status.code).toBe(SpanStatusCode.ERROR)
    }
  })

  it('takes an injected provider, and leaves out the namespace attribute for a cluster-scoped object', async () => {
    const own = new InMemorySpanExporter()
    const injected = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(own)] })
    await traceReconcile({ ...init(), namespace: '', tracerProvider: injected }, async () => undefined)
    expect(exporter.getFinishedSpans()).toEqual([])
    expect(own.getFinishedSpans().map((s) => [s.name, s.attributes['k8s.namespace.name'], s.attributes['gitops.object.namespace']])).toEqual([['reconcile Widget', undefined, '']])
    await injected.shutdown()
  })

  it('runs the phases of a reconcile nobody records without spans of their own, with their results and errors', async () => {
    const own = new InMemorySpanExporter()
    const sampledOut = new BasicTracerProvider({ sampler: new AlwaysOffSampler(), spanProcessors: [new SimpleSpanProcessor(own)] })
    const seen: boolean[] = []
    const result = await traceReconcile({ ...init(), tracerProvider: sampledOut }, async (span, phase) => {
      const fetched = await phase('fetch', async (child) => {
        seen.push(child.isRecording(), trace.getSpan(context.active()) === span)
        return 'rev'
      })
      await expect(phase('apply', () => Promise.reject(new ControllerError({ code: 'CONTROLLER_CONFLICT', message: 'x: conflict' })))).rejects.toMatchObject({ code: 'CONTROLLER_CONFLICT' })
      return fetched
    })
    expect(result).toBe('rev')
    // The phase ran in the reconcile's (non-recording) context: no span was started for it.
    expect(seen).toEqual([false, true])
    expect(own.getFinishedSpans()).toEqual([])
    await sampledOut.shutdown()
  })
})
