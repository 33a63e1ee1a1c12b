// The documents of the server: discovery, /version, /healthz, and the OpenAPI v2 and v3 documents.
import type { ServerResponse } from 'node:http'
import type { HandlerContext } from './handlerContext.js'
import { aggregatedDiscovery, aggregatedVersionOf, apiGroup, apiGroupList, apiResourceList, apiVersions, versionInfo } from './discovery.js'
import { openApiDocument, openApiIndex, openApiV2, openApiV2Proto, openApiV2Protobuf } from './openapi.js'
import type { Route } from './route.js'
import { acceptsJson, send, writeWhole } from './send.js'
import { resourceNotFound, StatusError } from '../../status.js'

/**
 * `GET /openapi/v3`, the documents it points to, and `/openapi/v2` (see openapi.ts); other methods
 * are a 405. `/openapi/v2` is answered in protobuf when asked for it, as kubectl does.
 */
export function serveOpenApi(
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
  writeWhole(response, 200, { headers: { 'Content-Type': type, 'Cache-Control': 'no-cache, private', 'Content-Length': Buffer.byteLength(body) }, body })
}

/** Discovery documents, /version and /healthz. */
export function serveDiscovery(context: HandlerContext, route_: Extract<Route, { kind: 'discovery' }>, exchange: { response: ServerResponse; accept: string | undefined }): void {
  const { cluster } = context
  const { response } = exchange
  const aggregated = route_.document === 'api' || route_.document === 'apis' ? aggregatedVersionOf(exchange.accept) : undefined
  if (aggregated !== undefined) {
    const body = aggregatedDiscovery(cluster, { core: route_.document === 'api', version: aggregated })
    send(response, { code: 200, body, headers: { 'Content-Type': `application/json;g=apidiscovery.k8s.io;v=${aggregated};as=APIGroupDiscoveryList`, Vary: 'Accept' } })
    return
  }
  switch (route_.document) {
    case 'health':
      writeWhole(response, 200, { headers: { 'Content-Type': 'text/plain; charset=utf-8' }, body: 'ok' })
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
