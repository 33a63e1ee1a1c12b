// The fault modes of the embedded API server, for tests that need a server that stalls, throttles,
// fails, conflicts, drops connections or cuts watches, as real clusters sometimes do.

/**
 * Which requests a fault rule applies to. Every given field narrows the match; a rule without any
 * matches every request (discovery included).
 */
export interface FaultScope {
  /** `get`, `list`, `watch`, `create`, `update`, `patch`, `delete`, `deletecollection`. */
  readonly verbs?: readonly string[] | undefined
  /** Resources as `configmaps` or `deployments.apps`. */
  readonly resources?: readonly string[] | undefined
  readonly namespaces?: readonly string[] | undefined
  readonly names?: readonly string[] | undefined
  /** A prefix of the request path, such as `/apis/apps/`. */
  readonly pathPrefix?: string | undefined
  /** How many matching requests the rule hits before it stops applying. @defaultValue every one */
  readonly times?: number | undefined
}

/** What a fault does to a matching request. */
export type FaultMode =
  /** Accept the request and never answer until {@link ApiServerFaults.release} (or `clear`, `stop`). */
  | { readonly mode: 'freeze' }
  /** Answer normally after `ms` milliseconds. */
  | { readonly mode: 'latency'; readonly ms: number }
  /** 429 TooManyRequests with `Retry-After` and `details.retryAfterSeconds`, 1 second unless set. */
  | { readonly mode: 'throttle'; readonly retryAfterSeconds?: number | undefined }
  /** A server error Status: 500 InternalError by default, or 503, 504, 403. */
  | { readonly mode: 'error'; readonly status?: 403 | 500 | 503 | 504 | undefined; readonly message?: string | undefined }
  /** 409 Conflict "the object has been modified" on writes (create, update, patch, delete); reads pass. */
  | { readonly mode: 'conflict' }
  /** Destroy the connection without an answer. */
  | { readonly mode: 'drop' }
  /** Watches only: start the stream, then destroy it after `afterEvents` events (0 unless set). */
  | { readonly mode: 'cutWatch'; readonly afterEvents?: number | undefined }

/** One fault rule: a mode and the requests it applies to. */
export type FaultRule = FaultMode & FaultScope
