import type { Server } from 'node:http'
import type { Http2SecureServer, Http2Session } from 'node:http2'
import type { Socket } from 'node:net'
import type { KubeObject, KubeValue, ObjectRef } from '@gitops-sdk/core'
import { formatRef, stringifyValue } from '@gitops-sdk/core'
import { ApiServerFaults } from './apiServerFaults.js'
import { ApiServerError } from './errors.js'
import { markObjectReady } from './internal/controllers/background.js'
import type { Cluster } from './internal/state/cluster.js'
import type { HandlerContext } from './internal/http/handlerContext.js'
import { finalizersOf } from './internal/state/objects.js'
import type { ResourceType } from './internal/state/registry.js'
import { StatusError } from './status.js'
import { internalRequest } from './internal/verbs/writes.js'
import { replaceObject, writeStatus } from './internal/verbs/replaceObject.js'
import type { FinalizeOptions, Interceptor, KubeconfigOptions, RecordedRequest, SetStatusOptions, Snapshot } from './types.js'
import { cloneJson } from './ssa/deepJson.js'

/** What {@link ApiServer} is made from; built by {@link startApiServer}. */
export interface ApiServerParts {
  readonly server: Server | Http2SecureServer
  /** The HTTP/2 sessions and HTTP/1.1 sockets of a TLS server (an HTTP server closes its own). */
  readonly connections: { readonly sessions: Set<Http2Session>; readonly sockets: Set<Socket> }
  readonly cluster: Cluster
  readonly handler: HandlerContext
  readonly url: string
  readonly token: string | undefined
  readonly caCertPem: string | undefined
  readonly reseed: () => void
}

/**
 * A running in-memory Kubernetes API server on loopback. Made by {@link startApiServer}; it holds a
 * listening socket, so call {@link ApiServer.stop} when done. The test helpers write through the same
 * pipeline as HTTP requests, so managedFields, watches and resourceVersions behave as in a cluster.
 */
export class ApiServer {
  /** Base URL, e.g. `https://127.0.0.1:41234`. */
  readonly url: string
  /** The port listened on. */
  readonly port: number
  /** The bearer token clients must send, or undefined when authentication is off. */
  readonly token: string | undefined
  /** PEM of the CA that signed the serving certificate, or undefined for plain HTTP. */
  readonly caCertPem: string | undefined
  /** Faults on demand: freeze, latency, 429, 500, 409 storms, dropped connections, cut watches, compaction. */
  readonly faults: ApiServerFaults
  readonly #parts: ApiServerParts
  #stopped: Promise<void> | undefined

  /** @internal Use {@link startApiServer}. */
  constructor(parts: ApiServerParts) {
    this.#parts = parts
    this.url = parts.url
    this.port = Number(new URL(parts.url).port)
    this.token = parts.token
    this.caCertPem = parts.caCertPem
    this.faults = new ApiServerFaults({ state: parts.handler.faults, watches: parts.handler.watches, store: () => parts.cluster.store })
  }

  /**
   * A kubeconfig for `KubeConfig.loadFromOptions` of `@kubernetes/client-node`: CA data and the
   * token over HTTPS; over plain HTTP `skipTLSVerify` is set, which client-node 1.x requires.
   */
  kubeconfig(): KubeconfigOptions {
    const cluster = { name: 'gitops-sdk-apiserver', server: this.url, skipTLSVerify: this.caCertPem === undefined, ...(this.caCertPem === undefined ? {} : { caData: Buffer.from(this.caCertPem).toString('base64') }) }
    return {
      clusters: [cluster],
      users: [{ name: 'gitops-sdk-apiserver', ...(this.token === undefined ? {} : { token: this.token }) }],
      contexts: [{ name: 'gitops-sdk-apiserver', cluster: 'gitops-sdk-apiserver', user: 'gitops-sdk-apiserver', namespace: 'default' }],
      currentContext: 'gitops-sdk-apiserver',
    }
  }

  /** The same kubeconfig as YAML, for `kubectl --kubeconfig`. */
  kubeconfigYaml(): string {
    const clusterEntry: Record<string, KubeValue> = { server: this.url }
    if (this.caCertPem === undefined) clusterEntry['insecure-skip-tls-verify'] = true
    else clusterEntry['certificate-authority-data'] = Buffer.from(this.caCertPem).toString('base64')
    const user: Record<string, KubeValue> = this.token === undefined ? {} : { token: this.token }
    return stringifyValue({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [{ name: 'gitops-sdk-apiserver', cluster: clusterEntry }],
      users: [{ name: 'gitops-sdk-apiserver', user }],
      contexts: [{ name: 'gitops-sdk-apiserver', context: { cluster: 'gitops-sdk-apiserver', user: 'gitops-sdk-apiserver', namespace: 'default' } }],
      'current-context': 'gitops-sdk-apiserver',
      preferences: {},
    })
  }

