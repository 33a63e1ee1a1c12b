// The structural checks kube-apiserver runs on a CRD's schema (apiextensions-apiserver
// pkg/apiserver/schema/validation.go and complete.go): empty types, list-type rules, patterns Go's
// regexp rejects, what a schema under a junctor may not hold, and the completeness of the root's
// junctors. Every walk uses a stack: a schema nested thousands deep in a request body is read
// like any other. Only own keys are read.
import { isKubeMap } from '@gitops-sdk/core'
import { compileGoRegexp } from '@gitops-sdk/core/go'
import type { KubeMap, KubeValue } from '@gitops-sdk/core'
import type { FieldError } from '../../status.js'
import { fieldErrorBody } from '../../status.js'
import { getOwn } from '../../ssa/ownKeys.js'

const strings = (value: KubeValue | undefined): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [])

/**
 * Go's reason for refusing a schema's `pattern` (kube-apiserver compiles it with Go's regexp when
 * the CRD is created or updated: `error parsing regexp: …`), or undefined when it compiles.
 */
function patternError(pattern: KubeValue | undefined): string | undefined {
  if (typeof pattern !== 'string' || pattern === '') return undefined
  try {
    compileGoRegexp(pattern)
    return undefined
  } catch (err) {
    // CORE_REGEXP_INVALID's cause carries Go's own message.
    const cause = (err as Error).cause
    return cause instanceof Error ? cause.message : (err as Error).message
  }
}

/** A schema position the value-validation walk visits. */
interface ValueStep {
  readonly schema: KubeMap
  readonly field: string
  /** Under allOf, anyOf, oneOf or not: kube's NestedValueValidation, which may hold less. */
  readonly nested: boolean
  /** Its anyOf is the IntOrString pattern's (`allOf[0]` of a schema whose allOf starts with it). */
  readonly skipAnyOf: boolean
}

/** Whether `list` is exactly IntOrString's `[{type: integer}, {type: string}]`, which kube lets through. */
function isIntOrStringAnyOf(list: KubeValue | undefined): boolean {
  if (!Array.isArray(list) || list.length !== 2) return false
  return ['integer', 'string'].every((type, i) => {
    const entry = list[i]
    return isKubeMap(entry) && Object.keys(entry).length === 1 && getOwn(entry, 'type') === type
  })
}

/** What a schema under a junctor may not hold (validateNestedValueValidation), as `[key, detail]` when it does. */
function forbiddenNested(schema: KubeMap): [string, string][] {
  const found: [string, string][] = []
  const set = (key: string): KubeValue | undefined => {
    const value = getOwn(schema, key)
    return value === null ? undefined : value
  }
  if (typeof set('type') === 'string' && set('type') !== '') found.push(['type', 'must be empty to be structural'])
  if (set('additionalProperties') !== undefined) found.push(['additionalProperties', 'must be undefined to be structural'])
  if (set('default') !== undefined) found.push(['default', 'must be undefined to be structural'])
  if (typeof set('title') === 'string' && set('title') !== '') found.push(['title', 'must be empty to be structural'])
  if (typeof set('description') === 'string' && set('description') !== '') found.push(['description', 'must be empty to be structural'])
  for (const key of ['nullable', 'x-kubernetes-preserve-unknown-fields', 'x-kubernetes-embedded-resource', 'x-kubernetes-int-or-string']) {
    if (set(key) === true) found.push([key, 'must be false to be structural'])
  }
  const keys = set('x-kubernetes-list-map-keys')
  if (Array.isArray(keys) && keys.length > 0) found.push(['x-kubernetes-list-map-keys', 'must be empty to be structural'])
  if (set('x-kubernetes-list-type') !== undefined) found.push(['x-kubernetes-list-type', 'must be undefined to be structural'])
  if (set('x-kubernetes-map-type') !== undefined) found.push(['x-kubernetes-map-type', 'must be undefined to be structural'])
  const rules = set('x-kubernetes-validations')
  if (Array.isArray(rules) && rules.length > 0) found.push(['x-kubernetes-validations', 'must be empty to be structural'])
  return found
}

