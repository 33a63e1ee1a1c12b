// The list side of kyaml's merge2 (kustomize v5.5.0): how elements of a patch list and a target
// list are matched on their keys (list-map keys, the merge key, or a scalar's own text), and how
// a matched element is set, deleted or appended.
import type { Value } from '../yaml/values.js'
import { getField, isEmptyMap, isMap, nodeText } from '../yaml/values.js'

export type Kind = 'map' | 'seq' | 'scalar' | 'none'

export function kindOf(v: Value | undefined): Kind {
  if (v === undefined || v === null) return 'none'
  if (Array.isArray(v)) return 'seq'
  return typeof v === 'object' ? 'map' : 'scalar'
}


/** The target's list and the patch's list. */
export type Sources = readonly [dest: Value[] | undefined, origin: Value[] | undefined]

/** The key of lists of scalars, matched by their own text. */
export const PRIMITIVE_KEYS: readonly string[] = ['']

/** Every element a non-empty mapping with a distinct, non-empty scalar under `key`. */
export function uniquelyKeyed(list: readonly Value[], key: string): boolean {
  const seen = new Set<string>()
  for (const e of list) {
    if (!isMap(e)) return false
    const f = getField(e, key)
    if (f === undefined || f === null || typeof f === 'object') return false
    const t = nodeText(f)
    if (t === '' || seen.has(t)) return false
    seen.add(t)
  }
  return true
}

export function nodeKindName(k: Kind): string {
  return k === 'map' ? 'MappingNode' : k === 'seq' ? 'SequenceNode' : 'ScalarNode'
}

/** kyaml Walker.elementValues with Prepend: the key values of every element, patch first. */
export function elementValues(sources: Sources, keys: readonly string[]): string[][] {
  const out: string[][] = []
  if (keys.length === 0) return out
  const seen = new Set<string>()
  for (let which = 1; which >= 0; which--) {
    const src = sources[which]
    if (src === undefined) continue
    for (const elem of src) {
      const s: string[] = []
      for (const key of keys) {
        const f = isMap(elem) ? getField(elem, key) : undefined
        s.push(f === undefined || isEmptyNode(f) ? '' : nodeText(f))
      }
      // One key's value identifies the element by itself; several need an unambiguous join.
      const id = s.length === 1 ? (s[0] as string) : JSON.stringify(s)
      if (seen.has(id)) continue
      seen.add(id)
      out.push(s)
    }
  }
  return out
}

export function primitiveValues(sources: Sources): string[][] {
  const out: string[][] = []
  const seen = new Set<string>()
  for (const src of [sources[1], sources[0]]) {
    if (src === undefined) continue
    for (const item of src) {
      const t = nodeText(item)
      if (seen.has(t)) continue
      seen.add(t)
      out.push([t])
    }
  }
  return out
}

function isEmptyNode(v: Value): boolean {
  if (v === null) return true
  if (Array.isArray(v)) return v.length === 0
  if (typeof v === 'object') return isEmptyMap(v)
  return false
}

export function mergeValues(list: string[][]): string[][] {
  for (let i = 0; i < list.length; i++) {
    for (let j = 0; j < list.length; j++) {
      const m = matchValues(list[i] as string[], list[j] as string[])
      if (m !== undefined) {
        list[i] = m
        list[j] = m
      }
    }
  }
  return list
}

function matchValues(a: string[], b: string[]): string[] | undefined {
  if (a.length !== b.length) return undefined
  let common = false
  const res: string[] = []
  for (let i = 0; i < a.length; i++) {
    const x = a[i] as string
    const y = b[i] as string
    if (x === y) {
      common = true
      res.push(x)
      continue
    }
    if (x !== '' && y !== '') return undefined
    res.push(x !== '' ? x : y)
  }
  return common ? res : undefined
}

interface KeyValues {
  readonly keys: readonly string[]
  readonly values: readonly string[]
}

/** The keys (and their values) that some element has a value for; all of them when none has. */
export function validateKeys(list: readonly (readonly string[])[], values: readonly string[], keys: readonly string[]): KeyValues {
  // `values` is one of `list`: when it has every value, every key is valid.
  if (!values.includes('')) return { keys, values }
  const valid = new Set<string>()
  for (const vs of list) vs.forEach((v, i) => v !== '' && valid.add(keys[i] as string))
  if (valid.size === 0) return { keys, values }
  return {
    keys: keys.filter((k) => valid.has(k)),
    values: values.filter((v, i) => v !== '' || valid.has(keys[i] as string)),
  }
}

