// Small helpers over plain Kubernetes objects.
import { isKubeMap } from '@gitops-sdk/core'
import type { KubeMap, KubeObject, KubeValue } from '@gitops-sdk/core'
import { getOwn, setOwn } from '../../ssa/ownKeys.js'
import { strings } from '../rules/strings.js'

/** The second {@link timestamp} formatted last, and its form: the writes of one second share it. */
let lastSecond: { readonly second: number; readonly formatted: string } | undefined

/** RFC 3339 UTC with second precision, as Kubernetes writes `metav1.Time`. */
export function timestamp(date: Date): string {
  const second = Math.floor(date.getTime() / 1000)
  if (lastSecond !== undefined && lastSecond.second === second) return lastSecond.formatted
  const formatted = `${date.toISOString().slice(0, 19)}Z`
  if (Number.isFinite(second)) lastSecond = { second, formatted }
  return formatted
}

// Deep equality and copies are core's (one bigint rule for the SDK: `1n` equals `1`).
export { cloneValue as clone, deepEqual } from '@gitops-sdk/core'

/** The value at a dotted path (`spec.replicas`), or undefined. */
export function valueAt(object: KubeValue | KubeObject | undefined, path: string): KubeValue | undefined {
  let current: unknown = object
  for (const part of path.split('.').filter((p) => p !== '')) {
    if (!isKubeMap(current)) return undefined
    current = getOwn(current, part)
  }
  return current as KubeValue | undefined
}

/** A map field of `object`, created when absent. */
export function mapAt(object: KubeMap, key: string): KubeMap {
  const value = getOwn(object, key)
  if (isKubeMap(value)) return value
  const created: KubeMap = {}
  setOwn(object, key, created)
  return created
}

/** The string map at `metadata.labels` (or annotations), or an empty one. */
export function stringMap(value: unknown): Record<string, string> {
  if (!isKubeMap(value)) return {}
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(value)) if (typeof v === 'string') setOwn(out, k, v)
  return out
}

/** The finalizers of an object. */
export function finalizersOf(object: KubeObject): string[] {
  return strings(object.metadata.finalizers)
}

/** Sets or removes (when empty) a metadata field. */
export function setMeta(object: KubeObject, key: string, value: KubeValue | undefined): void {
  if (value === undefined || (Array.isArray(value) && value.length === 0)) omit(object.metadata, key)
  else object.metadata[key] = value
}

/** The object with `metadata` copied, so metadata can be changed without touching the original. */
export function withMeta(object: KubeObject): KubeObject {
  return { ...object, metadata: { ...object.metadata } }
}

/** The owner references of an object. */
export function ownerReferencesOf(object: KubeObject): KubeMap[] {
  const refs = object.metadata.ownerReferences
  return Array.isArray(refs) ? refs.filter(isKubeMap) : []
}

/** A manifest value as text: strings as they are, numbers and booleans printed, anything else empty. */
export function text(value: unknown): string {
  if (typeof value === 'string') return value
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return String(value)
  return ''
}

/** Removes a key from a map in place. */
export function omit(map: object, key: string): void {
  Reflect.deleteProperty(map, key)
}
