import type { KubeObject, KubeValue, ObjectRef } from '@gitops-sdk/core'

/** One kind the API server serves, as discovery describes it. */
export interface ApiResource {
  /** API group, empty for the core group. */
  readonly group: string
  /** API version, e.g. `v1`. */
  readonly version: string
  /** The kind, e.g. `Deployment`. */
  readonly kind: string
  /** The resource name in URLs, e.g. `deployments`. */
  readonly plural: string
  /** Whether objects of this kind live in a namespace. */
  readonly namespaced: boolean
  /** The verbs the server allows on it (`get`, `list`, `patch`, …). */
  readonly verbs: readonly string[]
}

/**
 * Names a kind: its group and kind, and optionally the version; without a version, discovery
 * picks the group's preferred one.
 */
export interface KindTarget {
  /** API group, empty for the core group. */
  readonly group: string
  /** The kind, e.g. `Deployment`. */
  readonly kind: string
  /** The API version. @defaultValue the group's preferred version */
  readonly version?: string | undefined
}

/** Names one object: an {@link ObjectRef}, optionally with the API version to read it at. */
export interface ObjectTarget extends ObjectRef {
  /** The API version to read it at. @defaultValue the group's preferred version */
  readonly version?: string | undefined
}

/** Which objects {@link KubeClient.list} returns. */
export interface ListQuery extends KindTarget {
  /** Namespace to list in; empty or absent lists across all namespaces (or cluster-scoped kinds). */
  readonly namespace?: string | undefined
  /** A label selector such as `app=web,tier!=db`. */
  readonly labelSelector?: string | undefined
  /** A field selector such as `metadata.name=web`. */
  readonly fieldSelector?: string | undefined
}

/** A listed collection. */
export interface ObjectList {
  /** The objects, in the server's order. */
  readonly items: readonly KubeObject[]
  /** The collection's resourceVersion. */
  readonly resourceVersion: string
}

/** Options every request takes. */
export interface RequestOptions {
  /** Cancels the operation: it stops promptly and rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined
}

/** Options of a server-side apply request. */
export interface ServerSideApplyOptions extends RequestOptions {
  /** The manager that owns the applied fields. */
  readonly fieldManager: string
  /** Take ownership of fields other managers own instead of failing with a conflict. */
  readonly force?: boolean | undefined
  /** Validate and compute the result without persisting it (`dryRun=All`). */
  readonly dryRun?: boolean | undefined
}

/** Options of a create request. */
export interface CreateRequestOptions extends RequestOptions {
  /** The manager that owns the created fields. */
  readonly fieldManager: string
  /** Validate and compute the result without persisting it (`dryRun=All`). */
  readonly dryRun?: boolean | undefined
}

/** Options of a JSON patch request. */
export interface JsonPatchRequestOptions extends RequestOptions {
  /** The manager the write is recorded under (as an Update operation). */
  readonly fieldManager: string
  /** Validate and compute the result without persisting it (`dryRun=All`). */
  readonly dryRun?: boolean | undefined
}

/** One operation of an RFC 6902 JSON patch (the operations the SDK sends). */
export interface JsonPatchOperation {
  /** The operation. */
  readonly op: 'test' | 'replace' | 'remove' | 'add'
  /** A JSON pointer, e.g. `/metadata/managedFields`. */
  readonly path: string
  /** The value for `test`, `replace` and `add`. */
  readonly value?: KubeValue | undefined
}

/** How dependents of a deleted object are handled. */
export type PropagationPolicy = 'Background' | 'Foreground' | 'Orphan'

/** Options of a delete request. */
export interface DeleteRequestOptions extends RequestOptions {
  /** @defaultValue 'Background' */
  readonly propagationPolicy?: PropagationPolicy | undefined
  /** Validate without deleting (`dryRun=All`). @defaultValue false */
  readonly dryRun?: boolean | undefined
}

/** One API request as {@link KubeClientOptions.onRequest} sees it. */
export interface ApiRequestEvent {
  /**
   * `get`, `list`, `apply`, `patch`, `create`, `update`, `delete` or `discovery`, like the
   * `verb` label of kube-apiserver's `apiserver_request_total`.
   */
  readonly verb: string
  /** The HTTP status code, or 0 when no answer arrived. */
  readonly code: number
  /** Whether the request was a server-side dry run. */
  readonly dryRun: boolean
  /** The HTTP method (`GET`, `PATCH`, …). */
  readonly method?: string | undefined
  /**
   * The request's URL, for debug logs: the server without any userinfo, the path and the query
   * (never a header, a token or a body).
   */
  readonly url?: string | undefined
}

/**
 * The few Kubernetes API operations the SDK needs, so that `applyAll`, `prune`, `diff`, `waitFor`
 * and the inventory functions work over any transport. {@link createKubeClient} implements it over
 * `@kubernetes/client-node`; tests may wrap it to count or fail requests.
 *
 * Every method rejects with an {@link ApplyError} for API failures (`APPLY_INVALID`,
 * `APPLY_FIELD_CONFLICT`, `APPLY_IMMUTABLE_FIELD`, `APPLY_FORBIDDEN`, `APPLY_NOT_FOUND`,
 * `APPLY_UNREACHABLE`, `APPLY_API_ERROR`, …) and with `signal.reason` when aborted.
 */
export interface KubeClient {
  /** The namespace of the kubeconfig context, used for objects that name none (`default` if unset). */
  readonly namespace: string
  /** The kind as the server serves it, or `undefined` when it serves no such kind. */
  resource(target: KindTarget, options?: RequestOptions): Promise<ApiResource | undefined>
  /** Every kind the server serves, at each group's preferred version. */
  resources(options?: RequestOptions): Promise<readonly ApiResource[]>
  /** The object, or `undefined` when it does not exist. */
  get(target: ObjectTarget, options?: RequestOptions): Promise<KubeObject | undefined>
  /** Every object matching the query (all pages). */
  list(query: ListQuery, options?: RequestOptions): Promise<ObjectList>
  /** Server-side apply (`application/apply-patch+yaml`); resolves to the object the server answered. */
  apply(object: KubeObject, options: ServerSideApplyOptions): Promise<KubeObject>
  /**
   * Creates the object (`POST`); with `metadata.generateName` and no name the server picks the
   * name. Resolves to the object the server answered; a taken name fails with `APPLY_API_ERROR`
   * (409 AlreadyExists).
   */
  create(object: KubeObject, options: CreateRequestOptions): Promise<KubeObject>
  /**
   * Applies an RFC 6902 JSON patch (`application/json-patch+json`) to the object; resolves to the
   * object the server answered. `applyAll` uses it to take over the fields of kubectl and other
   * listed managers, as Flux does; a client without it applies without that takeover.
   */
  patch?(target: ObjectTarget, operations: readonly JsonPatchOperation[], options: JsonPatchRequestOptions): Promise<KubeObject>
  /** Deletes the object; resolves to `false` when it was already gone. */
  delete(target: ObjectTarget, options?: DeleteRequestOptions): Promise<boolean>
  /**
   * Ends the client's connections once their requests in flight are done (an HTTP/2 session says
   * GOAWAY first); a later request opens new ones. Optional: idle connections never keep a
   * process alive, but a long-lived process that makes many clients should close each it is done
   * with.
   */
  close?(): void
}

/**
 * A `KubeConfig` of `@kubernetes/client-node` as {@link createKubeClient} reads it: through its
 * exported content, so that any copy or major of client-node works.
 */
export interface KubeConfigLike {
  /** The kubeconfig as JSON text (client-node's `KubeConfig.exportConfig`). */
  exportConfig(): string
}
