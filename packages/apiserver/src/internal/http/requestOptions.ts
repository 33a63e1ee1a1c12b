// Query options and bodies of resource requests: the WriteRequest of a create, update or patch
// (dryRun, fieldManager, fieldValidation), delete options, paging integers and booleans, and the
// decoding of JSON or YAML bodies.
import type { IncomingMessage } from 'node:http'
import { isKubeMap } from '@gitops-sdk/core'
import { isPrint } from '@gitops-sdk/core/go'
import type { DeleteOptions } from '../verbs/deleteObject.js'
import type { WriteRequest } from '../verbs/writes.js'
import type { ResourceRoute } from './route.js'
import { parseYamlBody, yamlBodyAsJsonText } from './yamlDepth.js'
import type { DocumentText } from '../rules/crdSchema/decode.js'
import { bodyTooDeep } from './jsonDepth.js'
import { decodeProtobufObject, EnvelopeError, PROTOBUF_MEDIA_TYPE } from '../protobuf/envelope.js'
import type { ResourceType } from '../state/registry.js'
import type { FieldError } from '../../status.js'
import { badRequest, invalidOptions, StatusError } from '../../status.js'

/** Go's unicode.IsPrint of one character (core's isPrint). */
function isPrintable(c: string): boolean {
  return isPrint(c.codePointAt(0) ?? 0)
}

/** The default field manager: the User-Agent up to its first `/`, printable, at most 128 bytes. */
export function managerFromUserAgent(userAgent: string | undefined): string {
  const prefix = (userAgent ?? '').split('/')[0] ?? ''
  const printable = Array.from(prefix).filter(isPrintable).join('')
  const cut = Buffer.from(printable).subarray(0, 128).toString()
  return cut === '' ? 'unknown' : cut
}

/**
 * A JSON body, or 400 as kube-apiserver's decoder answers one that is no JSON or, for the body of a
 * create or update (`into`: the endpoint's kind and the body's bytes), nests too deep: the handler's
 * transformDecodeError wraps the decoder's `couldn't get version/kind; json parse error: invalid
 * character '[' exceeded max depth` as `the object provided is unrecognized (must be of type …): …
 * (<first 30 bytes>)`. A body read without `into` (DeleteOptions: a few scalar fields are read from
 * it, nothing is cloned or walked) is not bounded, as kube reads one up to its own 10,000 levels.
 */
function parseJson(text: string, into?: { readonly kind: string; readonly raw: Uint8Array }): unknown {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(err as Error).message}`)
  }
  if (into === undefined) return value
  const tooDeep = bodyTooDeep(text, value)
  if (tooDeep !== undefined) {
    throw badRequest(`the object provided is unrecognized (must be of type ${into.kind}): couldn't get version/kind; json parse error: ${tooDeep} (${summarize(into.raw)})`)
  }
  return value
}

function optionsKind(verb: string): string {
  return verb === 'create' ? 'CreateOptions' : verb === 'delete' ? 'DeleteOptions' : verb === 'patch' ? 'PatchOptions' : 'UpdateOptions'
}

/** The WriteRequest of a create, update or patch; 422 on invalid options. */
export function writeRequest(url: URL, route_: ResourceRoute, userAgent: string | undefined): WriteRequest {
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

/** The `Warning` headers of a write. */
export function warningHeaders(request: WriteRequest): Record<string, string[]> {
  const written = recordWarnings(request.warnings)
  if (written.length === 0) return {}
  return { Warning: written.map((w) => `299 - "${headerText(w.replace(/["\\]/g, (c) => `\\${c}`))}"`) }
}

/**
 * A warning's text in ASCII: a character past `~` is escaped as Go's `%+q` escapes it (`\u20ac`,
 * `\U0001f600`) and a control character as `\xNN`. kube-apiserver writes the UTF-8 bytes, but this
 * server's transports do not agree on a header's encoding (node's HTTP/1.1 refuses a character past
 * U+00FF, which turned a stored write into a 500; its TLS and HTTP/2 paths write UTF-8), so the text
 * stays ASCII and reads the same on all of them.
 */
function headerText(text: string): string {
  let out = ''
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0
    if (code >= 0x20 && code < 0x7f) out += char
    else if (code === 0x09) out += char
    else if (code < 0x80) out += `\\x${code.toString(16).padStart(2, '0')}`
    else if (code <= 0xffff) out += `\\u${code.toString(16).padStart(4, '0')}`
    else out += `\\U${code.toString(16).padStart(8, '0')}`
  }
  return out
}

/** Runes of warning text kube-apiserver's recorder writes before it truncates (truncateAtTotalRunes). */
const WARNING_TOTAL_RUNES = 4 * 1024
/** Runes each warning keeps once the recorder truncates (truncateItemRunes). */
const WARNING_ITEM_RUNES = 256

/**
 * The warning texts kube-apiserver's recorder writes for `texts`, added in order: an empty or
 * repeated text is dropped; while the runes written stay within 4 KiB each is written whole; the
 * first that would pass it turns truncation on, and every text recorded so far is written again cut
 * to 256 runes; from then on each is cut to 256 runes and added until 4 KiB is reached, then none.
 */
