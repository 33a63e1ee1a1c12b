// Formatting shared by the table printers, as Kubernetes' printers format cells: ages as
// apimachinery's duration.HumanDuration, label selectors as labels.Selector.String(), and the
// `<none>` placeholder.
import type { KubeValue } from '@gitops-sdk/core'

/** A loosely typed view of a stored object for reading cells. */
export type Loose = { readonly [key: string]: KubeValue }

/** The map at `path` below `value`, or an empty one. */
export function at(value: KubeValue | undefined, ...path: string[]): Loose {
  let v: KubeValue | undefined = value
  for (const key of path) v = v !== null && typeof v === 'object' && !Array.isArray(v) && Object.hasOwn(v, key) ? v[key] : undefined
  return v !== null && typeof v === 'object' && !Array.isArray(v) ? v : {}
}

/** The list at `key` of `map`, or an empty one. */
export function list(map: Loose, key: string): KubeValue[] {
  const v = Object.hasOwn(map, key) ? map[key] : undefined
  return Array.isArray(v) ? v : []
}

/** The string at `key` of `map`, or ''. */
export function str(map: Loose, key: string): string {
  const v = Object.hasOwn(map, key) ? map[key] : undefined
  return typeof v === 'string' ? v : ''
}

/** The number at `key` of `map`, or `fallback`. */
export function num(map: Loose, key: string, fallback = 0): number {
  const v = Object.hasOwn(map, key) ? map[key] : undefined
  return typeof v === 'number' ? v : fallback
}

/** A scalar as text ('' for maps, lists and null). */
export function text(v: KubeValue | undefined): string {
  return typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : ''
}

/** `<none>` for an empty text, as the printers write it. */
export const orNone = (text: string): string => (text === '' ? '<none>' : text)

/** apimachinery's duration.HumanDuration. */
export function humanDuration(ms: number): string {
  const seconds = Math.trunc(ms / 1000)
  if (seconds < -1) return '<invalid>'
  if (seconds < 0) return '0s'
  if (seconds < 120) return `${seconds}s`
  const minutes = Math.trunc(seconds / 60)
  if (minutes < 10) {
    const s = seconds % 60
    return s === 0 ? `${minutes}m` : `${minutes}m${s}s`
  }
  if (minutes < 180) return `${minutes}m`
  const hours = Math.trunc(minutes / 60)
  if (hours < 8) {
    const m = minutes % 60
    return m === 0 ? `${hours}h` : `${hours}h${m}m`
  }
  if (hours < 48) return `${hours}h`
  if (hours < 24 * 8) {
    const h = hours % 24
    return h === 0 ? `${Math.trunc(hours / 24)}d` : `${Math.trunc(hours / 24)}d${h}h`
  }
  if (hours < 24 * 365 * 2) return `${Math.trunc(hours / 24)}d`
  if (hours < 24 * 365 * 8) {
    const dy = Math.trunc(hours / 24) % 365
    return dy === 0 ? `${Math.trunc(hours / 24 / 365)}y` : `${Math.trunc(hours / 24 / 365)}y${dy}d`
  }
  return `${Math.trunc(hours / 24 / 365)}y`
}

/** The age of a timestamp as the printers' translateTimestampSince: `<unknown>` when unset. */
export function since(timestamp: KubeValue | undefined, now: Date): string {
  if (typeof timestamp !== 'string' || timestamp === '') return '<unknown>'
  const t = Date.parse(timestamp)
  return Number.isNaN(t) ? '<unknown>' : humanDuration(now.getTime() - t)
}

/** labels.Selector.String() of a metav1.LabelSelector: requirements sorted by key; `<none>` when empty. */
export function formatSelector(selector: KubeValue | undefined): string {
  const sel = at(selector)
  const parts: [string, string][] = []
  for (const [k, v] of Object.entries(at(sel, 'matchLabels'))) parts.push([k, `${k}=${typeof v === 'string' ? v : ''}`])
  for (const e of list(sel, 'matchExpressions')) {
    const expr = at(e)
    const key = str(expr, 'key')
    const values = list(expr, 'values').filter((x): x is string => typeof x === 'string').sort()
    const op = str(expr, 'operator')
    const text = op === 'In' ? `${key} in (${values.join(',')})` : op === 'NotIn' ? `${key} notin (${values.join(',')})` : op === 'Exists' ? key : `!${key}`
    parts.push([key, text])
  }
  parts.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
  return orNone(parts.map(([, t]) => t).join(','))
}

/** labels.SelectorFromSet(map).String(): `k=v` pairs sorted by key. */
export function formatLabelMap(map: Loose): string {
  return Object.keys(map)
    .sort()
    .map((k) => `${k}=${text(map[k])}`)
    .join(',')
}

/** Container names and images of a pod spec, comma-joined. */
export function containersAndImages(podSpec: Loose): [string, string] {
  const containers = list(podSpec, 'containers').map((c) => at(c))
  return [containers.map((c) => str(c, 'name')).join(','), containers.map((c) => str(c, 'image')).join(',')]
}