/**
 * The value-validation errors of kube-apiserver's structural check (apiextensions-apiserver
 * pkg/apiserver/schema/validation.go) at every position it visits: a `pattern` Go's regexp rejects,
 * through `properties`, `additionalProperties` and `items`, and under `allOf`, `anyOf`, `oneOf` and
 * `not`, nested in each other and in those; and under a junctor, what a nested schema may not hold
 * (a type, additionalProperties, which is not looked into, a default, a title, a description,
 * nullable, the x-kubernetes extensions, metadata among its properties), save IntOrString's anyOf.
 * Walked with a stack, not recursion: a schema nested thousands deep in a request body is read like
 * any other; only own keys are read.
 */
function patternErrors(root: KubeMap, field: string): FieldError[] {
  const errors: FieldError[] = []
  const stack: ValueStep[] = [{ schema: root, field, nested: false, skipAnyOf: false }]
  const push = (value: KubeValue | undefined, at: string, flags: { readonly nested: boolean; readonly skipAnyOf?: boolean }): void => {
    if (isKubeMap(value)) stack.push({ schema: value, field: at, nested: flags.nested, skipAnyOf: flags.skipAnyOf === true })
  }
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { schema, field: at, nested } = next
    const reason = patternError(getOwn(schema, 'pattern'))
    if (reason !== undefined) errors.push({ type: 'Invalid', field: `${at}.pattern`, value: getOwn(schema, 'pattern') ?? '', detail: `must be a valid regular expression, but isn't: ${reason}` })
    const properties = getOwn(schema, 'properties')
    if (isKubeMap(properties)) for (const [key, child] of Object.entries(properties)) push(child, `${at}.properties[${key}]`, { nested })
    if (nested) {
      for (const [key, detail] of forbiddenNested(schema)) errors.push({ type: 'Forbidden', field: `${at}.${key}`, detail })
      if (isKubeMap(properties) && getOwn(properties, 'metadata') !== undefined) {
        errors.push({ type: 'Forbidden', field: `${at}.properties[metadata]`, detail: 'must not be specified in a nested context' })
      }
    } else push(getOwn(schema, 'additionalProperties'), `${at}.additionalProperties`, { nested: false })
    push(getOwn(schema, 'items'), `${at}.items`, { nested })
    // IntOrString's two patterns: anyOf [{type: integer}, {type: string}], or allOf starting with it.
    const anyOf = getOwn(schema, 'anyOf')
    const skipAnyOf = next.skipAnyOf || (!nested && isIntOrStringAnyOf(anyOf))
    if (!skipAnyOf && Array.isArray(anyOf)) anyOf.forEach((child, i) => push(child, `${at}.anyOf[${i}]`, { nested: true }))
    const allOf = getOwn(schema, 'allOf')
    if (Array.isArray(allOf)) {
      const skipFirst = !nested && isKubeMap(allOf[0]) && isIntOrStringAnyOf(getOwn(allOf[0], 'anyOf'))
      allOf.forEach((child, i) => push(child, `${at}.allOf[${i}]`, { nested: true, skipAnyOf: i === 0 && skipFirst }))
    }
    const oneOf = getOwn(schema, 'oneOf')
    if (Array.isArray(oneOf)) oneOf.forEach((child, i) => push(child, `${at}.oneOf[${i}]`, { nested: true }))
    push(getOwn(schema, 'not'), `${at}.not`, { nested: true })
  }
  return errors
}

/** A step of the completeness walk: a schema under a junctor and its structural counterpart. */
interface CompletenessStep {
  readonly nested: KubeValue | undefined
  readonly structural: KubeMap | undefined
  readonly sPath: string
  readonly vPath: string
}

