import type * as ClientNode from '@kubernetes/client-node'
import { ApplyError } from './errors.js'
import { createDirectTransport, directConfig } from './internal/directTransport.js'
import { HttpKubeClient } from './internal/httpKubeClient.js'
import type { ClientSettings } from './internal/httpKubeClient.js'
import { loadKubeConfig } from './internal/kubeconfig.js'
import type { KubeConfigSource } from './internal/kubeconfig.js'
import type { Transport } from './internal/transport.js'
import { createTransport, poolStyleOf } from './internal/transport.js'
import type { ApiRequestEvent, KubeClient, KubeConfigLike } from './kubeClient.js'

const DEFAULT_REQUEST_TIMEOUT = 30_000

/**
 * Whom every request acts as, through the `Impersonate-User` header and one `Impersonate-Group`
 * header per group, as kubectl's `--as` and `--as-group` send them.
 */
export type Impersonation =
  | {
      /** Act as this ServiceAccount (`system:serviceaccount:<namespace>:<name>`). */
      readonly serviceAccount: {
        /** The ServiceAccount's namespace. */
        readonly namespace: string
        /** The ServiceAccount's name. */
        readonly name: string
      }
      /** Groups to act as besides the ServiceAccount's own, one `Impersonate-Group` header each. */
      readonly groups?: readonly string[] | undefined
    }
  | {
      /** Act as this user name. */
      readonly user: string
      /** Groups to act as, one `Impersonate-Group` header each. */
      readonly groups?: readonly string[] | undefined
    }

