// The HTTP side: authentication, the request log, fault injection, body limits, query options and
// Status answers around the routed operations. A malformed request never throws out of here.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { isKubeMap } from '@gitops-sdk/core'
import { parse as parseYaml } from 'yaml'
import type { KubeMap, KubeObject } from '@gitops-sdk/core'
import type { Cluster } from './cluster.js'
import type { DeleteOptions } from './deleteObject.js'
import { deleteObject } from './deleteObject.js'
import { apiGroup, apiGroupList, apiResourceList, apiVersions, versionInfo } from './discovery.js'
import { openApiDocument, openApiIndex, openApiV2, openApiV2Proto, openApiV2Protobuf } from './openapi.js'
import { patchObject, patchTypeOf, unsupportedPatch } from './patchObject.js'
import { listObjects } from './read.js'
import type { ResourceRoute, Route } from './route.js'
import { route } from './route.js'
import { readScale, writeScale } from './scale.js'
import type { FieldError } from './status.js'
import { badRequest, goQuote, internalError, invalidOptions, notFound, resourceNotFound, statusBody, StatusError } from './status.js'
import type { OpenWatch } from './watch.js'
import { startWatch } from './watch.js'
import type { Interceptor, RecordedRequest } from '../types.js'
import type { WriteRequest } from './writes.js'
import { createObject, decode, groupResource, nameRule, namespaceRule, dropUnknownFields, replaceObject } from './writes.js'

/** The request body limit of kube-apiserver: 3 MiB. */
export const MAX_BODY_BYTES: number = 3 * 1024 * 1024

/** One logged request. */
export type LoggedRequest = RecordedRequest

/** The hook type. */
export type InterceptHook = Interceptor

/** What the handler needs from the server around it. */
export interface HandlerContext {
  readonly cluster: Cluster
  readonly tokens: ReadonlySet<string> | undefined
  readonly port: () => number
  readonly log: LoggedRequest[]
  readonly interceptors: InterceptHook[]
  readonly watches: Set<OpenWatch>
}

