// The transport createKubeClient uses without loading @kubernetes/client-node, for the kubeconfigs
// most clusters hand out: a server with its CA (or insecure-skip-tls-verify), and a bearer token
// and/or a client certificate. Importing client-node costs about a second of start-up (its
// KubeConfig imports the whole generated API), which is most of a short `gitops apply`.
//
// Anything else the kubeconfig asks for (exec and auth-provider plugins, token files, basic auth,
// proxies, impersonation in the file, extensions) is left to client-node: `directTransport`
// returns undefined and the caller goes the client-node way, so those work exactly as before. So
// does a file that does not parse or does not hold together (no such context, a cluster without a
// server): client-node's path reports it with its usual messages.
import { readFileSync } from 'node:fs'
import { Agent as HttpAgent, request as httpRequest } from 'node:http'
import type { IncomingMessage } from 'node:http'
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https'
import type { AgentOptions } from 'node:https'
import { isIP } from 'node:net'
import { delimiter, dirname, isAbsolute, resolve } from 'node:path'
import { createSecureContext } from 'node:tls'
import { trimCharRun } from '@gitops-sdk/core'
import { parseYamlValues } from '@gitops-sdk/core/yaml'
import type { OutgoingHttpHeaders } from 'node:http2'
import { flatHeaders, H2Sessions } from './h2Session.js'
import { Aborts } from './aborts.js'
import { plainHeaders } from './http1Parse.js'
import { Http1Pool } from './http1Pool.js'
import { Http2Sender, queryOf } from './http2Sender.js'
import type { KubeConfigSource } from './kubeconfig.js'
import { BoundedBody, DEFAULT_MAX_RESPONSE_BYTES, RequestTimeoutError, ResponseTooLargeError, shownServer } from './transport.js'
import type { RawRequest, RawResponse, Transport } from './transport.js'

/** What the direct path needs of a kubeconfig's current context. */
export interface DirectConfig {
  readonly server: string
  readonly namespace: string | undefined
  readonly tls: AgentOptions
  readonly token: string | undefined
}

// The keys the direct path understands; any other key sends the kubeconfig to client-node.
const CLUSTER_KEYS = new Set(['server', 'certificate-authority', 'certificate-authority-data', 'insecure-skip-tls-verify', 'tls-server-name'])
const USER_KEYS = new Set(['token', 'client-certificate', 'client-certificate-data', 'client-key', 'client-key-data'])
const CONTEXT_KEYS = new Set(['cluster', 'user', 'namespace'])
const PROXY_VARIABLES = ['HTTPS_PROXY', 'https_proxy', 'HTTP_PROXY', 'http_proxy', 'ALL_PROXY', 'all_proxy']

type Entry = Readonly<Record<string, unknown>>
interface Named {
  readonly name: string
  readonly body: Entry
  /** Folder of the file it came from, for relative paths; undefined for YAML text. */
  readonly base: string | undefined
}

/**
 * The current context of a kubeconfig (files merged as kubectl merges a KUBECONFIG list, or YAML
 * text) when the direct path can serve it; undefined when client-node must.
 */
