// What the HTTP handler and the code it routes to need from the server around them; a module of its
// own so the handler and the modules it calls do not import each other.
import type { Cluster } from '../state/cluster.js'
import type { OpenWatch } from '../verbs/watch.js'
import type { Interceptor, RecordedRequest } from '../../types.js'
import type { FaultState } from './faultState.js'
import type { UserInfo } from '../auth/rbac.js'
import type { WebhookNetwork } from '../admission/callWebhook.js'

/** One logged request. */
export type LoggedRequest = RecordedRequest

/** The hook type. */
export type InterceptHook = Interceptor

/** What the handler needs from the server around it. */
export interface HandlerContext {
  readonly cluster: Cluster
  readonly tokens: ReadonlySet<string> | undefined
  readonly port: () => number
  readonly log: LoggedRequest[]
  readonly interceptors: InterceptHook[]
  readonly watches: Set<OpenWatch>
  readonly faults: FaultState
  /** Users by bearer token besides `tokens` (whose user is a cluster admin); service account tokens join at run time. */
  readonly identities: Map<string, UserInfo>
  /** `RBAC` enforces the RBAC objects on every request; `AlwaysAllow` allows everything. */
  readonly authorization: 'AlwaysAllow' | 'RBAC'
  /** How admission webhooks are reached; its signal is aborted by `stop()`. */
  readonly network: WebhookNetwork
  /** Aborts webhook calls in flight when the server stops. */
  readonly stopping: AbortController
}

