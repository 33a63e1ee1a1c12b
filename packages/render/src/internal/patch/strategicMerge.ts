// Strategic merge as kustomize v5.5.0 does it: kyaml's merge2 walker (not apimachinery's
// strategicpatch), with ListIncreaseDirection=Prepend. Lists merge only where the schema gives a
// `merge` patch strategy; elements are matched on the schema's list-map keys (else merge key);
// merged elements come first, in the patch's order, then the target's remaining elements.
// `$patch: delete|replace|merge` directives on maps and lists are honoured.
// Adapted from the algorithm of kyaml/yaml/walk and kyaml/yaml/merge2.
import type { KubeMap } from '@gitops-sdk/core'
import { stepError } from '../build/fail.js'
import type { SchemaState, SchemaView } from '../build/schema.js'
import { hasMergeStrategy, patchStrategyAndKeys, schemaElements, schemaField } from '../build/schema.js'
import type { Value } from '../yaml/values.js'
import { deleteField, getField, isEmptyMap, isMap, isSeq, nodeText, nullText, setField } from '../yaml/values.js'

/** A null that must stay (kyaml MakePersistentNullNode). */
const KEEP_NULL = Symbol('keep-null')
type Result = Value | typeof KEEP_NULL | undefined

type Kind = 'map' | 'seq' | 'scalar' | 'none'

function kindOf(v: Value | undefined): Kind {
  if (v === undefined || v === null) return 'none'
  if (Array.isArray(v)) return 'seq'
  return typeof v === 'object' ? 'map' : 'scalar'
}

/**
 * Merges `patch` into `target` (which it mutates and may return), or returns undefined when the
 * patch deletes the object. `patch` must be a private copy: its nodes move into the result.
 */
export function strategicMerge(target: KubeMap, patch: KubeMap, schemas: SchemaState): KubeMap | undefined {
  const out = new Walker(schemas).walk(target, patch, undefined)
  if (out === KEEP_NULL || !isMap(out)) return undefined
  return out
}

class Walker {
  /** The field names from the root to where the walk is, for error messages. */
  private readonly path: string[] = []

  constructor(private readonly schemas: SchemaState) {}

  private pathText(): string {
    return this.path.join('.') || '(root)'
  }

  /** kyaml's walk of the target's node `dest` and the patch's node `origin` (either may be absent). */
  walk(dest: Value | undefined, origin: Value | undefined, given: SchemaView | undefined): Result {
    if (origin === undefined) return this.selfMerge(dest, given)
    const schema = given ?? this.schemaFromSources(dest, origin)
    const dk = kindOf(dest)
    const ok = kindOf(origin)
    const kind = dk !== 'none' ? dk : ok
    if (ok !== 'none' && kind !== 'none' && ok !== kind) {
      throw stepError('RENDER_PATCH_FAILED', `field ${this.pathText()}: wrong node kind: expected ${nodeKindName(kind)} but got ${nodeKindName(ok)}`)
    }
    switch (kind) {
      case 'map':
      case 'none':
        return this.walkMap(dest, origin, schema)
      case 'seq':
        if (schema !== undefined && hasMergeStrategy(schema)) return this.walkAssociative(dest, origin, schema)
        return origin
      case 'scalar':
        return origin
    }
  }