function send(response: ServerResponse, answer: { code: number; body: unknown; headers?: Readonly<Record<string, string | string[]>> }): void {
  const { code, body, headers = {} } = answer
  if (response.headersSent) {
    response.end()
    return
  }
  const text = `${JSON.stringify(body)}\n`
  response.writeHead(code, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Content-Length': Buffer.byteLength(text), ...headers })
  response.end(text)
}

function sendError(response: ServerResponse, err: StatusError): void {
  send(response, { code: err.code, body: err.body(), headers: err.headers })
}

/** Go's unicode.IsPrint, for the characters that matter here: no C0 controls, no DEL. */
function isPrintable(c: string): boolean {
  const code = c.codePointAt(0) ?? 0
  return code >= 0x20 && code !== 0x7f && !(code >= 0x80 && code < 0xa0)
}

/** The default field manager: the User-Agent up to its first `/`, printable, at most 128 bytes. */
export function managerFromUserAgent(userAgent: string | undefined): string {
  const prefix = (userAgent ?? '').split('/')[0] ?? ''
  const printable = Array.from(prefix).filter(isPrintable).join('')
  const cut = Buffer.from(printable).subarray(0, 128).toString()
  return cut === '' ? 'unknown' : cut
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = []
    let size = 0
    let failed = false
    request.on('data', (chunk: Buffer) => {
      if (failed) return
      size += chunk.length
      if (size > MAX_BODY_BYTES) {
        failed = true
        reject(new StatusError({ code: 413, reason: 'RequestEntityTooLarge', message: `Request entity too large: limit is ${MAX_BODY_BYTES}` }))
        request.resume()
        return
      }
      chunks.push(chunk)
    })
    request.on('end', () => {
      if (!failed) resolve(Buffer.concat(chunks))
    })
    request.on('error', reject)
  })
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text)
  } catch (err) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`)
  }
}

function optionsKind(verb: string): string {
  return verb === 'create' ? 'CreateOptions' : verb === 'delete' ? 'DeleteOptions' : verb === 'patch' ? 'PatchOptions' : 'UpdateOptions'
}

function writeRequest(url: URL, route_: ResourceRoute, userAgent: string | undefined): WriteRequest {
  const errors: FieldError[] = []
  const dryRun = url.searchParams.getAll('dryRun')
  if (dryRun.some((v) => v !== 'All')) {
    errors.push({ type: 'NotSupported', field: 'dryRun', value: dryRun, detail: 'supported values: "All"' })
  }
  const manager = url.searchParams.get('fieldManager')
  if (manager !== null) {
    if (Buffer.byteLength(manager) > 128) errors.push({ type: 'TooLong', field: 'fieldManager', detail: 'may not be more than 128 bytes' })
    const bad = Array.from(manager).findIndex((c) => !isPrintable(c))
    if (bad >= 0) {
      const ch = manager.codePointAt(bad) ?? 0
      errors.push({ type: 'Invalid', field: 'fieldManager', value: manager, detail: `invalid character U+${ch.toString(16).toUpperCase().padStart(4, '0')} (at position ${bad})` })
    }
  }
  const validation = url.searchParams.get('fieldValidation') ?? 'Warn'
  if (validation !== 'Ignore' && validation !== 'Warn' && validation !== 'Strict') {
    errors.push({ type: 'NotSupported', field: 'fieldValidation', value: validation, detail: 'supported values: "Ignore", "Strict", "Warn"' })
  }
  if (errors.length > 0) throw invalidOptions(optionsKind(route_.verb), errors)
  return {
    manager: manager ?? managerFromUserAgent(userAgent),
    dryRun: dryRun.length > 0,
    fieldValidation: validation as WriteRequest['fieldValidation'],
    warnings: [],
  }
}

function warningHeaders(request: WriteRequest): Record<string, string[]> {
  if (request.warnings.length === 0) return {}
  return { Warning: request.warnings.map((w) => `299 - "${w.replace(/["\\]/g, (c) => `\\${c}`)}"`) }
}

function acceptsJson(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return true
  return accept.split(',').some((part) => {
    const media = (part.split(';')[0] ?? '').trim().toLowerCase()
    return media === 'application/json' || media === '*/*' || media === 'application/*' || media === 'application/yaml'
  })
}

function forbiddenFault(route_: Route | undefined, message: string | undefined): StatusError {
  if (route_?.kind !== 'resource') return new StatusError({ code: 403, reason: 'Forbidden', message: message ?? 'forbidden' })
  const { type, verb, namespace, name, subresource } = route_
  const resource = subresource === undefined ? type.plural : `${type.plural}/${subresource}`
  const scope = namespace === undefined ? 'at the cluster scope' : `in the namespace ${goQuote(namespace)}`
  const subject = name === undefined ? (type.group === '' ? type.plural : `${type.plural}.${type.group}`) : `${type.group === '' ? type.plural : `${type.plural}.${type.group}`} ${goQuote(name)}`
  const why = message ?? `User "gitops-sdk" cannot ${verb} resource ${goQuote(resource)} in API group ${goQuote(type.group)} ${scope}`
  return new StatusError({ code: 403, reason: 'Forbidden', message: `${subject} is forbidden: ${why}`, details: { name, group: type.group, kind: type.plural } })
}

