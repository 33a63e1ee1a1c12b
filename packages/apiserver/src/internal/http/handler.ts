// The HTTP side: authentication, the request log, fault injection, body limits, query options and
// Status answers around the routed operations. A malformed request never throws out of here.
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { HandlerContext, LoggedRequest } from './handlerContext.js'
import { applyFault, faultStatus } from './faults.js'
import { distinctHeaders, dropExchange } from './exchange.js'
import { managerFromUserAgent } from './requestOptions.js'
import type { Route } from './route.js'
import { route } from './route.js'
import { negotiateResource } from './negotiate.js'
import { acceptsJson, answerContentType, sendError } from './send.js'
import { serveDiscovery, serveOpenApi } from './serveDocuments.js'
import { serveResource } from './serveResource.js'
import { forbidden, internalError, resourceNotFound, StatusError } from '../../status.js'
import { adminUser, bearerToken, impersonate } from '../auth/identity.js'
import type { Attributes, UserInfo } from '../auth/rbac.js'
import { forbiddenReason, rbacAllows } from '../auth/rbac.js'

/** The request body limit of kube-apiserver: 3 MiB. */
export const MAX_BODY_BYTES: number = 3 * 1024 * 1024

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

/** Refuses a request the authorizer does not allow, with kube-apiserver's Forbidden Status. */
function authorize(route_: Route, request: { user: UserInfo; allowed: (a: Attributes) => boolean; path: string; method: string }): void {
  const { user, allowed } = request
  if (route_.kind !== 'resource') {
    const attributes: Attributes = { resourceRequest: false, verb: request.method.toLowerCase(), path: request.path }
    if (!allowed(attributes)) throw new StatusError({ code: 403, reason: 'Forbidden', message: `forbidden: ${forbiddenReason(user, attributes)}` })
    return
  }
  const attributes: Attributes = {
    resourceRequest: true,
    verb: route_.verb,
    group: route_.type.group,
    resource: route_.type.plural,
    subresource: route_.subresource ?? '',
    namespace: route_.namespace ?? '',
    name: route_.name ?? '',
  }
  if (!allowed(attributes)) {
    throw forbidden({ group: route_.type.group, plural: route_.type.plural }, route_.name ?? '', { why: forbiddenReason(user, attributes) })
  }
}

/** Handles one HTTP request; never rejects. */
export async function handleRequest(context: HandlerContext, request: IncomingMessage, response: ServerResponse): Promise<void> {
  let route_: Route | undefined
  try {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    const method = request.method ?? 'GET'
    let user: UserInfo = adminUser
    if (context.tokens !== undefined) {
      const token = bearerToken(request.headers)
      const known = token === undefined ? undefined : (context.identities.get(token) ?? (context.tokens.has(token) ? adminUser : undefined))
      if (known === undefined) {
        request.resume()
        sendError(response, new StatusError({ code: 401, reason: 'Unauthorized', message: 'Unauthorized' }), request.headers.accept)
        return
      }
      user = known
    }
    const watch = url.searchParams.get('watch') === 'true' || url.searchParams.get('watch') === '1'
    let routeError: unknown
    try {
      route_ = route(context.cluster, method, { pathname: url.pathname, watch })
    } catch (err) {
      routeError = err
    }
    const allowed = (attributes: Attributes): boolean => context.authorization === 'AlwaysAllow' || rbacAllows(context.cluster, user, attributes)
    let impersonationError: unknown
    try {
      user = impersonate(distinctHeaders(request), user, allowed)
    } catch (err) {
      impersonationError = err
    }
    const entry: { -readonly [K in keyof LoggedRequest]: LoggedRequest[K] } = { ...record(url, request, route_), user: user.name, accept: request.headers.accept }
    context.log.push(entry)
    const noteAnswer = (): void => {
      const answered = answerContentType(response)
      if (answered !== undefined) entry.answerContentType = answered
    }
    response.once('finish', noteAnswer).once('close', noteAnswer)
    let cutAfterEvents: number | undefined
    const fault = context.faults.take(entry)
    if (fault !== undefined) {
      const outcome = await applyFault(context.faults, fault, { request, response, route: route_ })
      if (outcome === 'answered') return
      if (outcome !== 'go') cutAfterEvents = outcome.cutAfterEvents
    }
    for (const hook of context.interceptors) {
      const action = await hook(entry)
      if (action === undefined) continue
      if ('drop' in action) {
        dropExchange(request)
        return
      }
      if ('delayMs' in action) {
        await new Promise((resolve) => setTimeout(resolve, action.delayMs))
        continue
      }
      request.resume()
      sendError(response, faultStatus(action.status, route_, action), request.headers.accept)
      return
    }
    if (impersonationError !== undefined) {
      request.resume()
      throw impersonationError instanceof StatusError ? impersonationError : internalError(impersonationError instanceof Error ? impersonationError.message : 'impersonation failed')
    }
    if (route_ !== undefined) authorize(route_, { user, allowed, path: url.pathname, method })
    if (route_ === undefined) throw routeError instanceof StatusError ? routeError : resourceNotFound()
    if (route_.kind === 'openapi') {
      request.resume()
      serveOpenApi(context, route_, { method, accept: request.headers.accept, response })
      return
    }
    // Resource answers are negotiated before the body is read, as kube-apiserver's handlers do.
    let output: ReturnType<typeof negotiateResource> = { media: 'json' }
    try {
      if (route_.kind === 'resource') output = negotiateResource(request.headers.accept, { custom: route_.type.crd !== undefined, watch: route_.verb === 'watch' })
      else if (!acceptsJson(request.headers.accept)) {
        throw new StatusError({ code: 406, reason: 'NotAcceptable', message: 'only the following media types are accepted: application/json, application/yaml' })
      }
    } catch (err) {
      request.resume()
      throw err
    }
    const body = method === 'GET' || method === 'HEAD' ? Buffer.alloc(0) : await readBody(request)
    if (method === 'GET') request.resume()
    if (route_.kind === 'discovery') {
      serveDiscovery(context, route_, { response, accept: request.headers.accept })
      return
    }
    await serveResource(context, { route: route_, url, request, response, body: body.toString('utf8'), raw: body, cutAfterEvents, user, output })
  } catch (err) {
    // A 406 is written as plain JSON (WriteRawJSON), whatever the Accept header says.
    const accept = err instanceof StatusError && err.code === 406 ? undefined : request.headers.accept
    if (err instanceof StatusError) sendError(response, err, accept)
    else sendError(response, internalError(`Internal error occurred: ${err instanceof Error ? err.message : String(err)}`), accept)
  }
}