export function directConfig(source: KubeConfigSource, context: string | undefined, env: NodeJS.ProcessEnv = process.env): DirectConfig | undefined {
  if (source.type === 'object') return undefined
  // client-node 1.x leaves proxy variables alone; behind one, keep exactly that behaviour.
  if (PROXY_VARIABLES.some((name) => (env[name] ?? '') !== '')) return undefined
  try {
    const files = source.type === 'yaml' ? [{ text: source.text, base: undefined }] : readFiles(source.paths)
    if (files === undefined) return undefined
    const clusters = new Map<string, Named>()
    const users = new Map<string, Named>()
    const contexts = new Map<string, Named>()
    let current: string | undefined
    for (const file of files) {
      const docs = parseYamlValues(file.text, { source: 'kubeconfig', dialect: 'v2' })
      if (docs.length !== 1) return undefined
      const config = docs[0]?.value
      if (!isEntry(config)) return undefined
      const lists = [
        [config.clusters, 'cluster', clusters],
        [config.users, 'user', users],
        [config.contexts, 'context', contexts],
      ] as const
      if (!lists.every(([list, key, into]) => collect(list, { key, base: file.base, into }))) return undefined
      const named = config['current-context']
      if (named !== undefined && named !== null && typeof named !== 'string') return undefined
      if ((current === undefined || current === '') && typeof named === 'string' && named !== '') current = named
    }
    const chosen = context !== undefined && context !== '' ? context : current
    const ctx = chosen === undefined ? undefined : contexts.get(chosen)
    if (ctx === undefined || !onlyKeys(ctx.body, CONTEXT_KEYS)) return undefined
    const clusterName = ctx.body.cluster
    const userName = ctx.body.user
    const namespace = ctx.body.namespace
    if (typeof clusterName !== 'string' || (userName !== undefined && typeof userName !== 'string') || (namespace !== undefined && typeof namespace !== 'string')) return undefined
    const cluster = clusters.get(clusterName)
    const user = userName === undefined || userName === '' ? undefined : users.get(userName)
    if (cluster === undefined || (userName !== undefined && userName !== '' && user === undefined)) return undefined
    if (!onlyKeys(cluster.body, CLUSTER_KEYS) || (user !== undefined && !onlyKeys(user.body, USER_KEYS))) return undefined
    return configOf(cluster, user, namespace === '' ? undefined : namespace)
  } catch {
    // Unreadable or malformed: client-node reads it again and says what is wrong, as it always has.
    return undefined
  }
}

function readFiles(paths: string): { text: string; base: string }[] | undefined {
  const out: { text: string; base: string }[] = []
  for (const path of paths.split(delimiter).filter((p) => p !== '')) {
    let text: string
    try {
      text = readFileSync(path, 'utf8')
    } catch (err) {
      // A missing file is skipped, as kubectl skips it; any other failure is client-node's to report.
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') continue
      return undefined
    }
    out.push({ text, base: dirname(resolve(path)) })
  }
  return out.length === 0 ? undefined : out
}

/** Adds the named entries of a kubeconfig list; the first file to name one wins. False when malformed. */
function collect(list: unknown, { key, base, into }: { readonly key: string; readonly base: string | undefined; readonly into: Map<string, Named> }): boolean {
  if (list === undefined || list === null) return true
  if (!Array.isArray(list)) return false
  for (const item of list) {
    if (!isEntry(item) || typeof item.name !== 'string' || item.name === '') return false
    const body = item[key] ?? {}
    if (!isEntry(body)) return false
    if (!into.has(item.name)) into.set(item.name, { name: item.name, body, base })
  }
  return true
}

function configOf(cluster: Named, user: Named | undefined, namespace: string | undefined): DirectConfig | undefined {
  const c = cluster.body
  const server = c.server
  if (typeof server !== 'string' || !/^https?:\/\/[^/]/.test(server)) return undefined
  const tls: AgentOptions = {}
  const ca = pem(c, 'certificate-authority', cluster.base)
  if (ca === null) return undefined
  if (ca !== undefined) tls.ca = ca
  const insecure = c['insecure-skip-tls-verify']
  if (insecure !== undefined && typeof insecure !== 'boolean') return undefined
  if (insecure === true) tls.rejectUnauthorized = false
  const serverName = c['tls-server-name']
  if (serverName !== undefined && typeof serverName !== 'string') return undefined
  if (serverName !== undefined && serverName !== '') tls.servername = serverName
  let token: string | undefined
  if (user !== undefined) {
    const u = user.body
    const cert = pem(u, 'client-certificate', user.base)
    const key = pem(u, 'client-key', user.base)
    if (cert === null || key === null || (cert === undefined) !== (key === undefined)) return undefined
    if (cert !== undefined) tls.cert = cert
    if (key !== undefined) tls.key = key
    if (u.token !== undefined && typeof u.token !== 'string') return undefined
    if (typeof u.token === 'string' && u.token !== '') token = u.token
  }
  return { server, namespace, tls, token }
}

