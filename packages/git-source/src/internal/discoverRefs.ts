// The ref advertisement of git's smart HTTP protocol (gitprotocol-http(5), "Smart Clients"): one
// `GET $url/info/refs?service=git-upload-pack`. A v0/v1 server answers with pkt-lines
// `# service=git-upload-pack`, a flush, then `<oid> <ref>` per ref (capabilities after a NUL on the
// first) and a flush; asked for protocol v2 (`Git-Protocol: version=2`) it answers `version 2` and
// its capability list instead. Written here rather than taken from isomorphic-git so that the
// no-change check, which needs only this, loads nothing but node:http.
import type { HttpClient } from 'isomorphic-git'
import { PktLineError, PktReader, pktText } from './pktLine.js'
import type { Pkt } from './pktLine.js'
import { RemoteError, WireError } from './uploadPack.js'

/** A parsed ref advertisement. */
export interface Advertisement {
  readonly protocolVersion: 1 | 2
  /** Ref name to object id, `refs/tags/v1^{}` for a peeled tag; empty for protocol v2. */
  readonly refs: Map<string, string>
  /** Symbolic refs from the `symref=` capabilities, e.g. `HEAD` → `refs/heads/main`. */
  readonly symrefs: Map<string, string>
  /** Protocol v0/v1 capabilities. */
  readonly capabilities: Set<string>
  /** Protocol v2 capabilities, name → value (`true` when it has none). */
  readonly capabilities2: Record<string, string | true>
}

/** What {@link discoverRefs} sends. */
export interface DiscoverRequest {
  /** Repository URL, without credentials and without a trailing slash. */
  readonly url: string
  /** Extra headers (`Authorization`). */
  readonly headers: Readonly<Record<string, string>>
  readonly protocolVersion: 1 | 2
  readonly signal: AbortSignal
}

/** The server answered the advertisement with a status other than 200. */
export class HttpStatusError extends Error {
  override readonly name = 'HttpStatusError'
  readonly status: number
  readonly statusText: string

  constructor(status: number, statusText: string) {
    super(`HTTP ${status}${statusText === '' ? '' : ` ${statusText}`}`)
    this.status = status
    this.statusText = statusText
  }
}

/** The answer is not a smart-HTTP advertisement: a dumb server, or a URL that is no repository. */
export class NotSmartHttpError extends Error {
  override readonly name = 'NotSmartHttpError'
}

const service = 'git-upload-pack'
const contentType = `application/x-${service}-advertisement`
const oidPattern = /^[0-9a-f]{40}$/
// git 2.41 and later advertise an empty repository as this single line (gitprotocol-pack(5)).
const noRefs = 'capabilities^{}'

/**
 * Requests and parses the ref advertisement of `request.url`.
 *
 * @throws HttpStatusError, NotSmartHttpError, WireError (a malformed advertisement), RemoteError
 * (an `ERR` line), or what the HTTP client throws (connection errors, the abort reason)
 */
export async function discoverRefs(http: HttpClient, request: DiscoverRequest): Promise<Advertisement> {
  const { url, protocolVersion, signal } = request
  const headers: Record<string, string> = { ...request.headers }
  if (protocolVersion === 2) headers['Git-Protocol'] = 'version=2'
  const res = await http.request({ method: 'GET', url: `${url}/info/refs?service=${service}`, headers, signal })
  const body = res.body ?? emptyBody()
  if (res.statusCode !== 200) {
    await drain(body).catch(() => undefined)
    throw new HttpStatusError(res.statusCode, res.statusMessage)
  }
  const type = headerValue(res.headers ?? {}, 'content-type')
  let advertisement: Advertisement
  try {
    advertisement = await parseAdvertisement(new PktReader(body))
  } catch (err) {
    await discard(body)
    // git takes an answer without the smart content type for a dumb server (or an HTML page);
    // isomorphic-git tried to parse it anyway, and so do we, but a failure then says which it was.
    if (type?.split(';', 1)[0]?.trim() !== contentType && (err instanceof WireError || err instanceof PktLineError)) {
      throw new NotSmartHttpError(`content type ${type ?? 'none'}`)
    }
    throw err
  }
  // Reading to the end returns the connection to the pool for the pack request.
  await drain(body)
  return advertisement
}

