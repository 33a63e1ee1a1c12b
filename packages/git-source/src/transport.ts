import type { HttpClient } from 'isomorphic-git'
import { GitSourceError } from './errors.js'
import { discoverRefs, HttpStatusError } from './internal/discoverRefs.js'
import type { Advertisement } from './internal/discoverRefs.js'
import { createNodeHttpClient } from './internal/httpClient.js'
import { decodeResponseV1, decodeResponseV2, encodeRequestV1, encodeRequestV2, requestCapabilitiesV1 } from './internal/uploadPack.js'
import { describeFailure, listingRefs } from './internal/failure.js'
import type { GitAuth } from './auth.js'

/** The refs a remote advertises. */
export interface RemoteRefs {
  /**
   * Full ref name to object id, as advertised: `HEAD`, `refs/heads/main`, `refs/tags/v1.0.0`, and
   * `refs/tags/v1.0.0^{}` for the commit an annotated tag points at.
   */
  readonly refs: ReadonlyMap<string, string>
  /** Symbolic refs, e.g. `HEAD` → `refs/heads/main`. */
  readonly symrefs: ReadonlyMap<string, string>
  /** Capabilities the server offered. */
  readonly capabilities: ReadonlySet<string>
}

/** What to fetch: the upload-pack negotiation, reduced to what a stateless client sends. */
export interface PackRequest {
  /** Object ids wanted (commits or annotated tags). */
  readonly wants: readonly string[]
  /**
   * Commits the client already has, so the server leaves out what they reach. With haves the
   * pack may be thin (deltas against objects the client has); `fetchSource` completes it.
   */
  readonly haves: readonly string[]
  /** Commits the client has without their parents (its shallow boundary). */
  readonly shallows: readonly string[]
  /** History depth; `undefined` for all of it. */
  readonly depth: number | undefined
  /**
   * Whether every want is a ref tip the server advertised. When not, the transport must use a way
   * that allows other objects (protocol v2, or the `allow-*-sha1-in-want` capabilities), or throw
   * `GIT_REF_NOT_FOUND`.
   */
  readonly advertised: boolean
}

/** What the server sends back. */
export interface PackResponse {
  /** Commits that are now shallow (their parents were not sent). */
  readonly shallows: readonly string[]
  /** Commits that are no longer shallow. */
  readonly unshallows: readonly string[]
  /** The pack, as raw bytes (`PACK…`). */
  readonly pack: AsyncIterable<Uint8Array>
}

/** What every transport call gets. */
export interface TransportContext {
  /**
   * Repository URL without credentials, for messages: no userinfo, query values masked
   * (`?access_token=xxxxx`). Every error a transport throws starts with it.
   */
  readonly url: string
  /**
   * The URL to send requests to: without userinfo (credentials travel in `auth`), the query kept.
   * It may hold a token in its query, so it never goes into a message, detail or log line.
   * @defaultValue `url`
   */
  readonly requestUrl?: string | undefined
  /** Credentials for the request, or none. */
  readonly auth: GitAuth | undefined
  /** Aborts the request; it rejects with the signal's reason. */
  readonly signal: AbortSignal
}

/**
 * How `fetchSource` talks to a remote: list its refs with one request, and ask it for a pack.
 * `createHttpTransport` is the built-in one; an SSH transport would speak the same upload-pack
 * protocol over `ssh git-upload-pack` and plug in here through `fetchSource`'s `transport` option.
 * Implementations throw `GitSourceError`s (`GIT_AUTH_FAILED`, `GIT_UNREACHABLE`, …) and reject
 * with `signal.reason` on abort.
 */
export interface GitTransport {
  /** Lists the remote's refs (the ref advertisement). */
  listRefs(context: TransportContext): Promise<RemoteRefs>
  /** Requests a pack. */
  fetchPack(request: PackRequest, context: TransportContext): Promise<PackResponse>
}

/** Options of {@link createHttpTransport}. */
export interface HttpTransportOptions {
  /** PEM certificates to trust in addition to Node's bundled roots (a private CA). */
  readonly ca?: string | Uint8Array | undefined
  /**
   * The HTTP client, in isomorphic-git's `HttpClient` shape (e.g. to go through a proxy).
   * @defaultValue a client on node:http and node:https that honours `ca` and the abort signal
   */
  readonly http?: HttpClient | undefined
}

async function drain(body: AsyncIterable<Uint8Array> | undefined): Promise<void> {
  if (body === undefined) return
  try {
    const chunks = body[Symbol.asyncIterator]()
    while ((await chunks.next()).done !== true) {
      // discarded
    }
  } catch {
    // The status is what is reported; a failure while discarding the body adds nothing.
  }
}

function authHeaders(auth: GitAuth | undefined): Record<string, string> {
  if (auth === undefined) return {}
  if (auth.token !== undefined) return { Authorization: `Bearer ${auth.token}` }
  if (auth.username !== undefined || auth.password !== undefined) {
    return { Authorization: `Basic ${Buffer.from(`${auth.username ?? ''}:${auth.password ?? ''}`).toString('base64')}` }
  }
  return {}
}

/**
 * The smart-HTTP(S) transport: the ref advertisement is one `GET info/refs` and the pack request
 * one `POST git-upload-pack`, both through an `HttpClient` of isomorphic-git's shape. Credentials
 * go in an `Authorization` header on every request (basic, or bearer for a token), never in the URL. Packs are fetched with protocol v1, or
 * v2 when a commit that no ref points at is wanted.
 *
 * @example
 * ```ts
 * const transport = createHttpTransport({ ca: await readFile('corp-ca.pem') })
 * const artifact = await fetchSource('https://git.corp.example/fleet.git', { transport })
 * ```
 */
