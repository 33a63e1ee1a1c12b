import { delimiter, dirname } from 'node:path'
import { formatRef, isKubeMap } from '@gitops-sdk/core'
import type * as ClientNode from '@kubernetes/client-node'
import type { KubeObject } from '@gitops-sdk/core'
import { ApplyError } from './errors.js'
import { errorFromStatus, parseStatus, unreachable } from './internal/apiErrors.js'
import { Discovery } from './internal/discovery.js'
import { isSecretKind, secretMask } from './internal/secretErrors.js'
import type { SecretMask } from './internal/secretErrors.js'
import { toJson } from './internal/json.js'
import { sleep } from './internal/sleep.js'
import type { RawRequest, RawResponse, Transport } from './internal/transport.js'
import { createTransport, poolStyleOf } from './internal/transport.js'
import type {
  ApiRequestEvent,
  ApiResource,
  CreateRequestOptions,
  JsonPatchOperation,
  JsonPatchRequestOptions,
  DeleteRequestOptions,
  KindTarget,
  KubeClient,
  ListQuery,
  ObjectList,
  ObjectTarget,
  RequestOptions,
  ServerSideApplyOptions,
} from './kubeClient.js'

/** Whom every request acts as, through the `Impersonate-User` header. */
export type Impersonation =
  | { readonly serviceAccount: { readonly namespace: string; readonly name: string } }
  | { readonly user: string }

/** Options of {@link createKubeClient}. Give `kubeconfig` or `kubeconfigYaml`. */
export interface KubeClientOptions {
  /** Path of the kubeconfig file; several paths joined by the OS path delimiter are merged like kubectl does. */
  readonly kubeconfig?: string | undefined
  /** The kubeconfig's content, when the caller already has it. */
  readonly kubeconfigYaml?: string | undefined
  /** Context to use. @defaultValue the kubeconfig's current context */
  readonly context?: string | undefined
  /** Act as this service account or user on every request (multi-tenancy, like Flux's `serviceAccountName`). */
  readonly impersonate?: Impersonation | undefined
  /** Called once per API request with its verb and status code (for metrics). */
  readonly onRequest?: ((request: ApiRequestEvent) => void) | undefined
  /** Connections kept open to the server. @defaultValue 16 */
  readonly maxConnections?: number | undefined
  /** Retries of a request answered 429, 503 or 504 (honouring `Retry-After`, at most 10 s each). @defaultValue 3 */
  readonly retries?: number | undefined
  /**
   * How long one request may take, from sending it to the end of the answer, in ms; a request
   * still running then is aborted (its connection closed) and fails with `APPLY_REQUEST_TIMEOUT`.
   * Each retry gets its own deadline. `0` turns the deadline off (the caller's `signal` still
   * bounds everything).
   * @defaultValue 30,000
   */
  readonly requestTimeout?: number | undefined
  readonly signal?: AbortSignal | undefined
}

/**
 * Creates a {@link KubeClient} for a kubeconfig over `@kubernetes/client-node`: the only function
 * of the SDK that reads a kubeconfig, and only the one it is given (never `KUBECONFIG` or
 * `~/.kube`). Connections are kept alive and shared; discovery is cached per client.
 *
 * Every request is bounded by `requestTimeout` (30 s by default) and by the `signal` of the call
 * that makes it: aborting the signal closes the request's connection at once.
 *
 * Works with `@kubernetes/client-node` 1.x and 2.x (2.x itself needs Node >= 22).
 *
 * @throws `APPLY_KUBECONFIG_INVALID` when the kubeconfig cannot be read or parsed, or names no such
 * context or cluster; `APPLY_CLIENT_UNSUPPORTED` when the installed `@kubernetes/client-node`
 * cannot be loaded on this Node or is a major the SDK does not know.
 * @example
 * ```ts
 * const client = await createKubeClient({ kubeconfig: '/home/me/.kube/config', context: 'prod' })
 * const live = await client.get({ group: 'apps', kind: 'Deployment', namespace: 'web', name: 'web' })
 * ```
 */