  /**
   * A field only the target has: kyaml still walks it (merging it with nothing), which keeps it
   * as it is except in associative lists (null and empty elements dropped, duplicates merged).
   */
  private selfMerge(dest: Value | undefined, given: SchemaView | undefined): Result {
    if (dest === undefined) return undefined
    if (dest === null) return KEEP_NULL
    if (Array.isArray(dest)) {
      if (given === undefined || !hasMergeStrategy(given)) return dest
      const { keys } = patchStrategyAndKeys(given)
      const key = keys[0]
      if (keys.length === 1 && key !== undefined && uniquelyKeyed(dest, key)) {
        // Merging such a list with itself keeps every element in place; only their insides change.
        const elem = schemaElements(given)
        for (let i = 0; i < dest.length; i++) {
          const v = dest[i] as Value
          const r = this.selfMerge(v, elem)
          if (r !== v && r !== undefined && r !== KEEP_NULL) dest[i] = r
        }
        return dest
      }
      return this.walkAssociative(dest, undefined, given)
    }
    if (!isMap(dest)) return dest
    const schema = given ?? this.schemaFromSources(dest, undefined)
    // Only the field being visited is ever deleted or replaced, which a for-in loop allows.
    for (const key in dest) {
      const v = dest[key] as Value
      // kyaml drops a field left empty (`key:`) and keeps a written null.
      if (v === null) {
        if (nullText(dest, key) === '') deleteField(dest, key)
        continue
      }
      if (typeof v !== 'object') continue
      this.path.push(key)
      const r = this.selfMerge(v, schemaField(schema, key))
      this.path.pop()
      if (r === undefined || r === null) deleteField(dest, key)
      else if (r === KEEP_NULL) setField(dest, key, null)
      else if (r !== v) setField(dest, key, r)
    }
    return dest
  }

  private schemaFromSources(dest: Value | undefined, origin: Value | undefined): SchemaView | undefined {
    return this.schemaOf(dest) ?? this.schemaOf(origin)
  }

  /** The schema of a mapping that names its apiVersion and kind. */
  private schemaOf(v: Value | undefined): SchemaView | undefined {
    if (!isMap(v)) return undefined
    const kind = nodeText(getField(v, 'kind'))
    if (kind === '') return undefined
    const apiVersion = nodeText(getField(v, 'apiVersion'))
    if (apiVersion === '') return undefined
    return this.schemas.forType(apiVersion, kind)
  }

  private walkMap(dest0: Value | undefined, origin: Value | undefined, schema: SchemaView | undefined): Result {
    let dest: Value | undefined
    if (dest0 === undefined || dest0 === null) {
      const directive = origin === undefined ? 'merge' : isMap(origin) ? this.mapDirective(origin) : 'unknown'
      if (directive === 'delete') return undefined
      if (origin === undefined && dest0 === null) return KEEP_NULL
      if (origin === undefined) return undefined
      dest = origin
      if (origin === null) return null
    } else {
      if (origin === null) return undefined
      const directive = origin === undefined ? 'merge' : this.mapDirective(origin as KubeMap)
      if (directive === 'delete') return undefined
      dest = directive === 'replace' ? origin : dest0
    }
    if (!isMap(dest)) return dest
    // Every field of the target, then the patch's other fields.
    const keys = Object.keys(dest)
    const other = dest !== origin && isMap(origin) ? origin : undefined
    if (other !== undefined) for (const key in other) if (!keys.includes(key)) keys.push(key)
    for (let i = 0; i < keys.length; i++) {
      const key = keys[i] as string
      const dv = getField(dest, key)
      const ov = dest === origin ? dv : other === undefined ? undefined : getField(other, key)
      this.path.push(key)
      const result = this.walk(dv, ov, schemaField(schema, key))
      this.path.pop()
      if (result === undefined || result === null) {
        deleteField(dest, key)
      } else if (result === KEEP_NULL) {
        if (dv !== null) setField(dest, key, null)
        else if (nullText(dest, key) === '') deleteField(dest, key)
      } else if (result !== dv) {
        setField(dest, key, result)
      }
    }
    return dest
  }

