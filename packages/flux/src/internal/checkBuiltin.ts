// Checks an object of a built-in kind against core's table of the Kubernetes OpenAPI schemas, as
// kube-apiserver's decoding and strict field validation would: types, formats, required fields and
// unknown fields. Nulls are accepted anywhere (the server reads them as unset).
import { builtinDefinition, builtinSchema, isKubeMap } from '@gitops-sdk/core'
import type { SchemaDefinition, SchemaNode } from '@gitops-sdk/core'
import type { SchemaIssue } from '../jsonSchema.js'

// Definitions whose JSON form is wider than their OpenAPI v2 type says.
const QUANTITY = 'io.k8s.apimachinery.pkg.api.resource.Quantity'
const ANY = new Set(['io.k8s.apimachinery.pkg.runtime.RawExtension', 'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON', 'io.k8s.apimachinery.pkg.apis.meta.v1.FieldsV1'])
const INT32_MIN = -(2 ** 31)
const INT32_MAX = 2 ** 31 - 1
// The base64 a Secret's data holds, line breaks allowed: `={0,2}[\r\n]*` after a run that already
// takes line breaks split a run of them every way (quadratic on a long one with no base64 after it);
// the padding is now optional as a whole, the same strings in linear time.
const BASE64 = /^[A-Za-z0-9+/\r\n]*(?:={1,2}[\r\n]*)?$/
const dateTime = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/

function typeName(value: unknown): string {
  if (Array.isArray(value)) return 'array'
  if (typeof value === 'bigint') return 'integer'
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number'
  return typeof value === 'object' ? 'object' : typeof value
}

/** Whether the table can check `apiVersion`/`kind`. */
export function hasBuiltinSchema(apiVersion: string, kind: string): boolean {
  return builtinSchema(apiVersion, kind) !== undefined
}

/** Every problem of `object` under its built-in kind's schema. */
export function checkBuiltin(object: unknown, apiVersion: string, kind: string): SchemaIssue[] {
  const issues: SchemaIssue[] = []
  const schema = builtinSchema(apiVersion, kind)
  if (schema !== undefined) check(object, schema, { path: '', issues })
  return issues
}

interface Walk {
  readonly path: string
  readonly issues: SchemaIssue[]
}

function check(value: unknown, node: SchemaNode, walk: Walk): void {
  const { path, issues } = walk
  if (value === null || value === undefined) return
  if (node.ref !== undefined && ANY.has(node.ref)) return
  const def: SchemaDefinition = node.ref === undefined ? node : (builtinDefinition(node.ref) ?? {})
  const at = path === '' ? '<root>' : path
  const issue = (message: string): void => {
    issues.push({ field: at, message: `${at}: ${message}` })
  }
  const actual = typeName(value)
  const intOrString = def.intOrString === true || def.format === 'int-or-string'
  if (intOrString || node.ref === QUANTITY) {
    const ok = actual === 'string' || actual === 'integer' || (node.ref === QUANTITY && actual === 'number')
    if (!ok) issue(`Invalid value: "${actual}": ${at} in body must be of type ${intOrString ? 'integer-or-string' : 'string'}: "${actual}"`)
    return
  }
  const expected = def.type
  if (expected !== undefined) {
    const ok = expected === 'number' ? actual === 'number' || actual === 'integer' : actual === expected
    if (!ok) {
      issue(`Invalid value: "${actual}": ${at} in body must be of type ${expected}: "${actual}"`)
      return
    }
  }
  if (typeof value === 'string' && def.format === 'date-time' && !dateTime.test(value)) issue(`Invalid value: ${JSON.stringify(value)}: should be a date-time`)
  if (typeof value === 'string' && def.format === 'byte' && !BASE64.test(value)) issue(`Invalid value: ${JSON.stringify(value)}: should be base64`)
  if ((typeof value === 'number' || typeof value === 'bigint') && def.format === 'int32' && (Number(value) < INT32_MIN || Number(value) > INT32_MAX)) {
    issue(`Invalid value: ${String(value)}: out of range for an int32`)
  }
  if (def.preserveUnknownFields === true) return
  if (Array.isArray(value)) {
    const items = def.items
    if (items !== undefined) value.forEach((item, i) => check(item, items, { path: `${path}[${i}]`, issues }))
    return
  }
  if (!isKubeMap(value)) return
  const prefix = path === '' ? '' : `${path}.`
  for (const name of def.required ?? []) {
    if (!Object.prototype.hasOwnProperty.call(value, name) || value[name] === null) issues.push({ field: `${prefix}${name}`, message: `${prefix}${name}: Required value` })
  }
  const properties = def.properties
  const additional = def.additionalProperties
  for (const key of Object.keys(value)) {
    const child = properties !== undefined && Object.prototype.hasOwnProperty.call(properties, key) ? properties[key] : undefined
    if (child !== undefined) {
      check(value[key], child, { path: `${prefix}${key}`, issues })
    } else if (typeof additional === 'object') {
      check(value[key], additional, { path: `${prefix}${key}`, issues })
    } else if (properties !== undefined && additional === undefined) {
      issues.push({ field: `${prefix}${key}`, message: `${prefix}${key}: unknown field "${prefix}${key}"` })
    }
  }
}