export async function createKubeClient(options: KubeClientOptions): Promise<KubeClient> {
  checkClientOptions(options)
  options.signal?.throwIfAborted()
  let mod: typeof ClientNode
  try {
    mod = await import('@kubernetes/client-node')
  } catch (cause) {
    // client-node 2.x needs Node >= 22 (through undici 8) and fails while loading on older ones.
    const why = cause instanceof Error ? (cause.message.split('\n')[0] ?? cause.message) : String(cause)
    throw new ApplyError({
      code: 'APPLY_CLIENT_UNSUPPORTED',
      message: `@kubernetes/client-node: cannot be loaded on Node ${process.version} (${why}); install a version this Node runs (1.x runs on Node 20)`,
      details: { node: process.version },
      cause,
    })
  }
  return createKubeClientWith(mod, options)
}

function checkClientOptions(options: KubeClientOptions): void {
  if (typeof options !== 'object') throw new TypeError('createKubeClient: options are required')
  const { kubeconfig, kubeconfigYaml } = options
  if ((kubeconfig === undefined || kubeconfig === '') && kubeconfigYaml === undefined) {
    throw new TypeError('createKubeClient: give kubeconfig (a path) or kubeconfigYaml (its content)')
  }
  if (options.requestTimeout !== undefined && (!Number.isFinite(options.requestTimeout) || options.requestTimeout < 0)) {
    throw new TypeError('createKubeClient: requestTimeout must be a number of milliseconds, 0 or more')
  }
}

/**
 * {@link createKubeClient} over a given `@kubernetes/client-node` module: the tests run the same
 * transport over client-node 1.x and 2.x through it. Not exported from the package.
 */
export async function createKubeClientWith(mod: typeof ClientNode, options: KubeClientOptions): Promise<KubeClient> {
  checkClientOptions(options)
  const { kubeconfig, kubeconfigYaml, signal } = options
  signal?.throwIfAborted()
  const style = poolStyleOf(mod)
  if (style !== 'agent' && style !== 'dispatcher') {
    throw new ApplyError({
      code: 'APPLY_CLIENT_UNSUPPORTED',
      message: `@kubernetes/client-node: this version cannot be used (${style}); the SDK works with 1.x and 2.x`,
      details: { reason: style },
    })
  }
  const source = kubeconfigYaml === undefined ? (kubeconfig ?? '') : 'kubeconfig'
  const invalid = (why: string, cause?: unknown): ApplyError =>
    new ApplyError({ code: 'APPLY_KUBECONFIG_INVALID', message: `${source}: ${why}`, details: { source }, cause })
  const kc = new mod.KubeConfig()
  try {
    if (kubeconfigYaml !== undefined) kc.loadFromString(kubeconfigYaml)
    else loadFiles(mod, kc, (kubeconfig ?? '').split(delimiter).filter((p) => p !== ''))
  } catch (cause) {
    throw invalid(`cannot load the kubeconfig (${cause instanceof Error ? cause.message.split('\n')[0] : String(cause)})`, cause)
  }
  if (options.context !== undefined && options.context !== '') {
    if (kc.getContextObject(options.context) === null) throw invalid(`no context named "${options.context}"`)
    kc.setCurrentContext(options.context)
  }
  const context = kc.getContextObject(kc.getCurrentContext())
  if (context === null) throw invalid('no current context; pass one with context')
  if (kc.getCluster(context.cluster) === null) throw invalid(`context "${context.name}" names cluster "${context.cluster}", which is not defined`)
  let transport: Transport
  try {
    transport = await createTransport(mod, kc, { headers: impersonationHeaders(options.impersonate), maxSockets: options.maxConnections ?? 16 })
  } catch (cause) {
    throw invalid(`cannot set up the connection (${cause instanceof Error ? cause.message : String(cause)})`, cause)
  }
  return new HttpKubeClient(transport, {
    namespace: context.namespace ?? 'default',
    onRequest: options.onRequest,
    retries: options.retries ?? 3,
    requestTimeout: options.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT,
  })
}

function loadFiles(mod: typeof ClientNode, kc: ClientNode.KubeConfig, paths: readonly string[]): void {
  const [first, ...rest] = paths
  if (first === undefined) throw new Error('no path')
  kc.loadFromFile(first)
  // The first file that defines a name wins, as with kubectl and a KUBECONFIG list.
  for (const path of rest) {
    const more = new mod.KubeConfig()
    more.loadFromFile(path)
    more.makePathsAbsolute(dirname(path))
    for (const c of more.clusters) if (kc.getCluster(c.name) === null) kc.addCluster(c)
    for (const u of more.users) if (kc.getUser(u.name) === null) kc.addUser(u)
    for (const c of more.contexts) if (kc.getContextObject(c.name) === null) kc.addContext(c)
    if (kc.getCurrentContext() === '' && more.getCurrentContext() !== '') kc.setCurrentContext(more.getCurrentContext())
  }
}

