import type { Clock, KubeObject } from '@gitops-sdk/core'
import type { FaultRule } from './faultTypes.js'

/** Options of {@link startApiServer}; every one is optional. */
export interface ApiServerOptions {
  /** Loopback address to listen on; anything else is refused. @defaultValue '127.0.0.1' */
  readonly host?: '127.0.0.1' | 'localhost' | '::1' | undefined
  /** Port to listen on; 0 picks a free one. @defaultValue 0 */
  readonly port?: number | undefined
  /**
   * How long an idle connection stays open: an HTTP/1.1 connection between requests, an HTTP/2
   * session with no open stream (a watch keeps its session). The server then closes it (HTTP/2:
   * GOAWAY first), as kube-apiserver's Go server does after its idle timeout.
   * @defaultValue 30000
   */
  readonly idleTimeoutMs?: number | undefined
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
  /**
   * Where the Services that admission webhooks name (`clientConfig.service`) are served: a map from
   * `namespace/name` (or `namespace/name:port`) to a loopback `https://` URL, e.g.
   * `{ 'webhooks/guard': 'https://127.0.0.1:9443' }`. The call goes to that URL plus the service's
   * `path`, and the webhook's certificate is checked against `name.namespace.svc`, as in a cluster.
   * Only loopback is reachable: a `clientConfig.url` must be on loopback too.
   * @defaultValue none: a webhook that names a Service fails to be called (its failurePolicy decides)
   */
  readonly webhookServices?: Readonly<Record<string, string>> | undefined
  /** Fault rules in force from the start; see {@link ApiServer.faults}. @defaultValue none */
  readonly faults?: readonly FaultRule[] | undefined
  /** Aborts start-up; the promise then rejects with `signal.reason`. */
  readonly signal?: AbortSignal | undefined
}

/** A kubeconfig in the shape `KubeConfig.loadFromOptions` of `@kubernetes/client-node` takes. */
export interface KubeconfigOptions {
  /** The one cluster: this server. */
  readonly clusters: readonly {
    /** The cluster entry's name. */
    readonly name: string
    /** The API server URL, `https://127.0.0.1:<port>`. */
    readonly server: string
    /** The server CA's PEM, base64; absent without TLS. */
    readonly caData?: string | undefined
    /** Whether clients skip the TLS check (false: the CA is given). */
    readonly skipTLSVerify: boolean
  }[]
  /** The one user, with the server's token. */
  readonly users: readonly {
    /** The user entry's name. */
    readonly name: string
    /** A bearer token the server accepts; absent without authentication. */
    readonly token?: string | undefined
  }[]
  /** The one context, joining them. */
  readonly contexts: readonly {
    /** The context's name. */
    readonly name: string
    /** The cluster entry it uses. */
    readonly cluster: string
    /** The user entry it uses. */
    readonly user: string
    /** The default namespace, `default`. */
    readonly namespace: string
  }[]
  /** The context in use. */
  readonly currentContext: string
}

/** One request as the server received it, for {@link ApiServer.requests}. */
export interface RecordedRequest {
  /** The HTTP method, e.g. `PATCH`. */
  readonly method: string
  /** The URL path, e.g. `/api/v1/namespaces/default/configmaps/app`. */
  readonly path: string
  /** The query parameters, decoded. */
  readonly query: Readonly<Record<string, string>>
  /** The `Content-Type` header, e.g. `application/apply-patch+yaml`. */
  readonly contentType: string | undefined
  /** The field manager of a write: the `fieldManager` parameter or the User-Agent prefix. */
  readonly manager: string | undefined
  /** The `User-Agent` header. */
  readonly userAgent: string | undefined
  /** `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, `deletecollection`; undefined for discovery. */
  readonly verb: string | undefined
  /** `configmaps`, `deployments.apps`; undefined for discovery. */
  readonly resource: string | undefined
  /** The user the request acted as (after impersonation); `system:admin` for the server's own token. */
  readonly user?: string | undefined
  /** The namespace in the path; undefined for cluster-scoped and discovery requests. */
  readonly namespace: string | undefined
  /** The object name in the path; undefined for lists and creates. */
  readonly name: string | undefined
  /** `status`, `scale` or another subresource in the path. */
  readonly subresource: string | undefined
  /** The `Accept` header; kubectl's typed clients ask for `application/vnd.kubernetes.protobuf` first. */
  readonly accept?: string | undefined
  /**
   * The `Content-Type` of the answer (`application/json`, `application/vnd.kubernetes.protobuf`, or with
   * `;stream=watch` for a protobuf watch), set once the answer is complete or its connection closed.
   */
  readonly answerContentType?: string | undefined
}

/**
 * What an {@link Interceptor} does with a request: wait and go on, answer with the Status a real
 * server sends for that code (403, 409, 429 with `Retry-After`, 500, 503, 504), or drop the connection.
 */
export type Fault =
  | {
      /** Wait this many milliseconds, then handle the request. */
      readonly delayMs: number
    }
  | {
      /** Answer this HTTP status with its Status body. */
      readonly status: 403 | 409 | 429 | 500 | 503 | 504
      /** The Status message. @defaultValue the status's usual text */
      readonly message?: string | undefined
      /** The `Retry-After` seconds of a 429. @defaultValue 1 */
      readonly retryAfterSeconds?: number | undefined
    }
  | {
      /** Destroy the connection without an answer. */
      readonly drop: true
    }

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
  /** The bearer token that authenticates as this user (never logged, never recorded). */
  readonly token: string
  /** The user name RBAC bindings and `kubectl auth whoami` see. */
  readonly name: string
  /** The user's uid, the third column of a token file. @defaultValue none */
  readonly uid?: string | undefined
  /** Groups besides `system:authenticated`, which every authenticated user is in. @defaultValue none */
  readonly groups?: readonly string[] | undefined
}
