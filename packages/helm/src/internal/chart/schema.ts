// Helm 4's ValidateAgainstSchema (pkg/chart/common/util/jsonschema.go): the chart's
// values.schema.json against the coalesced values, then every enabled subchart's schema against
// its section (globals included), each failing chart listed under its name.
import { SchemaCompileError, type SchemaDocument, parseSchema, validateAgainst } from '../schema/validate.js'
import { displayErrors } from '../schema/display.js'
import { GoFloat32, GoInt, type GoMap, type GoValue } from '../template/values.js'
import type { Chart } from './load.js'

/** A chart's values.schema.json is not usable; `chart` names it. */
export class SchemaFileError extends Error {
  constructor(
    message: string,
    readonly chart: string,
  ) {
    super(message)
  }
}

/** Go's %T of a value as helm's values hold it. */
function goType(v: GoValue): string {
  if (typeof v === 'string') return 'string'
  if (typeof v === 'boolean') return 'bool'
  if (typeof v === 'number') return 'float64'
  if (v instanceof GoInt) return v.kind
  if (v instanceof GoFloat32) return 'float32'
  if (Array.isArray(v)) return '[]interface {}'
  return '<nil>'
}

const parsed = new WeakMap<Chart, SchemaDocument>()

function schemaOf(chart: Chart): SchemaDocument | undefined {
  if (chart.schema === undefined) return undefined
  let doc = parsed.get(chart)
  if (doc === undefined) {
    try {
      doc = parseSchema(chart.schema)
    } catch (err) {
      if (err instanceof SchemaCompileError) throw new SchemaFileError(`${chart.meta.name}/values.schema.json: ${err.message}`, chart.meta.name)
      throw err
    }
    parsed.set(chart, doc)
  }
  return doc
}

function check(chart: Chart, values: GoMap, out: string[]): void {
  const doc = schemaOf(chart)
  if (doc !== undefined) {
    let errors
    try {
      errors = validateAgainst(doc, values)
    } catch (err) {
      if (err instanceof SchemaCompileError) throw new SchemaFileError(`${chart.meta.name}/values.schema.json: ${err.message}`, chart.meta.name)
      throw err
    }
    if (errors.length > 0) out.push(`${chart.meta.name}:\n${displayErrors(errors)}\n`)
  }
  for (const sub of chart.subcharts) {
    const raw = values.get(sub.meta.name)
    if (raw === undefined || raw === null) continue
    if (!(raw instanceof Map)) {
      out.push(`${sub.meta.name}:\ninvalid type for values: expected object (map), got ${goType(raw)}\n`)
      continue
    }
    check(sub, raw, out)
  }
}

/**
 * The message helm prints when the values fail their charts' schemas (without its final newline),
 * or undefined when they pass.
 */
export function schemaViolations(chart: Chart, values: GoMap): string | undefined {
  const out: string[] = []
  check(chart, values, out)
  if (out.length === 0) return undefined
  return `values don't meet the specifications of the schema(s) in the following chart(s):\n${out.join('')}`.replace(/\n$/, '')
}
