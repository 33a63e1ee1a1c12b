// WATCH (SPEC.md §7.3): one JSON event per line, flushed per event; a start from the current state, or
// from a resourceVersion through the history; selector transitions; bookmarks; timeouts; 410 Expired.
import type { ServerResponse } from 'node:http'
import type { KubeMap, KubeObject } from '@gitops-sdk/core'
import type { Cluster } from '../state/cluster.js'
import type { ListQuery } from './read.js'
import { selectorOf } from './read.js'
import type { ResourceType } from '../state/registry.js'
import { apiVersionOf, typeKey } from '../state/registry.js'
import { statusBody } from '../../status.js'
import type { Media } from '../http/negotiate.js'
import { writeHead } from '../http/send.js'
import { isHttp2 } from '../http/exchange.js'
import { EncodeError } from '../protobuf/encode.js'
import { encodeWatchFrame, jsonWatchFrame, PROTOBUF_MEDIA_TYPE } from '../protobuf/envelope.js'
import type { StoreEvent } from '../state/store.js'
import { stringifyJson } from '../../ssa/deepJson.js'

/** A watch query. */
export interface WatchQuery extends ListQuery {
  readonly allowWatchBookmarks: boolean
  readonly timeoutSeconds: number | undefined
  readonly sendInitialEvents: boolean | undefined
}

/** An open watch stream, closed by the server's stop. */
export interface OpenWatch {
  close(): void
  /** Destroys the stream without a final event, as a dropped connection does. */
  cut(): void
}

/** Streams a watch to `response`; returns a handle that ends it. */
export function startWatch(
  cluster: Cluster,
  type: ResourceType,
  stream: {
    query: WatchQuery
    response: ServerResponse
    cutAfterEvents?: number | undefined
    /** How each object of an ADDED, MODIFIED or DELETED event is sent (a Table for `as=Table`); as stored by default. */
    render?: ((object: KubeObject) => KubeMap) | undefined
    /** `protobuf`: length-prefixed WatchEvent frames (`;stream=watch`); JSON lines otherwise. */
    media?: Media | undefined
  },
): OpenWatch {
  const { query, response, cutAfterEvents, render } = stream
  const protobuf = stream.media === 'protobuf'
  // An event whose object the field table cannot encode goes out as a JSON line only on a JSON stream;
  // on a protobuf stream it is framed in JSON inside the WatchEvent's raw bytes, which Go clients
  // decode by the content they find (the envelope prefix or JSON).
  const encode = (type_: string, value: KubeObject | KubeMap): string | Uint8Array => {
    const object = value as KubeMap
    if (!protobuf) return `${stringifyJson({ type: type_, object })}\n`
    try {
      return encodeWatchFrame(type_, object)
    } catch (err) {
      if (!(err instanceof EncodeError)) throw err
      return jsonWatchFrame(type_, object)
    }
  }
  const matcher = selectorOf(type, query)
  const key = typeKey(type)
  const inScope = (o: KubeObject): boolean => query.namespace === undefined || (o.metadata.namespace ?? '') === query.namespace
  const matches = (o: KubeObject | undefined): boolean => o !== undefined && inScope(o) && matcher(o)
  const contentType = protobuf ? `${PROTOBUF_MEDIA_TYPE};stream=watch` : 'application/json'
  // HTTP/2 frames a stream itself and refuses connection-specific headers.
  writeHead(response, 200, isHttp2(response) ? { 'Content-Type': contentType, 'Cache-Control': 'no-cache, private' } : { 'Content-Type': contentType, 'Cache-Control': 'no-cache, private', 'Transfer-Encoding': 'chunked' })
  response.flushHeaders()
  let closed = false
  // Read through a function: the closures below set it, which control-flow narrowing cannot see.
  const isClosed = (): boolean => closed
  let lastActivity = Date.now()
  let written = 0
  const write = (type_: string, stored: KubeObject | KubeMap): void => {
    if (closed) return
    const object = render !== undefined && (type_ === 'ADDED' || type_ === 'MODIFIED' || type_ === 'DELETED') ? render(stored as KubeObject) : stored
    lastActivity = Date.now()
    written++
    if (cutAfterEvents === undefined || written < cutAfterEvents) {
      response.write(encode(type_, object))
      return
    }
    // The last event goes out before the cut, so the client sees exactly `cutAfterEvents` events.
    closed = true
    unsubscribe()
    for (const t of timers) clearTimeout(t)
    response.write(encode(type_, object), () => response.destroy())
  }
  const deliver = (event: StoreEvent): void => {
    if (event.typeKey !== key) return
    const was = matches(event.old)
    const is = event.type !== 'DELETED' && matches(event.object)
    if (event.type === 'DELETED') {
      if (was) write('DELETED', event.object)
      return
    }
    if (was && is) write(event.old === undefined ? 'ADDED' : 'MODIFIED', event.object)
    else if (!was && is) write('ADDED', event.object)
    else if (was && !is && event.old !== undefined) {
      write('DELETED', { ...event.old, metadata: { ...event.old.metadata, resourceVersion: event.object.metadata.resourceVersion } })
    }
  }
  let unsubscribe = (): void => undefined
  const timers: NodeJS.Timeout[] = []
  const handle: OpenWatch = {
    close() {
      if (closed) return
      closed = true
      unsubscribe()
      for (const t of timers) clearTimeout(t)
      response.end()
    },
    cut() {
      if (closed) return
      closed = true
      unsubscribe()
      for (const t of timers) clearTimeout(t)
      response.destroy()
    },
  }
  if (cutAfterEvents === 0) setImmediate(() => handle.cut())
  response.on('close', () => handle.close())

  const rvParam = query.resourceVersion
  const fromState = rvParam === undefined || rvParam === '' || rvParam === '0' || query.sendInitialEvents === true
  if (fromState) {
    for (const object of cluster.store.list(type, query.namespace)) if (matcher(object)) write('ADDED', object)
    if (query.sendInitialEvents === true && query.allowWatchBookmarks) {
      write('BOOKMARK', bookmark(type, String(cluster.store.resourceVersion), true))
    }
  } else {
    const from = /^[0-9]+$/.test(rvParam) ? Number(rvParam) : 0
    const events = cluster.store.since(from, key)
    if (events === undefined) {
      write('ERROR', statusBody({ code: 410, reason: 'Expired', message: `too old resource version: ${from} (${cluster.store.compacted})` }))
      handle.close()
      return handle
    }
    for (const event of events) deliver(event)
  }
  // A cut during the initial events ends the watch before it listens.
  if (isClosed()) return handle
  unsubscribe = cluster.store.subscribe(deliver)

  if (query.allowWatchBookmarks && cluster.settings.bookmarkIntervalMs > 0) {
    const interval = cluster.settings.bookmarkIntervalMs
    timers.push(
      setInterval(() => {
        if (Date.now() - lastActivity >= interval) write('BOOKMARK', bookmark(type, String(cluster.store.resourceVersion), false))
      }, Math.max(10, Math.floor(interval / 2))),
    )
  }
  const timeoutMs = query.timeoutSeconds !== undefined ? query.timeoutSeconds * 1000 : (30 + Math.random() * 30) * 60_000
  const timeout = setTimeout(() => handle.close(), timeoutMs)
  timers.push(timeout)
  return handle
}

function bookmark(type: ResourceType, resourceVersion: string, initialEventsEnd: boolean): KubeMap {
  const metadata: KubeMap = { resourceVersion, creationTimestamp: null }
  if (initialEventsEnd) metadata.annotations = { 'k8s.io/initial-events-end': 'true' }
  return { kind: type.kind, apiVersion: apiVersionOf(type), metadata }
}
