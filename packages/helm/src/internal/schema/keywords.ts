// The keywords of objects, arrays, strings and numbers, and the applicators (not, allOf, anyOf,
// oneOf, if/then/else, unevaluated*), in santhosh-tekuri/jsonschema v6's order.
import type { GoRegexp } from '@gitops-sdk/core/go'
import type { GoValue } from '../template/values.js'
import type { ErrorKind, SchemaError } from './display.js'
import { type Json, type Obj, equals, isMultiple, isObj, toJson } from './json.js'

/** What a successful validation evaluated, for unevaluatedProperties/Items. */
export interface Evaluated {
  readonly props: Set<string>
  readonly items: Set<number>
}

/** One schema applied to one value: the errors so far and how to descend. */
export interface Ctx {
  readonly s: Obj
  readonly v: GoValue
  readonly draft: number
  readonly ev: Evaluated
  readonly errors: SchemaError[]
  /** An error at this value's location. */
  err(kind: ErrorKind, causes?: readonly SchemaError[]): SchemaError
  /** Records a sub-result: its error, or what it evaluated; true when it passed. */
  add(r: SchemaError | Evaluated): boolean
  /** Applies another schema to this value. */
  self(sub: Json): SchemaError | Evaluated
  /** Applies a schema to a member of this value, one token deeper. */
  child(sub: Json, x: GoValue, tok: string): SchemaError | Evaluated
  regex(pattern: string): GoRegexp
  /** Applies a schema to a detached value (a property name), at the root location. */
  detached(sub: Json, x: GoValue): SchemaError | Evaluated
}

const failed = (r: SchemaError | Evaluated): r is SchemaError => 'kind' in r

function missingOf(obj: ReadonlyMap<string, GoValue>, req: Json | undefined): string[] {
  return Array.isArray(req) ? req.filter((r): r is string => typeof r === 'string' && !obj.has(r)) : []
}

/** minProperties ... dependentRequired, for an object value. */
export function objectKeywords(c: Ctx, obj: ReadonlyMap<string, GoValue>): void {
  const { s, draft, errors } = c
  if (typeof s.minProperties === 'number' && obj.size < s.minProperties) errors.push(c.err({ k: 'minProperties', got: obj.size, want: s.minProperties }))
  if (typeof s.maxProperties === 'number' && obj.size > s.maxProperties) errors.push(c.err({ k: 'maxProperties', got: obj.size, want: s.maxProperties }))
  const req = missingOf(obj, s.required)
  if (req.length > 0) errors.push(c.err({ k: 'required', missing: req }))
  if (draft < 2019 && isObj(s.dependencies)) {
    for (const [p, dep] of Object.entries(s.dependencies)) {
      if (!obj.has(p)) continue
      if (Array.isArray(dep)) {
        const m = missingOf(obj, dep)
        if (m.length > 0) errors.push(c.err({ k: 'dependency', prop: p, missing: m }))
      } else c.add(c.self(dep))
    }
  }
  const props = isObj(s.properties) ? s.properties : undefined
  const patterns = isObj(s.patternProperties) ? Object.entries(s.patternProperties) : []
  const additional: string[] = []
  for (const [name, value] of obj) {
    let evaluated = false
    if (props !== undefined && Object.hasOwn(props, name)) {
      evaluated = true
      c.add(c.child(props[name] ?? true, value, name))
    }
    for (const [re, sub] of patterns) {
      if (c.regex(re).test(name)) {
        evaluated = true
        c.add(c.child(sub, value, name))
      }
    }
    if (!evaluated && s.additionalProperties !== undefined) {
      evaluated = true
      if (s.additionalProperties === false) additional.push(name)
      else c.add(c.child(s.additionalProperties, value, name))
    }
    if (evaluated) c.ev.props.add(name)
  }
  if (additional.length > 0) errors.push(c.err({ k: 'additionalProperties', props: additional }))
  if (draft === 4) return
  if (s.propertyNames !== undefined) {
    for (const name of obj.keys()) {
      const r = c.detached(s.propertyNames, name)
      if (failed(r)) errors.push(c.err({ k: 'propertyNames', prop: name }, r.kind.k === 'group' ? r.causes : [r]))
    }
  }
  if (draft < 2019) return
  if (isObj(s.dependentSchemas)) for (const [p, sub] of Object.entries(s.dependentSchemas)) if (obj.has(p)) c.add(c.self(sub))
  if (isObj(s.dependentRequired)) {
    for (const [p, dep] of Object.entries(s.dependentRequired)) {
      if (!obj.has(p)) continue
      const m = missingOf(obj, dep)
      if (m.length > 0) errors.push(c.err({ k: 'dependentRequired', prop: p, missing: m }))
    }
  }
}

