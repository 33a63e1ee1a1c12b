// CustomResourceDefinitions (SPEC.md §13): defaults, the validation subset, name acceptance and
// the resource type an established CRD serves.
import { isKubeMap } from '@gitops-sdk/core'
import { compileGoRegexp } from '@gitops-sdk/core/go'
import type { KubeMap, KubeObject, KubeValue } from '@gitops-sdk/core'
import type { Cluster } from '../state/cluster.js'
import { mapAt, text } from '../state/objects.js'
import type { ResourceType } from '../state/registry.js'
import { customVerbs, terminatingCustomVerbs } from '../state/registry.js'
import type { FieldError } from '../../status.js'
import { fieldErrorBody } from '../../status.js'
import { getOwn } from '../../ssa/ownKeys.js'

const strings = (value: KubeValue | undefined): string[] => (Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [])

/** Fills `singular`, `listKind` and the conversion strategy. */
export function defaultCrd(crd: KubeObject): void {
  if (!isKubeMap(crd.spec)) return
  const names = mapAt(crd.spec, 'names')
  if (typeof names.kind === 'string') {
    if (names.singular === undefined || names.singular === '') names.singular = names.kind.toLowerCase()
    if (names.listKind === undefined || names.listKind === '') names.listKind = `${names.kind}List`
  }
  const conversion = mapAt(crd.spec, 'conversion')
  if (conversion.strategy === undefined) conversion.strategy = 'None'
}

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
  const push = (value: KubeValue | undefined, at: string, nested: boolean, skipAnyOf = false): void => {
    if (isKubeMap(value)) stack.push({ schema: value, field: at, nested, skipAnyOf })
  }
  for (let next = stack.pop(); next !== undefined; next = stack.pop()) {
    const { schema, field: at, nested } = next
    const reason = patternError(getOwn(schema, 'pattern'))
    if (reason !== undefined) errors.push({ type: 'Invalid', field: `${at}.pattern`, value: getOwn(schema, 'pattern') ?? '', detail: `must be a valid regular expression, but isn't: ${reason}` })
    const properties = getOwn(schema, 'properties')
    if (isKubeMap(properties)) for (const [key, child] of Object.entries(properties)) push(child, `${at}.properties[${key}]`, nested)
    if (nested) {
      for (const [key, detail] of forbiddenNested(schema)) errors.push({ type: 'Forbidden', field: `${at}.${key}`, detail })
      if (isKubeMap(properties) && getOwn(properties, 'metadata') !== undefined) {
        errors.push({ type: 'Forbidden', field: `${at}.properties[metadata]`, detail: 'must not be specified in a nested context' })
      }
    } else push(getOwn(schema, 'additionalProperties'), `${at}.additionalProperties`, false)
    push(getOwn(schema, 'items'), `${at}.items`, nested)
    // IntOrString's two patterns: anyOf [{type: integer}, {type: string}], or allOf starting with it.
    const anyOf = getOwn(schema, 'anyOf')
    const skipAnyOf = next.skipAnyOf || (!nested && isIntOrStringAnyOf(anyOf))
    if (!skipAnyOf && Array.isArray(anyOf)) anyOf.forEach((child, i) => push(child, `${at}.anyOf[${i}]`, true))
    const allOf = getOwn(schema, 'allOf')
    if (Array.isArray(allOf)) {
      const skipFirst = !nested && isKubeMap(allOf[0]) && isIntOrStringAnyOf(getOwn(allOf[0], 'anyOf'))
      allOf.forEach((child, i) => push(child, `${at}.allOf[${i}]`, true, i === 0 && skipFirst))
    }
    const oneOf = getOwn(schema, 'oneOf')
    if (Array.isArray(oneOf)) oneOf.forEach((child, i) => push(child, `${at}.oneOf[${i}]`, true))
    push(getOwn(schema, 'not'), `${at}.not`, true)
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
  const junctors = (nested: KubeMap, structural: KubeMap, sPath: string, vPath: string): void => {
    stack.push({ nested: getOwn(nested, 'not'), structural, sPath, vPath: `${vPath}.not` })
    for (const junctor of ['allOf', 'anyOf', 'oneOf']) {
      const list = getOwn(nested, junctor)
      if (Array.isArray(list)) list.forEach((child, i) => stack.push({ nested: child, structural, sPath, vPath: `${vPath}.${junctor}[${i}]` }))
    }
  }
  junctors(root, root, field, field)
  for (let step = stack.pop(); step !== undefined; step = stack.pop()) {
    const { nested, structural, sPath, vPath } = step
    if (!isKubeMap(nested)) continue
    if (structural === undefined) {
      errors.push({ type: 'Required', field: sPath, detail: `because it is defined in ${vPath}` })
      continue
    }
    junctors(nested, structural, sPath, vPath)
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
function structuralErrors(root: KubeMap, rootField: string, errors: FieldError[], structural: FieldError[]): void {
  const stack: StructuralStep[] = [{ kind: 'schema', schema: root, field: { parent: undefined, part: rootField }, preserve: false }]
  for (let step = stack.pop(); step !== undefined; step = stack.pop()) {
    if (step.kind === 'items') {
      listErrors(step.schema, step.items, fieldText(step.field), errors)
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
function listErrors(schema: KubeMap, items: KubeMap, field: string, errors: FieldError[]): void {
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

/** The validation subset of SPEC.md §13.1. */
export function validateCrd(crd: KubeObject): FieldError[] {
  const errors: FieldError[] = []
  const spec = isKubeMap(crd.spec) ? crd.spec : {}
  const names = isKubeMap(spec.names) ? spec.names : {}
  const group = typeof spec.group === 'string' ? spec.group : ''
  const plural = typeof names.plural === 'string' ? names.plural : ''
  if (group === '') errors.push({ type: 'Required', field: 'spec.group' })
  if (plural === '') errors.push({ type: 'Required', field: 'spec.names.plural' })
  if (typeof names.kind !== 'string' || names.kind === '') errors.push({ type: 'Required', field: 'spec.names.kind' })
  if (spec.scope !== 'Namespaced' && spec.scope !== 'Cluster') {
    errors.push({ type: 'NotSupported', field: 'spec.scope', value: spec.scope ?? '', detail: 'supported values: "Cluster", "Namespaced"' })
  }
  if (group !== '' && plural !== '' && crd.metadata.name !== `${plural}.${group}`) {
    errors.push({ type: 'Invalid', field: 'metadata.name', value: crd.metadata.name, detail: 'must be spec.names.plural+"."+spec.group' })
  }
  const versions = Array.isArray(spec.versions) ? spec.versions.filter(isKubeMap) : []
  if (versions.length === 0) errors.push({ type: 'Invalid', field: 'spec.versions', value: [], detail: 'must have exactly one version marked as storage version' })
  else if (versions.filter((v) => v.storage === true).length !== 1) {
    errors.push({ type: 'Invalid', field: 'spec.versions', value: spec.versions ?? null, detail: 'must have exactly one version marked as storage version' })
  }
  versions.forEach((v, i) => {
    const schema = isKubeMap(v.schema) ? v.schema.openAPIV3Schema : undefined
    if (!isKubeMap(schema)) errors.push({ type: 'Required', field: `spec.versions[${i}].schema.openAPIV3Schema` })
    else {
      const field = `spec.versions[${i}].schema.openAPIV3Schema`
      // ValidateStructural's errors (an empty type, a pattern Go rejects) come sorted by their text.
      const structural: FieldError[] = []
      structuralErrors(schema, field, errors, structural)
      structural.push(...patternErrors(schema, field))
      structural.push(...completenessErrors(schema, field))
      errors.push(...structural.map((e) => ({ error: e, text: errorText(e) })).sort((a, b) => goCompare(a.text, b.text)).map((e) => e.error))
    }
  })
  return errors
}

/** The storage version entry of a CRD. */
function storageVersion(crd: KubeObject): KubeMap | undefined {
  const spec = isKubeMap(crd.spec) ? crd.spec : {}
  const versions = Array.isArray(spec.versions) ? spec.versions.filter(isKubeMap) : []
  return versions.find((v) => v.storage === true) ?? versions[0]
}

/** The resource type a CRD serves (its storage version). */
export function customTypeOf(crd: KubeObject): ResourceType | undefined {
  const spec = isKubeMap(crd.spec) ? crd.spec : {}
  const names = isKubeMap(spec.names) ? spec.names : {}
  const version = storageVersion(crd)
  if (version === undefined || typeof spec.group !== 'string' || typeof names.plural !== 'string' || typeof names.kind !== 'string') return undefined
  const subresources = isKubeMap(version.subresources) ? version.subresources : {}
  const scale = isKubeMap(subresources.scale) ? subresources.scale : undefined
  const schema = isKubeMap(version.schema) && isKubeMap(version.schema.openAPIV3Schema) ? version.schema.openAPIV3Schema : undefined
  const selectable = Array.isArray(version.selectableFields) ? version.selectableFields.filter(isKubeMap) : []
  return {
    group: spec.group,
    version: text(version.name),
    kind: names.kind,
    listKind: typeof names.listKind === 'string' ? names.listKind : `${names.kind}List`,
    plural: names.plural,
    singular: typeof names.singular === 'string' ? names.singular : names.kind.toLowerCase(),
    namespaced: spec.scope !== 'Cluster',
    shortNames: strings(names.shortNames),
    categories: strings(names.categories),
    verbs: crd.metadata.deletionTimestamp === undefined ? customVerbs : terminatingCustomVerbs,
    status: subresources.status !== undefined,
    scale:
      scale === undefined
        ? undefined
        : { specReplicasPath: text(scale.specReplicasPath ?? '.spec.replicas'), statusReplicasPath: text(scale.statusReplicasPath ?? '.status.replicas') },
    generation: true,
    crd: {
      name: crd.metadata.name,
      schema,
      selectableFields: selectable.map((f) => text(f.jsonPath ?? '').replace(/^\./, '')),
      printerColumns: Array.isArray(version.additionalPrinterColumns) ? version.additionalPrinterColumns.filter(isKubeMap) : undefined,
      served: version.served !== false,
      storage: true,
    },
  }
}

/** Why a CRD's names clash with an established type, as `[reason, message]`, or undefined. */
export function nameConflict(cluster: Cluster, crd: KubeObject): [string, string] | undefined {
  const mine = customTypeOf(crd)
  if (mine === undefined) return undefined
  for (const other of cluster.types.values()) {
    if (other.group !== mine.group || other.crd?.name === crd.metadata.name) continue
    if (other.plural === mine.plural) return ['PluralConflict', `"${mine.plural}" is already in use`]
    if (other.singular === mine.singular) return ['SingularConflict', `"${mine.singular}" is already in use`]
    const short = mine.shortNames.find((s) => other.shortNames.includes(s))
    if (short !== undefined) return ['ShortNamesConflict', `"${short}" is already in use`]
    if (other.kind === mine.kind) return ['KindConflict', `"${mine.kind}" is already in use`]
    if (other.listKind === mine.listKind) return ['ListKindConflict', `"${mine.listKind}" is already in use`]
  }
  return undefined
}

/** The condition of a given type, if present. */
export function conditionOf(object: KubeObject, type: string): KubeMap | undefined {
  const status = isKubeMap(object.status) ? object.status : {}
  const conditions = Array.isArray(status.conditions) ? status.conditions.filter(isKubeMap) : []
  return conditions.find((c) => c.type === type)
}

/** Whether a CRD's Established condition is True. */
export function isEstablished(crd: KubeObject): boolean {
  return conditionOf(crd, 'Established')?.status === 'True'
}

/** The status a CRD gets from the API server: accepted names and conditions. */
export function crdStatus(crd: KubeObject, options: { conflict: [string, string] | undefined; established: boolean; now: string }): KubeMap {
  const spec = isKubeMap(crd.spec) ? crd.spec : {}
  const names = isKubeMap(spec.names) ? spec.names : {}
  const stored = storageVersion(crd)
  const previous = isKubeMap(crd.status) ? crd.status : {}
  const conditions: KubeMap[] = []
  const keep = (c: KubeMap): KubeMap => {
    const old = conditionOf(crd, text(c.type))
    const same = old !== undefined && old.status === c.status
    return { type: c.type ?? '', status: c.status ?? '', lastTransitionTime: same ? (old.lastTransitionTime ?? options.now) : options.now, reason: c.reason ?? '', message: c.message ?? '' }
  }
  if (options.conflict !== undefined) {
    conditions.push(keep({ type: 'NamesAccepted', status: 'False', reason: options.conflict[0], message: options.conflict[1] }))
    conditions.push(keep({ type: 'Established', status: 'False', reason: 'NotAccepted', message: 'not all names are accepted' }))
  } else {
    conditions.push(keep({ type: 'NamesAccepted', status: 'True', reason: 'NoConflicts', message: 'no conflicts found' }))
    conditions.push(
      keep(
        options.established
          ? { type: 'Established', status: 'True', reason: 'InitialNamesAccepted', message: 'the initial names have been accepted' }
          : { type: 'Established', status: 'False', reason: 'Installing', message: 'the initial names have been accepted' },
      ),
    )
  }
  const terminating = conditionOf(crd, 'Terminating')
  if (terminating !== undefined) conditions.push(terminating)
  const storedVersions = strings(previous.storedVersions)
  const name = text(stored?.name ?? '')
  return {
    conditions,
    acceptedNames: options.conflict === undefined ? structuredClone(names) : isKubeMap(previous.acceptedNames) ? previous.acceptedNames : { plural: '', kind: '' },
    storedVersions: storedVersions.includes(name) ? storedVersions : [...storedVersions, name],
  }
}