/** The Status of an injected fault. */
function faultStatus(code: number, route_: Route | undefined, action: { message?: string | undefined; retryAfterSeconds?: number | undefined }): StatusError {
  switch (code) {
    case 403:
      return forbiddenFault(route_, action.message)
    case 409:
      if (route_?.kind === 'resource' && route_.name !== undefined) {
        return new StatusError({
          code: 409,
          reason: 'Conflict',
          message: action.message ?? `Operation cannot be fulfilled on ${route_.type.group === '' ? route_.type.plural : `${route_.type.plural}.${route_.type.group}`} ${goQuote(route_.name)}: the object has been modified; please apply your changes to the latest version and try again`,
          details: { name: route_.name, group: route_.type.group, kind: route_.type.plural },
        })
      }
      return new StatusError({ code: 409, reason: 'Conflict', message: action.message ?? 'conflict' })
    case 429: {
      const retry = action.retryAfterSeconds ?? 1
      return new StatusError({
        code: 429,
        reason: 'TooManyRequests',
        message: action.message ?? 'Too many requests, please try again later.',
        details: { retryAfterSeconds: retry },
        headers: { 'Retry-After': String(retry) },
      })
    }
    case 503:
      return new StatusError({ code: 503, reason: 'ServiceUnavailable', message: action.message ?? 'the server is currently unable to handle the request' })
    case 504:
      return new StatusError({ code: 504, reason: 'Timeout', message: action.message ?? 'the server was unable to return a response in the time allotted, but may still be processing the request' })
    case 500:
      return new StatusError({ code: 500, reason: 'InternalError', message: action.message ?? 'Internal error occurred: injected fault' })
    default:
      return new StatusError({ code, reason: '', message: action.message ?? `injected fault ${code}` })
  }
}

function record(url: URL, request: IncomingMessage, route_: Route | undefined): LoggedRequest {
  const ua = request.headers['user-agent']
  const manager = url.searchParams.get('fieldManager') ?? (request.method === 'GET' ? undefined : managerFromUserAgent(ua))
  const resource = route_?.kind === 'resource' ? route_ : undefined
  return {
    method: request.method ?? 'GET',
    path: url.pathname,
    query: Object.fromEntries(url.searchParams),
    contentType: request.headers['content-type'],
    manager,
    userAgent: ua,
    verb: resource?.verb,
    resource: resource === undefined ? undefined : resource.type.group === '' ? resource.type.plural : `${resource.type.plural}.${resource.type.group}`,
    namespace: resource?.namespace,
    name: resource?.name,
    subresource: resource?.subresource,
  }
}

/** Handles one HTTP request; never rejects. */
export async function handleRequest(context: HandlerContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  let route_: Route | undefined
  try {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    const method = request.method ?? 'GET'
    if (context.tokens !== undefined) {
      // Own header only: a polluted Object.prototype must never authenticate a request.
      const auth = Object.hasOwn(request.headers, 'authorization') ? (request.headers.authorization ?? '') : ''
      const token = auth.startsWith('Bearer ') ? auth.slice(7).trim() : undefined
      if (token === undefined || !context.tokens.has(token)) {
        request.resume()
        send(response, { code: 401, body: statusBody({ code: 401, reason: 'Unauthorized', message: 'Unauthorized' }) })
        return
      }
    }
    const watch = url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1'
    let routeError: unknown
    try {
      route_ = route(context.cluster, method, { pathname: url.pathname, watch })
    } catch (err) {
      routeError = err
    }
    const entry = record(url, request, route_)
    context.log.push(entry)
    for (const hook of context.interceptors) {
      const action = await hook(entry)
      if (action === undefined) continue
      if ('drop' in action) {
        request.socket.destroy()
        return
      }
      if ('delayMs' in action) {
        await new Promise((resolve) => setTimeout(resolve, action.delayMs))
        continue
      }
      request.resume()
      sendError(response, faultStatus(action.status, route_, action))
      return
    }
    if (route_ === undefined) throw routeError instanceof StatusError ? routeError : resourceNotFound()
    if (route_.kind === 'openapi') {
      request.resume()
      serveOpenApi(context, route_, { method, accept: request.headers.accept, response })
      return
    }
    if (!acceptsJson(request.headers.accept)) {
      request.resume()
      throw new StatusError({ code: 406, reason: 'NotAcceptable', message: 'only the following media types are accepted: application/json, application/yaml' })
    }
    const body = method === 'GET' || method === 'HEAD' ? Buffer.alloc(0) : await readBody(request)
    if (method === 'GET') request.resume()
    if (route_.kind === 'discovery') {
      serveDiscovery(context, route_, response)
      return
    }
    serveResource(context, { route: route_, url, request, response, body: body.toString('utf8') })
  } catch (err) {
    if (err instanceof StatusError) sendError(response, err)
    else sendError(response, internalError(`Internal error occurred: ${err instanceof Error ? err.message : String(err)}`))
  }
}

