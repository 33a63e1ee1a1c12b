// Kubernetes' protobuf envelope (`application/vnd.kubernetes.protobuf`): the four bytes `k8s\0`, then a
// runtime.Unknown {typeMeta {apiVersion, kind}, raw, contentEncoding, contentType} whose `raw` is the
// object's message. kubectl's typed clients (every `kubectl create <generator>`) send built-in kinds so.
import type { KubeMap } from '@gitops-sdk/core'
import { decodeMessage, hasMessage, setOwn } from './decode.js'
import { encodeMessage, EncodeError } from './encode.js'
import { readFields, WireError, WireWriter } from './wire.js'
import { stringifyJson } from '../../ssa/deepJson.js'

/** The media type of Kubernetes' protobuf encoding. */
export const PROTOBUF_MEDIA_TYPE = 'application/vnd.kubernetes.protobuf'

/** The envelope's magic prefix: `k8s\0`. */
export const PROTOBUF_MAGIC: Uint8Array = Uint8Array.from([0x6b, 0x38, 0x73, 0x00])

const utf8 = new TextDecoder()

/** What the envelope says about its content. */
export interface Envelope {
  readonly apiVersion: string
  readonly kind: string
  readonly raw: Uint8Array
  readonly contentEncoding: string
  readonly contentType: string
}

/** The envelope of `body`; throws WireError (with the protobuf serializer's message) when it is none. */
export function readEnvelope(body: Uint8Array): Envelope {
  if (body.length === 0) throw new WireError('empty data')
  if (body.length < 4 || !PROTOBUF_MAGIC.every((b, i) => body[i] === b)) {
    throw new WireError(`provided data does not appear to be a protobuf message, expected prefix [${PROTOBUF_MAGIC.join(' ')}]`)
  }
  if (body.length === 4) throw new WireError('empty body')
  let apiVersion = ''
  let kind = ''
  let raw: Uint8Array = new Uint8Array(0)
  let contentEncoding = ''
  let contentType = ''
  for (const f of readFields(body.subarray(4))) {
    if (f.wire !== 2) continue
    if (f.number === 1) {
      for (const t of readFields(f.value)) {
        if (t.wire !== 2) continue
        if (t.number === 1) apiVersion = utf8.decode(t.value)
        if (t.number === 2) kind = utf8.decode(t.value)
      }
    } else if (f.number === 2) raw = f.value
    else if (f.number === 3) contentEncoding = utf8.decode(f.value)
    else if (f.number === 4) contentType = utf8.decode(f.value)
  }
  return { apiVersion, kind, raw, contentEncoding, contentType }
}

/** The table's message name of a kind: `apps/v1` Deployment is `apps.v1.Deployment`, `v1` Pod `core.v1.Pod`. */
export function messageName(apiVersion: string, kind: string): string | undefined {
  const slash = apiVersion.indexOf('/')
  const group = slash < 0 ? '' : apiVersion.slice(0, slash)
  const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1)
  // Built-in groups are one label (`apps`) or end in `.k8s.io`; `apps.example.com` is a custom group.
  const builtinGroup = group === '' || !group.includes('.') || group.endsWith('.k8s.io')
  const pkg = group === '' ? 'core' : (group.split('.')[0] ?? '')
  const name = `${pkg}.${version}.${kind}`
  if (builtinGroup && hasMessage(name)) return name
  // Options kinds (DeleteOptions, …) live in meta/v1 whatever group version names them.
  const meta = `meta.v1.${kind}`
  return hasMessage(meta) ? meta : undefined
}

/** A protobuf body that could not be decoded: the kind it named, when it named one, and why. */
export class EnvelopeError extends Error {
  constructor(
    readonly named: { readonly apiVersion: string; readonly kind: string } | undefined,
    message: string,
  ) {
    super(message)
  }
}

/**
 * The JSON object of a protobuf body, with `apiVersion` and `kind` from its envelope; throws
 * EnvelopeError when the body is not an envelope, names no kind the table has, or its message
 * does not decode.
 */
