import { openapiJson } from './generated/openapi.js'
import type { KubeValue } from './object.js'

/**
 * One node of a built-in type's schema: the OpenAPI v2 subset that merges need. `ref` names another
 * definition; the `x-kubernetes-*` extensions are kept under short names.
 */
export interface SchemaNode {
  /** Name of the definition this node refers to, e.g. `io.k8s.api.core.v1.Container`. */
  readonly ref?: string | undefined
  /** The JSON type of the value; absent for int-or-string and free-form fields. */
  readonly type?: 'object' | 'array' | 'string' | 'integer' | 'number' | 'boolean' | undefined
  /** e.g. `int-or-string`, `date-time`, `byte`. */
  readonly format?: string | undefined
  /** The element schema of an array. */
  readonly items?: SchemaNode | undefined
  /** The value schema of a map with free keys, or `true` for any value. */
  readonly additionalProperties?: SchemaNode | boolean | undefined
  /** `x-kubernetes-patch-strategy`: strategic merge patch strategy (`merge`, `retainKeys`, `merge,retainKeys`, `replace`). */
  readonly patchStrategy?: string | undefined
  /** `x-kubernetes-patch-merge-key`: the key of list items for strategic merge. */
  readonly patchMergeKey?: string | undefined
  /** `x-kubernetes-list-type`: server-side apply list semantics. */
  readonly listType?: 'atomic' | 'set' | 'map' | undefined
  /** `x-kubernetes-list-map-keys`: the keys of a `map` list. */
  readonly listMapKeys?: readonly string[] | undefined
  /** `x-kubernetes-map-type`: `atomic` or `granular`. */
  readonly mapType?: 'atomic' | 'granular' | undefined
  /** `x-kubernetes-preserve-unknown-fields`: fields the schema does not name are kept. */
  readonly preserveUnknownFields?: boolean | undefined
  /** `x-kubernetes-int-or-string`: the value is an integer or a string. */
  readonly intOrString?: boolean | undefined
  /** The value the API server fills in when the field is absent. */
  readonly default?: KubeValue | undefined
}

/** A named definition: a node plus its named fields. */
export interface SchemaDefinition extends SchemaNode {
  /** The schema of each named field. */
  readonly properties?: Readonly<Record<string, SchemaNode>> | undefined
  /** Fields an object must have. */
  readonly required?: readonly string[] | undefined
}

interface Table {
  readonly source: string
  readonly gvks: Readonly<Record<string, string>>
  readonly definitions: Readonly<Record<string, SchemaDefinition>>
}

let table: Table | undefined
function load(): Table {
  table ??= JSON.parse(openapiJson) as Table
  return table
}

/**
 * The schema of a built-in kind (`apps/v1` `Deployment`), or `undefined` for kinds the table does
 * not know (custom resources). The table is generated at build time from the Kubernetes OpenAPI
 * documents published on npm (1.22, plus the 1.21 beta APIs that kustomize still knows, plus the
 * few semantics that changed up to 1.35).
 *
 * @example
 * ```ts
 * const pod = builtinSchema('v1', 'Pod')
 * const spec = builtinDefinition(pod?.properties?.spec?.ref ?? '')
 * spec?.properties?.containers // { type: 'array', patchStrategy: 'merge', patchMergeKey: 'name', … }
 * ```
 */
export function builtinSchema(apiVersion: string, kind: string): SchemaDefinition | undefined {
  const { gvks, definitions } = load()
  const name = gvks[`${apiVersion}/${kind}`]
  return name === undefined ? undefined : definitions[name]
}

/** A built-in definition by name (`io.k8s.api.core.v1.Container`), as `ref` fields name them. */
export function builtinDefinition(name: string): SchemaDefinition | undefined {
  return load().definitions[name]
}

/** The definition name of a built-in kind, e.g. `io.k8s.api.apps.v1.Deployment`. */
export function builtinDefinitionName(apiVersion: string, kind: string): string | undefined {
  return load().gvks[`${apiVersion}/${kind}`]
}

/** Every built-in kind the table knows, as `apiVersion/kind` strings. */
export function builtinKinds(): string[] {
  return Object.keys(load().gvks)
}
