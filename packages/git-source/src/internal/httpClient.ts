// The HTTP client isomorphic-git's smart-HTTP code runs on: node:http and node:https, with the
// caller's CA bundle added to Node's roots, the abort signal on every request, GET redirects
// followed (and remembered, so the pack request goes where the advertisement came from), and
// credentials dropped when a redirect leaves the origin.
import { Agent as HttpAgent, request as httpRequest } from 'node:http'
import type { ClientRequest, IncomingMessage, RequestOptions } from 'node:http'
import type { GitHttpRequest, GitHttpResponse, HttpClient } from 'isomorphic-git'

/** Options of {@link createNodeHttpClient}. */
export interface NodeHttpClientOptions {
  /** PEM certificates trusted in addition to Node's bundled roots. */
  readonly ca?: string | Uint8Array | undefined
  /** Aborts every request. */
  readonly signal?: AbortSignal | undefined
}

const maxRedirects = 5

async function* bodyOf(res: IncomingMessage, release: (() => void) | undefined): AsyncIterableIterator<Uint8Array> {
  try {
    for await (const chunk of res) yield chunk as Buffer
  } finally {
    release?.()
  }
}

/** An agent and the request function that goes with it. */
interface Scheme {
  readonly agent: HttpAgent
  readonly request: (url: URL, options: RequestOptions) => ClientRequest
}

async function collectBody(body: GitHttpRequest['body']): Promise<Buffer | undefined> {
  if (body === undefined) return undefined
  const parts: Uint8Array[] = []
  if (Array.isArray(body)) parts.push(...(body as Uint8Array[]))
  else for await (const part of body) parts.push(part)
  return Buffer.concat(parts)
}

function withoutAuthorization(headers: Readonly<Record<string, string>>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).filter(([k]) => k.toLowerCase() !== 'authorization'))
}

/** Creates an isomorphic-git `HttpClient` on node:http and node:https. */
export function createNodeHttpClient(options: NodeHttpClientOptions = {}): HttpClient {
  // Connections are kept alive between the advertisement and the pack request of one operation
  // only: a client lives for one fetch, so a socket the server has since closed is never reused.
  const http: Scheme = { agent: new HttpAgent({ keepAlive: true }), request: httpRequest }
  // node:https (and node:tls with it) is loaded for the first https URL only.
  let https: Promise<Scheme> | undefined
  const httpsScheme = async (): Promise<Scheme> => {
    const [{ Agent, request }, { rootCertificates }] = await Promise.all([import('node:https'), import('node:tls')])
    const ca = options.ca === undefined ? undefined : [...rootCertificates, Buffer.from(options.ca).toString('utf8')]
    return { agent: new Agent({ keepAlive: true, ...(ca === undefined ? {} : { ca }) }), request }
  }
  const release = (): void => {
    http.agent.destroy()
    void https?.then((scheme) => scheme.agent.destroy())
  }
  // Base URL rewrites learnt from redirects of the ref advertisement.
  const moved = new Map<string, string>()
  const send = async (url: URL, req: GitHttpRequest, body: Buffer | undefined): Promise<IncomingMessage> => {
    const scheme = url.protocol === 'https:' ? await (https ??= httpsScheme()) : http
    return new Promise((resolve, reject) => {
      const signal = req.signal ?? options.signal
      const headers: Record<string, string> = { ...req.headers }
      if (body !== undefined) headers['content-length'] = String(body.byteLength)
      const client = scheme.request(url, { method: req.method ?? 'GET', headers, signal, agent: scheme.agent })
      client.on('response', resolve)
      client.on('error', (err) => reject(signal?.aborted === true ? (signal.reason as Error) : err))
      client.end(body)
    })
  }
  return {
    async request(req: GitHttpRequest): Promise<GitHttpResponse> {
      let url = req.url
      let headers = req.headers ?? {}
      for (const [from, to] of moved) {
        if (!url.startsWith(from)) continue
        url = to + url.slice(from.length)
        // The credentials were for the origin asked for, not for the one it redirected to.
        if (new URL(to).origin !== new URL(from).origin) headers = withoutAuthorization(headers)
      }
      const body = await collectBody(req.body)
      for (let hop = 0; ; hop++) {
        const target = new URL(url)
        const res = await send(target, { ...req, headers }, body)
        const location = res.headers.location
        const status = res.statusCode ?? 0
        if ((req.method ?? 'GET') === 'GET' && status >= 301 && status <= 308 && status !== 304 && location !== undefined && hop < maxRedirects) {
          res.resume()
          const next = new URL(location, target)
          // Node sends userinfo in a URL as basic auth: a redirect never chooses our credentials.
          next.username = ''
          next.password = ''
          if (next.origin !== target.origin) headers = withoutAuthorization(headers)
          const suffix = target.href.indexOf('/info/refs')
          const nextSuffix = next.href.indexOf('/info/refs')
          if (suffix > 0 && nextSuffix > 0) moved.set(target.href.slice(0, suffix), next.href.slice(0, nextSuffix))
          url = next.href
          continue
        }
        const responseHeaders: Record<string, string> = {}
        for (const [key, value] of Object.entries(res.headers)) {
          if (value !== undefined) responseHeaders[key] = Array.isArray(value) ? value.join(', ') : value
        }
        return {
          url,
          method: req.method ?? 'GET',
          statusCode: status,
          statusMessage: res.statusMessage ?? '',
          headers: responseHeaders,
          // The pack request is the last of an operation: its end releases the connections.
          body: bodyOf(res, req.method === 'POST' ? release : undefined),
        }
      }
    },
  }
}