/** A PEM of `name` (a file) or `name-data` (base64); undefined when neither, null when unusable. */
function pem(entry: Entry, name: string, base: string | undefined): Buffer | undefined | null {
  const data = entry[`${name}-data`]
  if (data !== undefined && data !== '') return typeof data === 'string' ? Buffer.from(data, 'base64') : null
  const file = entry[name]
  if (file === undefined || file === '') return undefined
  if (typeof file !== 'string') return null
  if (!isAbsolute(file) && base === undefined) return null
  return readFileSync(isAbsolute(file) ? file : resolve(base as string, file))
}

function onlyKeys(entry: Entry, allowed: ReadonlySet<string>): boolean {
  return Object.keys(entry).every((key) => allowed.has(key))
}

function isEntry(value: unknown): value is Entry {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Sends raw requests straight over node:http(s), with one keep-alive pool of `maxSockets`. Each
 * request is bounded by its `timeout` (one timer) and its `signal` (one listener per signal, not
 * per request): a first apply sends two requests per object, and an AbortSignal handed to
 * node:http per request (its own listeners, a controller to combine it with the timeout) cost
 * more CPU than the rest of the request's own work in the profile.
 */
export function createDirectTransport(
  config: DirectConfig,
  options: {
    readonly headers: Readonly<Record<string, string | readonly string[]>>
    readonly maxSockets: number
    readonly handshakeTimeout?: number | undefined
    /** The largest answer body read, in bytes; a larger one fails with {@link ResponseTooLargeError}. */
    readonly maxResponseBytes?: number | undefined
    /**
     * `h2` (the default): HTTP/2 over TLS when the server offers it, else node:https; node:http for
     * http:// servers. `http1`: HTTP/1.1 written and parsed directly on a keep-alive pool
     * ({@link Http1Pool}) for both, unless a header value needs node's encoding.
     */
    readonly protocol?: 'h2' | 'http1' | undefined
  },
): Transport {
  const maxResponseBytes = options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES
  // The server as errors name it: a user and password in the URL are never shown (nor sent: the
  // requests below carry the host and port only).
  const server = shownServer(config.server)
  const secure = config.server.startsWith('https:')
  const common = { keepAlive: true, maxSockets: options.maxSockets, maxFreeSockets: options.maxSockets }
  const url = new URL(config.server)
  const hostname = url.hostname.replace(/^\[(.*)\]$/, '$1')
  const agent = secure ? new HttpsAgent({ ...tlsOptions(config.tls), ...common }) : new HttpAgent(common)
  const send = secure ? httpsRequest : httpRequest
  // The URL is parsed once; each request only appends its path and query. (Trimmed in one pass:
  // `/\/+$/` retried from each slash of a run inside the path, quadratic in the kubeconfig's URL.)
  const prefix = trimCharRun(url.pathname, '/', 'end')
  // The name TLS checks the certificate against, given here so that node:https does not work it
  // out again from the Host header of every request: none for an IP address (no SNI), as node does.
  const servername = config.tls.servername ?? (isIP(hostname) === 0 ? hostname : '')
  const target = { protocol: url.protocol, hostname, port: url.port === '' ? undefined : url.port, agent, ...(secure ? { servername } : {}) }
  // Headers as raw name/value pairs, which node writes as they are instead of setting them one by
  // one; a header of several values (Impersonate-Group) is one pair per value, one line each. With
  // raw headers node adds no Host itself.
  const fixed: string[] = ['Host', url.host, 'Accept', 'application/json']
  for (const [key, value] of Object.entries(options.headers)) for (const v of typeof value === 'string' ? [value] : value) fixed.push(key, v)
  if (config.token !== undefined) fixed.push('Authorization', `Bearer ${config.token}`)
  if (options.protocol === 'http1' && plainHeaders(fixed)) {
    const pool = new Http1Pool({
      tls: secure ? { ...tlsOptions(config.tls), ...(servername === '' ? {} : { servername }) } : undefined,
      host: hostname,
      port: url.port === '' ? (secure ? 443 : 80) : Number(url.port),
      headers: fixed,
      prefix,
      maxSockets: options.maxSockets,
      maxResponseBytes,
      connectTimeout: options.handshakeTimeout ?? 30_000,
    })
    return { server, deadlines: true, send: (request) => pool.send(request), close: () => pool.close() }
  }
  const aborts = new Aborts()
  const sendHttp1 = (request: RawRequest): Promise<RawResponse> =>
    new Promise<RawResponse>((done, fail) => {
      const { signal } = request
      if (signal?.aborted === true) {
        // An abort rejects with the signal's reason, untouched, whatever it is.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        fail(signal.reason)
        return
      }
      let headers = fixed
      const body = request.body === undefined ? undefined : Buffer.from(request.body, 'utf8')
      if (body !== undefined) headers = [...fixed, 'Content-Type', request.contentType ?? 'application/json', 'Content-Length', String(body.length)]
      const req = send({ ...target, path: `${prefix}${request.path}${queryOf(request.query)}`, method: request.method, headers })
      let timer: NodeJS.Timeout | undefined
      const settle = (): void => {
        if (timer !== undefined) clearTimeout(timer)
        if (signal !== undefined) aborts.forget(signal, req)
      }
      const failed = (err: unknown): void => {
        settle()
        // A node error, a RequestTimeoutError, or an aborted signal's reason as it is.
        // eslint-disable-next-line @typescript-eslint/prefer-promise-reject-errors
        fail(err)
      }
      if (request.timeout !== undefined && request.timeout > 0) {
        const ms = request.timeout
        timer = setTimeout(() => {
          // Failed first: a destroyed connection would report itself as reset instead.
          failed(new RequestTimeoutError(ms))
          req.destroy()
        }, ms)
      }
      if (signal !== undefined) aborts.watch(signal, req, failed)
      req.on('response', (res: IncomingMessage) => {
        const body = new BoundedBody(maxResponseBytes)
        let over = false
        const tooLarge = (): void => {
          over = true
          failed(new ResponseTooLargeError(maxResponseBytes))
          // The rest of the answer is not read: its connection is closed, not reused.
          req.destroy()
        }
        if (body.declaredTooLarge(res.headers['content-length'])) {
          tooLarge()
          return
        }
        res.on('data', (chunk: Buffer) => {
          if (!over && !body.add(chunk)) tooLarge()
        })
        res.on('error', failed)
        res.on('end', () => {
          if (over) return
          settle()
          // Headers are read only when asked for (a Retry-After): most answers never are.
          done({
            status: res.statusCode ?? 0,
            text: body.text(),
            get headers() {
              return flatHeaders(res.headers)
            },
          })
        })
      })
      req.on('error', failed)
      req.end(body)
    })
  if (!secure) return { server, deadlines: true, send: sendHttp1 }
  const sessions = new H2Sessions({
    authority: `https://${url.host}`,
    tls: { ...tlsOptions(config.tls), host: hostname, port: url.port === '' ? 443 : Number(url.port), ...(servername === '' ? {} : { servername }) },
    limit: options.maxSockets,
    handshakeTimeout: options.handshakeTimeout ?? 30_000,
  })
  const h2Fixed: OutgoingHttpHeaders = Object.create(null) as OutgoingHttpHeaders
  for (let i = 2; i < fixed.length; i += 2) {
    const name = (fixed[i] as string).toLowerCase()
    const value = fixed[i + 1] as string
    const had = h2Fixed[name]
    // A header of several values is one field per value, as over HTTP/1.1.
    h2Fixed[name] = had === undefined ? value : Array.isArray(had) ? [...had, value] : [String(had), value]
  }
  const http2 = new Http2Sender(sessions, { prefix, headers: h2Fixed, maxResponseBytes })
  return {
    server,
    deadlines: true,
    send: async (request) => (sessions.http1 ? sendHttp1(request) : ((await http2.send(request)) ?? sendHttp1(request))),
    close: () => {
      sessions.close()
      agent.destroy()
    },
  }
}

/** The TLS settings as one secure context: node:https then keys its pool without stringifying the CA for every request. */
function tlsOptions(tls: AgentOptions): AgentOptions {
  const { ca, cert, key, ...rest } = tls
  if (ca === undefined && cert === undefined && key === undefined) return rest
  return { ...rest, secureContext: createSecureContext({ ca, cert, key }) }
}
