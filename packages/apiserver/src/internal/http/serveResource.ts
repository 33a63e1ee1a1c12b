// The verbs on resources: get, list, watch, create, update, patch, delete, deletecollection, and the
// scale subresource, each answered with its object or list.
import type { IncomingMessage, ServerResponse } from 'node:http'
import { isKubeMap } from '@gitops-sdk/core'
import type { KubeMap, KubeObject } from '@gitops-sdk/core'
import { deleteObject } from '../verbs/deleteObject.js'
import { patchObject, patchTypeOf, unsupportedPatch } from '../verbs/patchObject.js'
import { listObjects } from '../verbs/read.js'
import { readScale } from '../verbs/scale.js'
import { startWatch } from '../verbs/watch.js'
import type { WriteRequest } from '../verbs/writes.js'
import { createObject } from '../verbs/createObject.js'
import { decode, dropUnknownFields, groupResource, nameRule, namespaceRule } from '../verbs/writes.js'
import { replaceObject } from '../verbs/replaceObject.js'
import type { HandlerContext } from './handlerContext.js'
import { boolParam, decodeBody, deleteOptionsOf, intParam, jsonText, managerFromUserAgent, warningHeaders, writeRequest } from './requestOptions.js'
import type { ResourceRoute } from './route.js'
import type { Negotiated } from './negotiate.js'
import { reply } from './send.js'
import { render, renderingFrom } from '../printers/table.js'
import { admitDelete, admitWrite } from '../admission/admit.js'
import { admitScale } from '../admission/admitScale.js'
import { adminUser } from '../auth/identity.js'
import type { UserInfo } from '../auth/rbac.js'
import { reviewGroups } from '../state/registry.js'
import { answerReview } from '../verbs/review.js'
import { requestToken, tokenRequestType } from '../verbs/tokenRequest.js'
import { decodeProtobufObject, EnvelopeError, PROTOBUF_MEDIA_TYPE } from '../protobuf/envelope.js'
import { badRequest, invalidOptions, notFound, resourceNotFound } from '../../status.js'
import { cloneJson, stringifyJson } from '../../ssa/deepJson.js'

/** One resource request with its body read. */
export interface Exchange {
  readonly route: ResourceRoute
  readonly url: URL
  readonly request: IncomingMessage
  readonly response: ServerResponse
  readonly body: string
  /** The body's bytes (a protobuf body is not text). */
  readonly raw: Uint8Array
  /** Who makes the request (after impersonation). */
  readonly user: UserInfo
  /** The negotiated output: its media type and meta.k8s.io transform. */
  readonly output: Negotiated
  /** Set by a `cutWatch` fault. */
  readonly cutAfterEvents?: number | undefined
}

/** A delete's body as JSON text: typed clients send DeleteOptions in protobuf. */
function deleteBody(exchange: Exchange): string {
  const media = (exchange.request.headers['content-type'] ?? '').split(';')[0]?.trim().toLowerCase()
  if (media !== PROTOBUF_MEDIA_TYPE || exchange.raw.length === 0) return exchange.body
  try {
    return stringifyJson(decodeProtobufObject(exchange.raw))
  } catch (err) {
    if (err instanceof EnvelopeError) throw badRequest(`the body of the request was in an unknown format: ${err.message}`)
    throw err
  }
}