function itemKeywords(c: Ctx, arr: readonly GoValue[]): void {
  const { s } = c
  const mark = (from: number): void => {
    for (let i = from; i < arr.length; i++) c.ev.items.add(i)
  }
  // The library names items after a prefix from 0 again (its index into the rest), as helm prints them.
  const rest = (sub: Json, from: number): void => {
    arr.slice(from).forEach((x, i) => c.add(c.child(sub, x, String(i))))
    mark(from)
  }
  if (c.draft < 2020) {
    if (Array.isArray(s.items)) {
      const evaluated = Math.min(arr.length, s.items.length)
      for (let i = 0; i < evaluated; i++) c.add(c.child(s.items[i] ?? true, arr[i] ?? null, String(i)))
      for (let i = 0; i < evaluated; i++) c.ev.items.add(i)
      if (s.additionalItems === false && evaluated !== arr.length) c.errors.push(c.err({ k: 'additionalItems', count: arr.length - evaluated }))
      else if (s.additionalItems !== undefined && s.additionalItems !== false) rest(s.additionalItems, evaluated)
    } else if (s.items !== undefined) rest(s.items, 0)
    return
  }
  const prefix = Array.isArray(s.prefixItems) ? s.prefixItems : []
  const evaluated = Math.min(prefix.length, arr.length)
  for (let i = 0; i < evaluated; i++) {
    c.add(c.child(prefix[i] ?? true, arr[i] ?? null, String(i)))
    c.ev.items.add(i)
  }
  if (s.items !== undefined && !Array.isArray(s.items)) rest(s.items, evaluated)
}

/** minItems ... maxContains, for an array value. */
export function arrayKeywords(c: Ctx, arr: readonly GoValue[]): void {
  const { s, draft, errors } = c
  if (typeof s.minItems === 'number' && arr.length < s.minItems) errors.push(c.err({ k: 'minItems', got: arr.length, want: s.minItems }))
  if (typeof s.maxItems === 'number' && arr.length > s.maxItems) errors.push(c.err({ k: 'maxItems', got: arr.length, want: s.maxItems }))
  if (s.uniqueItems === true && arr.length > 1) {
    const json = arr.map(toJson)
    dup: for (let i = 0; i < arr.length; i++) {
      for (let j = i + 1; j < arr.length; j++) {
        if (equals(arr[i] ?? null, json[j] ?? null)) {
          errors.push(c.err({ k: 'uniqueItems', i, j }))
          break dup
        }
      }
    }
  }
  itemKeywords(c, arr)
  if (s.contains === undefined || draft < 6) return
  const causes: SchemaError[] = []
  const matched: number[] = []
  arr.forEach((x, i) => {
    const r = c.child(s.contains ?? true, x, String(i))
    if (failed(r)) causes.push(r)
    else {
      matched.push(i)
      if (draft >= 2020) c.ev.items.add(i)
    }
  })
  const minC = draft >= 2019 && typeof s.minContains === 'number' ? s.minContains : undefined
  if (minC !== undefined) {
    if (matched.length < minC) errors.push(c.err({ k: 'minContains', got: matched, want: minC }, causes))
  } else if (matched.length === 0) errors.push(c.err({ k: 'contains' }, causes))
  if (draft >= 2019 && typeof s.maxContains === 'number' && matched.length > s.maxContains) errors.push(c.err({ k: 'maxContains', got: matched, want: s.maxContains }))
}

/** minLength, maxLength (in runes) and pattern, for a string value. */
export function stringKeywords(c: Ctx, str: string): void {
  const { s, errors } = c
  const len = Array.from(str).length
  if (typeof s.minLength === 'number' && len < s.minLength) errors.push(c.err({ k: 'minLength', got: len, want: s.minLength }))
  if (typeof s.maxLength === 'number' && len > s.maxLength) errors.push(c.err({ k: 'maxLength', got: len, want: s.maxLength }))
  if (typeof s.pattern === 'string' && !c.regex(s.pattern).test(str)) errors.push(c.err({ k: 'pattern', got: str, want: s.pattern }))
}

