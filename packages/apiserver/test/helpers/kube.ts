// Shared by the integration tests: a server per suite, a client-node config for it, and kubectl
// with its own kubeconfig and fresh cache directory.
import { execFile } from 'node:child_process'
import { request as httpRequest } from 'node:http'
import { request as httpsRequest } from 'node:https'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { KubeConfig, KubernetesObjectApi } from '@kubernetes/client-node'
import type { ApiServer } from '../../src/index.js'

export const kubectlBin: string = process.env.KUBECTL ?? 'kubectl'

import { hasKubectl } from '../../../../testing/kubectl.js'

export { hasKubectl }

/** A test or suite name that says why it is skipped when kubectl is absent (vitest prints the name). */
export function needsKubectl(name: string): string {
  return hasKubectl ? name : `${name} [skipped: no kubectl on PATH or in $KUBECTL]`
}

/** A client-node KubeConfig for the server. */
export function kubeConfigFor(server: ApiServer): KubeConfig {
  const kc = new KubeConfig()
  kc.loadFromOptions(server.kubeconfig())
  return kc
}

/** A client-node object API for the server. */
export function objectApi(server: ApiServer): KubernetesObjectApi {
  return KubernetesObjectApi.makeApiClient(kubeConfigFor(server))
}

/** What one kubectl run printed. */
export interface KubectlResult {
  readonly code: number
  readonly stdout: string
  readonly stderr: string
}

/** kubectl bound to one server: its own kubeconfig and cache directory, removed by `dispose`. */
export interface Kubectl {
  (args: readonly string[], input?: string, env?: Readonly<Record<string, string>>): Promise<KubectlResult>
  readonly dir: string
  dispose(): void
}

/** Makes a kubectl runner for the server. */
export function kubectlFor(server: ApiServer): Kubectl {
  const dir = mkdtempSync(join(tmpdir(), 'gitops-apiserver-kubectl-'))
  const kubeconfig = join(dir, 'kubeconfig')
  writeFileSync(kubeconfig, server.kubeconfigYaml())
  const run = (args: readonly string[], input?: string, env: Readonly<Record<string, string>> = {}): Promise<KubectlResult> =>
    new Promise((resolve) => {
      const child = execFile(
        kubectlBin,
        ['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), ...args],
        { env: { PATH: process.env.PATH ?? '', HOME: dir, ...env }, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
        (err, stdout, stderr) => resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : 1, stdout, stderr }),
      )
      child.stdin?.on('error', () => undefined) // kubectl may exit before reading its input; its exit code says why
      if (input !== undefined) child.stdin?.end(input)
      else child.stdin?.end()
    })
  return Object.assign(run, { dir, dispose: () => rmSync(dir, { recursive: true, force: true }) })
}

/** A namespace name unique to one test. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${Math.random().toString(36).slice(2, 8)}`
}

/** The Status body of a failed client-node call, with its HTTP code. */
export async function statusOf(promise: Promise<unknown>): Promise<{ code: number; body: Record<string, unknown> }> {
  try {
    await promise
  } catch (err) {
    const e = err as { code?: number; body?: unknown }
    const body = typeof e.body === 'string' ? (JSON.parse(e.body) as Record<string, unknown>) : (e.body as Record<string, unknown>)
    return { code: e.code ?? 0, body }
  }
  throw new Error('expected the call to fail')
}

/** What a raw request answered. */
export interface RawResponse {
  readonly status: number
  readonly headers: Record<string, string | string[] | undefined>
  readonly text: string
  /** The body's bytes (a protobuf answer is not text). */
  readonly bytes: Buffer
  json(): Record<string, unknown>
}

