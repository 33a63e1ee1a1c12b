// Three of core's object helpers (object.ts: isKubeMap, setOwn, createMap), restated here because
// `decrypt` needs them on every call and they are exported only by core's main entry, whose module
// holds the YAML engine and the OpenAPI table too: a `gitops decrypt` then loads nothing of core but
// its light, Go and YAML entries. Same semantics as core's (its tests pin them); kept in step by
// objects.test.ts.
import type { KubeMap } from '@gitops-sdk/core'

/** Tells whether `value` is a mapping: an object that is neither null nor an array (as core's). */
export function isKubeMap(value: unknown): value is KubeMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/** Sets an own, enumerable property, a `__proto__` key included, never the prototype (as core's). */
export function setOwn<T>(map: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(map, key, { value, enumerable: true, configurable: true, writable: true })
  else map[key] = value
}

/** A mapping without a prototype, filled from `entries` with {@link setOwn} (as core's). */
export function createMap<T>(entries?: Iterable<readonly [string, T]>): Record<string, T> {
  const map = Object.create(null) as Record<string, T>
  if (entries !== undefined) for (const [key, value] of entries) setOwn(map, key, value)
  return map
}