/**
 * `GET /openapi/v3`, the documents it points to, and `/openapi/v2` (see openapi.ts); other methods
 * are a 405. `/openapi/v2` is answered in protobuf when asked for it, as kubectl does.
 */
function serveOpenApi(
  context: HandlerContext,
  route_: Extract<Route, { kind: 'openapi' }>,
  exchange: { method: string; accept: string | undefined; response: ServerResponse },
): void {
  const { method, accept, response } = exchange
  if (method !== 'GET') throw new StatusError({ code: 405, reason: 'MethodNotAllowed', message: 'the server does not allow this method on the requested resource' })
  let body: string | Uint8Array
  let type = 'application/json'
  if (route_.version === 2) {
    if (accept !== undefined && (accept.includes(openApiV2Protobuf.accept) || accept.includes(openApiV2Protobuf.contentType))) {
      body = openApiV2Proto(context.cluster.settings.gitVersion)
      type = openApiV2Protobuf.contentType
    } else if (acceptsJson(accept)) body = `${JSON.stringify(openApiV2(context.cluster.settings.gitVersion))}\n`
    else throw new StatusError({ code: 406, reason: 'NotAcceptable', message: `only the following media types are accepted: application/json, ${openApiV2Protobuf.contentType}` })
  } else {
    if (!acceptsJson(accept)) throw new StatusError({ code: 406, reason: 'NotAcceptable', message: 'only the following media types are accepted: application/json' })
    const text = route_.path === undefined ? `${JSON.stringify(openApiIndex(context.cluster))}\n` : openApiDocument(context.cluster, route_.path)
    if (text === undefined) throw resourceNotFound()
    body = text
  }
  response.writeHead(200, { 'Content-Type': type, 'Cache-Control': 'no-cache, private', 'Content-Length': Buffer.byteLength(body) })
  response.end(body)
}

function serveDiscovery(context: HandlerContext, route_: Extract<Route, { kind: 'discovery' }>, response: ServerResponse): void {
  const { cluster } = context
  switch (route_.document) {
    case 'health':
      response.writeHead(200, { 'Content-Type': 'text/plain; charset=utf-8' })
      response.end('ok')
      return
    case 'version':
      send(response, { code: 200, body: versionInfo(cluster.settings.gitVersion) })
      return
    case 'api':
      send(response, { code: 200, body: apiVersions(context.port()) })
      return
    case 'apis':
      send(response, { code: 200, body: apiGroupList(cluster) })
      return
    case 'group': {
      const group = apiGroup(cluster, route_.group)
      if (group === undefined) throw resourceNotFound()
      send(response, { code: 200, body: group })
      return
    }
    case 'resources': {
      const list = apiResourceList(cluster, route_.group, route_.version)
      if (list === undefined) throw resourceNotFound()
      send(response, { code: 200, body: list })
      return
    }
  }
}

function intParam(url: URL, name: string): number | undefined {
  const v = url.searchParams.get(name)
  if (v === null || v === '') return undefined
  const n = Number(v)
  if (!Number.isInteger(n)) throw badRequest(`invalid ${name}: ${JSON.stringify(v)}`)
  return n
}

function boolParam(url: URL, name: string): boolean | undefined {
  const v = url.searchParams.get(name)
  if (v === null) return undefined
  if (v === 'true' || v === '1') return true
  if (v === 'false' || v === '0') return false
  throw badRequest(`invalid ${name}: ${JSON.stringify(v)}`)
}