/**
 * kube-apiserver's validateStructuralCompleteness: every property and `items` a schema under a
 * junctor names must exist in the structural schema at the same place (`…properties[b]: Required
 * value: because it is defined in …allOf[0].properties[b]`). As kube, it starts from the junctors of
 * the root schema only, and follows them through nested junctors, properties and items. Walked with
 * a stack; own keys only.
 */
function completenessErrors(root: KubeMap, field: string): FieldError[] {
  const errors: FieldError[] = []
  const stack: CompletenessStep[] = []
  const junctors = (nested: KubeMap, structural: KubeMap, paths: { readonly sPath: string; readonly vPath: string }): void => {
    const { sPath, vPath } = paths
    stack.push({ nested: getOwn(nested, 'not'), structural, sPath, vPath: `${vPath}.not` })
    for (const junctor of ['allOf', 'anyOf', 'oneOf']) {
      const list = getOwn(nested, junctor)
      if (Array.isArray(list)) list.forEach((child, i) => stack.push({ nested: child, structural, sPath, vPath: `${vPath}.${junctor}[${i}]` }))
    }
  }
  junctors(root, root, { sPath: field, vPath: field })
  for (let step = stack.pop(); step !== undefined; step = stack.pop()) {
    const { nested, structural, sPath, vPath } = step
    if (!isKubeMap(nested)) continue
    if (structural === undefined) {
      errors.push({ type: 'Required', field: sPath, detail: `because it is defined in ${vPath}` })
      continue
    }
    junctors(nested, structural, { sPath, vPath })
    const items = getOwn(structural, 'items')
    stack.push({ nested: getOwn(nested, 'items'), structural: isKubeMap(items) ? items : undefined, sPath: `${sPath}.items`, vPath: `${vPath}.items` })
    const properties = getOwn(nested, 'properties')
    const known = getOwn(structural, 'properties')
    if (!isKubeMap(properties)) continue
    for (const [key, child] of Object.entries(properties)) {
      const counterpart = isKubeMap(known) ? getOwn(known, key) : undefined
      if (!isKubeMap(counterpart)) errors.push({ type: 'Required', field: `${sPath}.properties[${key}]`, detail: `because it is defined in ${vPath}.properties[${key}]` })
      else stack.push({ nested: child, structural: counterpart, sPath: `${sPath}.properties[${key}]`, vPath: `${vPath}.properties[${key}]` })
    }
  }
  return errors
}

/** Go's `err.Error()` of a field error, by which kube-apiserver sorts the structural errors. */
const errorText = (error: FieldError): string => `${error.field}: ${fieldErrorBody(error)}`

/** Compares texts by their UTF-8 bytes, as Go compares strings (UTF-16 order differs above U+FFFF). */
function goCompare(a: string, b: string): number {
  return Buffer.compare(Buffer.from(a), Buffer.from(b))
}

/** A step of the structural walk: a schema to check, or the list checks of an array schema's `items`. */
type StructuralStep =
  | { readonly kind: 'schema'; readonly schema: KubeMap; readonly field: Field; readonly preserve: boolean }
  | { readonly kind: 'items'; readonly schema: KubeMap; readonly items: KubeMap; readonly field: Field }

/**
 * A schema's position as its parent's and the last part: the text is built only for an error, so a
 * walk of a schema nested n deep costs n, not n² (the text of every position).
 */
interface Field {
  readonly parent: Field | undefined
  readonly part: string
}

function fieldText(field: Field): string {
  const parts: string[] = []
  for (let at: Field | undefined = field; at !== undefined; at = at.parent) parts.push(at.part)
  return parts.reverse().join('')
}

/**
 * An empty `type` where kube requires one (`structural`), and the list-type rules on `items`
 * (`errors`), in the order a depth-first walk of `properties`, `additionalProperties` and `items`
 * meets them. Walked with a stack, not recursion: a schema nested thousands deep in a request body
 * (nothing bounds its depth before this) is read like any other, instead of overflowing the call
 * stack into an untyped RangeError.
 */
