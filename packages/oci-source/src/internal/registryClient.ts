// The distribution API's requests, bounded: a deadline over the whole call, a byte limit on every
// body read, and auth as registries ask for it (basic, or a bearer token from the realm of a
// `WWW-Authenticate: Bearer` challenge, per the distribution token spec).
import { OciSourceError } from '../errors.js'
import type { OciErrorCode } from '../errors.js'
import type { OciAuth } from '../types.js'
import type { OciUrl } from './ociUrl.js'
import { registryBase } from './ociUrl.js'

/** One request to the registry. */
export interface RegistryRequest {
  readonly method: 'GET' | 'HEAD' | 'POST' | 'PUT'
  /** A path under `/v2/<repository>/`, or an absolute URL (an upload location). */
  readonly path: string
  readonly accept?: string | undefined
  readonly contentType?: string | undefined
  readonly body?: Uint8Array | undefined
  /** Largest body to read. */
  readonly maxBytes: number
  /** Statuses that are an answer rather than an error (404 for a blob that may be absent). */
  readonly ok: readonly number[]
}

/** The answer: status, headers and body (empty for HEAD). */
export interface RegistryResponse {
  readonly status: number
  readonly headers: Headers
  readonly body: Buffer
}

/** What a client needs: where, who, and how long. */
export interface ClientOptions {
  readonly url: OciUrl
  readonly auth: OciAuth | undefined
  readonly insecure: boolean
  readonly fetch: typeof globalThis.fetch
  readonly signal: AbortSignal
  /** `pull` or `pull,push`: the scope asked of a token realm. */
  readonly actions: string
}

/** Talks to one repository of one registry. */
export interface RegistryClient {
  readonly url: OciUrl
  request(request: RegistryRequest): Promise<RegistryResponse>
  /** A location the registry sent (absolute or relative), as an absolute URL. */
  resolve(location: string): URL
}

// A token answer is a small JSON document.
const tokenBytes = 1024 * 1024

/** What went wrong: a code, the words after the URL, more details, the cause. */
interface Failure {
  readonly code: OciErrorCode
  readonly what: string
  readonly extra?: Record<string, unknown> | undefined
  readonly cause?: unknown
}

function fail(url: OciUrl, { code, what, extra = {}, cause }: Failure): OciSourceError {
  return new OciSourceError({ code, message: `${url.display}: ${what}`, details: { url: url.display, ...extra }, cause })
}

/** Reads a body up to `max` bytes; more is `OCI_SIZE_LIMIT_EXCEEDED`. */
async function readBody(response: Response, max: number, url: OciUrl): Promise<Buffer> {
  const declared = Number(response.headers.get('content-length') ?? Number.NaN)
  if (declared > max) {
    await response.body?.cancel()
    throw fail(url, { code: 'OCI_SIZE_LIMIT_EXCEEDED', what: `the registry declares ${declared} bytes, more than the limit of ${max}`, extra: { size: declared, limit: max } })
  }
  if (response.body === null) return Buffer.alloc(0)
  const chunks: Buffer[] = []
  let total = 0
  // Leaving the loop early cancels the stream.
  for await (const chunk of response.body as AsyncIterable<Uint8Array>) {
    total += chunk.byteLength
    if (total > max) throw fail(url, { code: 'OCI_SIZE_LIMIT_EXCEEDED', what: `the registry sent more than the limit of ${max} bytes`, extra: { limit: max } })
    chunks.push(Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength))
  }
  return Buffer.concat(chunks)
}

const isLetter = (code: number): boolean => (code >= 65 && code <= 90) || (code >= 97 && code <= 122)

/**
 * `key="value"` pairs of a challenge: the matches of `/([A-Za-z]+)="([^"]*)"/g`, found in one pass.
 * The pattern retried from each letter of a run that is not followed by `="` (and scanned to the end
 * from each `x="` without a closing quote): quadratic in a header the registry writes. A run of
 * letters gives a pair only as a whole (the letters before `=` cannot match anywhere else), and a
 * value without a closing quote ends the search: no later start finds one either.
 */