/** Raw HTTPS/HTTP requests to the server with its token, for what client-node cannot send. */
export function raw(
  server: ApiServer,
  request: { method: string; path: string; body?: string | Buffer | undefined; contentType?: string | undefined; token?: string | undefined; headers?: Record<string, string> },
): Promise<RawResponse> {
  const headers: Record<string, string> = { ...(request.headers ?? {}) }
  const token = request.token ?? server.token
  if (token !== undefined && token !== '') headers.authorization = `Bearer ${token}`
  if (request.contentType !== undefined) headers['content-type'] = request.contentType
  const url = new URL(request.path, server.url)
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest
  return new Promise((resolve, reject) => {
    const req = send(url, { method: request.method, headers, ca: server.caCertPem, agent: false }, (res) => {
      const chunks: Buffer[] = []
      res.on('data', (c: Buffer) => chunks.push(c))
      res.on('end', () => {
        const bytes = Buffer.concat(chunks)
        const text = bytes.toString('utf8')
        resolve({ status: res.statusCode ?? 0, headers: res.headers, text, bytes, json: () => JSON.parse(text) as Record<string, unknown> })
      })
    })
    req.on('error', reject)
    req.end(request.body)
  })
}

/** Waits until `check` holds, polling every 10 ms, for at most `ms`. */
export async function eventually<T>(check: () => T | undefined | Promise<T | undefined>, ms = 5_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const value = await check()
    if (value !== undefined && value !== false) return value
    if (Date.now() > end) throw new Error('condition not met in time')
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** A manifest as the tests write and read them. */
export interface Manifest {
  apiVersion: string
  kind: string
  metadata: {
    name: string
    namespace?: string | undefined
    uid?: string | undefined
    resourceVersion?: string | undefined
    generation?: number | undefined
    labels?: Record<string, string> | undefined
    finalizers?: string[] | undefined
    ownerReferences?: unknown[] | undefined
    deletionTimestamp?: string | undefined
    deletionGracePeriodSeconds?: number | undefined
    creationTimestamp?: string | undefined
    managedFields?: unknown[] | undefined
    [key: string]: unknown
  }
  [key: string]: unknown
}

/** A list answer. */
export interface ManifestList {
  kind: string
  metadata: { resourceVersion?: string; continue?: string; remainingItemCount?: number }
  items: Manifest[]
}

/** client-node's KubernetesObjectApi with plain manifest types (its own are classes). */
export interface Client {
  create(object: Manifest, options?: { dryRun?: string | undefined }): Promise<Manifest>
  read(object: Manifest): Promise<Manifest>
  replace(object: Manifest): Promise<Manifest>
  patch(object: Manifest, options?: { type?: string | undefined; dryRun?: string | undefined; fieldManager?: string | undefined; force?: boolean | undefined }): Promise<Manifest>
  delete(object: Manifest, options?: { propagationPolicy?: string | undefined; dryRun?: string | undefined }): Promise<unknown>
  list(apiVersion: string, kind: string, namespace: string, options?: { labelSelector?: string | undefined; fieldSelector?: string | undefined; limit?: number | undefined; continueToken?: string | undefined }): Promise<ManifestList>
}

/** A {@link Client} for the server. */
export function clientFor(server: ApiServer): Client {
  const api = objectApi(server)
  const plain = async (p: Promise<unknown>): Promise<Manifest> => JSON.parse(JSON.stringify(await p)) as Manifest
  return {
    create: (o, opt = {}) => plain(api.create(o as never, undefined, opt.dryRun)),
    read: (o) => plain(api.read(o as never)),
    replace: (o) => plain(api.replace(o as never)),
    patch: (o, opt = {}) => plain(api.patch(o as never, undefined, opt.dryRun, opt.fieldManager ?? 'test', opt.force, (opt.type ?? 'application/merge-patch+json') as never)),
    delete: (o, opt = {}) => api.delete(o as never, undefined, opt.dryRun, undefined, undefined, opt.propagationPolicy),
    list: async (apiVersion, kind, namespace, opt = {}) => {
      const list = await api.list(apiVersion, kind, namespace, undefined, undefined, undefined, opt.fieldSelector, opt.labelSelector, opt.limit, opt.continueToken)
      const json = JSON.parse(JSON.stringify(list)) as ManifestList & { metadata: { _continue?: string } }
      if (json.metadata._continue !== undefined) json.metadata.continue = json.metadata._continue
      return json
    },
  }
}
