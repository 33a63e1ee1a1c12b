// Custom resources validated against their CRD's structural schema as kube-apiserver 1.32 does:
// kube-openapi's schema validator (types, required, enum, pattern, bounds, lengths, item counts,
// formats) with apiextensions' conversion to field errors, then the list-type invariants (sets and
// maps without duplicates), then the x-kubernetes-validations rules, which are skipped with a note when
// a value has the wrong type. Schema messages name the value's path as kube-openapi writes it
// (`spec.list.0.name in body …`); list-type and CEL errors use field paths (`spec.list[0]`).
import { isKubeMap } from '@gitops-sdk/core'
import type { KubeMap, KubeObject, KubeValue } from '@gitops-sdk/core'
import { deepEqual } from '../../state/objects.js'
import { getOwn, hasOwn } from '../../../ssa/ownKeys.js'
import type { FieldError } from '../../../status.js'
import { fieldErrorText } from '../../../status.js'
import type { GoRegexp } from '@gitops-sdk/core/go'
import { compileGoRegexp, quote as goQuote } from '@gitops-sdk/core/go'
import { evaluateRules, toCel } from './cel.js'
import { formatOk, knownFormat } from './formats.js'
import { junctorChecks, MAX_JUNCTOR_DEPTH } from './junctors.js'
import type { At, Walk } from './walk.js'
import { strings } from '../strings.js'

/** What the schema said about an object. */
export interface SchemaCheck {
  readonly errors: FieldError[]
  readonly warnings: string[]
}

/** Where each rule error's rule is declared: ratcheting looks at that node, not the error's fieldPath. */
type RuleNodes = Map<FieldError, string>

const TOP_LEVEL = new Set(['apiVersion', 'kind', 'metadata'])

const child = (path: string, name: string): string => (path === '' ? name : `${path}.${name}`)
const asSchema = (value: KubeValue | undefined): KubeMap | undefined => (isKubeMap(value) ? value : undefined)
const num = (value: KubeValue | undefined): number | undefined => (typeof value === 'number' ? value : typeof value === 'bigint' ? Number(value) : undefined)

/** kube-openapi's name of a JSON value's type. */
function jsonType(value: KubeValue): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (typeof value === 'bigint') return 'integer'
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number'
  if (typeof value === 'object') return 'object'
  return typeof value
}

function typeMatches(value: KubeValue, schema: KubeMap): boolean {
  const actual = jsonType(value)
  if (schema['x-kubernetes-int-or-string'] === true) return actual === 'integer' || actual === 'string'
  const expected = typeof schema.type === 'string' ? schema.type : ''
  if (expected === '' || expected === actual) return true
  return expected === 'number' && actual === 'integer'
}

/** Go's `%v` of a JSON number as kube-openapi prints bounds (float64). */
const goNumber = (n: number): string => String(n)

/** Go's utf8.RuneCountInString: code points, a surrogate pair counting once. */
const runeCount = (text: string): number => text.length - (text.match(/[\uD800-\uDBFF][\uDC00-\uDFFF]/g)?.length ?? 0)

/** kube-openapi's stringValidator: maxLength, minLength, pattern, reporting the first that fails. */
function stringChecks(value: string, schema: KubeMap, at: At): void {
  const { path, walk } = at
  const length = runeCount(value)
  const max = num(schema.maxLength)
  const min = num(schema.minLength)
  if (max !== undefined && length > max) {
    walk.errors.push({ type: 'TooLong', field: path, detail: `may not be more than ${max} ${max === 1 ? 'byte' : 'bytes'}` })
    return
  }
  if (min !== undefined && length < min) {
    walk.errors.push({ type: 'Invalid', field: path, value, detail: `${path} in body should be at least ${min} chars long` })
    return
  }
  if (typeof schema.pattern === 'string') {
    // kube-openapi compiles `pattern` with Go's regexp (Go's syntax, linear time: a CRD's pattern
    // runs on every request). A CRD whose pattern Go rejects is refused when it is written
    // (rules/crd.ts); a schema given directly with one checks nothing there.
    let re: GoRegexp | undefined
    try {
      re = compileGoRegexp(schema.pattern)
    } catch {
      re = undefined
    }
    if (re !== undefined && !re.test(value)) walk.errors.push({ type: 'Invalid', field: path, value, detail: `${path} in body should match '${schema.pattern}'` })
  }
}

/** kube-openapi's formatValidator, a validator of its own after the string's. */
function formatCheck(value: string, schema: KubeMap, at: At): void {
  const { path, walk } = at
  if (typeof schema.format === 'string' && !formatOk(schema.format, value)) {
    walk.errors.push({ type: 'Invalid', field: path, value, detail: `${path} in body must be of type ${schema.format}: ${goQuote(value)}` })
  }
}