export function createHttpTransport(options: HttpTransportOptions = {}): GitTransport {
  const clientFor = (signal: AbortSignal): HttpClient => options.http ?? createNodeHttpClient({ ca: options.ca, signal })
  // One client per operation, so a redirect learnt while listing refs applies to the pack request.
  const clients = new WeakMap<AbortSignal, HttpClient>()
  const client = (signal: AbortSignal): HttpClient => {
    let found = clients.get(signal)
    if (found === undefined) clients.set(signal, (found = clientFor(signal)))
    return found
  }
  // The v1 advertisement of the current operation: the pack request needs its capabilities.
  const advertisements = new WeakMap<AbortSignal, Advertisement>()
  const discover = async (context: TransportContext, protocolVersion: 1 | 2): Promise<Advertisement> => {
    const known = protocolVersion === 1 ? advertisements.get(context.signal) : undefined
    if (known !== undefined) return known
    try {
      const ad = await discoverRefs(client(context.signal), {
        url: context.requestUrl ?? context.url,
        headers: authHeaders(context.auth),
        protocolVersion,
        signal: context.signal,
      })
      if (protocolVersion === 1) advertisements.set(context.signal, ad)
      return ad
    } catch (err) {
      throw describeFailure(err, context, listingRefs)
    }
  }
  const post = async (body: Buffer, context: TransportContext, v2: boolean): Promise<AsyncIterable<Uint8Array>> => {
    try {
      const headers = authHeaders(context.auth)
      if (v2) headers['Git-Protocol'] = 'version=2'
      // The request isomorphic-git's GitRemoteHTTP.connect makes, made here: loading isomorphic-git
      // for it cost a fetch more than indexing a thousand objects (it pulls in sha.js and its
      // polyfills). Credentials never reach the URL (they travel in the Authorization header).
      headers['content-type'] = 'application/x-git-upload-pack-request'
      headers.accept = 'application/x-git-upload-pack-result'
      const url = (context.requestUrl ?? context.url).replace(/^(https?:\/\/)([^/?#]+)@/i, '$1')
      // The body as an array, as GitRemoteHTTP passes it (every isomorphic-git client takes one).
      const chunks = [body] as unknown as AsyncIterableIterator<Uint8Array>
      const res = await client(context.signal).request({ onProgress: undefined, method: 'POST', url: `${url}/git-upload-pack`, body: chunks, headers, signal: context.signal })
      if (res.statusCode !== 200) {
        // Read the body to its end, so that the connection is released, and report the status.
        void drain(res.body)
        throw new HttpStatusError(res.statusCode, res.statusMessage)
      }
      if (res.body === undefined) throw new GitSourceError({ code: 'GIT_PROTOCOL_ERROR', message: `${context.url}: empty response to the pack request` })
      return res.body
    } catch (err) {
      throw describeFailure(err, context, 'requesting the pack')
    }
  }
  return {
    async listRefs(context) {
      const ad = await discover(context, 1)
      return { refs: ad.refs, symrefs: ad.symrefs, capabilities: new Set(ad.capabilities) }
    },
    async fetchPack(request, context) {
      if (request.advertised) {
        const ad = await discover(context, 1)
        return requestV1(ad, request, context)
      }
      const ad = await discover(context, 2)
      if (ad.protocolVersion !== 2) {
        const caps = ad.capabilities
        if (caps.has('allow-reachable-sha1-in-want') || caps.has('allow-any-sha1-in-want')) return requestV1(ad, request, context)
        throw new GitSourceError({
          code: 'GIT_REF_NOT_FOUND',
          message: `${context.url}: the server allows fetching only advertised refs, not ${request.wants.join(', ')}`,
          details: { url: context.url, wants: request.wants },
        })
      }
      const fetchCaps = ad.capabilities2.fetch
      if (request.depth !== undefined && !(typeof fetchCaps === 'string' && fetchCaps.split(' ').includes('shallow'))) {
        return fetchWith(encodeRequestV2({ ...request, depth: undefined, shallows: [] }), true, context)
      }
      return fetchWith(encodeRequestV2(request), true, context)
    },
  }

  async function requestV1(ad: Advertisement, request: PackRequest, context: TransportContext): Promise<PackResponse> {
    const offered = ad.capabilities
    const shallow = offered.has('shallow')
    const req = shallow ? request : { ...request, depth: undefined, shallows: [] }
    let caps: string[]
    try {
      caps = requestCapabilitiesV1(offered, request.haves.length > 0)
    } catch (err) {
      throw describeFailure(err, context, 'negotiating')
    }
    const body = await post(encodeRequestV1(req, caps), context, false)
    try {
      return await decodeResponseV1(body, { shallowSection: req.depth !== undefined || req.shallows.length > 0 })
    } catch (err) {
      throw describeFailure(err, context, 'reading the pack response')
    }
  }

  async function fetchWith(encoded: Buffer, v2: boolean, context: TransportContext): Promise<PackResponse> {
    const body = await post(encoded, context, v2)
    try {
      return await decodeResponseV2(body)
    } catch (err) {
      throw describeFailure(err, context, 'reading the pack response')
    }
  }
}
