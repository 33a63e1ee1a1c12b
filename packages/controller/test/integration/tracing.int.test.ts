// OpenTelemetry spans of the GitOps controller against the embedded apiserver and git
// http-backend: a span per reconcile with its phases as children, ended, with the revision; a
// Kustomization that fails ends its span with status ERROR.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SpanStatusCode } from '@opentelemetry/api'
import { BasicTracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base'
import type { ReadableSpan } from '@opentelemetry/sdk-trace-base'
import { applyAll, createKubeClient } from '@gitops-sdk/apply'
import type { KubeClient } from '@gitops-sdk/apply'
import type { KubeObject } from '@gitops-sdk/core'
import { fluxCrds } from '@gitops-sdk/flux'
import { createRepository, startGitServer } from '@gitops-sdk/git-source/testing'
import type { GitServer } from '@gitops-sdk/git-source/testing'
import { createGitOpsController } from '../../src/gitops.js'
import { eventually, startCluster } from '../helpers/cluster.js'
import type { TestCluster } from '../helpers/cluster.js'

let dir: string
let cluster: TestCluster
let git: GitServer
let kubeClient: KubeClient
let revision: string
const exporter = new InMemorySpanExporter()
const provider = new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] })
const stop = new AbortController()
let running: Promise<unknown>

const kustomization = (name: string, path: string): KubeObject => ({
  apiVersion: 'kustomize.toolkit.fluxcd.io/v1',
  kind: 'Kustomization',
  metadata: { name, namespace: 'default' },
  spec: { interval: '10m', path, prune: true, sourceRef: { kind: 'GitRepository', name: 'fleet' } },
})

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gitops-tracing-'))
  const repo = await createRepository(join(dir, 'repos'), { name: 'fleet' })
  const commit = await repo.commit({ 'app/cm.yaml': 'apiVersion: v1\nkind: ConfigMap\nmetadata:\n  name: traced\n  namespace: default\ndata:\n  a: "1"\n' })
  revision = `main@sha1:${commit}`
  git = await startGitServer({ root: join(dir, 'repos') })
  cluster = await startCluster()
  kubeClient = await createKubeClient({ kubeConfig: cluster.kubeConfig })
  await applyAll([...fluxCrds()], { client: kubeClient, fieldManager: 'test' })
  const controller = createGitOpsController({ client: cluster.client, kubeClient, tracerProvider: provider, requeueDependency: 60_000 })
  running = controller.run(stop.signal)
  await eventually(() => controller.hasSynced())
})

afterAll(async () => {
  stop.abort()
  await running
  await provider.shutdown()
  await git.stop()
  await cluster.stop()
  rmSync(dir, { recursive: true, force: true })
})

const roots = (kind: string, name: string): ReadableSpan[] => exporter.getFinishedSpans().filter((s) => s.name === `reconcile ${kind}` && s.attributes['gitops.object.name'] === name)
const childrenOf = (root: ReadableSpan): ReadableSpan[] => exporter.getFinishedSpans().filter((s) => s.parentSpanContext?.spanId === root.spanContext().spanId)

describe('spans of the GitOps controller', () => {
  it('traces a GitRepository fetch and a Kustomization reconcile with its phases, all ended, with the revision', async () => {
    const source = { apiVersion: 'source.toolkit.fluxcd.io/v1', kind: 'GitRepository', metadata: { name: 'fleet', namespace: 'default' }, spec: { interval: '10m', url: `${git.url}/fleet`, ref: { branch: 'main' } } }
    await applyAll([source, kustomization('app', './app')], { client: kubeClient, fieldManager: 'test' })
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
    await applyAll([kustomization('broken', './missing')], { client: kubeClient, fieldManager: 'test' })
    const root = await eventually(() => roots('Kustomization', 'broken').find((s) => SpanStatusCode[s.status.code] === 'ERROR'), 20_000)
    expect(root.status.message).toMatch(/missing/)
    const failed = childrenOf(root).filter((s) => SpanStatusCode[s.status.code] === 'ERROR')
    expect(failed.map((s) => s.name)).toEqual(['render'])
    expect(failed[0]?.attributes['error.type']).toEqual(expect.any(String))
  })
})
