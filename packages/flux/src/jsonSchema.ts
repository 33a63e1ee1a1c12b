/**
 * The subset of a CRD's `openAPIV3Schema` (apiextensions.k8s.io/v1 `JSONSchemaProps`) that Flux's
 * CRDs use, and the SDK's own CRDs are written in.
 */
export interface JSONSchemaProps {
  readonly type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | undefined
  readonly description?: string | undefined
  readonly format?: string | undefined
  readonly properties?: Readonly<Record<string, JSONSchemaProps>> | undefined
  readonly required?: readonly string[] | undefined
  readonly items?: JSONSchemaProps | undefined
  readonly additionalProperties?: JSONSchemaProps | undefined
  readonly enum?: readonly string[] | undefined
  readonly pattern?: string | undefined
  readonly minimum?: number | undefined
  readonly maximum?: number | undefined
  readonly minLength?: number | undefined
  readonly maxLength?: number | undefined
  readonly minItems?: number | undefined
  readonly maxItems?: number | undefined
  readonly default?: unknown
  readonly 'x-kubernetes-preserve-unknown-fields'?: boolean | undefined
  readonly 'x-kubernetes-int-or-string'?: boolean | undefined
  readonly 'x-kubernetes-validations'?: readonly ValidationRule[] | undefined
}

/** One `x-kubernetes-validations` rule: a CEL expression and the message shown when it is false. */
export interface ValidationRule {
  readonly rule: string
  readonly message: string
}

/** One problem of an object under its kind's schema: the field path and kube-apiserver's wording. */
export interface SchemaIssue {
  /** Dotted field path, with `[i]` for list items: `spec.patches[0].patch`. */
  readonly field: string
  /** `<field>: <problem>`, as kube-apiserver words field errors. */
  readonly message: string
}
