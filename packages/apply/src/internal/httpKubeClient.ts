// The KubeClient over raw JSON requests that createKubeClient returns: discovery, the verbs, retries on
// 429/503/504 with Retry-After, a deadline per request, and Secret values masked in every error.
import { formatRef, isKubeMap, trimCharRun } from '@gitops-sdk/core'
import type { KubeObject } from '@gitops-sdk/core'
import { ApplyError } from '../errors.js'
import { errorFromStatus, parseStatus, unreachable } from './apiErrors.js'
import { Discovery } from './discovery.js'
import { isSecretKind, secretMask } from './secretErrors.js'
import type { SecretMask } from './secretErrors.js'
import { toJson } from './json.js'
import { sleep } from './sleep.js'
import { ConnectTimeoutError, RequestTimeoutError, ResponseTooLargeError } from './transport.js'
import type { RawRequest, RawResponse, Transport } from './transport.js'
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
} from '../kubeClient.js'

/** How a client behaves beyond its transport. */
export interface ClientSettings {
  readonly namespace: string
  readonly onRequest: ((request: ApiRequestEvent) => void) | undefined
  readonly retries: number
  readonly requestTimeout: number
}

const RETRYABLE = new Set([429, 503, 504])
const PAGE_SIZE = '500'

/** A KubeClient over raw JSON requests. */
export class HttpKubeClient implements KubeClient {
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

  /** Ends the transport's connections (requests in flight finish first); a later request opens new ones. */
  close(): void {
    this.#transport.close?.()
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
    const { onRequest } = this.#settings
    // The event's URL is built only for a listener: thousands of applies pay nothing for it.
    const seen = onRequest === undefined ? undefined : { verb, dryRun: request.query?.dryRun !== undefined, method: request.method, url: requestUrl(this.#transport.server, request) }
    for (let attempt = 0; ; attempt += 1) {
      signal?.throwIfAborted()
      let response: RawResponse
      const { requestTimeout } = this.#settings
      // A transport with deadlines bounds the request itself; any other gets a signal that ends it.
      const own = this.#transport.deadlines === true
      const bound = requestTimeout > 0 && !own ? boundRequest(signal, requestTimeout) : undefined
      try {
        response = await this.#transport.send(own ? { ...request, timeout: requestTimeout } : { ...request, signal: bound === undefined ? signal : bound.signal })
      } catch (cause) {
        if (seen !== undefined) onRequest?.({ ...seen, code: 0 })
        if (signal?.aborted === true) throw signal.reason
        if (bound?.timedOut() === true || cause instanceof RequestTimeoutError) {
          throw new ApplyError({
            code: 'APPLY_REQUEST_TIMEOUT',
            message: `${subject}: ${verb} failed: ${this.#transport.server} did not answer within ${requestTimeout} ms`,
            details: { server: this.#transport.server, timeout: requestTimeout },
          })
        }
        if (cause instanceof ResponseTooLargeError) {
          // The URL as logs may show it: no userinfo, no headers, no body.
          const url = seen?.url ?? requestUrl(this.#transport.server, request)
          throw new ApplyError({
            code: 'APPLY_RESPONSE_TOO_LARGE',
            message: `${subject}: ${verb} failed: the answer of ${url} is larger than ${cause.limit} bytes (maxResponseBytes)`,
            details: { url, limit: cause.limit },
          })
        }
        // A connection not up within the connect deadline (ConnectTimeoutError): unreachable, its own figure in details.
        throw unreachable({ subject, action: verb, server: this.#transport.server }, cause, cause instanceof ConnectTimeoutError ? { timeout: cause.timeout } : {})
      } finally {
        bound?.release()
      }
      if (seen !== undefined) onRequest?.({ ...seen, code: response.status })
      if (!RETRYABLE.has(response.status) || attempt >= this.#settings.retries) return response
      await sleep(retryDelay(response, attempt), signal)
    }
  }

  #json(response: RawResponse, where: Where): Record<string, unknown> {
    const { subject, action } = where
    if (response.status < 200 || response.status > 299) throw errorFromStatus(parseStatus(response.status, response.text), { subject, action, secret: where.secret?.() })
    let body: unknown
    try {
      body = JSON.parse(response.text)
    } catch {
      // No cause: JSON.parse's SyntaxError quotes the text around the fault (Node 20), which in an
      // answer about a Secret may be its data.
      throw new ApplyError({ code: 'APPLY_API_ERROR', message: `${subject}: ${action} failed: the server answered something that is not JSON` })
    }
    if (!isKubeMap(body)) throw new ApplyError({ code: 'APPLY_API_ERROR', message: `${subject}: ${action} failed: the server answered something that is not an object` })
    return body
  }

  #object(response: RawResponse, where: Where): KubeObject {
    return this.#json(response, where) as KubeObject
  }
}

/** A request's signal: aborted by the caller's signal or after `ms`; release() once it settled. */
interface BoundRequest {
  readonly signal: AbortSignal
  /** Whether the time ran out (rather than the caller aborting). */
  timedOut(): boolean
  /** Stops the timer and the caller's listener. */
  release(): void
}

/**
 * One controller, one timer and one listener per request, all dropped when it settles. Cheaper
 * than AbortSignal.timeout with AbortSignal.any, whose signals stay registered until collected:
 * a first apply of a thousand objects sends two thousand requests.
 */
function boundRequest(signal: AbortSignal | undefined, ms: number): BoundRequest {
  const controller = new AbortController()
  let expired = false
  const timer = setTimeout(() => {
    expired = true
    controller.abort(new DOMException(`no answer within ${ms} ms`, 'TimeoutError'))
  }, ms)
  const onAbort = (): void => controller.abort(signal?.reason)
  signal?.addEventListener('abort', onAbort, { once: true })
  return {
    signal: controller.signal,
    timedOut: () => expired,
    release: () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
    },
  }
}

/**
 * What an answer is about: its subject and action for messages, and for a Secret how to mask its
 * values, made only when an error is (most answers are not).
 */
interface Where {
  readonly subject: string
  readonly action: string
  readonly secret?: (() => SecretMask) | undefined
}

/** How to mask errors about a Secret, made when called; undefined for other kinds. */
function maskFor(target: { readonly group: string; readonly kind: string; readonly name?: string | undefined; readonly namespace?: string | undefined }, object?: KubeObject): (() => SecretMask) | undefined {
  if (!isSecretKind(target.group, target.kind)) return undefined
  const names = [target.name ?? '', target.namespace ?? '']
  return () => secretMask(object, names)
}

/**
 * The URL of a request as logs may show it: no headers, no body, and no userinfo (the transport's
 * `server` is already without it, see shownServer).
 */
function requestUrl(server: string, request: RawRequest): string {
  const query = new URLSearchParams()
  for (const [key, value] of Object.entries(request.query ?? {})) if (value !== undefined) query.append(key, value)
  const text = query.toString()
  return `${trimCharRun(server, '/', 'end')}${request.path}${text === '' ? '' : `?${text}`}`
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