function numberChecks(value: number, schema: KubeMap, at: At): void {
  const { path, walk } = at
  const max = num(schema.maximum)
  const min = num(schema.minimum)
  if (max !== undefined) {
    if (schema.exclusiveMaximum === true ? value >= max : value > max) {
      walk.errors.push({ type: 'Invalid', field: path, value, detail: `${path} in body should be less than ${schema.exclusiveMaximum === true ? '' : 'or equal to '}${goNumber(max)}` })
    }
  }
  if (min !== undefined) {
    if (schema.exclusiveMinimum === true ? value <= min : value < min) {
      walk.errors.push({ type: 'Invalid', field: path, value, detail: `${path} in body should be greater than ${schema.exclusiveMinimum === true ? '' : 'or equal to '}${goNumber(min)}` })
    }
  }
  const multiple = num(schema.multipleOf)
  if (multiple !== undefined && multiple > 0 && Math.abs(value / multiple - Math.round(value / multiple)) > 1e-9) {
    walk.errors.push({ type: 'Invalid', field: path, value, detail: `${path} in body should be a multiple of ${goNumber(multiple)}` })
  }
}

function enumCheck(value: KubeValue, schema: KubeMap, at: At): void {
  const { path, walk } = at
  if (!Array.isArray(schema.enum)) return
  if (schema.enum.some((allowed) => deepEqual(allowed, value))) return
  const values = schema.enum.map((allowed) => (typeof allowed === 'string' ? allowed : JSON.stringify(allowed)))
  walk.errors.push({ type: 'NotSupported', field: path, value, detail: `supported values: ${values.map((v) => JSON.stringify(v)).join(', ')}` })
}

function arrayChecks(value: KubeValue[], schema: KubeMap, at: At): void {
  const { path, walk } = at
  const max = num(schema.maxItems)
  const min = num(schema.minItems)
  if (max !== undefined && value.length > max) walk.errors.push({ type: 'TooMany', field: path, value: value.length, detail: `must have at most ${max} ${max === 1 ? 'item' : 'items'}` })
  if (min !== undefined && value.length < min) walk.errors.push({ type: 'Invalid', field: path, value: value.length, detail: `${path} in body should have at least ${min} items` })
  const items = asSchema(schema.items)
  if (items !== undefined) value.forEach((item, i) => checkValue(item, items, { path: `${path}.${i}`, walk }))
}

function objectChecks(value: KubeMap, schema: KubeMap, at: At): void {
  const { path, walk } = at
  const count = Object.keys(value).length
  const max = num(schema.maxProperties)
  const min = num(schema.minProperties)
  if (max !== undefined && count > max) walk.errors.push({ type: 'Invalid', field: path, value: count, detail: `${path} in body should have at most ${max} properties` })
  if (min !== undefined && count < min) walk.errors.push({ type: 'Invalid', field: path, value: count, detail: `${path} in body should have at least ${min} properties` })
  const required = strings(schema.required)
  for (const name of required) if (!hasOwn(value, name)) walk.errors.push({ type: 'Required', field: child(path, name) })
  const properties = asSchema(schema.properties) ?? {}
  const additional = asSchema(schema.additionalProperties)
  for (const [key, v] of Object.entries(value)) {
    if (path === '' && TOP_LEVEL.has(key)) continue
    const prop = asSchema(getOwn(properties, key))
    if (prop !== undefined) checkValue(v, prop, { path: child(path, key), walk })
    else if (additional !== undefined) checkValue(v, additional, { path: child(path, key), walk })
  }
}

function typeError(value: KubeValue, schema: KubeMap, at: At): void {
  const { path, walk } = at
  const actual = jsonType(value)
  const expected = schema['x-kubernetes-int-or-string'] === true ? 'integer,string' : typeof schema.type === 'string' ? schema.type : ''
  walk.errors.push({ type: 'TypeInvalid', field: path, value: actual, detail: `${path} in body must be of type ${expected}: ${goQuote(actual)}` })
  walk.typeErrors++
}

/** Whether kube-openapi's type validator applies: the schema names a type or a format. */
const typed = (schema: KubeMap): boolean =>
  (typeof schema.type === 'string' && schema.type !== '') || schema['x-kubernetes-int-or-string'] === true || (typeof schema.format === 'string' && schema.format !== '')

/**
 * kube-openapi's SchemaValidator.Validate: the validators that apply to the value's kind, in its
 * order (type, junctors, string, format, number, array, enum, object), every one of them even after
 * a type mismatch. The match count grows as kube-openapi's does: one per validator that applied,
 * one more for each that counts its own pass (type when it matches, the junctors, number, array),
 * the nested values' counts, and one for the schema.
 */
