// The structural checks kube-apiserver runs on a CRD's schema (apiextensions-apiserver
// pkg/apiserver/schema/validation.go and complete.go): empty types, list-type rules, patterns Go's
// regexp rejects, what a schema under a junctor may not hold, and the completeness of the root's
// junctors, all found in one walk with a stack: a schema nested thousands deep in a request body is
// read like any other. Only own keys are read.
import { isGitOpsError, isKubeMap } from '@gitops-sdk/core'
import { compareStrings, compileGoRegexp } from '@gitops-sdk/core/go'
import type { GoRegexpErrorDetails } from '@gitops-sdk/core/go'
import type { KubeMap, KubeValue } from '@gitops-sdk/core'
import type { FieldError } from '../../status.js'
import { fieldErrorText } from '../../status.js'
import { getOwn } from '../../ssa/ownKeys.js'
import { strings } from './strings.js'

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
    // CORE_REGEXP_INVALID's details carry Go's own message; anything else is not about the pattern.
    if (!isGitOpsError(err, 'CORE_REGEXP_INVALID')) throw err
    return (err.details as GoRegexpErrorDetails).reason
  }
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

/** A schema's structural counterpart, for the completeness check of a schema under the root's junctors. */
interface Counterpart {
  readonly structural: KubeMap
  readonly field: Field
}

/** A step of the walk: a schema to check, or the list checks of an array schema's `items`. */
type Step =
  | {
      readonly kind: 'schema'
      readonly schema: KubeMap
      readonly field: Field
      /** Under allOf, anyOf, oneOf or not: kube's NestedValueValidation, which may hold less. */
      readonly nested: boolean
      /** Under x-kubernetes-preserve-unknown-fields (outside junctors): a type may be empty. */
      readonly preserve: boolean
      /** Its anyOf is the IntOrString pattern's (`allOf[0]` of a schema whose allOf starts with it). */
      readonly skipAnyOf: boolean
      /** Below IntOrString's anyOf: visited for completeness only, as kube's value walk skips it. */
      readonly completenessOnly: boolean
      /** Under the root's junctors: the structural schema at the same place (completeness). */
      readonly counterpart: Counterpart | undefined
    }
  | { readonly kind: 'items'; readonly schema: KubeMap; readonly items: KubeMap; readonly field: Field }

type SchemaStep = Extract<Step, { kind: 'schema' }>

/** Where the walk puts what it finds: the list-type rules in walk order, the rest to be sorted. */
interface Found {
  readonly errors: FieldError[]
  readonly structural: FieldError[]
}

/** `field` with `part` appended. */
const below = (field: Field, part: string): Field => ({ parent: field, part })

/**
 * Everything kube-apiserver's structural check (apiextensions-apiserver pkg/apiserver/schema
 * validation.go and complete.go) finds in a CRD version's schema, in one walk with a stack, not
 * recursion (a schema nested thousands deep in a request body is read like any other), own keys only:
 *
 * - outside junctors, through `properties`, `additionalProperties` and `items` in depth-first order:
 *   an empty `type` where kube requires one, and the list-type rules on `items` (`errors`, in the
 *   order met);
 * - everywhere, under `allOf`, `anyOf`, `oneOf` and `not` too: a `pattern` Go's regexp rejects; under
 *   a junctor, what a nested schema may not hold (a type, additionalProperties, which is not looked
 *   into, a default, a title, a description, nullable, the x-kubernetes extensions, metadata among
 *   its properties), save IntOrString's anyOf;
 * - validateStructuralCompleteness: every property and `items` a schema under the root's junctors
 *   names must exist in the structural schema at the same place (`…properties[b]: Required value:
 *   because it is defined in …allOf[0].properties[b]`), followed through nested junctors, properties
 *   and items (IntOrString's anyOf included).
 */
