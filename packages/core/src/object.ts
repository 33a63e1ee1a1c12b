/**
 * A scalar as a Kubernetes manifest holds it. Integers outside JavaScript's safe range are `bigint`
 * so that an int64 survives a round trip exactly.
 */
export type KubeScalar = string | number | bigint | boolean | null

/** Any value inside a Kubernetes object. */
export type KubeValue = KubeScalar | KubeValue[] | KubeMap

/** A mapping inside a Kubernetes object. */
export interface KubeMap {
  [key: string]: KubeValue
}

/** The `metadata` of a Kubernetes object. */
export interface ObjectMeta {
  name: string
  namespace?: string | undefined
  labels?: Record<string, string> | undefined
  annotations?: Record<string, string> | undefined
  [key: string]: KubeValue | undefined
}

/**
 * A Kubernetes object as the SDK passes it between packages: plain, JSON-like data with the
 * fields every object has typed.
 */
export interface KubeObject {
  apiVersion: string
  kind: string
  metadata: ObjectMeta
  [key: string]: KubeValue | ObjectMeta | undefined
}

/** Tells whether `value` is a plain mapping (not an array, not null). */
export function isKubeMap(value: unknown): value is KubeMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Tells whether `value` has the shape of a Kubernetes object: non-empty string `apiVersion` and
 * `kind`, and a `metadata` mapping with a non-empty string `name`.
 */
export function isKubeObject(value: unknown): value is KubeObject {
  if (!isKubeMap(value)) return false
  const { apiVersion, kind, metadata } = value
  return (
    typeof apiVersion === 'string' &&
    apiVersion !== '' &&
    typeof kind === 'string' &&
    kind !== '' &&
    isKubeMap(metadata) &&
    typeof metadata.name === 'string' &&
    metadata.name !== ''
  )
}

/** Splits an `apiVersion` into group (empty for the core group) and version. */
export function splitApiVersion(apiVersion: string): { group: string; version: string } {
  const slash = apiVersion.indexOf('/')
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) }
}

/** A deep copy of a manifest value; objects from the SDK are plain data, so this is exact. */
export function cloneValue<T extends KubeValue | KubeObject>(value: T): T {
  return structuredClone(value)
}
