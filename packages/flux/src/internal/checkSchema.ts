// Checks a value against a structural schema as kube-apiserver checks a custom resource: types,
// unknown fields, required, enum, pattern, bounds, and the CEL rules the SDK's own CRDs carry.
// Messages follow kube-apiserver's field errors ("spec.interval: Required value").
import { isGitOpsError, isKubeMap } from '@gitops-sdk/core'
import { compileGoRegexp } from '@gitops-sdk/core/go'
import type { GoRegexp, GoRegexpErrorDetails } from '@gitops-sdk/core/go'
import type { JSONSchemaProps, SchemaIssue } from '../jsonSchema.js'

/** The CEL rules of the SDK's CRDs, evaluated here; a rule not listed is reported as not evaluated. */
const knownRules: ReadonlyMap<string, (self: Record<string, unknown>) => boolean> = new Map<string, (self: Record<string, unknown>) => boolean>([
  ['has(self.configMapRef) || has(self.secretRef)', (self) => has(self, 'configMapRef') || has(self, 'secretRef')],
  ['!has(self.configMapRef) || !has(self.secretRef)', (self) => !has(self, 'configMapRef') || !has(self, 'secretRef')],
  [
    "!has(self.serviceAccountName) || (has(self.provider) && (self.provider == 'azure' || self.provider == 'aws'))",
    (self) => !has(self, 'serviceAccountName') || self.provider === 'azure' || self.provider === 'aws',
  ],
])

function has(map: Record<string, unknown>, key: string): boolean {
  return Object.prototype.hasOwnProperty.call(map, key) && map[key] !== undefined && map[key] !== null
}

function typeName(value: unknown): string {
  if (value === null) return 'null'
  if (Array.isArray(value)) return 'array'
  if (typeof value === 'bigint') return 'integer'
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number'
  return typeof value === 'object' ? 'object' : typeof value
}

/** Length in Unicode code points, as the OpenAPI validator of kube-apiserver counts it. */
function codePoints(value: string): number {
  let n = 0
  for (let i = 0; i < value.length; i++) {
    n++
    const c = value.charCodeAt(i)
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < value.length) i++
  }
  return n
}

const dateTime = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/

/**
 * The CRD a schema comes from: its name (`metadata.name`, `xs.example.com`) and where the schema
 * node is in it (`spec.versions[0].schema.openAPIV3Schema.properties[spec]`), so that a problem of
 * the schema itself names the CRD as kube-apiserver does when it refuses the CRD.
 */
export interface CrdAt {
  readonly name: string
  readonly field: string
}

/** Where {@link checkSchema} is: the value's field path, the issues found, and the CRD if any. */
export interface CheckAt {
  readonly path: string
  readonly issues: SchemaIssue[]
  readonly crd?: CrdAt | undefined
}

/**
 * A schema node's place in its CRD, kept as the step from its parent's place: the CRD position
 * string ({@link crdField}) is only needed when the schema itself is at fault (a pattern Go
 * refuses), so the walk does not build one at every node of every object it checks.
 */
interface CrdPlace {
  /** The place of the parent schema node; for the root, the CRD and the root schema's field. */
  readonly up: CrdPlace | CrdAt
  /** `items`, `additionalProperties`, or the name of a property (`property` is then true). */
  readonly step: string
  readonly property: boolean
}

/** The CRD a place is in (its name), and the field of the place (`….properties[spec].items`). */
function crdOf(place: CrdPlace | CrdAt): CrdAt {
  if (!('up' in place)) return place
  const steps: string[] = []
  let at: CrdPlace | CrdAt = place
  while ('up' in at) {
    steps.push(at.property ? `properties[${at.step}]` : at.step)
    at = at.up
  }
  return { name: at.name, field: [at.field, ...steps.reverse()].join('.') }
}

/** Collects every problem of `value` under `schema`; `path` names the field in messages. */
export function checkSchema(value: unknown, schema: JSONSchemaProps, where: CheckAt): void {
  check(value, schema, where.path, where.issues, where.crd)
}

/** An issue at `path` (`<root>` for the object itself), the path leading its message. */
function report(issues: SchemaIssue[], path: string, message: string): void {
  const at = path === '' ? '<root>' : path
  issues.push({ field: at, message: `${at}: ${message}` })
}

function check(value: unknown, schema: JSONSchemaProps, path: string, issues: SchemaIssue[], crd: CrdPlace | CrdAt | undefined): void {
  if (value === null || value === undefined) return
  const actual = typeName(value)
  if (schema['x-kubernetes-int-or-string'] === true) {
    if (actual !== 'integer' && actual !== 'string') report(issues, path, `Invalid value: "${actual}": ${path === '' ? '<root>' : path} in body must be of type integer-or-string: "${actual}"`)
    return
  }
  const expected = schema.type
  if (expected !== undefined) {
    const ok = expected === 'number' ? actual === 'number' || actual === 'integer' : actual === expected
    if (!ok) {
      report(issues, path, `Invalid value: "${actual}": ${path === '' ? '<root>' : path} in body must be of type ${expected}: "${actual}"`)
      return
    }
  }
  if (typeof value === 'string') checkString(value, schema, path, issues, crd)
  else if (typeof value === 'number' || typeof value === 'bigint') checkNumber(Number(value), schema, path, issues)
  else if (Array.isArray(value)) {
    const at = path === '' ? '<root>' : path
    if (schema.minItems !== undefined && value.length < schema.minItems) report(issues, path, `Invalid value: ${value.length}: ${at} in body should have at least ${schema.minItems} items`)
    if (schema.maxItems !== undefined && value.length > schema.maxItems) report(issues, path, `Too many: ${value.length}: must have at most ${schema.maxItems} items`)
    const items = schema.items
    if (items === undefined) return
    const itemsAt: CrdPlace | undefined = crd === undefined ? undefined : { up: crd, step: 'items', property: false }
    for (let i = 0; i < value.length; i++) check(value[i], items, `${path}[${i}]`, issues, itemsAt)
  } else if (isKubeMap(value)) checkMap(value, schema, path, issues, crd)
}