function checkValue(value: KubeValue, schema: KubeMap, at: At): void {
  const { walk } = at
  if (value === null) {
    // Only the type and enum validators run on a nil value, with no count but the type's pass: no
    // junctor, so `not` and the others say nothing about a null.
    if (!typeMatches(value, schema) && schema.nullable !== true) typeError(value, schema, at)
    else walk.matches++
    if (schema.nullable !== true) enumCheck(value, schema, at)
    return
  }
  let matches = 1
  if (typed(schema)) {
    matches++
    // kube-openapi runs every validator that applies to the value's kind after a type mismatch
    // too: the junctors, and the checks of the value's own kind (a string's length, an object's
    // required).
    if (typeMatches(value, schema)) matches++
    else typeError(value, schema, at)
  }
  matches++
  junctorChecks(value, schema, { at, check: checkValue })
  if (typeof value === 'string') {
    stringChecks(value, schema, at)
    matches++
    if (typeof schema.format === 'string' && knownFormat(schema.format)) {
      formatCheck(value, schema, at)
      matches++
    }
  }
  if (typeof value === 'number' || typeof value === 'bigint') {
    numberChecks(Number(value), schema, at)
    matches += 2
  }
  if (Array.isArray(value)) {
    arrayChecks(value, schema, at)
    matches += 2
  }
  enumCheck(value, schema, at)
  matches++
  if (isKubeMap(value)) {
    objectChecks(value, schema, at)
    matches++
  }
  walk.matches += matches
}

/** Go's `%#v` of the map[string]interface{} of a map-list item's keys. */
function goKeyMap(item: KubeMap, keys: readonly string[]): string {
  const parts = [...keys].sort().map((k) => {
    const v = getOwn(item, k)
    return `${goQuote(k)}:${typeof v === 'string' ? goQuote(v) : typeof v === 'number' ? `${Number.isInteger(v) ? v : v}` : JSON.stringify(v ?? null)}`
  })
  return `map[string]interface {}{${parts.join(', ')}}`
}

/** structurallisttype.ValidateListSetsAndMaps: no duplicate set items or map keys. */
function listTypeErrors(value: KubeValue | undefined, schema: KubeMap, at: { path: string; errors: FieldError[] }): void {
  const { path, errors } = at
  if (Array.isArray(value)) {
    const listType = schema['x-kubernetes-list-type']
    if (listType === 'set') {
      value.forEach((item, i) => {
        if (value.slice(0, i).some((other) => deepEqual(other, item))) errors.push({ type: 'Duplicate', field: `${path}[${i}]`, value: item })
      })
    } else if (listType === 'map') {
      const keys = strings(schema['x-kubernetes-list-map-keys'])
      const seen: KubeMap[] = []
      value.forEach((item, i) => {
        if (!isKubeMap(item)) return
        if (seen.some((other) => keys.every((k) => deepEqual(getOwn(other, k), getOwn(item, k))))) errors.push({ type: 'Duplicate', field: `${path}[${i}]`, shown: goKeyMap(item, keys) })
        seen.push(item)
      })
    }
    const items = asSchema(schema.items)
    if (items !== undefined) value.forEach((item, i) => listTypeErrors(item, items, { path: `${path}[${i}]`, errors: errors }))
  } else if (isKubeMap(value)) {
    const properties = asSchema(schema.properties) ?? {}
    const additional = asSchema(schema.additionalProperties)
    for (const [key, v] of Object.entries(value)) {
      if (path === '' && TOP_LEVEL.has(key)) continue
      const prop = asSchema(getOwn(properties, key)) ?? additional
      if (prop !== undefined) listTypeErrors(v, prop, { path: child(path, key), errors: errors })
    }
  }
}

/** The old value matching a new list item: by key for map lists, by value for sets, none otherwise. */
function oldItem(schema: KubeMap, item: KubeValue, old: KubeValue | undefined): { value: KubeValue } | undefined {
  if (!Array.isArray(old)) return undefined
  if (schema['x-kubernetes-list-type'] === 'map' && isKubeMap(item)) {
    const keys = strings(schema['x-kubernetes-list-map-keys'])
    const found = old.find((o) => isKubeMap(o) && keys.every((k) => deepEqual(getOwn(o, k), getOwn(item, k))))
    return found === undefined ? undefined : { value: found }
  }
  if (schema['x-kubernetes-list-type'] === 'set') return old.some((o) => deepEqual(o, item)) ? { value: item } : undefined
  return undefined
}

