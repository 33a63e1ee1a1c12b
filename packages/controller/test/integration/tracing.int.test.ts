// OpenTelemetry spans of the GitOps controller against the embedded apiserver and git
// http-backend: a span per reconcile with its phases as children, ended, with the revision; a
// Kustomization that fails ends its span with status ERROR.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SpanStatusCode } from '@opentelemetry/api'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base'
import type { KubeObject } from '@gitops-sdk/core'
import { createGitOpsController } from '../../src/gitops.js'
import { eventually } from '../helpers/cluster.js'
import { fleetKustomization, fleetSource, startGitOps } from '../helpers/gitops.js'
import type { GitOpsFixture } from '../helpers/gitops.js'

let fixture: GitOpsFixture
let revision: string
const exporter = new InMemorySpanExporter()
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
const stop = new AbortController()
let running: Promise<unknown>

const kustomization = (name: string, path: string): KubeObject => fleetKustomization(name, 'default', { path })

beforeAll(async () => {
  fixture = await startGitOps({ prefix: 'gitops-tracing-', files: { 'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: traced\n  namespace: default\ndata:\n  a: "1"\n' } })
  revision = `main@sha1:${await fixture.repo.revParse('main')}`
  // Run here rather than through fixture.runController: the suite waits on hasSynced.
  const controller = createGitOpsController({ client: fixture.cluster.client, kubeClient: fixture.kubeClient, tracerProvider: provider, requeueDependency: 60_000 })
  running = controller.run(stop.signal)
  await eventually(() => controller.hasSynced())
})

afterAll(async () => {
  stop.abort()
  await running
  await provider.shutdown()
  await fixture.stop()
})

const roots = (kind: string, name: string): ReadableSpan[] => exporter.getFinishedSpans().filter((s) => s.name === `reconcile ${kind}` && s.attributes['gitops.object.name'] === name)
const childrenOf = (root: ReadableSpan): ReadableSpan[] => exporter.getFinishedSpans().filter((s) => s.parentSpanContext?.spanId === root.spanContext().spanId)

describe('spans of the GitOps controller', () => {
  it('traces a GitRepository fetch and a Kustomization reconcile with its phases, all ended, with the revision', async () => {
    await fixture.apply([fleetSource('default', `${fixture.git.url}/fleet`), kustomization('app', './app')])
    const root = await eventually(() => roots('Kustomization', 'app').find((s) => s.attributes['gitops.revision'] === revision), 20_000)
    expect(root.attributes).toMatchObject({ 'gitops.controller': 'kustomization', 'gitops.object.kind': 'Kustomization', 'gitops.object.namespace': 'default', 'gitops.reconcile_id': expect.any(String), 'gitops.result': 'success' })
    expect(root.status.code).toBe(SpanStatusCode.UNSET)
    const phases = childrenOf(root).map((s) => s.name)
    expect(phases).toEqual(expect.arrayContaining(['fetch', 'render', 'apply']))
    for (const child of childrenOf(root)) {
      expect(child.ended).toBe(true)
      expect(child.spanContext().traceId).toBe(root.spanContext().traceId)
    }
    const repository = await eventually(() => roots('GitRepository', 'fleet').find((s) => s.attributes['gitops.revision'] === revision))
    expect(childrenOf(repository).map((s) => s.name)).toContain('fetch')
    // No attribute carries a spec, a status or a file's content.
    expect(JSON.stringify(exporter.getFinishedSpans().map((s) => s.attributes))).not.toMatch(/ConfigMap|"a": ?"1"/)
  })

  it('ends the span of a failing Kustomization with status ERROR and the failed phase with its error', async () => {
    await fixture.apply([kustomization('broken', './missing')])
    const root = await eventually(() => roots('Kustomization', 'broken').find((s) => SpanStatusCode[s.status.code] === 'ERROR'), 20_000)
    expect(root.status.message).toMatch(/missing/)
    const failed = childrenOf(root).filter((s) => SpanStatusCode[s.status.code] === 'ERROR')
    expect(failed.map((s) => s.name)).toEqual(['render'])
    expect(failed[0]?.attributes['error.type']).toEqual(expect.any(String))
  })
})