function walkSchema(root: KubeMap, rootField: string, found: Found): void {
  const { errors, structural } = found
  const rootAt: Field = { parent: undefined, part: rootField }
  const stack: Step[] = [
    { kind: 'schema', schema: root, field: rootAt, nested: false, preserve: false, skipAnyOf: false, completenessOnly: false, counterpart: { structural: root, field: rootAt } },
  ]
  for (let step = stack.pop(); step !== undefined; step = stack.pop()) {
    if (step.kind === 'items') listErrors({ schema: step.schema, items: step.items, field: fieldText(step.field) }, errors)
    else if (step.nested) nestedStep(step, { stack, structural })
    else outerStep(step, { stack, structural })
  }
}

/** What one step pushes its children to and reports its errors in. */
interface StepOut {
  readonly stack: Step[]
  readonly structural: FieldError[]
}

/** A schema outside junctors: its type, pattern and list rules; its junctors and children pushed. */
function outerStep(step: SchemaStep, out: StepOut): void {
  const { schema, field } = step
  const { stack, structural } = out
  const preserve = step.preserve || getOwn(schema, 'x-kubernetes-preserve-unknown-fields') === true
  if (getOwn(schema, 'type') === undefined && !preserve && getOwn(schema, 'x-kubernetes-int-or-string') !== true) {
    structural.push({ type: 'Required', field: `${fieldText(field)}.type`, detail: 'must not be empty for specified object fields' })
  }
  patternCheck(schema, field, structural)
  // Junctors first, so that what is outside them is popped in depth-first order: properties in
  // order, then additionalProperties, the list checks, items.
  pushJunctors(step, stack)
  const outer = (child: KubeMap, part: string): SchemaStep => ({
    kind: 'schema',
    schema: child,
    field: below(field, part),
    nested: false,
    preserve,
    skipAnyOf: false,
    completenessOnly: false,
    counterpart: undefined,
  })
  const items = getOwn(schema, 'items')
  if (isKubeMap(items)) {
    stack.push(outer(items, '.items'))
    if (getOwn(schema, 'x-kubernetes-list-type') !== undefined) stack.push({ kind: 'items', schema, items, field })
  }
  const additional = getOwn(schema, 'additionalProperties')
  if (isKubeMap(additional)) stack.push(outer(additional, '.additionalProperties'))
  const properties = getOwn(schema, 'properties')
  if (isKubeMap(properties)) {
    const keys = Object.keys(properties)
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i] as string
      const child = getOwn(properties, key)
      if (isKubeMap(child)) stack.push(outer(child, `.properties[${key}]`))
    }
  }
}

/** A schema under a junctor: its pattern, what it may not hold, its completeness; its children pushed. */
function nestedStep(step: SchemaStep, out: StepOut): void {
  const { schema, field, counterpart } = step
  const { stack, structural } = out
  const properties = getOwn(schema, 'properties')
  if (!step.completenessOnly) {
    patternCheck(schema, field, structural)
    for (const [key, detail] of forbiddenNested(schema)) structural.push({ type: 'Forbidden', field: `${fieldText(field)}.${key}`, detail })
    if (isKubeMap(properties) && getOwn(properties, 'metadata') !== undefined) {
      structural.push({ type: 'Forbidden', field: `${fieldText(field)}.properties[metadata]`, detail: 'must not be specified in a nested context' })
    }
  }
  pushJunctors(step, stack)
  const nested = (child: KubeMap, part: string, next: Counterpart | undefined): void => {
    if (step.completenessOnly && next === undefined) return
    stack.push({ kind: 'schema', schema: child, field: below(field, part), nested: true, preserve: false, skipAnyOf: false, completenessOnly: step.completenessOnly, counterpart: next })
  }
  const items = getOwn(schema, 'items')
  if (isKubeMap(items)) {
    let next: Counterpart | undefined
    if (counterpart !== undefined) {
      const known = getOwn(counterpart.structural, 'items')
      if (isKubeMap(known)) next = { structural: known, field: below(counterpart.field, '.items') }
      else structural.push({ type: 'Required', field: `${fieldText(counterpart.field)}.items`, detail: `because it is defined in ${fieldText(field)}.items` })
    }
    nested(items, '.items', next)
  }
  if (!isKubeMap(properties)) return
  const known = counterpart === undefined ? undefined : getOwn(counterpart.structural, 'properties')
  for (const key of Object.keys(properties)) {
    const child = getOwn(properties, key)
    let next: Counterpart | undefined
    if (counterpart !== undefined) {
      const match = isKubeMap(known) ? getOwn(known, key) : undefined
      if (isKubeMap(match)) next = { structural: match, field: below(counterpart.field, `.properties[${key}]`) }
      else structural.push({ type: 'Required', field: `${fieldText(counterpart.field)}.properties[${key}]`, detail: `because it is defined in ${fieldText(field)}.properties[${key}]` })
    }
    if (isKubeMap(child)) nested(child, `.properties[${key}]`, next)
  }
}

