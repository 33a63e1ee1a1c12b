import { readFile as fsReadFile } from 'node:fs/promises'
import { isIP } from 'node:net'
import { systemClock } from '@gitops-sdk/core'
import type { Clock } from '@gitops-sdk/core'
import { ControllerError } from './errors.js'

/** Where a pod finds its service account, as client-go's `rest.InClusterConfig` reads it. */
export const SERVICE_ACCOUNT_DIR = '/var/run/secrets/kubernetes.io/serviceaccount'

/** Options of {@link loadInClusterConfig}; every one has the default a pod needs. */
export interface InClusterOptions {
  /** The environment to read `KUBERNETES_SERVICE_HOST` and `KUBERNETES_SERVICE_PORT` from. @defaultValue process.env */
  readonly env?: Readonly<Record<string, string | undefined>> | undefined
  /** The service account token. @defaultValue `${SERVICE_ACCOUNT_DIR}/token` */
  readonly tokenFile?: string | undefined
  /** The cluster's CA bundle. @defaultValue `${SERVICE_ACCOUNT_DIR}/ca.crt` */
  readonly caFile?: string | undefined
  /** The pod's namespace. @defaultValue `${SERVICE_ACCOUNT_DIR}/namespace` */
  readonly namespaceFile?: string | undefined
  /** Reads a file. @defaultValue node:fs/promises readFile */
  readonly readFile?: ((path: string) => Promise<string>) | undefined
  /** Clock deciding when the token is read again. @defaultValue the system clock */
  readonly clock?: Clock | undefined
  /** How long a read token is used before the file is read again, in ms (client-go: one minute). @defaultValue 60,000 */
  readonly tokenRefresh?: number | undefined
  /** Cancels the operation: it stops promptly and rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined
}

/** The configuration of a controller running in a pod; give it to `createControllerClient`. */
export interface InClusterConfig {
  /** `https://KUBERNETES_SERVICE_HOST:KUBERNETES_SERVICE_PORT`. */
  readonly server: string
  /** The CA bundle (PEM) the server's certificate is checked against. */
  readonly ca: string
  /** The pod's namespace, or `default` when the namespace file is absent. */
  readonly namespace: string
  /**
   * The current token: read again from the file once `tokenRefresh` ms passed, or after
   * {@link InClusterConfig.invalidateToken}, because the kubelet rotates projected tokens.
   */
  token(): Promise<string>
  /** Makes the next {@link InClusterConfig.token} read the file (after a 401). */
  invalidateToken(): void
}

/**
 * Loads the configuration of a pod's service account as client-go's `rest.InClusterConfig` does:
 * the server from `KUBERNETES_SERVICE_HOST`/`KUBERNETES_SERVICE_PORT`, the CA and token files of
 * the service account. The token is re-read when it may have rotated. Token values never reach
 * errors or logs.
 *
 * @throws `CONTROLLER_CONFIG_INVALID` when the variables are not set or a file cannot be read.
 * @example
 * ```ts
 * const config = await loadInClusterConfig()
 * const client = await createControllerClient({ inCluster: config })
 * ```
 */
export async function loadInClusterConfig(options: InClusterOptions = {}): Promise<InClusterConfig> {
  options.signal?.throwIfAborted()
  const env = options.env ?? process.env
  const read = options.readFile ?? ((path: string) => fsReadFile(path, 'utf8'))
  const clock = options.clock ?? systemClock
  const refresh = options.tokenRefresh ?? 60_000
  if (!Number.isFinite(refresh) || refresh < 0) throw new TypeError('loadInClusterConfig: tokenRefresh must be a number of ms, 0 or more')
  const tokenFile = options.tokenFile ?? `${SERVICE_ACCOUNT_DIR}/token`
  const caFile = options.caFile ?? `${SERVICE_ACCOUNT_DIR}/ca.crt`
  const namespaceFile = options.namespaceFile ?? `${SERVICE_ACCOUNT_DIR}/namespace`
  const host = env.KUBERNETES_SERVICE_HOST ?? ''
  const port = env.KUBERNETES_SERVICE_PORT ?? ''
  if (host === '' || port === '') {
    throw new ControllerError({
      code: 'CONTROLLER_CONFIG_INVALID',
      message: 'in-cluster configuration: KUBERNETES_SERVICE_HOST and KUBERNETES_SERVICE_PORT must be set (is this process running in a pod?)',
      details: { host: host !== '', port: port !== '' },
    })
  }
  if (!/^[0-9]{1,5}$/.test(port) || Number(port) > 65535) {
    throw new ControllerError({ code: 'CONTROLLER_CONFIG_INVALID', message: `in-cluster configuration: KUBERNETES_SERVICE_PORT "${port}" is not a port number`, details: { port } })
  }
  const readOrFail = async (path: string, what: string): Promise<string> => {
    try {
      return await read(path)
    } catch (cause) {
      throw new ControllerError({
        code: 'CONTROLLER_CONFIG_INVALID',
        message: `${path}: cannot read the service account ${what} (${(cause as NodeJS.ErrnoException).code ?? (cause instanceof Error ? cause.message : String(cause))})`,
        details: { path },
        cause,
      })
    }
  }
  const ca = await readOrFail(caFile, 'CA bundle')
  let token = (await readOrFail(tokenFile, 'token')).trim()
  if (token === '') throw new ControllerError({ code: 'CONTROLLER_CONFIG_INVALID', message: `${tokenFile}: the service account token is empty`, details: { path: tokenFile } })
  let readAt = clock.now().getTime()
  let namespace = 'default'
  try {
    namespace = (await read(namespaceFile)).trim() || 'default'
  } catch {
    // client-go falls back to "default" too when the namespace file is absent.
  }
  return {
    server: `https://${isIP(host) === 6 ? `[${host}]` : host}:${port}`,
    ca,
    namespace,
    async token() {
      if (clock.now().getTime() - readAt >= refresh) {
        // A failed re-read keeps the last token: it may still be valid until the kubelet's new one lands.
        const next = (await read(tokenFile).catch(() => token)).trim()
        if (next !== '') token = next
        readAt = clock.now().getTime()
      }
      return token
    },
    invalidateToken() {
      readAt = Number.NEGATIVE_INFINITY
    },
  }
}