/** Parses an advertisement from its first packet to its final flush. */
export async function parseAdvertisement(reader: PktReader): Promise<Advertisement> {
  let first = await nextLine(reader, 'the response is empty')
  if (first === `# service=${service}`) {
    // Metadata lines may follow the service line up to a flush; git ignores them, so do we.
    while ((await reader.read()) instanceof Buffer);
    const next = await reader.read()
    // Before git 2.41 an empty repository sends nothing between the header and the final flush.
    if (next === 'flush') return empty(1)
    first = lineOf(next, 'the advertisement ended after its header')
  } else if (first !== 'version 2') {
    // A v2 server may leave the service line out (Bitbucket does); any other server may not.
    throw new WireError(`expected "# service=${service}", got ${JSON.stringify(first.slice(0, 80))}`)
  }
  if (first === 'version 2') return parseCapabilitiesV2(reader)
  // A server asked for protocol v1 says so first; the rest is v0.
  if (first === 'version 1') first = await nextLine(reader, 'the advertisement ended after its version')
  return parseRefsV1(first, reader)
}

/**
 * Parses the advertisement `git-upload-pack` writes on a stateful connection (SSH): no service
 * line, an optional `version 1`, then the refs up to a flush (a lone flush for an empty repository).
 */
export async function parseConnectionAdvertisement(reader: PktReader): Promise<Advertisement> {
  const pkt = await reader.read()
  if (pkt === 'flush') return empty(1)
  let first = lineOf(pkt, 'the response is empty')
  if (first === 'version 1') first = await nextLine(reader, 'the advertisement ended after its version')
  return parseRefsV1(first, reader)
}

async function parseRefsV1(first: string, reader: PktReader): Promise<Advertisement> {
  const nul = first.indexOf('\0')
  if (nul < 0) throw new WireError(`the first ref line carries no capabilities: ${JSON.stringify(first.slice(0, 80))}`)
  const advertisement = empty(1)
  for (const capability of first.slice(nul + 1).split(' ')) {
    if (capability === '') continue
    advertisement.capabilities.add(capability)
    if (capability.startsWith('symref=')) {
      const colon = capability.indexOf(':')
      if (colon > 0) advertisement.symrefs.set(capability.slice(7, colon), capability.slice(colon + 1))
    }
  }
  const firstRef = first.slice(0, nul)
  if (firstRef !== `${'0'.repeat(40)} ${noRefs}`) addRef(advertisement, firstRef)
  for (let line = await refLine(reader); line !== undefined; line = await refLine(reader)) addRef(advertisement, line)
  return advertisement
}

function addRef(advertisement: Advertisement, line: string): void {
  // A shallow server repository lists its boundary after the refs; nothing here needs it.
  if (line.startsWith('shallow ')) return
  const space = line.indexOf(' ')
  const oid = line.slice(0, space)
  const name = line.slice(space + 1)
  if (space < 0 || !oidPattern.test(oid) || name === '') throw new WireError(`bad ref line ${JSON.stringify(line.slice(0, 80))}`)
  advertisement.refs.set(name, oid)
}

async function parseCapabilitiesV2(reader: PktReader): Promise<Advertisement> {
  const advertisement = empty(2)
  for (;;) {
    const pkt = await reader.read()
    if (pkt === 'flush') return advertisement
    const line = lineOf(pkt, 'the capability list ended before its flush')
    const eq = line.indexOf('=')
    if (eq < 0) advertisement.capabilities2[line] = true
    else advertisement.capabilities2[line.slice(0, eq)] = line.slice(eq + 1)
  }
}

/** The next ref line, or undefined at the flush that ends the list. */
async function refLine(reader: PktReader): Promise<string | undefined> {
  const pkt = await reader.read()
  return pkt === 'flush' ? undefined : lineOf(pkt, 'the ref list ended before its flush')
}

async function nextLine(reader: PktReader, missing: string): Promise<string> {
  return lineOf(await reader.read(), missing)
}

/** A data packet as text; `ERR` lines are the server's own error, anything else is `missing`. */
function lineOf(pkt: Pkt, missing: string): string {
  if (!(pkt instanceof Buffer)) throw new WireError(missing)
  const line = pktText(pkt)
  if (line.startsWith('ERR ')) throw new RemoteError(line.slice(4).trim())
  return line
}

function empty(protocolVersion: 1 | 2): Advertisement {
  return { protocolVersion, refs: new Map(), symrefs: new Map(), capabilities: new Set(), capabilities2: {} }
}

function headerValue(headers: Readonly<Record<string, string>>, name: string): string | undefined {
  for (const [key, value] of Object.entries(headers)) if (key.toLowerCase() === name) return value
  return undefined
}

async function* emptyBody(): AsyncGenerator<Uint8Array> {}

async function drain(body: AsyncIterable<Uint8Array>): Promise<void> {
  const chunks = body[Symbol.asyncIterator]()
  while ((await chunks.next()).done !== true);
}

/** Stops reading a body part-way (for node:http, destroys the response). */
async function discard(body: AsyncIterator<Uint8Array>): Promise<void> {
  try {
    await body.return?.()
  } catch {
    // The body already failed; the error being reported is the one that matters.
  }
}
