/**
 * The subset of a CRD's `openAPIV3Schema` (apiextensions.k8s.io/v1 `JSONSchemaProps`) that Flux's
 * CRDs use, and the SDK's own CRDs are written in.
 */
export interface JSONSchemaProps {
  /** The JSON type of the value; absent with `x-kubernetes-int-or-string` or `x-kubernetes-preserve-unknown-fields`. */
  readonly type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | undefined
  /** What the field means, as shown by `kubectl explain`. */
  readonly description?: string | undefined
  /** A string format checked by kube-apiserver, e.g. `date-time`, `int-or-string`. */
  readonly format?: string | undefined
  /** The schema of each known field of an object. */
  readonly properties?: Readonly<Record<string, JSONSchemaProps>> | undefined
  /** Fields an object must have. */
  readonly required?: readonly string[] | undefined
  /** The schema of each item of an array. */
  readonly items?: JSONSchemaProps | undefined
  /** The schema of each value of a map (an object whose keys are free). */
  readonly additionalProperties?: JSONSchemaProps | undefined
  /** The only values allowed. */
  readonly enum?: readonly string[] | undefined
  /** A regular expression (RE2) a string must match. */
  readonly pattern?: string | undefined
  /** The smallest number allowed (inclusive). */
  readonly minimum?: number | undefined
  /** The largest number allowed (inclusive). */
  readonly maximum?: number | undefined
  /** The fewest characters a string may have. */
  readonly minLength?: number | undefined
  /** The most characters a string may have. */
  readonly maxLength?: number | undefined
  /** The fewest items an array may have. */
  readonly minItems?: number | undefined
  /** The most items an array may have. */
  readonly maxItems?: number | undefined
  /** The value kube-apiserver fills in when the field is absent. */
  readonly default?: unknown
  /** Keep fields the schema does not name instead of pruning them. */
  readonly 'x-kubernetes-preserve-unknown-fields'?: boolean | undefined
  /** The value is an integer or a string (e.g. a port number or name). */
  readonly 'x-kubernetes-int-or-string'?: boolean | undefined
  /** CEL rules the value must satisfy. */
  readonly 'x-kubernetes-validations'?: readonly ValidationRule[] | undefined
}

/** One `x-kubernetes-validations` rule: a CEL expression and the message shown when it is false. */
export interface ValidationRule {
  /** A CEL expression over `self` that must be true. */
  readonly rule: string
  /** The message shown when `rule` is false. */
  readonly message: string
}

/** One problem of an object under its kind's schema: the field path and kube-apiserver's wording. */
export interface SchemaIssue {
  /** Dotted field path, with `[i]` for list items: `spec.patches[0].patch`. */
  readonly field: string
  /** `<field>: <problem>`, as kube-apiserver words field errors. */
  readonly message: string
}