/** kyaml ElementMatcher with exact values, on the keys `values` has a value for. */
export function elementMatching(list: readonly Value[], kv: KeyValues): Value | undefined {
  const { keys, values } = kv.values.includes('') ? validateKeys([kv.values], kv.values, kv.keys) : kv
  if (keys.length === 0 || keys[0] === '') {
    const want = values[0] ?? ''
    return list.find((e) => isScalarNode(e) && nodeText(e) === want)
  }
  return list.find((e) => {
    if (!isMap(e)) return false
    return keys.every((k, i) => {
      const f = getField(e, k)
      return f !== undefined && nodeText(f) === (values[i] ?? '')
    })
  })
}

function isScalarNode(v: Value): boolean {
  return v === null || typeof v !== 'object'
}

interface SetterArgs {
  readonly element: Value | undefined
  readonly keys: readonly string[]
  readonly values: readonly string[]
}

/**
 * kyaml ElementSetter: drops null and empty-map elements, removes or replaces the elements that
 * match every key (a blank value matches any value), and appends the element if none matched.
 */
export function elementSetter(list: Value[], a: SetterArgs): Value[] {
  const out: Value[] = []
  setElement(list, out, a)
  return out
}

/** {@link elementSetter} on `list` itself (the caller's own list: no copy per call). */
export function elementSetterInPlace(list: Value[], a: SetterArgs): void {
  setElement(list, list, a)
}

/**
 * elementSetter's result written into `out`, which is either a new empty list or `list` itself:
 * every element read gives at most one element written, so writing at `w <= r` never overwrites
 * an element not read yet.
 */
function setElement(list: Value[], out: Value[], a: SetterArgs): void {
  const keys = a.keys.length === 0 ? PRIMITIVE_KEYS : a.keys
  const mappingSetter = keys[0] !== '' && (a.values[0] ?? '') !== ''
  let found = false
  let w = 0
  const n = list.length
  for (let r = 0; r < n; r++) {
    const elem = list[r] as Value
    if (elem === null || (isMap(elem) && isEmptyMap(elem))) continue
    if (!isMap(elem) && mappingSetter) {
      out[w++] = elem
      continue
    }
    let matched: boolean | undefined
    for (let j = 0; j < keys.length; j++) {
      if (j < a.values.length) matched = fieldMatches(elem, keys[j] as string, a.values[j] as string)
      if (matched !== true) break
    }
    if (matched !== true) {
      if (a.values.length > 0) out[w++] = elem
      continue
    }
    found = true
    if (a.element === undefined) continue
    out[w++] = a.element
  }
  out.length = w
  if (a.element === undefined || a.element === null) return
  if (!found) out.push(a.element)
}

/** kyaml FieldMatcher{Name, StringValue}: a blank value matches any value of the field. */
function fieldMatches(elem: Value, key: string, value: string): boolean {
  if (key === '') return isScalarNode(elem) && elem !== null && nodeText(elem) === value
  if (!isMap(elem)) return false
  const f = getField(elem, key)
  if (f === undefined) return false
  return value === '' || nodeText(f) === value
}

/**
 * kyaml appendListNode(dst, src, keys): sets every element of `src` into `dst`, which must be the
 * caller's own list (it is changed and returned: one list, where a copy per element made the
 * merge of a list quadratic in allocations).
 */
export function appendListNode(dst: Value[], src: readonly Value[], keys: readonly string[]): Value[] {
  const out = dst
  for (const elem of src) {
    if (keys[0] === '') {
      setElement(out, out, { element: elem, keys: PRIMITIVE_KEYS, values: [nodeText(elem)] })
      continue
    }
    const v: string[] = []
    for (const key of keys) {
      const f = isMap(elem) ? getField(elem, key) : undefined
      if (f === undefined) {
        out.push(elem)
        continue
      }
      v.push(nodeText(f))
    }
    if (keys.length > 1) setElement(out, out, { element: undefined, keys, values: v })
    setElement(out, out, { element: elem, keys, values: v })
  }
  return out
}