export function decodeProtobufObject(body: Uint8Array): KubeMap {
  let envelope: Envelope
  try {
    envelope = readEnvelope(body)
  } catch (err) {
    throw new EnvelopeError(undefined, (err as Error).message)
  }
  const { apiVersion, kind } = envelope
  const named = kind === '' ? undefined : { apiVersion, kind }
  if (envelope.contentEncoding !== '') throw new EnvelopeError(named, `unsupported content encoding ${JSON.stringify(envelope.contentEncoding)}`)
  const message = messageName(apiVersion, kind)
  if (message === undefined) {
    throw new EnvelopeError(named, `no kind "${kind}" is registered for version "${apiVersion}" in scheme "pkg/api/legacyscheme/scheme.go:30"`)
  }
  let fields: KubeMap
  try {
    fields = decodeMessage(message, envelope.raw)
  } catch (err) {
    if (err instanceof WireError) throw new EnvelopeError(named, err.message)
    throw err
  }
  const out: KubeMap = {}
  if (apiVersion !== '') out.apiVersion = apiVersion
  if (kind !== '') out.kind = kind
  for (const [k, v] of Object.entries(fields)) setOwn(out, k, v)
  return out
}

/** Wraps a message in the envelope, as kube-apiserver's protobuf serializer writes it. */
export function writeEnvelope(typeMeta: { readonly apiVersion: string; readonly kind: string }, raw: Uint8Array): Uint8Array {
  const meta = new WireWriter().bytes(1, typeMeta.apiVersion).bytes(2, typeMeta.kind).finish()
  const unknown = new WireWriter().bytes(1, meta).bytes(2, raw).bytes(3, '').bytes(4, '').finish()
  const out = new Uint8Array(4 + unknown.length)
  out.set(PROTOBUF_MAGIC, 0)
  out.set(unknown, 4)
  return out
}

/**
 * The protobuf envelope of a JSON object whose `apiVersion` and `kind` name a message of the table, as
 * kube-apiserver's protobuf serializer writes it: `k8s\0`, then runtime.Unknown {typeMeta, raw, "", ""}.
 * Throws EncodeError for a kind the table does not have or a value that does not fit its field.
 */
export function encodeProtobufObject(object: KubeMap): Uint8Array {
  const { apiVersion, kind } = object
  if (typeof apiVersion !== 'string' || typeof kind !== 'string') throw new EncodeError('the object names no apiVersion and kind')
  const message = messageName(apiVersion, kind)
  if (message === undefined) throw new EncodeError(`no kind "${kind}" of version "${apiVersion}" in the field table`)
  const raw = encodeMessage(message, object)
  const typeMeta = new WireWriter().bytes(1, apiVersion).bytes(2, kind).finish()
  const unknown = new WireWriter().bytes(1, typeMeta).bytes(2, raw).bytes(3, '').bytes(4, '').finish()
  const out = new Uint8Array(PROTOBUF_MAGIC.length + unknown.length)
  out.set(PROTOBUF_MAGIC, 0)
  out.set(unknown, PROTOBUF_MAGIC.length)
  return out
}

/**
 * One frame of a protobuf watch stream (`;stream=watch`): a 4-byte big-endian length, then a
 * versioned meta.v1.WatchEvent {type, object: RawExtension {raw}} written without an envelope,
 * whose `raw` is the event object's own envelope.
 */
export function encodeWatchFrame(type: string, object: KubeMap): Uint8Array {
  return frame(type, encodeProtobufObject(object))
}

/** A protobuf watch frame whose object is JSON, for an object the field table cannot encode. */
export function jsonWatchFrame(type: string, object: KubeMap): Uint8Array {
  return frame(type, new TextEncoder().encode(stringifyJson(object)))
}

function frame(type: string, objectBytes: Uint8Array): Uint8Array {
  const raw = new WireWriter().bytes(1, objectBytes).finish()
  const event = new WireWriter().bytes(1, type).bytes(2, raw).finish()
  const out = new Uint8Array(4 + event.length)
  new DataView(out.buffer).setUint32(0, event.length, false)
  out.set(event, 4)
  return out
}