/** Options of {@link createKubeClient}. Give one of `kubeconfig`, `kubeconfigYaml` or `kubeConfig`. */
export interface KubeClientOptions {
  /**
   * Path of the kubeconfig file, or several joined by the OS path delimiter (a `KUBECONFIG` value),
   * merged as kubectl merges them: for each cluster, user and context name the first file that
   * defines it wins, current-context comes from the first file that sets one, and a file that does
   * not exist is skipped (only when none exists is that an error).
   */
  readonly kubeconfig?: string | undefined
  /** The kubeconfig's content, when the caller already has it. */
  readonly kubeconfigYaml?: string | undefined
  /**
   * A `KubeConfig` of `@kubernetes/client-node` the caller already loaded (any copy or major: it is
   * read through its `exportConfig()`).
   */
  readonly kubeConfig?: KubeConfigLike | undefined
  /** Context to use, as kubectl's `--context`. @defaultValue the kubeconfig's current context */
  readonly context?: string | undefined
  /** Act as this service account or user on every request (multi-tenancy, like Flux's `serviceAccountName`). */
  readonly impersonate?: Impersonation | undefined
  /** Called once per API request with its verb and status code (for metrics). */
  readonly onRequest?: ((request: ApiRequestEvent) => void) | undefined
  /** Connections kept open to the server. @defaultValue 16 */
  readonly maxConnections?: number | undefined
  /** Retries of a request answered 429, 503 or 504 (honouring `Retry-After`, at most 10 s each). @defaultValue 3 */
  readonly retries?: number | undefined
  /**
   * How long one request may take, from sending it to the end of the answer, in ms; a request
   * still running then is aborted (its connection closed) and fails with `APPLY_REQUEST_TIMEOUT`.
   * Each retry gets its own deadline. `0` turns the deadline off (the caller's `signal` still
   * bounds everything).
   * @defaultValue 30,000
   */
  readonly requestTimeout?: number | undefined
  /**
   * The largest answer body read, in bytes, by the direct transport (the kubeconfigs served
   * without `@kubernetes/client-node`, see {@link createKubeClient}); a larger answer, declared
   * or growing past it while it streams, ends its request (its connection or HTTP/2 stream
   * closed) and fails with `APPLY_RESPONSE_TOO_LARGE` naming the object and the URL. Large
   * enough for a list page of 500 objects of several hundred KB each.
   * @defaultValue 268,435,456 (256 MiB)
   */
  readonly maxResponseBytes?: number | undefined
  /** Cancels the operation: it stops promptly and rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined
}

/**
 * Creates a {@link KubeClient} for a kubeconfig over `@kubernetes/client-node`: the only function
 * of the SDK that reads a kubeconfig, and only the one it is given (never `KUBECONFIG` or
 * `~/.kube`). Connections are kept alive and shared; discovery is cached per client.
 *
 * A kubeconfig whose context needs only a server, its CA (or `insecure-skip-tls-verify`,
 * `tls-server-name`), a bearer `token` and/or a client certificate is served directly, over
 * HTTP/1.1 on a keep-alive pool of `maxConnections` sockets (HTTP/2 when the environment sets
 * `GITOPS_APPLY_PROTOCOL=h2`), without loading `@kubernetes/client-node` (whose import costs
 * about a second); any other
 * (exec or auth-provider plugins, token files, basic auth, `proxy-url`, a proxy variable in the
 * environment, a given `kubeConfig`) goes through client-node as before.
 *
 * Every request is bounded by `requestTimeout` (30 s by default) and by the `signal` of the call
 * that makes it: aborting the signal closes the request's connection at once.
 *
 * Works with `@kubernetes/client-node` 1.x and 2.x (2.x itself needs Node >= 22).
 *
 * @throws `APPLY_KUBECONFIG_INVALID` when the kubeconfig cannot be read or parsed, or names no such
 * context or cluster; `APPLY_CLIENT_UNSUPPORTED` when the installed `@kubernetes/client-node`
 * cannot be loaded on this Node or is a major the SDK does not know; `TypeError` for options out
 * of range (`requestTimeout`, `maxResponseBytes`).
 * @example
 * ```ts
 * const client = await createKubeClient({ kubeconfig: '/home/me/.kube/config', context: 'prod' })
 * const live = await client.get({ group: 'apps', kind: 'Deployment', namespace: 'web', name: 'web' })
 * ```
 */
export async function createKubeClient(options: KubeClientOptions): Promise<KubeClient> {
  checkClientOptions(options)
  options.signal?.throwIfAborted()
  // A kubeconfig of a server, its CA, a token and/or a client certificate needs none of
  // client-node, whose import alone costs about a second; anything else goes through it.
  const direct = directConfig(sourceOf(options), options.context)
  if (direct !== undefined) {
    const transport = createDirectTransport(direct, {
      headers: impersonationHeaders(options.impersonate),
      maxSockets: options.maxConnections ?? 16,
      handshakeTimeout: options.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT,
      maxResponseBytes: options.maxResponseBytes,
      // HTTP/1.1 on the transport's own pool: less CPU per request than node's HTTP/2 session and
      // node:https (docs/benchmarks.md, apply-h1); GITOPS_APPLY_PROTOCOL=h2 goes back to HTTP/2.
      protocol: process.env.GITOPS_APPLY_PROTOCOL === 'h2' ? 'h2' : 'http1',
    })
    return new HttpKubeClient(transport, settingsOf(options, direct.namespace))
  }
  let mod: typeof ClientNode
  try {
    mod = await import('@kubernetes/client-node')
  } catch (cause) {
    // client-node 2.x needs Node >= 22 (through undici 8) and fails while loading on older ones.
    const why = cause instanceof Error ? (cause.message.split('\n')[0] ?? cause.message) : String(cause)
    throw new ApplyError({
      code: 'APPLY_CLIENT_UNSUPPORTED',
      message: `@kubernetes/client-node: cannot be loaded on Node ${process.version} (${why}); install a version this Node runs (1.x runs on Node 20)`,
      details: { node: process.version },
      cause,
    })
  }
  return createKubeClientWith(mod, options)
}

function checkClientOptions(options: KubeClientOptions): void {
  if (typeof options !== 'object') throw new TypeError('createKubeClient: options are required')
  const { kubeconfig, kubeconfigYaml, kubeConfig } = options
  const given = [kubeconfig !== undefined && kubeconfig !== '', kubeconfigYaml !== undefined, kubeConfig !== undefined].filter(Boolean).length
  if (given === 0) throw new TypeError('createKubeClient: give kubeconfig (a path), kubeconfigYaml (its content) or kubeConfig (a client-node KubeConfig)')
  if (given > 1) throw new TypeError('createKubeClient: give only one of kubeconfig, kubeconfigYaml and kubeConfig')
  if (kubeConfig !== undefined && typeof kubeConfig.exportConfig !== 'function') throw new TypeError('createKubeClient: kubeConfig must be a @kubernetes/client-node KubeConfig')
  if (options.requestTimeout !== undefined && (!Number.isFinite(options.requestTimeout) || options.requestTimeout < 0)) {
    throw new TypeError('createKubeClient: requestTimeout must be a number of milliseconds, 0 or more')
  }
  if (options.maxResponseBytes !== undefined && (!Number.isSafeInteger(options.maxResponseBytes) || options.maxResponseBytes < 1)) {
    throw new TypeError('createKubeClient: maxResponseBytes must be a whole number of bytes, 1 or more')
  }
}

/**
 * {@link createKubeClient} over a given `@kubernetes/client-node` module: the tests run the same
 * transport over client-node 1.x and 2.x through it. Not exported from the package.
 */
export async function createKubeClientWith(mod: typeof ClientNode, options: KubeClientOptions): Promise<KubeClient> {
  checkClientOptions(options)
  const { signal } = options
  signal?.throwIfAborted()
  const style = poolStyleOf(mod)
  if (style !== 'agent' && style !== 'dispatcher') {
    throw new ApplyError({
      code: 'APPLY_CLIENT_UNSUPPORTED',
      message: `@kubernetes/client-node: this version cannot be used (${style}); the SDK works with 1.x and 2.x`,
      details: { reason: style },
    })
  }
  const from = sourceOf(options)
  const source = from.type === 'files' ? from.paths : 'kubeconfig'
  const invalid = (why: string, cause?: unknown): ApplyError =>
    new ApplyError({ code: 'APPLY_KUBECONFIG_INVALID', message: `${source}: ${why}`, details: { source }, cause })
  let kc: ClientNode.KubeConfig
  try {
    kc = loadKubeConfig(mod, from)
  } catch (cause) {
    throw invalid(`cannot load the kubeconfig (${cause instanceof Error ? cause.message.split('\n')[0] : String(cause)})`, cause)
  }
  if (options.context !== undefined && options.context !== '') {
    if (kc.getContextObject(options.context) === null) throw invalid(`no context named "${options.context}"`)
    kc.setCurrentContext(options.context)
  }
  const context = kc.getContextObject(kc.getCurrentContext())
  if (context === null) throw invalid('no current context; pass one with context')
  if (kc.getCluster(context.cluster) === null) throw invalid(`context "${context.name}" names cluster "${context.cluster}", which is not defined`)
  // A bad impersonation is the caller's mistake, not the kubeconfig's: a TypeError of its own.
  const headers = impersonationHeaders(options.impersonate)
  let transport: Transport
  try {
    transport = await createTransport(mod, kc, { headers, maxSockets: options.maxConnections ?? 16 })
  } catch (cause) {
    throw invalid(`cannot set up the connection (${cause instanceof Error ? cause.message : String(cause)})`, cause)
  }
  return new HttpKubeClient(transport, settingsOf(options, context.namespace))
}

function settingsOf(options: KubeClientOptions, namespace: string | undefined): ClientSettings {
  return {
    namespace: namespace ?? 'default',
    onRequest: options.onRequest,
    retries: options.retries ?? 3,
    requestTimeout: options.requestTimeout ?? DEFAULT_REQUEST_TIMEOUT,
  }
}

function sourceOf(options: KubeClientOptions): KubeConfigSource {
  if (options.kubeConfig !== undefined) return { type: 'object', config: options.kubeConfig }
  if (options.kubeconfigYaml !== undefined) return { type: 'yaml', text: options.kubeconfigYaml }
  return { type: 'files', paths: options.kubeconfig ?? '' }
}

function impersonationHeaders(impersonate: Impersonation | undefined): Record<string, string | readonly string[]> {
  if (impersonate === undefined) return {}
  const groups = impersonate.groups ?? []
  // The API server reads every Impersonate-Group header as one group, commas and all (so do kubectl
  // and client-go): several groups are several headers, and an empty name is no group at all.
  if (groups.some((g) => typeof g !== 'string' || g === '')) throw new TypeError('createKubeClient: impersonate.groups must be non-empty strings')
  const group: Record<string, string | readonly string[]> = groups.length === 0 ? {} : { 'Impersonate-Group': groups.length === 1 ? (groups[0] ?? '') : [...groups] }
  if ('serviceAccount' in impersonate) {
    const { namespace, name } = impersonate.serviceAccount
    if (namespace === '' || name === '') throw new TypeError('createKubeClient: impersonate.serviceAccount needs a namespace and a name')
    return { 'Impersonate-User': `system:serviceaccount:${namespace}:${name}`, ...group }
  }
  if (impersonate.user === '') throw new TypeError('createKubeClient: impersonate.user must not be empty')
  return { 'Impersonate-User': impersonate.user, ...group }
}

