// Values as structured-merge-diff sees them: ordering and the Go renderings (%v, %T) that end up in
// error messages. Go's string order, %q, JSON and float formatting are core's (@gitops-sdk/core/go);
// equality is core's deepEqual (numbers by value, maps in any key order, as SMD value.Equals).
import { isKubeMap } from '@gitops-sdk/core'
import { compareStrings, formatFloat, quote } from '@gitops-sdk/core/go'
import type { KubeMap, KubeValue } from '@gitops-sdk/core'
import { hasOwn, setOwn } from '../ownKeys.js'

/** A value, or `undefined` for "absent" (SMD's nil `Value`, distinct from a JSON `null`). */
export type MaybeValue = KubeValue | undefined

/** Tells whether `value` is a mapping (core's `isKubeMap`). */
export function isMap(value: MaybeValue): value is KubeMap {
  return isKubeMap(value)
}

/** Tells whether `value` is a number the way Go decodes JSON (int64 or float64). */
function isNumber(value: MaybeValue): value is number | bigint {
  return typeof value === 'number' || typeof value === 'bigint'
}

/** Tells whether `value` is a scalar SMD accepts (not null, not a list or map). */
export function isScalar(value: MaybeValue): value is string | number | bigint | boolean {
  return typeof value === 'string' || typeof value === 'boolean' || isNumber(value)
}

function rank(value: KubeValue): number {
  if (isNumber(value)) return 0
  if (typeof value === 'string') return 1
  if (typeof value === 'boolean') return 2
  if (Array.isArray(value)) return 3
  if (value === null) return 5
  return 4
}

function compareNumbers(a: number | bigint, b: number | bigint): number {
  if (typeof a === 'bigint' && typeof b === 'bigint') return a < b ? -1 : a > b ? 1 : 0
  const x = Number(a)
  const y = Number(b)
  return x < y ? -1 : x > y ? 1 : 0
}

/**
 * The total order of SMD `value.Compare`: numbers < strings < booleans < lists < maps < null; lists
 * and maps compare element by element (maps in key order), the shorter first.
 */
export function compareValues(a: KubeValue, b: KubeValue): number {
  const ra = rank(a)
  const rb = rank(b)
  if (ra !== rb) return ra < rb ? -1 : 1
  switch (ra) {
    case 0:
      return compareNumbers(a as number | bigint, b as number | bigint)
    case 1:
      return compareStrings(a as string, b as string)
    case 2:
      return a === b ? 0 : a === false ? -1 : 1
    case 3:
      return compareLists(a as KubeValue[], b as KubeValue[])
    case 4:
      return compareMaps(a as KubeMap, b as KubeMap)
    default:
      return 0
  }
}

function compareLists(a: readonly KubeValue[], b: readonly KubeValue[]): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const c = compareValues(a[i] as KubeValue, b[i] as KubeValue)
    if (c !== 0) return c
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0
}

function compareMaps(a: KubeMap, b: KubeMap): number {
  const la = Object.keys(a).length
  const lb = Object.keys(b).length
  if (la === 0 && lb === 0) return 0
  const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort(compareStrings)
  let i = 0
  for (const key of keys) {
    let c: number
    if (i === la) c = -1
    else if (i === lb) c = 1
    else if (!hasOwn(a, key)) c = 1
    else if (!hasOwn(b, key)) c = -1
    else c = compareValues(a[key] as KubeValue, b[key] as KubeValue)
    i++
    if (c !== 0) return c
  }
  return 0
}

/** Deletes `key` from `map` (a mutable copy the caller owns). */
export function deleteKey(map: KubeMap, key: string): void {
  Reflect.deleteProperty(map, key)
}

/**
 * A shallow copy of `map` without `key`: the other own keys in their order, `__proto__` as data. Built
 * key by key rather than copied and deleted from, which would leave the copy (an object's metadata,
 * read on every later step of a write) a slow dictionary-mode object.
 */
export function withoutKey(map: KubeMap, key: string): KubeMap {
  if (!hasOwn(map, key)) return { ...map }
  const out: KubeMap = {}
  for (const k of Object.keys(map)) {
    if (k === key) continue
    setOwn(out, k, map[k] as KubeValue)
  }
  return out
}

/** A value as SMD `value.ToString` prints it inside a path: strings quoted, numbers bare. */
export function valueToString(value: KubeValue): string {
  if (value === null) return 'null'
  if (typeof value === 'string') return quote(value)
  if (typeof value === 'boolean') return String(value)
  if (typeof value === 'bigint') return value.toString()
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : formatFloat(value, 'g')
  if (Array.isArray(value)) return `[${value.map((item) => valueToString(item)).join(',')}]`
  return Object.keys(value)
    .map((key) => `${key}=${valueToString(value[key] as KubeValue)}`)
    .join('')
}

/**
 * A decoded JSON value as Go's `%v` prints it (`map[a:1 b:x]`, `[1 2]`, `<nil>`). Written by an
 * explicit stack, as the value may be a patch nested as deep as a body may.
 */
export function goFormatValue(value: MaybeValue): string {
  const out: string[] = []
  const tasks: ({ readonly text: string } | { readonly value: MaybeValue })[] = [{ value }]
  for (let task = tasks.pop(); task !== undefined; task = tasks.pop()) {
    if ('text' in task) {
      out.push(task.text)
      continue
    }
    const v = task.value
    if (v === undefined || v === null) out.push('<nil>')
    else if (typeof v === 'string') out.push(v)
    else if (typeof v === 'number') out.push(Number.isInteger(v) ? String(v) : formatFloat(v, 'g'))
    else if (typeof v === 'bigint' || typeof v === 'boolean') out.push(String(v))
    else if (Array.isArray(v)) {
      // Pushed last to first, so they are written first to last.
      tasks.push({ text: ']' })
      for (let i = v.length - 1; i >= 0; i--) {
        tasks.push({ value: v[i] })
        if (i > 0) tasks.push({ text: ' ' })
      }
      tasks.push({ text: '[' })
    } else {
      const keys = Object.keys(v).sort(compareStrings)
      tasks.push({ text: ']' })
      for (let i = keys.length - 1; i >= 0; i--) {
        const key = keys[i] as string
        tasks.push({ value: v[key] }, { text: `${key}:` })
        if (i > 0) tasks.push({ text: ' ' })
      }
      tasks.push({ text: 'map[' })
    }
  }
  return out.join('')
}

/** The Go type name `%T` prints for a decoded JSON value. */
export function goTypeName(value: MaybeValue): string {
  if (value === undefined || value === null) return '<nil>'
  if (typeof value === 'string') return 'string'
  if (typeof value === 'boolean') return 'bool'
  if (typeof value === 'bigint') return 'int64'
  if (typeof value === 'number') return Number.isInteger(value) ? 'int64' : 'float64'
  if (Array.isArray(value)) return '[]interface {}'
  return 'map[string]interface {}'
}
