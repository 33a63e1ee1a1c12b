import { isKubeMap } from '@gitops-sdk/core'
import type { KubeObject } from '@gitops-sdk/core'
import type { ControllerClient, DeleteOptions, ListOptions, ObjectPage, PatchOptions, RequestOptions, WatchOptions, WriteOptions } from '../controllerClient.js'
import { ControllerError } from '../errors.js'
import type { ControllerErrorCode } from '../errors.js'
import type { ObjectKey, ResourceType, WatchEvent } from '../types.js'
import { apiVersionOf } from '../types.js'
import { collectionPath, collectionSubject, objectPath, subjectOf } from './paths.js'
import type { HttpResponse, Transport } from './transport.js'

/** A {@link ControllerClient} over a {@link Transport}. */
export class HttpControllerClient implements ControllerClient {
  readonly server: string
  readonly namespace: string
  readonly #transport: Transport
  readonly #fieldManager: string

  constructor(transport: Transport, settings: { readonly namespace: string; readonly fieldManager: string }) {
    this.#transport = transport
    this.server = transport.server
    this.namespace = settings.namespace
    this.#fieldManager = settings.fieldManager
  }

  async list(resource: ResourceType, options: ListOptions = {}): Promise<ObjectPage> {
    const subject = collectionSubject(resource, options.namespace)
    const response = await this.#transport.send({
      method: 'GET',
      path: collectionPath(resource, options.namespace),
      query: {
        labelSelector: nonEmpty(options.labelSelector),
        fieldSelector: nonEmpty(options.fieldSelector),
        limit: String(options.limit ?? 500),
        continue: nonEmpty(options.continue),
        resourceVersion: options.continue === undefined ? nonEmpty(options.resourceVersion) : undefined,
      },
      signal: options.signal,
      subject,
    })
    const body = parse(response, subject, 'list')
    const metadata = isKubeMap(body.metadata) ? body.metadata : {}
    const items: KubeObject[] = []
    const apiVersion = apiVersionOf(resource)
    for (const item of Array.isArray(body.items) ? body.items : []) {
      // Items of a list carry no apiVersion and kind; the SDK's objects always do.
      if (isKubeMap(item) && isKubeMap(item.metadata)) items.push({ ...item, apiVersion, kind: resource.kind } as KubeObject)
    }
    const next = typeof metadata.continue === 'string' && metadata.continue !== '' ? metadata.continue : undefined
    return { items, resourceVersion: typeof metadata.resourceVersion === 'string' ? metadata.resourceVersion : '', ...(next === undefined ? {} : { continue: next }) }
  }

  watch(resource: ResourceType, options: WatchOptions = {}): AsyncIterable<WatchEvent> {
    const transport = this.#transport
    const timeoutSeconds = options.timeoutSeconds ?? 300
    if (!Number.isInteger(timeoutSeconds) || timeoutSeconds <= 0) throw new TypeError('watch: timeoutSeconds must be a positive integer')
    const subject = collectionSubject(resource, options.namespace)
    return {
      async *[Symbol.asyncIterator]() {
        const stream = await transport.stream(
          {
            method: 'GET',
            path: collectionPath(resource, options.namespace),
            query: {
              watch: 'true',
              labelSelector: nonEmpty(options.labelSelector),
              fieldSelector: nonEmpty(options.fieldSelector),
              resourceVersion: nonEmpty(options.resourceVersion),
              allowWatchBookmarks: options.allowWatchBookmarks === false ? undefined : 'true',
              timeoutSeconds: String(timeoutSeconds),
            },
            signal: options.signal,
            subject,
          },
          (timeoutSeconds + 60) * 1000,
        )
        if (stream.status < 200 || stream.status > 299) throw apiError({ status: stream.status, text: stream.text, headers: {} }, subject, 'watch')
        for await (const line of stream.lines) {
          const event = watchEvent(line, resource)
          if (event === undefined) continue
          yield event
          if (event.type === 'ERROR') return
        }
      },
    }
  }

  async get(resource: ResourceType, key: ObjectKey, options: RequestOptions = {}): Promise<KubeObject | undefined> {
    const subject = subjectOf(resource, key)
    const response = await this.#transport.send({ method: 'GET', path: objectPath(resource, key), signal: options.signal, subject })
    if (response.status === 404) return undefined
    return parse(response, subject, 'get') as KubeObject
  }

  async create(resource: ResourceType, object: KubeObject, options: WriteOptions = {}): Promise<KubeObject> {
    const key = keyOf(resource, object)
    const subject = subjectOf(resource, key)
    const response = await this.#transport.send({
      method: 'POST',
      path: collectionPath(resource, key.namespace),
      query: { fieldManager: options.fieldManager ?? this.#fieldManager },
      body: JSON.stringify(object),
      signal: options.signal,
      subject,
    })
    return parse(response, subject, 'create') as KubeObject
  }

  async update(resource: ResourceType, object: KubeObject, options: WriteOptions = {}): Promise<KubeObject> {
    const key = keyOf(resource, object)
    const subject = subjectOf(resource, key)
    const action = options.subresource === 'status' ? 'update status' : 'update'
    const response = await this.#transport.send({
      method: 'PUT',
      path: objectPath(resource, key, options.subresource),
      query: { fieldManager: options.fieldManager ?? this.#fieldManager },
      body: JSON.stringify(object),
      signal: options.signal,
      subject,
    })
    return parse(response, subject, action) as KubeObject
  }

  async patch(resource: ResourceType, key: ObjectKey, options: PatchOptions): Promise<KubeObject> {
    const { patch } = options
    const subject = subjectOf(resource, key)
    const response = await this.#transport.send({
      method: 'PATCH',
      path: objectPath(resource, key, options.subresource),
      query: { fieldManager: options.fieldManager ?? this.#fieldManager },
      body: JSON.stringify(patch.body),
      contentType: patch.type === 'merge' ? 'application/merge-patch+json' : 'application/json-patch+json',
      signal: options.signal,
      subject,
    })
    return parse(response, subject, options.subresource === 'status' ? 'patch status' : 'patch') as KubeObject
  }

  async delete(resource: ResourceType, key: ObjectKey, options: DeleteOptions = {}): Promise<boolean> {
    const subject = subjectOf(resource, key)
    const preconditions = options.preconditions
    const response = await this.#transport.send({
      method: 'DELETE',
      path: objectPath(resource, key),
      body: JSON.stringify({ kind: 'DeleteOptions', apiVersion: 'v1', propagationPolicy: 'Background', ...(preconditions === undefined ? {} : { preconditions }) }),
      signal: options.signal,
      subject,
    })
    if (response.status === 404) return false
    parse(response, subject, 'delete')
    return true
  }

  close(): void {
    this.#transport.close()
  }
}

