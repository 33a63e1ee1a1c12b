import type { KubeObject } from './object.js'
import { splitApiVersion } from './object.js'

/** Identifies one Kubernetes object: group, kind, namespace (empty for cluster-scoped) and name. */
export interface ObjectRef {
  /** API group, empty for the core group (`''` for a ConfigMap, `'apps'` for a Deployment). */
  readonly group: string
  /** The kind, e.g. `Deployment`. */
  readonly kind: string
  /** Namespace, empty for cluster-scoped objects. */
  readonly namespace: string
  /** The object's `metadata.name`. */
  readonly name: string
}

/** The {@link ObjectRef} of an object. */
export function refOf(object: KubeObject): ObjectRef {
  return {
    group: splitApiVersion(object.apiVersion).group,
    kind: object.kind,
    namespace: object.metadata.namespace ?? '',
    name: object.metadata.name,
  }
}

/**
 * The canonical form of a ref in every message and log: `Kind/namespace/name`, or `Kind/name` for
 * cluster-scoped objects.
 *
 * @example
 * ```ts
 * formatRef({ group: 'apps', kind: 'Deployment', namespace: 'prod', name: 'web' }) // 'Deployment/prod/web'
 * ```
 */
export function formatRef(ref: ObjectRef): string {
  return ref.namespace === '' ? `${ref.kind}/${ref.name}` : `${ref.kind}/${ref.namespace}/${ref.name}`
}

/** A string key unique per ref, for maps and sets: `group|kind|namespace|name`. */
export function refKey(ref: ObjectRef): string {
  return `${ref.group}|${ref.kind}|${ref.namespace}|${ref.name}`
}

/** Tells whether two refs name the same object. */
export function sameRef(a: ObjectRef, b: ObjectRef): boolean {
  return a.group === b.group && a.kind === b.kind && a.namespace === b.namespace && a.name === b.name
}

/** Total order on refs (group, kind, namespace, name), for stable output. */
export function compareRefs(a: ObjectRef, b: ObjectRef): number {
  return cmp(a.group, b.group) || cmp(a.kind, b.kind) || cmp(a.namespace, b.namespace) || cmp(a.name, b.name)
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0
}

/** A copy of `refs` in {@link compareRefs} order. */
export function sortRefs<T extends ObjectRef>(refs: readonly T[]): T[] {
  return [...refs].sort(compareRefs)
}

/** A copy of `objects` in {@link compareRefs} order of their refs; equal refs keep their order. */
export function sortObjects<T extends KubeObject>(objects: readonly T[]): T[] {
  const keyed = objects.map((object, index) => ({ object, index, ref: refOf(object) }))
  keyed.sort((a, b) => compareRefs(a.ref, b.ref) || a.index - b.index)
  return keyed.map((k) => k.object)
}
