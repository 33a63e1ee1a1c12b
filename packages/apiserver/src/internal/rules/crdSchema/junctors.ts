// The value validations under allOf, anyOf, oneOf and not of a CRD's structural schema, checked as
// kube-openapi's schemaPropsValidator (Kubernetes 1.32) checks them: each alternative against the
// value at the same path with the schema validator itself, then go-openapi's composite error.
import { isKubeMap } from '@gitops-sdk/core'
import type { KubeMap, KubeValue } from '@gitops-sdk/core'
import { quote as goQuote } from '@gitops-sdk/core/go'
import { getOwn } from '../../../ssa/ownKeys.js'
import type { At, Walk } from './walk.js'

/**
 * Junctors nested deeper than this are not followed: each level is a recursion, and a CRD may nest
 * them thousands deep (its own check walks them with a stack). kube-apiserver has no such bound; a
 * schema that deep is reported as an internal error of the field, not validated part-way.
 */
export const MAX_JUNCTOR_DEPTH = 100

/** Where junctors are checked, and the schema validator that checks each alternative. */
interface Context {
  readonly at: At
  readonly check: (value: KubeValue, schema: KubeMap, at: At) => void
}

const asSchema = (value: KubeValue | undefined): KubeMap | undefined => (isKubeMap(value) ? value : undefined)

/** The errors of `value` against one alternative of a junctor, collected apart. */
function alternative(value: KubeValue, schema: KubeValue | undefined, ctx: Context): Walk | undefined {
  const { at, check } = ctx
  const sub = asSchema(schema)
  if (sub === undefined) return undefined
  const walk: Walk = { errors: [], typeErrors: 0, matches: 0, junctors: (at.walk.junctors ?? 0) + 1, deep: at.walk.deep }
  check(value, sub, { path: at.path, walk })
  return walk
}

/** Adds an alternative's errors and match count to the walk (go-openapi's Result.Merge). */
function merge(walk: Walk, from: Walk): void {
  walk.errors.push(...from.errors)
  walk.typeErrors += from.typeErrors
  walk.matches += from.matches
}

/** What checking a value against the alternatives of anyOf or oneOf found. */
interface Choice {
  /** How many alternatives the value passed (at most one when stopping at the first). */
  readonly validated: number
  /** The first alternative it passed. */
  readonly success: Walk | undefined
  /** When it passed none: the first failing alternative with the highest match count. */
  readonly best: Walk | undefined
}

/**
 * `value` checked against each alternative of `list` in order, as go-openapi's anyOf (stopping at
 * the first that passes: `untilValid`) and oneOf (counting every one that passes) do.
 */
function choose(value: KubeValue, list: readonly KubeValue[], options: { readonly ctx: Context; readonly untilValid: boolean }): Choice {
  let best: Walk | undefined
  let success: Walk | undefined
  let validated = 0
  for (const alt of list) {
    const result = alternative(value, alt, options.ctx)
    if (result === undefined) continue
    if (result.errors.length === 0) {
      validated++
      success ??= result
      if (options.untilValid) break
    } else if (validated === 0 && (best === undefined || result.matches > best.matches)) best = result
  }
  return { validated, success, best: validated === 0 ? best : undefined }
}

/**
 * `anyOf`, `oneOf`, `allOf` and `not`, in that order, as kube-openapi's schemaPropsValidator checks
 * them: the value is checked against each alternative at the same path. A failed junctor adds
 * go-openapi's composite error, which kube-apiserver reports on its nil root path with an empty value
 * (`<nil>: Invalid value: "": "spec.x" must validate all the schemas (allOf)`). `allOf` also reports
 * every alternative's own errors (a `pattern` mismatch: `spec.x in body should match …`); a failed
 * `anyOf`, or a `oneOf` none of whose alternatives passed, reports those of its first failing
 * alternative with the highest match count (the most validators passed, nested values included).
 * The walk's match count grows by the alternatives kube-openapi merges (every allOf one, the best
 * failure or the first success of anyOf and oneOf) and one for the junctors themselves.
 */
export function junctorChecks(value: KubeValue, schema: KubeMap, ctx: Context): void {
  const { path, walk } = ctx.at
  const composite = (detail: string): void => {
    // ValidateCustomResource is called with a nil field path, printed `<nil>`.
    walk.errors.push({ type: 'Invalid', field: '<nil>', value: '', detail: `${goQuote(path)} ${detail}` })
  }
  walk.matches++
  if ((walk.junctors ?? 0) >= MAX_JUNCTOR_DEPTH) {
    if (walk.deep !== undefined && walk.deep.at === undefined && ['anyOf', 'oneOf', 'allOf', 'not'].some((k) => getOwn(schema, k) !== undefined)) walk.deep.at = path
    return
  }
  const anyOf = getOwn(schema, 'anyOf')
  if (Array.isArray(anyOf) && anyOf.length > 0) {
    const { success, best } = choose(value, anyOf, { ctx, untilValid: true })
    if (success === undefined) composite('must validate at least one schema (anyOf)')
    const kept = success ?? best
    if (kept !== undefined) merge(walk, kept)
  }
  const oneOf = getOwn(schema, 'oneOf')
  if (Array.isArray(oneOf) && oneOf.length > 0) {
    const { validated, success, best } = choose(value, oneOf, { ctx, untilValid: false })
    if (validated !== 1) {
      composite(`must validate one and only one schema (oneOf). ${validated === 0 ? 'Found none valid' : `Found ${validated} valid alternatives`}`)
      if (best !== undefined) merge(walk, best)
    } else if (success !== undefined) merge(walk, success)
  }
  const allOf = getOwn(schema, 'allOf')
  if (Array.isArray(allOf) && allOf.length > 0) {
    let validated = 0
    for (const alt of allOf) {
      const result = alternative(value, alt, ctx)
      if (result === undefined) continue
      if (result.errors.length === 0) validated++
      merge(walk, result)
    }
    if (validated !== allOf.length) composite(`must validate all the schemas (allOf)${validated === 0 ? '. None validated' : ''}`)
  }
  const not = alternative(value, getOwn(schema, 'not'), ctx)
  if (not !== undefined && not.errors.length === 0) composite('must not validate the schema (not)')
}