/** Serves one resource request; throws StatusError for the handler to answer. */
export async function serveResource(context: HandlerContext, exchange: Exchange): Promise<void> {
  const { cluster } = context
  const { route: r, url, response, body } = exchange
  const { type } = r
  const gr = groupResource(type)
  const ns = r.namespace ?? ''
  const send = (answer: Parameters<typeof reply>[2]): void => reply(response, exchange.output.media, answer)
  switch (r.verb) {
    case 'get': {
      if (r.subresource === 'scale') {
        send({ code: 200, body: readScale(cluster, type, { namespace: ns, name: r.name ?? '' }) })
        return
      }
      const object = cluster.store.get(type, ns, r.name ?? '')
      if (object === undefined) throw notFound(gr, r.name ?? '')
      const rendering = renderingFrom(exchange.output.convert)
      const listMeta = { resourceVersion: object.metadata.resourceVersion ?? '' }
      const body = rendering === undefined ? object : render(type, { objects: [object], listMeta, single: true }, { rendering, includeObject: url.searchParams.get('includeObject'), now: cluster.now() })
      send({ code: 200, body })
      return
    }
    case 'list': {
      const list = listObjects(cluster, type, {
          namespace: r.namespace,
          labelSelector: url.searchParams.get('labelSelector') ?? undefined,
          fieldSelector: url.searchParams.get('fieldSelector') ?? undefined,
          limit: intParam(url, 'limit'),
          continueToken: url.searchParams.get('continue') ?? undefined,
          resourceVersion: url.searchParams.get('resourceVersion') ?? undefined,
        })
      const rendering = renderingFrom(exchange.output.convert)
      if (rendering === undefined) {
        send({ code: 200, body: list })
        return
      }
      // Items of built-in lists carry no apiVersion and kind; rows do not need them.
      const objects = (list.items as unknown as KubeObject[])
      send({ code: 200, body: render(type, { objects, listMeta: list.metadata as KubeMap, single: false }, { rendering, includeObject: url.searchParams.get('includeObject'), now: cluster.now() }) })
      return
    }
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
      // As kube-apiserver does for `as=Table`, each event's object is a Table of one row (columns included).
      const rendering = renderingFrom(exchange.output.convert)
      const includeObject = url.searchParams.get('includeObject')
      const renderEvent =
        rendering === undefined
          ? undefined
          : (object: KubeObject): KubeMap =>
              render(type, { objects: [object], listMeta: { resourceVersion: object.metadata.resourceVersion ?? '' }, single: false }, { rendering, includeObject, now: cluster.now() })
      const handle = startWatch(cluster, type, { query, response, cutAfterEvents: exchange.cutAfterEvents, render: renderEvent, media: exchange.output.media })
      context.watches.add(handle)
      response.on('close', () => context.watches.delete(handle))
      return
    }
    case 'create': {
      if (r.subresource === 'token') {
        send({ code: 201, body: requestToken(context, { namespace: ns, name: r.name ?? '', body: decodeBody(exchange, tokenRequestType) }) })
        return
      }
      if (reviewGroups.has(type.group)) {
        const lookupToken = (token: string): UserInfo | undefined => context.identities.get(token) ?? (context.tokens?.has(token) === true ? adminUser : undefined)
        const review = answerReview({ cluster, authorization: context.authorization, user: exchange.user, lookupToken }, type, { body: decodeBody(exchange, type), namespace: ns })
        send({ code: 201, body: review })
        return
      }
      const request = writeRequest(url, r, exchange.request.headers['user-agent'])
      const decoded = decodeBody(exchange, type)
      const answer = await admitWrite(context, { type, subresource: '', namespace: ns, user: exchange.user, request }, (req) =>
        createObject(cluster, type, { namespace: ns, body: cloneJson(decoded), request: req, text: jsonText(exchange) }),
      )
      send({ code: answer.code, body: answer.body, headers: warningHeaders(request) })
      return
    }
    case 'update': {
      const request = writeRequest(url, r, exchange.request.headers['user-agent'])
      const name = r.name ?? ''
      if (r.subresource === 'scale') {
        const scale = await admitScale(context, { type, namespace: ns, user: exchange.user, request }, { name, body: decodeBody(exchange, type, 'Scale') })
        send({ code: 200, body: scale, headers: warningHeaders(request) })
        return
      }
      const decoded = decodeBody(exchange, type)
      const subresource = r.subresource === 'token' ? undefined : r.subresource
      const answer = await admitWrite(context, { type, subresource: subresource ?? '', namespace: ns, user: exchange.user, request }, (req) => {
        const live = cluster.store.get(type, ns, name)
        if (live === undefined) throw notFound(gr, name)
        const object = decode(type, cloneJson(decoded), jsonText(exchange))
        namespaceRule(type, object, ns)
        nameRule(object, name)
        if (subresource === undefined) dropUnknownFields(type, object, req)
        return replaceObject(cluster, type, { live, incoming: object, request: req, options: { subresource, requireResourceVersion: true } })
      })
      send({ code: answer.code, body: answer.body, headers: warningHeaders(request) })
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
        const scale = await admitScale(context, { type, namespace: ns, user: exchange.user, request }, { name, body, patchType })
        send({ code: 200, body: scale, headers: warningHeaders(request) })
        return
      }
      if (r.subresource === 'finalize') throw resourceNotFound()
      const subresource = r.subresource === 'token' ? undefined : r.subresource
      const force = boolParam(url, 'force')
      const answer = await admitWrite(context, { type, subresource: subresource ?? '', namespace: ns, user: exchange.user, request }, (req) =>
        patchObject(cluster, type, { patchType, body, namespace: ns, name, subresource, force, request: req }),
      ).catch((err: unknown) => {
        // kube's recorder has written its warnings to the response already: a later refusal keeps them.
        const { Warning } = warningHeaders(request)
        if (Warning !== undefined) exchange.response.setHeader('Warning', Warning)
        throw err
      })
      send({ code: answer.code, body: answer.body, headers: warningHeaders(request) })
      return
    }
    case 'delete': {
      const { options, dryRun } = deleteOptionsOf(url, deleteBody(exchange))
      if (dryRun.some((v) => v !== 'All')) {
        throw invalidOptions('DeleteOptions', [{ type: 'NotSupported', field: 'dryRun', value: dryRun, detail: 'supported values: "All"' }])
      }
      const request: WriteRequest = { manager: managerFromUserAgent(exchange.request.headers['user-agent']), dryRun: dryRun.length > 0, fieldValidation: 'Ignore', warnings: [] }
      await admitDelete(context, { type, subresource: '', namespace: ns, user: exchange.user, request }, cluster.store.get(type, ns, r.name ?? ''))
      const answer = deleteObject(cluster, type, { namespace: ns, name: r.name ?? '', options, request })
      send({ code: answer.code, body: answer.body, headers: warningHeaders(request) })
      return
    }
    case 'deletecollection': {
      const { options, dryRun } = deleteOptionsOf(url, deleteBody(exchange))
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
      send({ code: 200, body: { ...list, items } })
      return
    }
  }
}