/**
 * A schema's junctors, nested under it with the same counterpart. IntOrString's anyOf (of a schema
 * outside junctors, or of the first allOf entry of one) is skipped by kube's value walk, but not by
 * its completeness check: it is pushed for completeness only, when that applies.
 */
function pushJunctors(step: SchemaStep, stack: Step[]): void {
  const { schema, field, counterpart } = step
  const child = (value: KubeValue | undefined, part: string, flags: { readonly skipAnyOf?: boolean; readonly completenessOnly?: boolean } = {}): void => {
    const completenessOnly = step.completenessOnly || flags.completenessOnly === true
    if (!isKubeMap(value) || (completenessOnly && counterpart === undefined)) return
    stack.push({ kind: 'schema', schema: value, field: below(field, part), nested: true, preserve: false, skipAnyOf: flags.skipAnyOf === true, completenessOnly, counterpart })
  }
  const anyOf = getOwn(schema, 'anyOf')
  const skipAnyOf = step.skipAnyOf || (!step.nested && isIntOrStringAnyOf(anyOf))
  if (Array.isArray(anyOf)) anyOf.forEach((entry, i) => child(entry, `.anyOf[${i}]`, { completenessOnly: skipAnyOf }))
  const allOf = getOwn(schema, 'allOf')
  if (Array.isArray(allOf)) {
    const skipFirst = !step.nested && isKubeMap(allOf[0]) && isIntOrStringAnyOf(getOwn(allOf[0], 'anyOf'))
    allOf.forEach((entry, i) => child(entry, `.allOf[${i}]`, { skipAnyOf: i === 0 && skipFirst }))
  }
  const oneOf = getOwn(schema, 'oneOf')
  if (Array.isArray(oneOf)) oneOf.forEach((entry, i) => child(entry, `.oneOf[${i}]`))
  child(getOwn(schema, 'not'), '.not')
}

/** A `pattern` Go's regexp rejects. */
function patternCheck(schema: KubeMap, field: Field, structural: FieldError[]): void {
  const pattern = getOwn(schema, 'pattern')
  const reason = patternError(pattern)
  if (reason !== undefined) structural.push({ type: 'Invalid', field: `${fieldText(field)}.pattern`, value: pattern ?? '', detail: `must be a valid regular expression, but isn't: ${reason}` })
}

/**
 * Go's `err.Error()` of a field error, by which kube-apiserver sorts the structural errors, as Go
 * holds it: a lone surrogate (which JSON.parse keeps from a `\ud800` escape) is U+FFFD there, as
 * encoding/json decodes it, so that core's compareStrings (Go's byte order for well-formed text)
 * sorts it where Go does.
 */
const sortText = (error: FieldError): string => fieldErrorText(error).replace(/\p{Cs}/gu, '\ufffd')

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
  walkSchema(schema, field, { errors, structural })
  const sorted = structural.map((e) => ({ error: e, text: sortText(e) })).sort((a, b) => compareStrings(a.text, b.text))
  for (const { error } of sorted) errors.push(error)
  return errors
}