function deleteOptionsOf(url: URL, body: string): { options: DeleteOptions; dryRun: string[] } {
  if (body.trim() !== '') {
    const parsed = parseJson(body)
    if (!isKubeMap(parsed)) throw badRequest('the body of the request was in an unknown format')
    const pre = isKubeMap(parsed.preconditions) ? parsed.preconditions : undefined
    return {
      options: {
        gracePeriodSeconds: typeof parsed.gracePeriodSeconds === 'number' ? parsed.gracePeriodSeconds : undefined,
        propagationPolicy: typeof parsed.propagationPolicy === 'string' ? parsed.propagationPolicy : undefined,
        orphanDependents: typeof parsed.orphanDependents === 'boolean' ? parsed.orphanDependents : undefined,
        preconditions:
          pre === undefined
            ? undefined
            : { uid: typeof pre.uid === 'string' ? pre.uid : undefined, resourceVersion: typeof pre.resourceVersion === 'string' ? pre.resourceVersion : undefined },
      },
      dryRun: Array.isArray(parsed.dryRun) ? parsed.dryRun.map(String) : [],
    }
  }
  return {
    options: {
      gracePeriodSeconds: intParam(url, 'gracePeriodSeconds'),
      propagationPolicy: url.searchParams.get('propagationPolicy') ?? undefined,
      orphanDependents: boolParam(url, 'orphanDependents'),
    },
    dryRun: url.searchParams.getAll('dryRun'),
  }
}

/**
 * The body of a POST or PUT: JSON, or YAML under `application/yaml`. Protobuf and CBOR (what kubectl's
 * typed generators such as `kubectl create namespace` send) are not served: 415, as for any unknown type.
 */
function decodeBody(exchange: Exchange): unknown {
  const media = (exchange.request.headers['content-type'] ?? 'application/json').split(';')[0]?.trim().toLowerCase() ?? ''
  if (media === 'application/json' || media === '') return parseJson(exchange.body)
  if (media === 'application/yaml') {
    try {
      return parseYaml(exchange.body, { version: '1.2' }) as unknown
    } catch (err) {
      throw badRequest(`couldn't get version/kind; yaml parse error: ${(err as Error).message.split('\n')[0] ?? ''}`)
    }
  }
  throw new StatusError({
    code: 415,
    reason: 'UnsupportedMediaType',
    message: `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml`,
  })
}

interface Exchange {
  readonly route: ResourceRoute
  readonly url: URL
  readonly request: IncomingMessage
  readonly response: ServerResponse
  readonly body: string
}