/**
 * `pattern` compiled with Go's regexp; one Go rejects is an issue in kube-apiserver's words (it
 * refuses such a CRD: `must be a valid regular expression, but isn't: error parsing regexp: …`),
 * naming the CRD and the pattern's field in it as kube-apiserver's refusal does, when the schema
 * comes from one.
 */
function compilePattern(pattern: string, path: string, issues: SchemaIssue[], place: CrdPlace | CrdAt | undefined): GoRegexp | undefined {
  try {
    return compileGoRegexp(pattern)
  } catch (err) {
    if (!isGitOpsError(err, 'CORE_REGEXP_INVALID')) throw err
    const { reason } = err.details as GoRegexpErrorDetails
    const problem = `Invalid value: ${JSON.stringify(pattern)}: must be a valid regular expression, but isn't: ${reason}`
    if (place === undefined) report(issues, path, problem)
    else {
      const crd = crdOf(place)
      report(issues, path, `CustomResourceDefinition.apiextensions.k8s.io ${JSON.stringify(crd.name)} is invalid: ${crd.field}.pattern: ${problem}`)
    }
    return undefined
  }
}

function checkString(value: string, schema: JSONSchemaProps, path: string, issues: SchemaIssue[], crd: CrdPlace | CrdAt | undefined): void {
  if (schema.enum !== undefined && !schema.enum.includes(value)) {
    report(issues, path, `Unsupported value: ${JSON.stringify(value)}: supported values: ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}`)
  }
  if (schema.minLength !== undefined && codePoints(value) < schema.minLength) {
    report(issues, path, `Invalid value: ${JSON.stringify(value)}: should be at least ${schema.minLength} chars long`)
  }
  if (schema.maxLength !== undefined && codePoints(value) > schema.maxLength) {
    report(issues, path, `Too long: may not be more than ${schema.maxLength} bytes`)
  }
  // kube-apiserver matches `pattern` with Go's regexp: Go's syntax, linear time.
  if (schema.pattern !== undefined) {
    const re = compilePattern(schema.pattern, path, issues, crd)
    if (re !== undefined && !re.test(value)) report(issues, path, `Invalid value: ${JSON.stringify(value)}: should match '${schema.pattern}'`)
  }
  if (schema.format === 'date-time' && !dateTime.test(value)) {
    report(issues, path, `Invalid value: ${JSON.stringify(value)}: should be a date-time`)
  }
}

function checkNumber(value: number, schema: JSONSchemaProps, path: string, issues: SchemaIssue[]): void {
  if (schema.minimum !== undefined && value < schema.minimum) report(issues, path, `Invalid value: ${value}: should be greater than or equal to ${schema.minimum}`)
  if (schema.maximum !== undefined && value > schema.maximum) report(issues, path, `Invalid value: ${value}: should be less than or equal to ${schema.maximum}`)
}

function checkMap(value: Record<string, unknown>, schema: JSONSchemaProps, path: string, issues: SchemaIssue[], crd: CrdPlace | CrdAt | undefined): void {
  const prefix = path === '' ? '' : `${path}.`
  for (const name of schema.required ?? []) {
    if (!has(value, name)) issues.push({ field: `${prefix}${name}`, message: `${prefix}${name}: Required value` })
  }
  const properties = schema.properties
  const additional = schema.additionalProperties
  for (const key of Object.keys(value)) {
    const own = properties !== undefined && Object.prototype.hasOwnProperty.call(properties, key)
    const child = own ? properties[key] : additional
    if (child === undefined) {
      if (properties !== undefined && schema['x-kubernetes-preserve-unknown-fields'] !== true) {
        issues.push({ field: `${prefix}${key}`, message: `${prefix}${key}: unknown field "${prefix}${key}"` })
      }
      continue
    }
    const childAt: CrdPlace | undefined = crd === undefined ? undefined : own ? { up: crd, step: key, property: true } : { up: crd, step: 'additionalProperties', property: false }
    check(value[key], child, `${prefix}${key}`, issues, childAt)
  }
  for (const { rule, message } of schema['x-kubernetes-validations'] ?? []) {
    const evaluate = knownRules.get(rule)
    if (evaluate === undefined) report(issues, path, `rule not evaluated: ${rule}`)
    else if (!evaluate(value)) report(issues, path, `Invalid value: "object": ${message}`)
  }
}