/** minimum ... multipleOf (draft 4's boolean exclusive bounds included), for a number value. */
export function numberKeywords(c: Ctx, n: number): void {
  const { s, errors } = c
  const num = (x: Json | undefined): number | undefined => (typeof x === 'number' ? x : undefined)
  const min = num(s.minimum)
  const max = num(s.maximum)
  const draft4 = c.draft === 4
  const xmin = draft4 ? (s.exclusiveMinimum === true ? min : undefined) : num(s.exclusiveMinimum)
  const xmax = draft4 ? (s.exclusiveMaximum === true ? max : undefined) : num(s.exclusiveMaximum)
  if (min !== undefined && !(draft4 && xmin !== undefined) && n < min) errors.push(c.err({ k: 'minimum', got: n, want: min }))
  if (max !== undefined && !(draft4 && xmax !== undefined) && n > max) errors.push(c.err({ k: 'maximum', got: n, want: max }))
  if (xmin !== undefined && n <= xmin) errors.push(c.err({ k: 'exclusiveMinimum', got: n, want: xmin }))
  if (xmax !== undefined && n >= xmax) errors.push(c.err({ k: 'exclusiveMaximum', got: n, want: xmax }))
  const mult = num(s.multipleOf)
  if (mult !== undefined && mult > 0 && !isMultiple(n, mult)) errors.push(c.err({ k: 'multipleOf', got: n, want: mult }))
}

function applyAll(c: Ctx, list: readonly Json[], stopAtSecondMatch: boolean): { causes: SchemaError[]; matched: number[] } {
  const causes: SchemaError[] = []
  const matched: number[] = []
  for (const [i, sub] of list.entries()) {
    const r = c.self(sub)
    if (failed(r)) causes.push(r)
    else {
      c.add(r)
      matched.push(i)
      if (stopAtSecondMatch && matched.length === 2) break
    }
  }
  return { causes, matched }
}

/** not, allOf, anyOf, oneOf, if/then/else. */
export function conditionKeywords(c: Ctx): void {
  const { s, errors } = c
  if (s.not !== undefined && !failed(c.self(s.not))) errors.push(c.err({ k: 'not' }))
  if (Array.isArray(s.allOf) && s.allOf.length > 0) {
    const { causes } = applyAll(c, s.allOf, false)
    if (causes.length > 0) errors.push(c.err({ k: 'allOf' }, causes))
  }
  if (Array.isArray(s.anyOf) && s.anyOf.length > 0) {
    const { causes, matched } = applyAll(c, s.anyOf, false)
    if (matched.length === 0) errors.push(c.err({ k: 'anyOf' }, causes))
  }
  if (Array.isArray(s.oneOf) && s.oneOf.length > 0) {
    const { causes, matched } = applyAll(c, s.oneOf, true)
    if (matched.length === 0) errors.push(c.err({ k: 'oneOf' }, causes))
    else if (matched.length > 1) errors.push(c.err({ k: 'oneOf', matched: [matched[0] ?? 0, matched[1] ?? 0] }))
  }
  if (s.if !== undefined && c.draft >= 7) {
    const r = c.self(s.if)
    if (!failed(r)) {
      c.add(r)
      if (s.then !== undefined) c.add(c.self(s.then))
    } else if (s.else !== undefined) c.add(c.self(s.else))
  }
}

/** unevaluatedProperties and unevaluatedItems (drafts 2019-09 and later). */
export function unevaluatedKeywords(c: Ctx): void {
  const { s, v, ev } = c
  if (s.unevaluatedProperties !== undefined && v instanceof Map) {
    for (const [name, x] of v) {
      if (!ev.props.has(name) && c.add(c.child(s.unevaluatedProperties, x, name))) ev.props.add(name)
    }
  }
  if (s.unevaluatedItems !== undefined && Array.isArray(v)) {
    v.forEach((x, i) => {
      if (!ev.items.has(i) && c.add(c.child(s.unevaluatedItems ?? true, x, String(i)))) ev.items.add(i)
    })
  }
}


