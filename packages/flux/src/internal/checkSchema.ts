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

/** The CRD position of a child schema node (`properties[x]`, `items`, `additionalProperties`). */
const crdChild = (crd: CrdAt | undefined, step: string): CrdAt | undefined => (crd === undefined ? undefined : { name: crd.name, field: `${crd.field}.${step}` })

/** Collects every problem of `value` under `schema`; `path` names the field in messages. */
export function checkSchema(value: unknown, schema: JSONSchemaProps, where: CheckAt): void {
  const { path, issues, crd } = where
  const at = path === '' ? '<root>' : path
  const issue = (message: string): void => {
    issues.push({ field: at, message: `${at}: ${message}` })
  }
  if (value === null || value === undefined) return
  const actual = typeName(value)
  if (schema['x-kubernetes-int-or-string'] === true) {
    if (actual !== 'integer' && actual !== 'string') issue(`Invalid value: "${actual}": ${at} in body must be of type integer-or-string: "${actual}"`)
    return
  }
  const expected = schema.type
  if (expected !== undefined) {
    const ok = expected === 'number' ? actual === 'number' || actual === 'integer' : actual === expected
    if (!ok) {
      issue(`Invalid value: "${actual}": ${at} in body must be of type ${expected}: "${actual}"`)
      return
    }
  }
  if (typeof value === 'string') checkString(value, schema, { issue, crd })
  if (typeof value === 'number' || typeof value === 'bigint') checkNumber(Number(value), schema, issue)
  if (Array.isArray(value)) {
    if (schema.minItems !== undefined && value.length < schema.minItems) issue(`Invalid value: ${value.length}: ${at} in body should have at least ${schema.minItems} items`)
    if (schema.maxItems !== undefined && value.length > schema.maxItems) issue(`Too many: ${value.length}: must have at most ${schema.maxItems} items`)
    const items = schema.items
    const itemsAt = crdChild(crd, 'items')
    if (items !== undefined) value.forEach((item, i) => checkSchema(item, items, { path: `${path}[${i}]`, issues, crd: itemsAt }))
    return
  }
  if (isKubeMap(value)) checkMap(value, schema, { path, issues, issue, crd })
}

/**
 * `pattern` compiled with Go's regexp; one Go rejects is an issue in kube-apiserver's words (it
 * refuses such a CRD: `must be a valid regular expression, but isn't: error parsing regexp: …`),
 * naming the CRD and the pattern's field in it as kube-apiserver's refusal does, when the schema
 * comes from one.
 */
function compilePattern(pattern: string, at: StringAt): GoRegexp | undefined {
  try {
    return compileGoRegexp(pattern)
  } catch (err) {
    if (!isGitOpsError(err, 'CORE_REGEXP_INVALID')) throw err
    const { reason } = err.details as GoRegexpErrorDetails
    const problem = `Invalid value: ${JSON.stringify(pattern)}: must be a valid regular expression, but isn't: ${reason}`
    const { crd } = at
    at.issue(crd === undefined ? problem : `CustomResourceDefinition.apiextensions.k8s.io ${JSON.stringify(crd.name)} is invalid: ${crd.field}.pattern: ${problem}`)
    return undefined
  }
}

/** Where a string is checked: how to report an issue, and the CRD position of its schema. */
interface StringAt {
  readonly issue: (message: string) => void
  readonly crd: CrdAt | undefined
}

function checkString(value: string, schema: JSONSchemaProps, at: StringAt): void {
  const { issue } = at
  if (schema.enum !== undefined && !schema.enum.includes(value)) {
    issue(`Unsupported value: ${JSON.stringify(value)}: supported values: ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}`)
  }
  if (schema.minLength !== undefined && codePoints(value) < schema.minLength) {
    issue(`Invalid value: ${JSON.stringify(value)}: should be at least ${schema.minLength} chars long`)
  }
  if (schema.maxLength !== undefined && codePoints(value) > schema.maxLength) {
    issue(`Too long: may not be more than ${schema.maxLength} bytes`)
  }
  // kube-apiserver matches `pattern` with Go's regexp: Go's syntax, linear time.
  if (schema.pattern !== undefined) {
    const re = compilePattern(schema.pattern, at)
    if (re !== undefined && !re.test(value)) issue(`Invalid value: ${JSON.stringify(value)}: should match '${schema.pattern}'`)
  }
  if (schema.format === 'date-time' && !dateTime.test(value)) {
    issue(`Invalid value: ${JSON.stringify(value)}: should be a date-time`)
  }
}

function checkNumber(value: number, schema: JSONSchemaProps, issue: (m: string) => void): void {
  if (schema.minimum !== undefined && value < schema.minimum) issue(`Invalid value: ${value}: should be greater than or equal to ${schema.minimum}`)
  if (schema.maximum !== undefined && value > schema.maximum) issue(`Invalid value: ${value}: should be less than or equal to ${schema.maximum}`)
}

interface MapContext {
  readonly path: string
  readonly issues: SchemaIssue[]
  readonly issue: (message: string) => void
  readonly crd: CrdAt | undefined
}

function checkMap(value: Record<string, unknown>, schema: JSONSchemaProps, ctx: MapContext): void {
  const prefix = ctx.path === '' ? '' : `${ctx.path}.`
  for (const name of schema.required ?? []) {
    if (!has(value, name)) ctx.issues.push({ field: `${prefix}${name}`, message: `${prefix}${name}: Required value` })
  }
  const properties = schema.properties
  const additional = schema.additionalProperties
  for (const key of Object.keys(value)) {
    const child = properties !== undefined && Object.prototype.hasOwnProperty.call(properties, key) ? properties[key] : additional
    if (child === undefined) {
      if (properties !== undefined && schema['x-kubernetes-preserve-unknown-fields'] !== true) {
        ctx.issues.push({ field: `${prefix}${key}`, message: `${prefix}${key}: unknown field "${prefix}${key}"` })
      }
      continue
    }
    const own = properties !== undefined && Object.prototype.hasOwnProperty.call(properties, key)
    checkSchema(value[key], child, { path: `${prefix}${key}`, issues: ctx.issues, crd: crdChild(ctx.crd, own ? `properties[${key}]` : 'additionalProperties') })
  }
  for (const { rule, message } of schema['x-kubernetes-validations'] ?? []) {
    const evaluate = knownRules.get(rule)
    if (evaluate === undefined) ctx.issue(`rule not evaluated: ${rule}`)
    else if (!evaluate(value)) ctx.issue(`Invalid value: "object": ${message}`)
  }
}
