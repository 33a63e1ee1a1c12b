import type { Clock, KubeObject } from '@gitops-sdk/core'
import type { FaultRule } from './faultTypes.js'

/** Options of {@link startApiServer}; every one is optional. */
export interface ApiServerOptions {
  /** Loopback address to listen on; anything else is refused. @defaultValue '127.0.0.1' */
  readonly host?: '127.0.0.1' | 'localhost' | '::1' | undefined
  /** Port to listen on; 0 picks a free one. @defaultValue 0 */
  readonly port?: number | undefined
  /** Serve HTTPS with a CA made at start; `false` serves plain HTTP. @defaultValue true */
  readonly tls?: boolean | undefined
  /** Require `Authorization: Bearer <token>`; `false` accepts every request. @defaultValue true */
  readonly authentication?: boolean | undefined
  /** The accepted bearer tokens. @defaultValue one random token, see {@link ApiServer.token} */
  readonly tokens?: readonly string[] | undefined
  /**
   * Users by bearer token, as kube-apiserver's `--token-auth-file` lists them (see
   * {@link parseTokenAuthFile}); each also gets the group `system:authenticated`. @defaultValue none
   */
  readonly users?: readonly ApiServerUser[] | undefined
  /**
   * `RBAC` authorizes every request by the Roles, ClusterRoles and bindings in the server (the
   * `tokens` user is in `system:masters`, which may do anything); `AlwaysAllow` allows every
   * authenticated request. @defaultValue 'AlwaysAllow'
   */
  readonly authorization?: 'AlwaysAllow' | 'RBAC' | undefined
  /** The version `/version` reports. @defaultValue 'v1.32.0' */
  readonly version?: string | undefined
  /** Source of timestamps. @defaultValue the system clock */
  readonly clock?: Clock | undefined
  /** Makes uids and `generateName` suffixes reproducible. @defaultValue random */
  readonly seed?: number | undefined
  /** Delay before a new CRD becomes Established. @defaultValue 0 (established in the create response) */
  readonly establishDelayMs?: number | undefined
  /** Changes kept for resuming watches; older resourceVersions get 410 Expired. @defaultValue 10000 */
  readonly watchHistory?: number | undefined
  /** Silence after which a watch with `allowWatchBookmarks` gets a BOOKMARK. @defaultValue 5000 */
  readonly bookmarkIntervalMs?: number | undefined
  /** `'ready'` runs simulated workload controllers that write a healthy status. @defaultValue 'none' */
  readonly controllers?: 'none' | 'ready' | undefined
  /** Delay before a simulated controller writes the ready status. @defaultValue 0 */
  readonly readyDelayMs?: number | undefined
  /** Nodes a simulated DaemonSet runs on. @defaultValue 1 */
  readonly daemonSetNodes?: number | undefined
  /** Fault rules in force from the start; see {@link ApiServer.faults}. @defaultValue none */
  readonly faults?: readonly FaultRule[] | undefined
  /** Aborts start-up; the promise then rejects with `signal.reason`. */
  readonly signal?: AbortSignal | undefined
}

/** A kubeconfig in the shape `KubeConfig.loadFromOptions` of `@kubernetes/client-node` takes. */
export interface KubeconfigOptions {
  readonly clusters: readonly { readonly name: string; readonly server: string; readonly caData?: string | undefined; readonly skipTLSVerify: boolean }[]
  readonly users: readonly { readonly name: string; readonly token?: string | undefined }[]
  readonly contexts: readonly { readonly name: string; readonly cluster: string; readonly user: string; readonly namespace: string }[]
  readonly currentContext: string
}

/** One request as the server received it, for {@link ApiServer.requests}. */
export interface RecordedRequest {
  readonly method: string
  readonly path: string
  readonly query: Readonly<Record<string, string>>
  readonly contentType: string | undefined
  /** The field manager of a write: the `fieldManager` parameter or the User-Agent prefix. */
  readonly manager: string | undefined
  readonly userAgent: string | undefined
  /** `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, `deletecollection`; undefined for discovery. */
  readonly verb: string | undefined
  /** `configmaps`, `deployments.apps`; undefined for discovery. */
  readonly resource: string | undefined
  /** The user the request acted as (after impersonation); `system:admin` for the server's own token. */
  readonly user?: string | undefined
  readonly namespace: string | undefined
  readonly name: string | undefined
  readonly subresource: string | undefined
}

/**
 * What an {@link Interceptor} does with a request: wait and go on, answer with the Status a real
 * server sends for that code (403, 409, 429 with `Retry-After`, 500, 503, 504), or drop the connection.
 */
export type Fault =
  | { readonly delayMs: number }
  | { readonly status: 403 | 409 | 429 | 500 | 503 | 504; readonly message?: string | undefined; readonly retryAfterSeconds?: number | undefined }
  | { readonly drop: true }

/** A per-request hook for fault injection; `undefined` lets the request through. */
export type Interceptor = (request: RecordedRequest) => Fault | undefined | Promise<Fault | undefined>

/** Options of {@link ApiServer.setStatus}. */
export interface SetStatusOptions {
  /** Field manager of the status write. @defaultValue 'kube-controller-manager' */
  readonly manager?: string | undefined
}

/** Options of {@link ApiServer.finalize}. */
export interface FinalizeOptions {
  /** Field manager of the update. @defaultValue 'kube-controller-manager' */
  readonly manager?: string | undefined
}

/** Stored objects, as {@link ApiServer.snapshot} returns them. */
export type Snapshot = readonly KubeObject[]

/** A user of the server: its bearer token, name, uid and groups. */
export interface ApiServerUser {
  readonly token: string
  readonly name: string
  readonly uid?: string | undefined
  readonly groups?: readonly string[] | undefined
}