  /** Ends every watch, closes every connection and frees the port. Safe to call twice. */
  stop(): Promise<void> {
    this.#stopped ??= new Promise<void>((resolve) => {
      const { server, cluster, handler } = this.#parts
      cluster.stop()
      handler.stopping.abort()
      for (const watch of [...handler.watches]) watch.close()
      server.close(() => resolve())
      if ('closeAllConnections' in server) server.closeAllConnections()
      const { sessions, sockets } = this.#parts.connections
      // HTTP/2: a GOAWAY tells each client that no new stream will be served, then the session
      // ends; its streams in flight are reset, as HTTP/1.1's connections are closed under them.
      for (const session of sessions) {
        session.close()
        setImmediate(() => session.destroy())
      }
      for (const socket of sockets) socket.destroy()
      handler.faults.clear()
    })
    return this.#stopped
  }

  #type(ref: ObjectRef): ResourceType {
    for (const type of this.#parts.cluster.types.values()) if (type.group === ref.group && type.kind === ref.kind) return type
    throw new ApiServerError({ code: 'APISERVER_UNKNOWN_KIND', message: `${formatRef(ref)}: the server serves no kind ${ref.kind} in group "${ref.group}"`, details: { ref } })
  }

  #live(ref: ObjectRef): [ResourceType, KubeObject] {
    const type = this.#type(ref)
    const object = this.#parts.cluster.store.get(type, type.namespaced ? ref.namespace : '', ref.name)
    if (object === undefined) throw new ApiServerError({ code: 'APISERVER_NOT_FOUND', message: `${formatRef(ref)}: not found`, details: { ref } })
    return [type, object]
  }

  #write(ref: ObjectRef, write: () => KubeObject): KubeObject {
    if (this.#stopped !== undefined) throw new ApiServerError({ code: 'APISERVER_STOPPED', message: `${formatRef(ref)}: the server is stopped` })
    try {
      return write()
    } catch (err) {
      if (err instanceof StatusError) {
        throw new ApiServerError({ code: 'APISERVER_WRITE_REJECTED', message: `${formatRef(ref)}: ${err.message}`, details: { status: err.body() }, cause: err })
      }
      throw err
    }
  }

  /** The stored object, or undefined. @throws APISERVER_UNKNOWN_KIND */
  get(ref: ObjectRef): KubeObject | undefined {
    const type = this.#type(ref)
    return this.#parts.cluster.store.get(type, type.namespaced ? ref.namespace : '', ref.name)
  }

  /**
   * Replaces an object's `status` with an Update of its `/status` subresource, as a controller would.
   *
   * @throws APISERVER_NOT_FOUND, APISERVER_UNKNOWN_KIND, APISERVER_WRITE_REJECTED
   * @example
   * ```ts
   * server.setStatus({ group: 'apps', kind: 'Deployment', namespace: 'default', name: 'web' }, { observedGeneration: 1 })
   * ```
   */
  setStatus(ref: ObjectRef, status: KubeValue, options: SetStatusOptions = {}): KubeObject {
    const [type, live] = this.#live(ref)
    return this.#write(ref, () => writeStatus(this.#parts.cluster, type, { live, status, manager: options.manager ?? 'kube-controller-manager' }))
  }

  /**
   * Writes the status a healthy cluster converges to (observedGeneration, replicas, conditions) for a
   * Deployment, StatefulSet, DaemonSet, ReplicaSet, Job, Pod, PVC or LoadBalancer Service.
   *
   * @throws APISERVER_NOT_FOUND, APISERVER_UNKNOWN_KIND, APISERVER_WRITE_REJECTED
   * @example
   * ```ts
   * server.markReady({ group: 'apps', kind: 'Deployment', namespace: 'default', name: 'web' })
   * ```
   */
  markReady(ref: ObjectRef): KubeObject {
    const [type, live] = this.#live(ref)
    return this.#write(ref, () => markObjectReady(this.#parts.cluster, type, live))
  }

  /**
   * Removes one finalizer as its controller would; an object being deleted then goes away when it was
   * the last one. Answers the last state.
   *
   * @throws APISERVER_NOT_FOUND, APISERVER_UNKNOWN_KIND, APISERVER_WRITE_REJECTED
   * @example
   * ```ts
   * server.finalize({ group: '', kind: 'ConfigMap', namespace: 'default', name: 'app' }, 'example.com/cleanup')
   * ```
   */
  finalize(ref: ObjectRef, finalizer: string, options: FinalizeOptions = {}): KubeObject {
    const [type, live] = this.#live(ref)
    return this.#write(ref, () => {
      const next = cloneJson(live)
      const rest = finalizersOf(next).filter((f) => f !== finalizer)
      if (rest.length === 0) delete next.metadata.finalizers
      else next.metadata.finalizers = rest
      const answer = replaceObject(this.#parts.cluster, type, {
        live,
        incoming: next,
        request: internalRequest(options.manager ?? 'kube-controller-manager'),
        options: { requireResourceVersion: false },
      })
      return answer.body as KubeObject
    })
  }

  /**
   * Adds a per-request hook for fault injection; returns the function that removes it.
   *
   * @example
   * ```ts
   * const undo = server.intercept((r) => (r.verb === 'patch' ? { status: 429 } : undefined))
   * ```
   */
  intercept(hook: Interceptor): () => void {
    const list = this.#parts.handler.interceptors
    list.push(hook)
    return () => {
      const i = list.indexOf(hook)
      if (i >= 0) list.splice(i, 1)
    }
  }

  /** Every request received so far, oldest first. */
  requests(): readonly RecordedRequest[] {
    return [...this.#parts.handler.log]
  }

  /** Every stored object, sorted by group, resource, namespace and name. */
  snapshot(): Snapshot {
    const entries = [...this.#parts.cluster.store.entries()]
    const key = (k: string, o: KubeObject): string => `${k}\u0000${o.metadata.namespace ?? ''}\u0000${o.metadata.name}`
    entries.sort((a, b) => (key(...a) < key(...b) ? -1 : 1))
    return entries.map(([, o]) => cloneJson(o))
  }

  /** Back to the seeded state: the four namespaces, no CRDs, no hooks, an empty request log; open watches end. */
  reset(): void {
    const { cluster, handler, reseed } = this.#parts
    for (const watch of [...handler.watches]) watch.close()
    handler.interceptors.length = 0
    handler.faults.clear()
    handler.log.length = 0
    cluster.resetState()
    reseed()
  }
}