  private walkAssociative(dest0: Value | undefined, origin0: Value | undefined, schema: SchemaView): Result {
    if (dest0 === undefined || dest0 === null) return origin0
    if (origin0 === null) return undefined
    let origin = origin0
    let dest = dest0 as Value[]
    if (isSeq(origin)) {
      const directive = this.seqDirective(origin)
      if (directive.kind === 'delete') return undefined
      origin = directive.list
      // kyaml carries on with the patch as the target: the patch merges with itself.
      if (directive.kind === 'replace') dest = origin
    }
    const { keys } = patchStrategyAndKeys(schema)
    const elemSchema = schemaElements(schema)
    const sources: Sources = [dest, isSeq(origin) ? origin : undefined]
    const values = elementValues(sources, keys)
    if (values.length !== 0 || keys.length > 0) return this.setElements({ values, keys, dest, sources, elemSchema })
    return this.setElements({ values: primitiveValues(sources), keys: PRIMITIVE_KEYS, dest, sources, elemSchema })
  }

  private setElements(a: {
    values: string[][]
    keys: readonly string[]
    dest: Value[]
    sources: Sources
    elemSchema: SchemaView | undefined
  }): Result {
    const { keys, sources, elemSchema } = a
    let valuesList = a.values
    let dest = a.dest
    const items: Value[] = []
    if (keys.length > 1) valuesList = mergeValues(valuesList)
    let validKeys: readonly string[] = keys
    for (const values of valuesList) {
      if (values.length === 0) continue
      const valid = validateKeys(valuesList, values, keys)
      validKeys = valid.keys
      const validValues = valid.values
      const d = sources[0] === undefined ? undefined : elementMatching(sources[0], valid)
      const o = sources[1] === undefined ? undefined : elementMatching(sources[1], valid)
      let val = this.walk(d, o, elemSchema)
      if (val === KEEP_NULL) val = null
      let exit = false
      for (let i = 0; i < validKeys.length; i++) {
        const key = validKeys[i] as string
        const v = validValues[i] ?? ''
        if (val === undefined || val === null || (isMap(val) && isEmptyMap(val))) {
          dest = elementSetter(dest, { element: undefined, keys: validKeys, values: validValues })
          exit = true
        } else if (isMap(val) && getField(val, key) === undefined && v !== '') {
          setField(val, key, v)
        } else if (!isMap(val) && key === '' && v !== '') {
          // kyaml sets the scalar again through a FieldSetter; it keeps its type.
        }
      }
      if (exit) continue
      elementSetterInPlace(items, { element: val, keys: validKeys, values: validValues })
    }
    let result: Value[] = dest
    if (valuesList.length > 0) result = appendListNode(items, dest, validKeys)
    return result
  }

  /** Reads and removes a mapping's `$patch` directive. */
  private mapDirective(m: KubeMap): 'merge' | 'replace' | 'delete' {
    const v = getField(m, '$patch')
    if (v === undefined || v === null) return 'merge'
    const s = nodeText(v)
    if (s === 'delete' || s === 'replace' || s === 'merge') {
      delete m.$patch
      return s
    }
    throw stepError('RENDER_PATCH_FAILED', `field ${this.pathText()}: unknown patch strategy '${s}'`)
  }

  /** Reads a list's `$patch` element and returns the list without it. */
  private seqDirective(list: Value[]): { kind: 'merge' | 'replace' | 'delete'; list: Value[] } {
    const elem = list.find((e) => isMap(e) && getField(e, '$patch') !== undefined) as KubeMap | undefined
    if (elem === undefined || Object.keys(elem).length > 1) return { kind: 'merge', list }
    const v = elem.$patch
    if (v === undefined || v === null) return { kind: 'merge', list }
    const s = nodeText(v)
    if (s !== 'delete' && s !== 'replace' && s !== 'merge') {
      throw stepError('RENDER_PATCH_FAILED', `field ${this.pathText()}: unknown patch strategy '${s}'`)
    }
    return { kind: s, list: elementSetter(list, { element: undefined, keys: ['$patch'], values: [s] }) }
  }
}

/** The target's list and the patch's list. */
type Sources = readonly [dest: Value[] | undefined, origin: Value[] | undefined]

/** The key of lists of scalars, matched by their own text. */
const PRIMITIVE_KEYS: readonly string[] = ['']

