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

/** The steps of {@link Walk.steps} that are not a property's name. */
const ITEMS = Symbol('items')
const ADDITIONAL = Symbol('additionalProperties')

/** Collects every problem of `value` under `schema`; `path` names the field in messages. */
export function checkSchema(value: unknown, schema: JSONSchemaProps, where: CheckAt): void {
  new Walk(where.issues, where.crd).check(value, schema, where.path)
}

/** The field an issue names: the path, or `<root>` for the object itself. */
const fieldOf = (path: string): string => (path === '' ? '<root>' : path)

/**
 * One check of a value: where issues go, and the schema node's place in its CRD kept as a stack of
 * steps from the root schema. The CRD position string is only needed when the schema itself is at
 * fault (a pattern Go refuses), so it is joined from the stack then, not built at every node of
 * every object checked. (A class rather than arguments: each function of the walk takes the
 * value, its schema and its path, and shares these.)
 */
class Walk {
  /** Property names, ITEMS and ADDITIONAL from the root schema to the node being checked. */
  private readonly steps: (string | symbol)[] = []

  constructor(
    private readonly issues: SchemaIssue[],
    private readonly crd: CrdAt | undefined,
  ) {}

  /** An issue at `path` (`<root>` for the object itself), the path leading its message. */
  private report(path: string, message: string): void {
    const at = fieldOf(path)
    this.issues.push({ field: at, message: `${at}: ${message}` })
  }

  /** The current schema node's field in its CRD (`spec.versions[0].schema.openAPIV3Schema.properties[spec].items`). */
  private crdField(crd: CrdAt): string {
    let field = crd.field
    for (const step of this.steps) field += step === ITEMS ? '.items' : step === ADDITIONAL ? '.additionalProperties' : `.properties[${String(step)}]`
    return field
  }

  check(value: unknown, schema: JSONSchemaProps, path: string): void {
    if (value === null || value === undefined) return
    const actual = typeName(value)
    if (schema['x-kubernetes-int-or-string'] === true) {
      if (actual !== 'integer' && actual !== 'string') this.report(path, `Invalid value: "${actual}": ${fieldOf(path)} in body must be of type integer-or-string: "${actual}"`)
      return
    }
    const expected = schema.type
    if (expected !== undefined) {
      const ok = expected === 'number' ? actual === 'number' || actual === 'integer' : actual === expected
      if (!ok) {
        this.report(path, `Invalid value: "${actual}": ${fieldOf(path)} in body must be of type ${expected}: "${actual}"`)
        return
      }
    }
    if (typeof value === 'string') this.checkString(value, schema, path)
    else if (typeof value === 'number' || typeof value === 'bigint') this.checkNumber(Number(value), schema, path)
    else if (Array.isArray(value)) this.checkArray(value, schema, path)
    else if (isKubeMap(value)) this.checkMap(value, schema, path)
  }

  /**
   * `pattern` compiled with Go's regexp; one Go rejects is an issue in kube-apiserver's words (it
   * refuses such a CRD: `must be a valid regular expression, but isn't: error parsing regexp: …`),
   * naming the CRD and the pattern's field in it as kube-apiserver's refusal does, when the schema
   * comes from one.
   */
  private compilePattern(pattern: string, path: string): GoRegexp | undefined {
    try {
      return compileGoRegexp(pattern)
    } catch (err) {
      if (!isGitOpsError(err, 'CORE_REGEXP_INVALID')) throw err
      const { reason } = err.details as GoRegexpErrorDetails
      const problem = `Invalid value: ${JSON.stringify(pattern)}: must be a valid regular expression, but isn't: ${reason}`
      const { crd } = this
      this.report(path, crd === undefined ? problem : `CustomResourceDefinition.apiextensions.k8s.io ${JSON.stringify(crd.name)} is invalid: ${this.crdField(crd)}.pattern: ${problem}`)
      return undefined
    }
  }

  private checkString(value: string, schema: JSONSchemaProps, path: string): void {
    if (schema.enum !== undefined && !schema.enum.includes(value)) {
      this.report(path, `Unsupported value: ${JSON.stringify(value)}: supported values: ${schema.enum.map((e) => JSON.stringify(e)).join(', ')}`)
    }
    if (schema.minLength !== undefined && codePoints(value) < schema.minLength) {
      this.report(path, `Invalid value: ${JSON.stringify(value)}: should be at least ${schema.minLength} chars long`)
    }
    if (schema.maxLength !== undefined && codePoints(value) > schema.maxLength) {
      this.report(path, `Too long: may not be more than ${schema.maxLength} bytes`)
    }
    // kube-apiserver matches `pattern` with Go's regexp: Go's syntax, linear time.
    if (schema.pattern !== undefined) {
      const re = this.compilePattern(schema.pattern, path)
      if (re !== undefined && !re.test(value)) this.report(path, `Invalid value: ${JSON.stringify(value)}: should match '${schema.pattern}'`)
    }
    if (schema.format === 'date-time' && !dateTime.test(value)) {
      this.report(path, `Invalid value: ${JSON.stringify(value)}: should be a date-time`)
    }
  }

  private checkNumber(value: number, schema: JSONSchemaProps, path: string): void {
    if (schema.minimum !== undefined && value < schema.minimum) this.report(path, `Invalid value: ${value}: should be greater than or equal to ${schema.minimum}`)
    if (schema.maximum !== undefined && value > schema.maximum) this.report(path, `Invalid value: ${value}: should be less than or equal to ${schema.maximum}`)
  }

  private checkArray(value: readonly unknown[], schema: JSONSchemaProps, path: string): void {
    const at = fieldOf(path)
    if (schema.minItems !== undefined && value.length < schema.minItems) this.report(path, `Invalid value: ${value.length}: ${at} in body should have at least ${schema.minItems} items`)
    if (schema.maxItems !== undefined && value.length > schema.maxItems) this.report(path, `Too many: ${value.length}: must have at most ${schema.maxItems} items`)
    const items = schema.items
    if (items === undefined) return
    this.steps.push(ITEMS)
    for (let i = 0; i < value.length; i++) this.check(value[i], items, `${path}[${i}]`)
    this.steps.pop()
  }

  private checkMap(value: Record<string, unknown>, schema: JSONSchemaProps, path: string): void {
    const prefix = path === '' ? '' : `${path}.`
    for (const name of schema.required ?? []) {
      if (!has(value, name)) this.issues.push({ field: `${prefix}${name}`, message: `${prefix}${name}: Required value` })
    }
    const properties = schema.properties
    const additional = schema.additionalProperties
    for (const key of Object.keys(value)) {
      const own = properties !== undefined && Object.prototype.hasOwnProperty.call(properties, key)
      const child = own ? properties[key] : additional
      if (child === undefined) {
        if (properties !== undefined && schema['x-kubernetes-preserve-unknown-fields'] !== true) {
          this.issues.push({ field: `${prefix}${key}`, message: `${prefix}${key}: unknown field "${prefix}${key}"` })
        }
        continue
      }
      this.steps.push(own ? key : ADDITIONAL)
      this.check(value[key], child, `${prefix}${key}`)
      this.steps.pop()
    }
    for (const { rule, message } of schema['x-kubernetes-validations'] ?? []) {
      const evaluate = knownRules.get(rule)
      if (evaluate === undefined) this.report(path, `rule not evaluated: ${rule}`)
      else if (!evaluate(value)) this.report(path, `Invalid value: "object": ${message}`)
    }
  }
}