function nonEmpty(value: string | undefined): string | undefined {
  return value === undefined || value === '' ? undefined : value
}

function keyOf(resource: ResourceType, object: KubeObject): ObjectKey {
  if (!isKubeMap(object) || !isKubeMap(object.metadata)) throw new TypeError(`${resource.kind}: the object has no metadata`)
  return { namespace: resource.namespaced ? (object.metadata.namespace ?? '') : '', name: object.metadata.name }
}

function parse(response: HttpResponse, subject: string, action: string): Record<string, unknown> {
  if (response.status < 200 || response.status > 299) throw apiError(response, subject, action)
  let body: unknown
  try {
    body = JSON.parse(response.text)
  } catch (cause) {
    throw new ControllerError({ code: 'CONTROLLER_API_ERROR', message: `${subject}: ${action} failed: the server answered something that is not JSON`, details: { status: response.status }, cause })
  }
  if (!isKubeMap(body)) throw new ControllerError({ code: 'CONTROLLER_API_ERROR', message: `${subject}: ${action} failed: the server answered something that is not an object`, details: { status: response.status } })
  return body
}

/** The typed error of a non-2xx answer, from its Status body. */
export function apiError(response: HttpResponse, subject: string, action: string): ControllerError {
  let reason = ''
  let message = ''
  try {
    const status: unknown = JSON.parse(response.text)
    if (isKubeMap(status)) {
      reason = typeof status.reason === 'string' ? status.reason : ''
      message = typeof status.message === 'string' ? status.message : ''
    }
  } catch {
    // Not a Status: the HTTP status alone says what happened.
  }
  const code: ControllerErrorCode =
    response.status === 404
      ? 'CONTROLLER_NOT_FOUND'
      : response.status === 409
        ? reason === 'AlreadyExists'
          ? 'CONTROLLER_ALREADY_EXISTS'
          : 'CONTROLLER_CONFLICT'
        : response.status === 410
          ? 'CONTROLLER_EXPIRED'
          : 'CONTROLLER_API_ERROR'
  const why = message === '' ? `HTTP ${response.status}` : message
  return new ControllerError({
    code,
    message: `${subject}: ${action} failed (${reason === '' ? response.status : reason}): ${why}`,
    details: { status: response.status, reason },
  })
}

function watchEvent(line: string, resource: ResourceType): WatchEvent | undefined {
  let parsed: unknown
  try {
    parsed = JSON.parse(line)
  } catch {
    return undefined
  }
  if (!isKubeMap(parsed) || !isKubeMap(parsed.object)) return undefined
  const { type, object } = parsed
  if (type === 'ERROR') {
    return {
      type: 'ERROR',
      code: typeof object.code === 'number' ? object.code : 0,
      reason: typeof object.reason === 'string' ? object.reason : '',
      message: typeof object.message === 'string' ? object.message : '',
    }
  }
  if (!isKubeMap(object.metadata)) return undefined
  if (type === 'BOOKMARK') {
    const rv = object.metadata.resourceVersion
    return typeof rv === 'string' ? { type: 'BOOKMARK', resourceVersion: rv } : undefined
  }
  if (type !== 'ADDED' && type !== 'MODIFIED' && type !== 'DELETED') return undefined
  return { type, object: { ...object, apiVersion: apiVersionOf(resource), kind: resource.kind } as KubeObject }
}