function impersonationHeaders(impersonate: Impersonation | undefined): Record<string, string> {
  if (impersonate === undefined) return {}
  if ('serviceAccount' in impersonate) {
    const { namespace, name } = impersonate.serviceAccount
    if (namespace === '' || name === '') throw new TypeError('createKubeClient: impersonate.serviceAccount needs a namespace and a name')
    return { 'Impersonate-User': `system:serviceaccount:${namespace}:${name}` }
  }
  if (impersonate.user === '') throw new TypeError('createKubeClient: impersonate.user must not be empty')
  return { 'Impersonate-User': impersonate.user }
}

interface ClientSettings {
  readonly namespace: string
  readonly onRequest: ((request: ApiRequestEvent) => void) | undefined
  readonly retries: number
  readonly requestTimeout: number
}

const DEFAULT_REQUEST_TIMEOUT = 30_000

const RETRYABLE = new Set([429, 503, 504])
const PAGE_SIZE = '500'

/** A KubeClient over raw JSON requests. */
class HttpKubeClient implements KubeClient {
  readonly namespace: string
  readonly #transport: Transport
  readonly #settings: ClientSettings
  readonly #discovery: Discovery

  constructor(transport: Transport, settings: ClientSettings) {
    this.#transport = transport
    this.#settings = settings
    this.namespace = settings.namespace
    this.#discovery = new Discovery(async (path, signal) => {
      const response = await this.#request('discovery', { method: 'GET', path, signal }, path)
      if (response.status === 404) return undefined
      return this.#json(response, { subject: path, action: 'discovery' })
    })
  }

  resource(target: KindTarget, options: RequestOptions = {}): Promise<ApiResource | undefined> {
    return this.#discovery.resource(target, options.signal)
  }

  resources(options: RequestOptions = {}): Promise<readonly ApiResource[]> {
    return this.#discovery.all(options.signal)
  }

  async get(target: ObjectTarget, options: RequestOptions = {}): Promise<KubeObject | undefined> {
    const resource = await this.#require(target, options.signal)
    const subject = formatRef(target)
    const response = await this.#request('get', { method: 'GET', path: objectPath(resource, this.#namespaceOf(resource, target.namespace), target.name), signal: options.signal }, subject)
    if (response.status === 404) return undefined
    return this.#object(response, { subject, action: 'get', secret: maskFor(target) })
  }

  async list(query: ListQuery, options: RequestOptions = {}): Promise<ObjectList> {
    const resource = await this.#require(query, options.signal)
    const namespace = resource.namespaced ? (query.namespace ?? '') : ''
    const subject = `${query.kind}${namespace === '' ? '' : ` in namespace ${namespace}`}`
    const items: KubeObject[] = []
    let continueToken: string | undefined
    let resourceVersion = ''
    do {
      const response = await this.#request(
        'list',
        {
          method: 'GET',
          path: collectionPath(resource, namespace),
          query: { labelSelector: query.labelSelector, fieldSelector: query.fieldSelector, limit: PAGE_SIZE, continue: continueToken },
          signal: options.signal,
        },
        subject,
      )
      const body = this.#json(response, { subject, action: 'list', secret: maskFor(query) })
      const metadata = isKubeMap(body.metadata) ? body.metadata : {}
      resourceVersion = typeof metadata.resourceVersion === 'string' ? metadata.resourceVersion : resourceVersion
      continueToken = typeof metadata.continue === 'string' && metadata.continue !== '' ? metadata.continue : undefined
      const apiVersion = resource.group === '' ? resource.version : `${resource.group}/${resource.version}`
      for (const item of Array.isArray(body.items) ? body.items : []) {
        // Items of a list carry no apiVersion and kind; the SDK's objects always do.
        if (isKubeMap(item)) items.push({ ...item, apiVersion, kind: resource.kind } as KubeObject)
      }
    } while (continueToken !== undefined)
    return { items, resourceVersion }
  }

  async apply(object: KubeObject, options: ServerSideApplyOptions): Promise<KubeObject> {
    const ref = refOfObject(object)
    const resource = await this.#require({ ...ref, version: versionOf(object.apiVersion) }, options.signal)
    const action = options.dryRun === true ? 'dry-run apply' : 'apply'
    const subject = formatRef(ref)
    const response = await this.#request(
      'apply',
      {
        method: 'PATCH',
        path: objectPath(resource, this.#namespaceOf(resource, ref.namespace), ref.name),
        query: { fieldManager: options.fieldManager, force: options.force === true ? 'true' : undefined, dryRun: options.dryRun === true ? 'All' : undefined },
        body: toJson(object),
        contentType: 'application/apply-patch+yaml',
        signal: options.signal,
      },
      subject,
    )
    return this.#object(response, { subject, action, secret: maskFor(ref, object) })
  }

  async patch(target: ObjectTarget, operations: readonly JsonPatchOperation[], options: JsonPatchRequestOptions): Promise<KubeObject> {
    const resource = await this.#require(target, options.signal)
    const subject = formatRef(target)
    const response = await this.#request(
      'patch',
      {
        method: 'PATCH',
        path: objectPath(resource, this.#namespaceOf(resource, target.namespace), target.name),
        query: { fieldManager: options.fieldManager, dryRun: options.dryRun === true ? 'All' : undefined },
        body: JSON.stringify(operations),
        contentType: 'application/json-patch+json',
        signal: options.signal,
      },
      subject,
    )
    return this.#object(response, { subject, action: options.dryRun === true ? 'dry-run patch' : 'patch', secret: maskFor(target) })
  }

  async create(object: KubeObject, options: CreateRequestOptions): Promise<KubeObject> {
    const ref = refOfObject(object)
    const resource = await this.#require({ ...ref, version: versionOf(object.apiVersion) }, options.signal)
    const generate = typeof object.metadata.generateName === 'string' ? object.metadata.generateName : ''
    const subject = ref.name === '' ? `${ref.kind}/${ref.namespace === '' ? '' : `${ref.namespace}/`}${generate}*` : formatRef(ref)
    const response = await this.#request(
      'create',
      {
        method: 'POST',
        path: collectionPath(resource, this.#namespaceOf(resource, ref.namespace)),
        query: { fieldManager: options.fieldManager, dryRun: options.dryRun === true ? 'All' : undefined },
        body: toJson(object),
        signal: options.signal,
      },
      subject,
    )
    return this.#object(response, { subject, action: options.dryRun === true ? 'dry-run create' : 'create', secret: maskFor(ref, object) })
  }

  async delete(target: ObjectTarget, options: DeleteRequestOptions = {}): Promise<boolean> {
    const resource = await this.#require(target, options.signal)
    const subject = formatRef(target)
    const response = await this.#request(
      'delete',
      {
        method: 'DELETE',
        path: objectPath(resource, this.#namespaceOf(resource, target.namespace), target.name),
        query: { dryRun: options.dryRun === true ? 'All' : undefined },
        body: JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: options.propagationPolicy ?? 'Background' }),
        signal: options.signal,
      },
      subject,
    )
    if (response.status === 404) return false
    this.#json(response, { subject, action: 'delete', secret: maskFor(target) })
    return true
  }

  /** The namespace in the URL: the object's, or the context's for a namespaced object that names none. */
  #namespaceOf(resource: ApiResource, namespace: string): string {
    return resource.namespaced && namespace === '' ? this.namespace : namespace
  }

  async #require(target: KindTarget & { readonly namespace?: string | undefined; readonly name?: string | undefined }, signal: AbortSignal | undefined): Promise<ApiResource> {
    const resource = await this.#discovery.resource(target, signal)
    if (resource !== undefined) return resource
    const apiVersion = target.version === undefined ? target.group : target.group === '' ? target.version : `${target.group}/${target.version}`
    throw new ApplyError({
      code: 'APPLY_UNKNOWN_KIND',
      message: `${target.name === undefined ? target.kind : formatRef({ group: target.group, kind: target.kind, namespace: target.namespace ?? '', name: target.name })}: the server serves no kind ${target.kind} in ${apiVersion === '' ? 'the core group' : apiVersion} (is its CustomResourceDefinition installed?)`,
      details: { group: target.group, kind: target.kind, version: target.version },
    })
  }

  /** Sends with retries on 429/503/504 and reports every attempt to onRequest. */
  async #request(verb: string, request: RawRequest, subject: string): Promise<RawResponse> {
    const { signal } = request
    const dryRun = request.query?.dryRun !== undefined
    for (let attempt = 0; ; attempt += 1) {
      signal?.throwIfAborted()
      let response: RawResponse
      const { requestTimeout } = this.#settings
      const deadline = requestTimeout > 0 ? AbortSignal.timeout(requestTimeout) : undefined
      const bounded = deadline === undefined ? signal : signal === undefined ? deadline : AbortSignal.any([signal, deadline])
      try {
        response = await this.#transport.send({ ...request, signal: bounded })
      } catch (cause) {
        this.#settings.onRequest?.({ verb, code: 0, dryRun })
        if (signal?.aborted === true) throw signal.reason
        if (deadline?.aborted === true) {
          throw new ApplyError({
            code: 'APPLY_REQUEST_TIMEOUT',
            message: `${subject}: ${verb} failed: ${this.#transport.server} did not answer within ${requestTimeout} ms`,
            details: { server: this.#transport.server, timeout: requestTimeout },
          })
        }
        throw unreachable({ subject, action: verb, server: this.#transport.server }, cause)
      }
      this.#settings.onRequest?.({ verb, code: response.status, dryRun })
      if (!RETRYABLE.has(response.status) || attempt >= this.#settings.retries) return response
      await sleep(retryDelay(response, attempt), signal)
    }
  }

  #json(response: RawResponse, where: { readonly subject: string; readonly action: string; readonly secret?: SecretMask | undefined }): Record<string, unknown> {
    const { subject, action } = where
    if (response.status < 200 || response.status > 299) throw errorFromStatus(parseStatus(response.status, response.text), where)
    let body: unknown
    try {
      body = JSON.parse(response.text)
    } catch (cause) {
      throw new ApplyError({ code: 'APPLY_API_ERROR', message: `${subject}: ${action} failed: the server answered something that is not JSON`, cause })
    }
    if (!isKubeMap(body)) throw new ApplyError({ code: 'APPLY_API_ERROR', message: `${subject}: ${action} failed: the server answered something that is not an object` })
    return body
  }

  #object(response: RawResponse, where: { readonly subject: string; readonly action: string; readonly secret?: SecretMask | undefined }): KubeObject {
    return this.#json(response, where) as KubeObject
  }
}

