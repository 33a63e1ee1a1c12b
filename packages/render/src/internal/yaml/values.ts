// Helpers over plain manifest values that mirror how kyaml reads its YAML nodes: a scalar's
// "Value" is its text, a mapping or sequence has none, null is a node that exists.
// isMap, deepEqual and setField are core's rules, so that each exists once.
import type { KubeMap, KubeValue } from '@gitops-sdk/core'
import { deepEqual as coreDeepEqual, isKubeMap, setOwn } from '@gitops-sdk/core'
import { formatFloat } from '@gitops-sdk/core/go'

export type Value = KubeValue

export const isMap: (v: unknown) => v is KubeMap = isKubeMap

export function isSeq(v: unknown): v is KubeValue[] {
  return Array.isArray(v)
}

export function isScalar(v: unknown): boolean {
  return v === null || (typeof v !== 'object')
}

/**
 * The text kyaml sees in a scalar node (`YNode().Value`): strings as they are, numbers and
 * booleans as written (as near as JavaScript can tell), '' for null, mappings and sequences.
 */
export function nodeText(v: Value | undefined): string {
  if (typeof v === 'string') return v
  if (typeof v === 'number') return numberText(v)
  if (typeof v === 'bigint') return v.toString()
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  return ''
}

/**
 * A number as the text its scalar most likely had: integers plainly, other floats in Go's shortest
 * form, exponent only below 1e-4 (strconv's `'g'`, as go-yaml writes such floats) and otherwise
 * without one (`'f'`, what `1234567.5` was written as). Special floats are YAML's words.
 */
export function numberText(n: number): string {
  if (Number.isInteger(n) && Math.abs(n) < 1e21) return String(n)
  if (Number.isNaN(n)) return '.nan'
  if (n === Infinity) return '.inf'
  if (n === -Infinity) return '-.inf'
  const abs = Math.abs(n)
  return formatFloat(n, abs < 1e-4 || abs >= 1e21 ? 'g' : 'f')
}

/** kyaml's IsNilOrEmpty for a field value: absent, null, {} or []. */
export function isNilOrEmpty(v: Value | undefined): boolean {
  if (v === undefined || v === null) return true
  if (Array.isArray(v)) return v.length === 0
  if (typeof v === 'object') return isEmptyMap(v)
  return false
}

/** Whether a mapping has no fields (found without listing them). */
export function isEmptyMap(m: KubeMap): boolean {
  for (const key in m) if (Object.prototype.hasOwnProperty.call(m, key)) return false
  return true
}

/** A field of a mapping, own properties only. */
export function getField(m: KubeMap, key: string): Value | undefined {
  const v = m[key]
  // What a plain object inherits is a function, or `__proto__`: anything else is its own. A plain
  // property read is much cheaper than hasOwnProperty in code that has not been optimised yet.
  if (v === undefined || typeof v === 'function') return undefined
  if (key === '__proto__') return Object.prototype.hasOwnProperty.call(m, key) ? v : undefined
  return v
}

/** Removes a field. */
export function deleteField(m: KubeMap, key: string): void {
  Reflect.deleteProperty(m, key)
}

/** Sets a field as an own property, safely for keys such as `__proto__`. */
export function setField(m: KubeMap, key: string, value: Value): void {
  setOwn(m, key, value)
}

/**
 * Deep copy of plain manifest data, with the scalar texts the YAML reader recorded for each mapping
 * and sequence (`scalarTexts`) copied along. Not core's cloneValue, which
 * knows nothing of those texts.
 */
export function clone<T extends Value>(v: T): T {
  if (v === null || typeof v !== 'object') return v
  const out: KubeMap | Value[] = Array.isArray(v) ? v.map((x) => clone(x)) : {}
  if (!Array.isArray(v)) for (const k of Object.keys(v)) setOwn(out as KubeMap, k, clone(v[k] as Value))
  const texts = scalarTexts.get(v)
  if (texts !== undefined) scalarTexts.set(out, new Map(texts))
  return out as T
}

/** Deep equality of plain manifest data (render's values hold no undefined and no bigint that fits a number). */
export function deepEqual(a: Value | undefined, b: Value | undefined): boolean {
  return coreDeepEqual(a, b)
}

// How a null was written (`key:`, `key: null`, `key: ~`) matters to kustomize: a strategic merge
// drops fields left empty but keeps written nulls, and annotations keep the text. The fast YAML
// reader records it here, per mapping; a null it did not read (or one a JSON patch rewrote) is
// taken as `null`.
const nullTexts = new WeakMap<object, Map<string, string>>()

/** Records how the null at `m[key]` was written. */
export function markNull(m: KubeMap, key: string, text: string): void {
  let t = nullTexts.get(m)
  if (t === undefined) {
    t = new Map()
    nullTexts.set(m, t)
  }
  t.set(key, text)
}

/** How the null at `m[key]` was written: '' for an empty value, else its text (default `null`). */
export function nullText(m: KubeMap, key: string): string {
  return nullTexts.get(m)?.get(key) ?? 'null'
}

/** Forgets how the nulls of the map `m` itself were written (not those of nested maps). */
export function forgetNullTextsOf(m: KubeMap): void {
  nullTexts.delete(m)
}

// kyaml copies a scalar node's text: a replacement of `1.10` or `0x10` into a string field writes
// that text, not the number's canonical form. The reader records the text of each boolean and
// number written otherwise than JavaScript writes it, with the value it was read as, so that a
// value since changed is not given an old text.
const scalarTexts = new WeakMap<object, Map<string | number, { readonly value: Value; readonly text: string }>>()

/** Records that the scalar at `container[key]` was written as `text`. */
export function markScalarText(container: KubeMap | Value[], key: string | number, text: string): void {
  let t = scalarTexts.get(container)
  if (t === undefined) {
    t = new Map()
    scalarTexts.set(container, t)
  }
  t.set(key, { value: (container as Record<string | number, Value>)[key] as Value, text })
}

/** The text the scalar at `container[key]` was written as, when the reader recorded one and it still holds that value. */
export function scalarTextAt(container: KubeMap | Value[], key: string | number): string | undefined {
  const known = scalarTexts.get(container)?.get(key)
  if (known === undefined) return undefined
  return Object.is(known.value, (container as Record<string | number, Value>)[key]) ? known.text : undefined
}

/** A map of strings as kyaml's GetLabels/GetAnnotations return it: every value as its text. */
export function stringMapOf(v: Value | undefined): Map<string, string> {
  const out = new Map<string, string>()
  if (isMap(v)) for (const k of Object.keys(v)) out.set(k, v[k] === null ? nullText(v, k) : nodeText(v[k]))
  return out
}
