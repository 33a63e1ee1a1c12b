import type { KubeObject } from '@gitops-sdk/core'
import type { ObjectKey, ResourceType, Selection, WatchEvent } from './types.js'

/** Options every request takes. */
export interface RequestOptions {
  /** Aborts the request; it then rejects with `signal.reason`. */
  readonly signal?: AbortSignal | undefined
}

/** Options of {@link ControllerClient.list}: one page. */
export interface ListOptions extends Selection, RequestOptions {
  /** Largest page; the answer's `continue` fetches the next. @defaultValue 500 */
  readonly limit?: number | undefined
  /** The `continue` token of the previous page. */
  readonly continue?: string | undefined
  /** List as of this resourceVersion (`0`: any, possibly from a cache). @defaultValue the latest */
  readonly resourceVersion?: string | undefined
}

/** One page of a list. */
export interface ObjectPage {
  /** The objects, each with its apiVersion and kind. */
  readonly items: readonly KubeObject[]
  /** The collection's resourceVersion, from which a watch continues. */
  readonly resourceVersion: string
  /** Token of the next page; undefined on the last one. */
  readonly continue?: string | undefined
}

/** Options of {@link ControllerClient.watch}. */
export interface WatchOptions extends Selection, RequestOptions {
  /** Start after this resourceVersion; without it, the stream starts with the current objects. */
  readonly resourceVersion?: string | undefined
  /** Ask for BOOKMARK events, which carry the latest resourceVersion. @defaultValue true */
  readonly allowWatchBookmarks?: boolean | undefined
  /** The server ends the stream after this many seconds. @defaultValue 300 */
  readonly timeoutSeconds?: number | undefined
}

/** Options of writes. */
export interface WriteOptions extends RequestOptions {
  /** The manager of the written fields. @defaultValue the client's field manager */
  readonly fieldManager?: string | undefined
  /** Write the `status` subresource instead of the object. */
  readonly subresource?: 'status' | undefined
}

/** A patch body and its type. */
export interface Patch {
  /** `merge` (RFC 7386 merge patch) or `json` (RFC 6902 JSON patch). */
  readonly type: 'merge' | 'json'
  /** The patch document. */
  readonly body: unknown
}

/** Options of {@link ControllerClient.patch}. */
export interface PatchOptions extends WriteOptions {
  /** The patch to send. */
  readonly patch: Patch
}

/** Options of {@link ControllerClient.delete}. */
export interface DeleteOptions extends RequestOptions {
  /** Delete only if the object still has this uid and resourceVersion. */
  readonly preconditions?: {
    /** Delete only if the object still has this uid. */
    readonly uid?: string | undefined
    /** Delete only if the object is still at this resourceVersion. */
    readonly resourceVersion?: string | undefined
  } | undefined
}

/**
 * The Kubernetes API as a controller uses it: lists by page, watches as async iterables, and
 * writes with optimistic concurrency (an update carries the resourceVersion it read, and a
 * conflict is `CONTROLLER_CONFLICT`). Every request is bounded by the client's request timeout
 * and by its `signal`.
 */
export interface ControllerClient {
  /** The server's base URL. */
  readonly server: string
  /** The namespace of the kubeconfig context or of the pod. */
  readonly namespace: string
  /** Lists one page. @throws `CONTROLLER_EXPIRED` when a continue token or resourceVersion was compacted. */
  list(resource: ResourceType, options?: ListOptions): Promise<ObjectPage>
  /**
   * Watches a collection; the iterable ends when the server ends the stream (timeout, cut),
   * after an `ERROR` event, or when no byte arrives for `timeoutSeconds` plus a minute.
   */
  watch(resource: ResourceType, options?: WatchOptions): AsyncIterable<WatchEvent>
  /** Reads one object, or undefined when it does not exist. */
  get(resource: ResourceType, key: ObjectKey, options?: RequestOptions): Promise<KubeObject | undefined>
  /** Creates an object. @throws `CONTROLLER_ALREADY_EXISTS` */
  create(resource: ResourceType, object: KubeObject, options?: WriteOptions): Promise<KubeObject>
  /** Replaces an object (or its status) at the resourceVersion it carries. @throws `CONTROLLER_CONFLICT`, `CONTROLLER_NOT_FOUND` */
  update(resource: ResourceType, object: KubeObject, options?: WriteOptions): Promise<KubeObject>
  /** Patches an object (or its status). @throws `CONTROLLER_NOT_FOUND`, `CONTROLLER_CONFLICT` */
  patch(resource: ResourceType, key: ObjectKey, options: PatchOptions): Promise<KubeObject>
  /** Deletes an object; false when it did not exist. */
  delete(resource: ResourceType, key: ObjectKey, options?: DeleteOptions): Promise<boolean>
  /** Closes kept-alive connections. */
  close(): void
}
