import { checkSchema } from './internal/checkSchema.js'
import { fluxSchema } from './crds.js'
import type { FluxKind } from './crds.js'
import type { SchemaIssue } from './jsonSchema.js'

/**
 * Checks an object of a Flux kind against the kind's schema, as a cluster with the CRD would:
 * types, unknown fields, required fields, enums, patterns, bounds and the CRD's CEL rules.
 * Returns every problem; an empty list means the API server would accept it.
 *
 * @example
 * ```ts
 * const issues = validateFluxObject('Kustomization', object)
 * for (const i of issues) console.error(i.message) // spec.interval: Required value
 * ```
 */
export function validateFluxObject(kind: FluxKind, object: unknown): SchemaIssue[] {
  const issues: SchemaIssue[] = []
  checkSchema(object, fluxSchema(kind), { path: '', issues })
  if (typeof object === 'object' && object !== null) {
    const name = (object as { metadata?: { name?: unknown } }).metadata?.name
    if (typeof name !== 'string' || name === '') issues.push({ field: 'metadata.name', message: 'metadata.name: Required value: name or generateName is required' })
  }
  return issues
}