/** Every element a non-empty mapping with a distinct, non-empty scalar under `key`. */
function uniquelyKeyed(list: readonly Value[], key: string): boolean {
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

function nodeKindName(k: Kind): string {
  return k === 'map' ? 'MappingNode' : k === 'seq' ? 'SequenceNode' : 'ScalarNode'
}

/** kyaml Walker.elementValues with Prepend: the key values of every element, patch first. */
function elementValues(sources: Sources, keys: readonly string[]): string[][] {
  const out: string[][] = []
  if (keys.length === 0) return out
  const seen = new Set<string>()
  for (const src of [sources[1], sources[0]]) {
    if (src === undefined) continue
    for (const elem of src) {
      const s = keys.map((key) => {
        const f = isMap(elem) ? getField(elem, key) : undefined
        return f === undefined || isEmptyNode(f) ? '' : nodeText(f)
      })
      // One key's value identifies the element by itself; several need an unambiguous join.
      const id = s.length === 1 ? (s[0] as string) : JSON.stringify(s)
      if (seen.has(id)) continue
      seen.add(id)
      out.push(s)
    }
  }
  return out
}

function primitiveValues(sources: Sources): string[][] {
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

function mergeValues(list: string[][]): string[][] {
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
function validateKeys(list: readonly (readonly string[])[], values: readonly string[], keys: readonly string[]): KeyValues {
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
function elementMatching(list: readonly Value[], kv: KeyValues): Value | undefined {
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
function elementSetter(list: Value[], a: SetterArgs): Value[] {
  const keys = a.keys.length === 0 ? PRIMITIVE_KEYS : a.keys
  const mappingSetter = keys[0] !== '' && (a.values[0] ?? '') !== ''
  const out: Value[] = []
  let found = false
  for (const elem of list) {
    if (elem === null || (isMap(elem) && isEmptyMap(elem))) continue
    if (!isMap(elem) && mappingSetter) {
      out.push(elem)
      continue
    }
    let matched: boolean | undefined
    for (let j = 0; j < keys.length; j++) {
      if (j < a.values.length) matched = fieldMatches(elem, keys[j] as string, a.values[j] as string)
      if (matched !== true) break
    }
    if (matched !== true) {
      if (a.values.length > 0) out.push(elem)
      continue
    }
    found = true
    if (a.element === undefined) continue
    out.push(a.element)
  }
  if (a.element === undefined || a.element === null) return out
  if (!found) out.push(a.element)
  return out
}

function elementSetterInPlace(list: Value[], a: SetterArgs): void {
  const out = elementSetter(list, a)
  list.length = 0
  for (const v of out) list.push(v)
}

/** kyaml FieldMatcher{Name, StringValue}: a blank value matches any value of the field. */
function fieldMatches(elem: Value, key: string, value: string): boolean {
  if (key === '') return isScalarNode(elem) && elem !== null && nodeText(elem) === value
  if (!isMap(elem)) return false
  const f = getField(elem, key)
  if (f === undefined) return false
  return value === '' || nodeText(f) === value
}

/** kyaml appendListNode(dst, src, keys): sets every element of `src` into `dst`. */
function appendListNode(dst: Value[], src: Value[], keys: readonly string[]): Value[] {
  let out = dst
  for (const elem of src) {
    if (keys[0] === '') {
      out = elementSetter(out, { element: elem, keys: PRIMITIVE_KEYS, values: [nodeText(elem)] })
      continue
    }
    const v: string[] = []
    for (const key of keys) {
      const f = isMap(elem) ? getField(elem, key) : undefined
      if (f === undefined) {
        out = [...out, elem]
        continue
      }
      v.push(nodeText(f))
    }
    if (keys.length > 1) out = elementSetter(out, { element: undefined, keys, values: v })
    out = elementSetter(out, { element: elem, keys, values: v })
  }
  return out
}