/** How to mask errors about a Secret; undefined for other kinds. */
function maskFor(target: { readonly group: string; readonly kind: string; readonly name?: string | undefined; readonly namespace?: string | undefined }, object?: KubeObject): SecretMask | undefined {
  return isSecretKind(target.group, target.kind) ? secretMask(object, [target.name ?? '', target.namespace ?? '']) : undefined
}

function retryDelay(response: RawResponse, attempt: number): number {
  const header = response.headers['retry-after']
  const seconds = header === undefined ? Number.NaN : Number(header)
  if (Number.isFinite(seconds) && seconds >= 0) return Math.min(seconds, 10) * 1000
  return Math.min(200 * 2 ** attempt, 5_000)
}

function versionOf(apiVersion: string): string {
  const slash = apiVersion.indexOf('/')
  return slash < 0 ? apiVersion : apiVersion.slice(slash + 1)
}

function refOfObject(object: KubeObject): { group: string; kind: string; namespace: string; name: string } {
  const slash = object.apiVersion.indexOf('/')
  return { group: slash < 0 ? '' : object.apiVersion.slice(0, slash), kind: object.kind, namespace: object.metadata.namespace ?? '', name: object.metadata.name }
}

function groupVersionPath(resource: ApiResource): string {
  return resource.group === '' ? `/api/${resource.version}` : `/apis/${resource.group}/${resource.version}`
}

function collectionPath(resource: ApiResource, namespace: string): string {
  const ns = resource.namespaced && namespace !== '' ? `/namespaces/${encodeURIComponent(namespace)}` : ''
  return `${groupVersionPath(resource)}${ns}/${resource.plural}`
}

function objectPath(resource: ApiResource, namespace: string, name: string): string {
  return `${collectionPath(resource, namespace)}/${encodeURIComponent(name)}`
}