export function challengeParams(header: string): Map<string, string> {
  const params = new Map<string, string>()
  let at = 0
  while (at < header.length) {
    while (at < header.length && !isLetter(header.charCodeAt(at))) at++
    const start = at
    while (at < header.length && isLetter(header.charCodeAt(at))) at++
    if (at === start) break
    if (header[at] !== '=' || header[at + 1] !== '"') continue
    const close = header.indexOf('"', at + 2)
    if (close < 0) break
    params.set(header.slice(start, at).toLowerCase(), header.slice(at + 2, close))
    at = close + 1
  }
  return params
}

function basic(auth: OciAuth): string {
  return `Basic ${Buffer.from(`${auth.username ?? ''}:${auth.password ?? ''}`).toString('base64')}`
}

/** The registry's error, as its JSON body names it (`MANIFEST_UNKNOWN: manifest unknown`). */
function registryReason(body: Buffer): string {
  try {
    const parsed = JSON.parse(body.toString('utf8')) as { errors?: { code?: unknown; message?: unknown }[] }
    const first = parsed.errors?.[0]
    if (first !== undefined && typeof first.code === 'string') return `: ${first.code}${typeof first.message === 'string' ? ` (${first.message})` : ''}`
  } catch {
    // Not JSON: the status says enough.
  }
  return ''
}