function serveResource(context: HandlerContext, exchange: Exchange): void {
  const { cluster } = context
  const { route: r, url, response, body } = exchange
  const { type } = r
  const gr = groupResource(type)
  const ns = r.namespace ?? ''
  switch (r.verb) {
    case 'get': {
      if (r.subresource === 'scale') {
        send(response, { code: 200, body: readScale(cluster, type, { namespace: ns, name: r.name ?? '' }) })
        return
      }
      const object = cluster.store.get(type, ns, r.name ?? '')
      if (object === undefined) throw notFound(gr, r.name ?? '')
      send(response, { code: 200, body: object })
      return
    }
    case 'list':
      send(response, {
        code: 200,
        body: listObjects(cluster, type, {
          namespace: r.namespace,
          labelSelector: url.searchParams.get('labelSelector') ?? undefined,
          fieldSelector: url.searchParams.get('fieldSelector') ?? undefined,
          limit: intParam(url, 'limit'),
          continueToken: url.searchParams.get('continue') ?? undefined,
          resourceVersion: url.searchParams.get('resourceVersion') ?? undefined,
        }),
      })
      return
    case 'watch': {
      const query = {
        namespace: r.namespace,
        labelSelector: url.searchParams.get('labelSelector') ?? undefined,
        fieldSelector: url.searchParams.get('fieldSelector') ?? undefined,
        resourceVersion: url.searchParams.get('resourceVersion') ?? undefined,
        allowWatchBookmarks: boolParam(url, 'allowWatchBookmarks') === true,
        timeoutSeconds: intParam(url, 'timeoutSeconds'),
        sendInitialEvents: boolParam(url, 'sendInitialEvents'),
      }
      // Selectors are compiled before the stream starts, so a bad one is a plain 400.
      listObjects(cluster, type, { ...query, limit: 1, resourceVersion: undefined })
      const handle = startWatch(cluster, type, { query, response })
      context.watches.add(handle)
      response.on('close', () => context.watches.delete(handle))
      return
    }
    case 'create': {
      const request = writeRequest(url, r, exchange.request.headers['user-agent'])
      const answer = createObject(cluster, type, { namespace: ns, body: decodeBody(exchange), request })
      send(response, { code: answer.code, body: answer.body, headers: warningHeaders(request) })
      return
    }
    case 'update': {
      const request = writeRequest(url, r, exchange.request.headers['user-agent'])
      const name = r.name ?? ''
      if (r.subresource === 'scale') {
        send(response, { code: 200, body: writeScale(cluster, type, { namespace: ns, name, body: decodeBody(exchange), request }) })
        return
      }
      const live = cluster.store.get(type, ns, name)
      if (live === undefined) throw notFound(gr, name)
      const object = decode(type, decodeBody(exchange))
      namespaceRule(type, object, ns)
      nameRule(object, name)
      if (r.subresource === undefined) dropUnknownFields(type, object, request)
      const answer = replaceObject(cluster, type, { live, incoming: object, request, options: { subresource: r.subresource, requireResourceVersion: true } })
      send(response, { code: answer.code, body: answer.body, headers: warningHeaders(request) })
      return
    }
    case 'patch': {
      const request = writeRequest(url, r, exchange.request.headers['user-agent'])
      const patchType = patchTypeOf(exchange.request.headers['content-type'])
      if (patchType === undefined) throw unsupportedPatch(type)
      const name = r.name ?? ''
      if (patchType === 'apply' && url.searchParams.get('fieldManager') === null) {
        throw invalidOptions('PatchOptions', [{ type: 'Required', field: 'fieldManager', detail: 'is required for apply patch' }])
      }
      if (r.subresource === 'scale') {
        send(response, { code: 200, body: writeScale(cluster, type, { namespace: ns, name, body, patchType, request }) })
        return
      }
      if (r.subresource === 'finalize') throw resourceNotFound()
      const answer = patchObject(cluster, type, {
        patchType,
        body,
        namespace: ns,
        name,
        subresource: r.subresource,
        force: boolParam(url, 'force'),
        request,
      })
      send(response, { code: answer.code, body: answer.body, headers: warningHeaders(request) })
      return
    }
    case 'delete': {
      const { options, dryRun } = deleteOptionsOf(url, body)
      if (dryRun.some((v) => v !== 'All')) {
        throw invalidOptions('DeleteOptions', [{ type: 'NotSupported', field: 'dryRun', value: dryRun, detail: 'supported values: "All"' }])
      }
      const request: WriteRequest = { manager: managerFromUserAgent(exchange.request.headers['user-agent']), dryRun: dryRun.length > 0, fieldValidation: 'Ignore', warnings: [] }
      const answer = deleteObject(cluster, type, { namespace: ns, name: r.name ?? '', options, request })
      send(response, { code: answer.code, body: answer.body })
      return
    }
    case 'deletecollection': {
      const { options, dryRun } = deleteOptionsOf(url, body)
      const request: WriteRequest = { manager: managerFromUserAgent(exchange.request.headers['user-agent']), dryRun: dryRun.length > 0, fieldValidation: 'Ignore', warnings: [] }
      const list = listObjects(cluster, type, {
        namespace: r.namespace,
        labelSelector: url.searchParams.get('labelSelector') ?? undefined,
        fieldSelector: url.searchParams.get('fieldSelector') ?? undefined,
      })
      const items: KubeMap[] = []
      for (const item of list.items as KubeMap[]) {
        const meta = item.metadata as KubeObject['metadata']
        const answer = deleteObject(cluster, type, { namespace: meta.namespace ?? '', name: meta.name, options, request })
        if (isKubeMap(answer.body) && answer.body.kind !== 'Status') items.push(answer.body)
      }
      send(response, { code: 200, body: { ...list, items } })
      return
    }
  }
}

