// The state of a schema walk over a custom resource (validate.ts, junctors.ts).
import type { FieldError } from '../../../status.js'

/** The errors a walk collects, and what its alternatives share. */
export interface Walk {
  readonly errors: FieldError[]
  typeErrors: number
  /**
   * kube-openapi's MatchCount: how many validators applied and passed their own checks, summed over
   * the nested values; a failed anyOf or oneOf reports the first alternative with the highest.
   */
  matches: number
  /** How many junctors (allOf, anyOf, oneOf, not) deep the walk is. */
  readonly junctors?: number | undefined
  /** Shared by a walk and its alternatives: the first path where junctors nested past the bound. */
  readonly deep?: { at: string | undefined } | undefined
}

/** Where a check is: the value's path and the walk collecting errors. */
export interface At {
  readonly path: string
  readonly walk: Walk
}
