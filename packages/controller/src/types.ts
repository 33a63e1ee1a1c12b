import type { KubeObject } from '@gitops-sdk/core'

/**
 * A kind as the API serves it: the group, version and plural of its URLs, whether its objects
 * live in namespaces, and its kind. Controllers know the kinds they watch, so nothing is discovered.
 */
export interface ResourceType {
  /** API group, empty for the core group. */
  readonly group: string
  /** API version within the group, such as `v1`. */
  readonly version: string
  /** The kind, such as `ConfigMap`. */
  readonly kind: string
  /** The resource name in URLs, such as `configmaps`. */
  readonly plural: string
  /** Whether objects of this kind live in a namespace. */
  readonly namespaced: boolean
}

/** Names one object of a {@link ResourceType}. */
export interface ObjectKey {
  /** Namespace, empty for cluster-scoped objects. */
  readonly namespace: string
  /** The object's name. */
  readonly name: string
}

/** Which objects a list or watch returns. */
export interface Selection {
  /** Namespace to list in; absent or empty for every namespace. */
  readonly namespace?: string | undefined
  /** A label selector such as `app=web,!sharding.fluxcd.io/key`. */
  readonly labelSelector?: string | undefined
  /** A field selector such as `metadata.name=web`. */
  readonly fieldSelector?: string | undefined
}

/** One event of a watch stream, as the API sends it. */
export type WatchEvent =
  | {
      /** What happened to the object. */
      readonly type: 'ADDED' | 'MODIFIED' | 'DELETED'
      /** The object after the change (before it, for DELETED). */
      readonly object: KubeObject
    }
  | {
      /** A bookmark: nothing changed up to this point. */
      readonly type: 'BOOKMARK'
      /** Where a resumed watch starts. */
      readonly resourceVersion: string
    }
  | {
      /** The stream failed (e.g. 410 Expired). */
      readonly type: 'ERROR'
      /** The HTTP status code. */
      readonly code: number
      /** The Status reason, e.g. `Expired`. */
      readonly reason: string
      /** The Status message. */
      readonly message: string
    }

/** The apiVersion of a resource type: `apps/v1`, or `v1` for the core group. */
export function apiVersionOf(resource: Pick<ResourceType, 'group' | 'version'>): string {
  return resource.group === '' ? resource.version : `${resource.group}/${resource.version}`
}

/** The Lease kind of `coordination.k8s.io/v1`, used by leader election. */
export const LEASE_RESOURCE: ResourceType = { group: 'coordination.k8s.io', version: 'v1', kind: 'Lease', plural: 'leases', namespaced: true }

/** The core/v1 Event kind, written by the event recorder. */
export const EVENT_RESOURCE: ResourceType = { group: '', version: 'v1', kind: 'Event', plural: 'events', namespaced: true }