export function recordWarnings(texts: readonly string[]): string[] {
  const recorded = new Set<string>()
  const ordered: string[] = []
  let out: string[] = []
  let written = 0
  let truncating = false
  for (const text of texts) {
    if (text === '') continue
    if (truncating && written >= WARNING_TOTAL_RUNES) break
    if (recorded.has(text)) continue
    recorded.add(text)
    ordered.push(text)
    let runes = runeCount(text, WARNING_TOTAL_RUNES + 1)
    let kept = text
    if (truncating && runes > WARNING_ITEM_RUNES) {
      kept = firstRunes(text, WARNING_ITEM_RUNES)
      runes = WARNING_ITEM_RUNES
    }
    if (truncating || written + runes <= WARNING_TOTAL_RUNES) {
      written += runes
      out.push(kept)
      continue
    }
    truncating = true
    written = 0
    out = ordered.map((item) => {
      const cut = firstRunes(item, WARNING_ITEM_RUNES)
      written += runeCount(cut, WARNING_ITEM_RUNES)
      return cut
    })
  }
  return out
}

/** The code points of `text`, counted up to `atMost` (a lone surrogate is one, as Go's U+FFFD). */
function runeCount(text: string, atMost: number): number {
  let count = 0
  for (let i = 0; i < text.length && count < atMost; i = nextRune(text, i)) count++
  return count
}

/** The first `count` code points of `text`. */
function firstRunes(text: string, count: number): string {
  let end = 0
  for (let taken = 0; end < text.length && taken < count; taken++) end = nextRune(text, end)
  return text.slice(0, end)
}

/** The index after the code point at `i`. */
function nextRune(text: string, i: number): number {
  const c = text.charCodeAt(i)
  if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
    const d = text.charCodeAt(i + 1)
    if (d >= 0xdc00 && d <= 0xdfff) return i + 2
  }
  return i + 1
}

/** An integer query parameter; 400 when it is not one. */
export function intParam(url: URL, name: string): number | undefined {
  const v = url.searchParams.get(name)
  if (v === null || v === '') return undefined
  const n = Number(v)
  if (!Number.isInteger(n)) throw badRequest(`invalid ${name}: ${JSON.stringify(v)}`)
  return n
}

/** A boolean query parameter; 400 when it is not one. */
export function boolParam(url: URL, name: string): boolean | undefined {
  const v = url.searchParams.get(name)
  if (v === null) return undefined
  if (v === 'true' || v === '1') return true
  if (v === 'false' || v === '0') return false
  throw badRequest(`invalid ${name}: ${JSON.stringify(v)}`)
}

/** DeleteOptions from the body or the query. */
export function deleteOptionsOf(url: URL, body: string): { options: DeleteOptions; dryRun: string[] } {
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

/** The request's media type, lower case without parameters; JSON when the header is absent. */
function mediaType(exchange: { readonly request: IncomingMessage }): string {
  return (exchange.request.headers['content-type'] ?? 'application/json').split(';')[0]?.trim().toLowerCase() ?? ''
}

/**
 * The body as JSON text in its document order, which decoding errors follow: a JSON body itself; a
 * YAML body converted to JSON on demand (only a body with a decode error is read again); else
 * undefined.
 */
export function jsonText(exchange: { readonly request: IncomingMessage; readonly body: string }): DocumentText | undefined {
  const media = mediaType(exchange)
  if (media === 'application/json' || media === '') return exchange.body
  return media === 'application/yaml' ? () => yamlBodyAsJsonText(exchange.body) : undefined
}

/**
 * The body of a POST or PUT: JSON, YAML under `application/yaml`, or for built-in kinds Kubernetes'
 * protobuf envelope (what kubectl's typed generators such as `kubectl create namespace` send), with
 * the messages kube-apiserver's decoder gives when it is malformed. CBOR and anything else are 415.
 * `kind` is the kind the endpoint decodes into when it is not the type's own (a `/scale` body is an
 * autoscaling/v1 `Scale`), named in those messages.
 */
export function decodeBody(exchange: { readonly request: IncomingMessage; readonly body: string; readonly raw: Uint8Array }, type: ResourceType, kind: string = type.kind): unknown {
  const media = mediaType(exchange)
  if (media === 'application/json' || media === '') return parseJson(exchange.body, { kind, raw: exchange.raw })
  if (media === PROTOBUF_MEDIA_TYPE && type.crd === undefined) return decodeProtobuf(exchange.raw, kind)
  if (media === 'application/yaml') {
    return parseYamlBody(exchange.body, { version: '1.2' }, "couldn't get version/kind; yaml parse error: ")
  }
  throw new StatusError({
    code: 415,
    reason: 'UnsupportedMediaType',
    message: `the body of the request was in an unknown format - accepted media types include: application/json, application/yaml${type.crd === undefined ? `, ${PROTOBUF_MEDIA_TYPE}` : ''}`,
  })
}

/** Go's summarizeData: a body's first 30 bytes, as text when it looks like JSON, else in hex. */
function summarize(data: Uint8Array): string {
  if (data.length === 0) return '<empty>'
  const head = Buffer.from(data.subarray(0, 30))
  const more = data.length > 30 ? ' ...' : ''
  return data[0] === 0x7b ? `${head.toString('utf8')}${more}` : `${head.toString('hex')}${more}`
}

/** A protobuf body as JSON; 400 with kube-apiserver's transformDecodeError messages when it does not decode. */
function decodeProtobuf(raw: Uint8Array, kind: string): unknown {
  try {
    return decodeProtobufObject(raw)
  } catch (err) {
    if (!(err instanceof EnvelopeError)) throw err
    if (err.named === undefined) throw badRequest(`the object provided is unrecognized (must be of type ${kind}): ${err.message} (${summarize(raw)})`)
    const slash = err.named.apiVersion.indexOf('/')
    const version = slash < 0 ? err.named.apiVersion : err.named.apiVersion.slice(slash + 1)
    throw badRequest(`${err.named.kind} in version "${version}" cannot be handled as a ${kind}: ${err.message}`)
  }
}