/** A client for `options.url`'s repository. */
export function createRegistryClient(options: ClientOptions): RegistryClient {
  const { url, auth, signal } = options
  const base = registryBase(url.host, options.insecure)
  let authorization: string | undefined = auth?.token === undefined ? undefined : `Bearer ${auth.token}`
  // Each distinct challenge is answered once: a second 401 to the same one means refused.
  const answered = new Set<string>()

  const send = async (request: RegistryRequest, target: string): Promise<Response> => {
    const headers: Record<string, string> = {}
    if (request.accept !== undefined) headers.accept = request.accept
    if (request.contentType !== undefined) headers['content-type'] = request.contentType
    if (authorization !== undefined) headers.authorization = authorization
    try {
      return await options.fetch(target, { method: request.method, headers, ...(request.body === undefined ? {} : { body: request.body as Uint8Array<ArrayBuffer> }), signal, redirect: 'follow' })
    } catch (err) {
      if (signal.aborted) throw err
      throw fail(url, { code: 'OCI_UNREACHABLE', what: `cannot reach ${base}: ${(err as Error).message}`, cause: err })
    }
  }

  // Answers a 401 challenge once per client; credentials go only to the registry or its realm.
  const answer = async (challenge: string): Promise<boolean> => {
    if (answered.has(challenge)) return false
    answered.add(challenge)
    const scheme = challenge.trim().split(/\s+/)[0]?.toLowerCase()
    if (scheme === 'basic') {
      if (auth?.username === undefined && auth?.password === undefined) return false
      authorization = basic(auth)
      return true
    }
    if (scheme !== 'bearer') return false
    const params = challengeParams(challenge)
    const realm = params.get('realm')
    if (realm === undefined) throw fail(url, { code: 'OCI_PROTOCOL_ERROR', what: 'the registry asks for a bearer token without naming its realm' })
    const tokenUrl = new URL(realm)
    if (tokenUrl.protocol !== 'https:' && tokenUrl.protocol !== 'http:') throw fail(url, { code: 'OCI_PROTOCOL_ERROR', what: 'the token realm is not an HTTP URL' })
    const service = params.get('service')
    if (service !== undefined) tokenUrl.searchParams.set('service', service)
    // Our own scope, as docker clients ask: a push's first request (a HEAD) is challenged for pull
    // only, and a token for pull alone would be refused at the upload.
    tokenUrl.searchParams.set('scope', `repository:${url.repository}:${options.actions}`)
    const headers: Record<string, string> = {}
    let init: RequestInit = { headers, signal, redirect: 'error' }
    if (auth?.identityToken !== undefined && auth.identityToken !== '') {
      // OAuth2 refresh-token grant (the distribution token spec's POST form), as oras-go does.
      const form = new URLSearchParams({ grant_type: 'refresh_token', refresh_token: auth.identityToken, client_id: 'gitops-sdk' })
      for (const key of ['service', 'scope']) {
        const value = tokenUrl.searchParams.get(key)
        if (value !== null) form.set(key, value)
      }
      tokenUrl.search = ''
      headers['content-type'] = 'application/x-www-form-urlencoded'
      init = { method: 'POST', headers, body: form.toString(), signal, redirect: 'error' }
    } else if (auth?.username !== undefined || auth?.password !== undefined) headers.authorization = basic(auth)
    let response: Response
    try {
      response = await options.fetch(tokenUrl, init)
    } catch (err) {
      if (signal.aborted) throw err
      throw fail(url, { code: 'OCI_UNREACHABLE', what: `cannot reach the token realm ${tokenUrl.origin}: ${(err as Error).message}`, cause: err })
    }
    const body = await readBody(response, tokenBytes, url)
    if (response.status === 401 || response.status === 403) throw fail(url, { code: 'OCI_AUTH_FAILED', what: `the token realm ${tokenUrl.origin} refused the credentials (HTTP ${response.status})`, extra: { status: response.status } })
    if (response.status !== 200) throw fail(url, { code: 'OCI_PROTOCOL_ERROR', what: `the token realm ${tokenUrl.origin} answered HTTP ${response.status}`, extra: { status: response.status } })
    let token: unknown
    try {
      const parsed = JSON.parse(body.toString('utf8')) as { token?: unknown; access_token?: unknown }
      token = parsed.token ?? parsed.access_token
    } catch (err) {
      throw fail(url, { code: 'OCI_PROTOCOL_ERROR', what: `the token realm ${tokenUrl.origin} answered something that is not JSON`, cause: err })
    }
    if (typeof token !== 'string' || token === '') throw fail(url, { code: 'OCI_PROTOCOL_ERROR', what: `the token realm ${tokenUrl.origin} answered no token` })
    authorization = `Bearer ${token}`
    return true
  }

  return {
    url,
    resolve: (location) => new URL(location, base),
    async request(request) {
      const target = /^https?:\/\//.test(request.path) ? request.path : `${base}/v2/${url.repository}/${request.path}`
      // An upload location is the registry's; refuse one elsewhere so credentials stay home.
      if (new URL(target).origin !== new URL(base).origin) throw fail(url, { code: 'OCI_PROTOCOL_ERROR', what: `the registry sent a location on another host (${new URL(target).host})` })
      let response = await send(request, target)
      if (response.status === 401) {
        const challenge = response.headers.get('www-authenticate') ?? ''
        await response.body?.cancel()
        if (!(await answer(challenge))) {
          throw fail(url, { code: 'OCI_AUTH_FAILED', what: `the registry refused the request (HTTP 401)${auth === undefined ? ' and no credentials were given' : ''}`, extra: { status: 401 } })
        }
        response = await send(request, target)
      }
      const body = request.method === 'HEAD' ? Buffer.alloc(0) : await readBody(response, request.maxBytes, url)
      const { status } = response
      if (request.ok.includes(status)) return { status, headers: response.headers, body }
      const reason = registryReason(body)
      if (status === 401 || status === 403) throw fail(url, { code: 'OCI_AUTH_FAILED', what: `the registry refused the credentials (HTTP ${status})${reason}`, extra: { status } })
      if (status === 404) throw fail(url, { code: 'OCI_NOT_FOUND', what: `${request.path.startsWith('manifests/') ? `manifest ${request.path.slice('manifests/'.length)}` : 'the repository'} not found (HTTP 404)${reason}`, extra: { status } })
      if (status === 502 || status === 503 || status === 504) throw fail(url, { code: 'OCI_UNREACHABLE', what: `the registry is unavailable (HTTP ${status})`, extra: { status } })
      throw fail(url, { code: 'OCI_PROTOCOL_ERROR', what: `${request.method} answered HTTP ${status}${reason}`, extra: { status } })
    },
  }
}