function celWalk(value: KubeValue, schema: KubeMap, at: { path: string; old: { value: KubeValue } | undefined; out: SchemaCheck; nodes: RuleNodes }): void {
  const { path, old, out, nodes } = at
  if (Array.isArray(schema['x-kubernetes-validations'])) {
    const rules = schema['x-kubernetes-validations'].filter(isKubeMap)
    const result = evaluateRules({
      rules,
      self: toCel(value, schema),
      oldSelf: old === undefined ? undefined : { value: toCel(old.value, schema) },
      path,
      schemaType: typeof schema.type === 'string' ? schema.type : '',
    })
    for (const error of result.errors) nodes.set(error, path)
    out.errors.push(...result.errors)
    out.warnings.push(...result.warnings)
  }
  if (Array.isArray(value)) {
    const items = asSchema(schema.items)
    if (items !== undefined) value.forEach((item, i) => celWalk(item, items, { path: `${path}[${i}]`, old: oldItem(schema, item, old?.value), out, nodes }))
  } else if (isKubeMap(value)) {
    const properties = asSchema(schema.properties) ?? {}
    const additional = asSchema(schema.additionalProperties)
    const oldMap = old !== undefined && isKubeMap(old.value) ? old.value : undefined
    for (const [key, v] of Object.entries(value)) {
      if (path === '' && TOP_LEVEL.has(key)) continue
      const prop = asSchema(getOwn(properties, key)) ?? additional
      if (prop === undefined) continue
      const previous = oldMap !== undefined && hasOwn(oldMap, key) ? { value: oldMap[key] as KubeValue } : undefined
      celWalk(v, prop, { path: child(path, key), old: previous, out, nodes })
    }
  }
}

/** The value at a field path as errors name it (`spec.list.0.name`, `spec.list[0]`), if it resolves. */
function valueAtPath(root: KubeValue, path: string): { value: KubeValue } | undefined {
  let current: KubeValue = root
  for (const segment of path.replace(/\[(\d+)\]/g, '.$1').split('.').filter((p) => p !== '')) {
    if (Array.isArray(current) && /^\d+$/.test(segment) && Number(segment) < current.length) current = current[Number(segment)] as KubeValue
    else if (isKubeMap(current) && hasOwn(current, segment)) current = current[segment] as KubeValue
    else return undefined
  }
  return { value: current }
}

/**
 * Validation ratcheting, on by default since Kubernetes 1.30: on update, an error about a value the
 * update left as it was (for a missing required field: its unchanged parent) is not reported.
 */
function ratchet(errors: FieldError[], values: { next: KubeValue; old: KubeValue; nodes: RuleNodes }): FieldError[] {
  const { next, old, nodes } = values
  return errors.filter((error) => {
    const path = nodes.get(error) ?? (error.type === 'Required' ? error.field.slice(0, Math.max(0, error.field.lastIndexOf('.'))) : error.field)
    if (error.field === '<nil>') return true
    const before = valueAtPath(old, path)
    const after = valueAtPath(next, path)
    return before === undefined || after === undefined || !deepEqual(before.value, after.value)
  })
}

/** Errors and warnings of a custom resource against its version's structural schema; `live` on update. */
export function validateCustomObject(object: KubeObject, schema: KubeMap | undefined, live: KubeObject | undefined): SchemaCheck {
  const out: SchemaCheck = { errors: [], warnings: [] }
  if (schema === undefined) return out
  const value = object as unknown as KubeMap
  const walk: Walk = { errors: out.errors, typeErrors: 0, matches: 0, deep: { at: undefined } }
  checkValue(value, schema, { path: '', walk })
  // go-openapi's Result.AddErrors keeps one of errors with the same text (an allOf whose alternatives
  // fail alike, a composite error of nested junctors at one path): kube-apiserver reports each once.
  // In place: a spread of every error into splice's arguments throws past V8's argument limit.
  const seen = new Set<string>()
  let kept = 0
  for (const e of out.errors) {
    const text = fieldErrorText(e)
    if (seen.has(text)) continue
    seen.add(text)
    out.errors[kept++] = e
  }
  out.errors.length = kept
  const deep = walk.deep?.at
  if (deep !== undefined) {
    out.errors.push({ type: 'Internal', field: deep, detail: `the schema nests allOf, anyOf, oneOf and not more than ${MAX_JUNCTOR_DEPTH} deep, deeper than this server validates` })
  }
  listTypeErrors(value, schema, { path: '', errors: out.errors })
  if (walk.typeErrors > 0) {
    out.errors.push({ type: 'Invalid', field: '<nil>', value: 'null', detail: 'some validation rules were not checked because the object was invalid; correct the existing errors to complete validation' })
    return out
  }
  const nodes: RuleNodes = new Map()
  celWalk(value, schema, { path: '', old: live === undefined ? undefined : { value: live as unknown as KubeMap }, out, nodes })
  if (live === undefined) return out
  return { errors: ratchet(out.errors, { next: value, old: live as unknown as KubeMap, nodes }), warnings: out.warnings }
}
