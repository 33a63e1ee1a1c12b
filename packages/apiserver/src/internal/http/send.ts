// Writing answers and Status errors in the media type the request negotiated: JSON, or Kubernetes'
// protobuf envelope for the kinds of the field table.
import type { ServerResponse } from 'node:http'
import { isKubeMap } from '@gitops-sdk/core'
import type { StatusError } from '../../status.js'
import { internalError } from '../../status.js'
import { EncodeError } from '../protobuf/encode.js'
import { encodeProtobufObject, PROTOBUF_MEDIA_TYPE } from '../protobuf/envelope.js'
import type { Media } from './negotiate.js'
import { negotiate } from './negotiate.js'
import { answerWhole } from './exchange.js'
import { stringifyJson } from '../../ssa/deepJson.js'

type Headers = Readonly<Record<string, string | string[]>>

const answeredAs = new WeakMap<ServerResponse, string>()

/** Writes the head of an answer and remembers its Content-Type for the request log. */
export function writeHead(response: ServerResponse, code: number, headers: Readonly<Record<string, string | string[] | number>>): void {
  const type = headers['Content-Type']
  if (typeof type === 'string') answeredAs.set(response, type)
  response.writeHead(code, headers)
}

/** Writes a whole answer, its head and body at once, and remembers its Content-Type for the request log. */
export function writeWhole(response: ServerResponse, code: number, answer: { readonly headers: Readonly<Record<string, string | string[] | number>>; readonly body: string | Uint8Array }): void {
  const type = answer.headers['Content-Type']
  if (typeof type === 'string') answeredAs.set(response, type)
  answerWhole(response, code, answer)
}

/** The Content-Type an answer was written with, if its head went out through {@link writeHead}. */
export function answerContentType(response: ServerResponse): string | undefined {
  return answeredAs.get(response)
}

/** Writes a JSON answer; after headers went out (a watch), only ends the response. */
export function send(response: ServerResponse, answer: { code: number; body: unknown; headers?: Headers }): void {
  const { code, body, headers = {} } = answer
  if (response.headersSent) {
    response.end()
    return
  }
  const text = `${stringifyJson(body)}\n`
  writeWhole(response, code, { headers: { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache, private', 'Content-Length': Buffer.byteLength(text), ...headers }, body: text })
}

/**
 * Writes an answer in the negotiated media type: protobuf when it was negotiated and the body's kind is
 * in the field table, JSON otherwise (YAML is answered as JSON). A kind the table lacks (a
 * CustomResourceDefinition, say) goes out as JSON rather than failing, which every Go client reads
 * when it accepts JSON besides protobuf, as kubectl's typed clients do.
 */
export function reply(response: ServerResponse, media: Media, answer: { code: number; body: unknown; headers?: Headers }): void {
  const { code, body, headers = {} } = answer
  if (media === 'protobuf' && !response.headersSent && isKubeMap(body)) {
    let bytes: Uint8Array | undefined
    try {
      bytes = encodeProtobufObject(body)
    } catch (err) {
      if (!(err instanceof EncodeError)) throw err
    }
    if (bytes !== undefined) {
      writeWhole(response, code, { headers: { 'Content-Type': PROTOBUF_MEDIA_TYPE, 'Cache-Control': 'no-cache, private', 'Content-Length': bytes.length, ...headers }, body: bytes })
      return
    }
  }
  send(response, answer)
}

/**
 * Writes the Status body of `err`, negotiated as kube-apiserver's ErrorNegotiated does it (no transforms
 * allowed; JSON when the Accept header names nothing served).
 */
export function sendError(response: ServerResponse, err: StatusError, accept?: string): void {
  const media = negotiate(accept, { resource: false })?.media ?? 'json'
  try {
    reply(response, media, { code: err.code, body: err.body(), headers: err.headers })
  } catch (failure) {
    // A Status too large to serialise (a string past V8's length bound) must not take the server
    // down: it is answered as a small typed 500 naming what failed.
    if (response.headersSent) {
      response.end()
      return
    }
    const reason = failure instanceof Error ? failure.message : String(failure)
    const fallback = internalError(`the ${err.code} answer to this request could not be serialised: ${reason}`)
    send(response, { code: fallback.code, body: fallback.body() })
  }
}

/** Whether the Accept header allows JSON (or YAML, which the server answers as JSON). */
export function acceptsJson(accept: string | undefined): boolean {
  if (accept === undefined || accept.trim() === '') return true
  return accept.split(',').some((part) => {
    const media = (part.split(';')[0] ?? '').trim().toLowerCase()
    return media === 'application/json' || media === '*/*' || media === 'application/*' || media === 'application/yaml'
  })
}
