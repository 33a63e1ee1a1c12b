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
  /** Namespaces the rule applies to; cluster-scoped requests never match when set. */
  readonly namespaces?: readonly string[] | undefined
  /** Object names the rule applies to. */
  readonly names?: readonly string[] | undefined
  /** A prefix of the request path, such as `/apis/apps/`. */
  readonly pathPrefix?: string | undefined
  /** How many matching requests the rule hits before it stops applying. @defaultValue every one */
  readonly times?: number | undefined
}

/** What a fault does to a matching request. */
export type FaultMode =
  /** Accept the request and never answer until {@link ApiServerFaults.release} (or `clear`, `stop`). */
  | {
      /** Never answer. */
      readonly mode: 'freeze'
    }
  /** Answer normally after `ms` milliseconds. */
  | {
      /** Answer late. */
      readonly mode: 'latency'
      /** The delay in milliseconds. */
      readonly ms: number
    }
  /** 429 TooManyRequests with `Retry-After` and `details.retryAfterSeconds`, 1 second unless set. */
  | {
      /** Answer 429. */
      readonly mode: 'throttle'
      /** The `Retry-After` seconds. @defaultValue 1 */
      readonly retryAfterSeconds?: number | undefined
    }
  /** A server error Status: 500 InternalError by default, or 503, 504, 403. */
  | {
      /** Answer a server error. */
      readonly mode: 'error'
      /** The HTTP status. @defaultValue 500 */
      readonly status?: 403 | 500 | 503 | 504 | undefined
      /** The Status message. @defaultValue the status's usual text */
      readonly message?: string | undefined
    }
  /** 409 Conflict "the object has been modified" on writes (create, update, patch, delete); reads pass. */
  | {
      /** Answer 409 on writes. */
      readonly mode: 'conflict'
    }
  /** Destroy the connection without an answer. */
  | {
      /** Drop the connection. */
      readonly mode: 'drop'
    }
  /** Watches only: start the stream, then destroy it after `afterEvents` events (0 unless set). */
  | {
      /** Cut watch streams. */
      readonly mode: 'cutWatch'
      /** Events sent before the cut. @defaultValue 0 */
      readonly afterEvents?: number | undefined
    }

/** One fault rule: a mode and the requests it applies to. */
export type FaultRule = FaultMode & FaultScope