function structuralErrors(root: KubeMap, rootField: string, out: { readonly errors: FieldError[]; readonly structural: FieldError[] }): void {
  const { errors, structural } = out
  const stack: StructuralStep[] = [{ kind: 'schema', schema: root, field: { parent: undefined, part: rootField }, preserve: false }]
  for (let step = stack.pop(); step !== undefined; step = stack.pop()) {
    if (step.kind === 'items') {
      listErrors({ schema: step.schema, items: step.items, field: fieldText(step.field) }, errors)
      continue
    }
    const { schema, field } = step
    const preserve = step.preserve || schema['x-kubernetes-preserve-unknown-fields'] === true
    if (schema.type === undefined && !preserve && schema['x-kubernetes-int-or-string'] !== true) {
      structural.push({ type: 'Required', field: `${fieldText(field)}.type`, detail: 'must not be empty for specified object fields' })
    }
    // Pushed in reverse: properties in order, then additionalProperties, the list checks, items.
    if (isKubeMap(schema.items)) {
      stack.push({ kind: 'schema', schema: schema.items, field: { parent: field, part: '.items' }, preserve })
      if (schema['x-kubernetes-list-type'] !== undefined) stack.push({ kind: 'items', schema, items: schema.items, field })
    }
    if (isKubeMap(schema.additionalProperties)) stack.push({ kind: 'schema', schema: schema.additionalProperties, field: { parent: field, part: '.additionalProperties' }, preserve })
    if (isKubeMap(schema.properties)) {
      const entries = Object.entries(schema.properties)
      for (let i = entries.length - 1; i >= 0; i--) {
        const [key, child] = entries[i] as [string, KubeValue]
        if (isKubeMap(child)) stack.push({ kind: 'schema', schema: child, field: { parent: field, part: `.properties[${key}]` }, preserve })
      }
    }
  }
}

/** The rules `x-kubernetes-list-type` puts on an array schema's `items`. */
function listErrors(at: { readonly schema: KubeMap; readonly items: KubeMap; readonly field: string }, errors: FieldError[]): void {
  const { schema, items, field } = at
  const listType = schema['x-kubernetes-list-type']
  if (listType === 'map') {
    const keys = strings(schema['x-kubernetes-list-map-keys'])
    if (items.type !== 'object') errors.push({ type: 'Invalid', field: `${field}.items.type`, value: items.type ?? '', detail: 'must be object if parent array\'s x-kubernetes-list-type is map' })
    const required = new Set(strings(items.required))
    const props = isKubeMap(items.properties) ? items.properties : {}
    for (const key of keys) {
      const prop = getOwn(props, key)
      if (!isKubeMap(prop) || (!required.has(key) && prop.default === undefined)) {
        errors.push({ type: 'Required', field: `${field}.items.properties[${key}]`, detail: 'must be required or have a default' })
      }
    }
  }
  if (listType === 'set' && (items.type === 'object' || items.type === 'array')) {
    errors.push({ type: 'Invalid', field: `${field}.items.type`, value: items.type, detail: 'must be a scalar type if parent array\'s x-kubernetes-list-type is set' })
  }
}

/**
 * The structural errors of the schema of a CRD version at `field`: the list-type rules in the order
 * the walk meets them, then the rest sorted by their text as kube-apiserver's ValidateStructural
 * sorts them (an empty type, a pattern Go rejects, what a junctor may not hold, incompleteness).
 */
export function schemaErrors(schema: KubeMap, field: string): FieldError[] {
  const errors: FieldError[] = []
  const structural: FieldError[] = []
  structuralErrors(schema, field, { errors, structural })
  structural.push(...patternErrors(schema, field))
  structural.push(...completenessErrors(schema, field))
  errors.push(...structural.map((e) => ({ error: e, text: errorText(e) })).sort((a, b) => goCompare(a.text, b.text)).map((e) => e.error))
  return errors
}
