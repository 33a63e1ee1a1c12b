// What strategic merge patch asks the schema (apimachinery strategicpatch/meta.go with the Go struct
// tags `patchStrategy` / `patchMergeKey`, here read from the OpenAPI extensions that mirror them).
import type { KubeValue } from '@gitops-sdk/core'
import type { TypeRef } from '../structured-merge-diff/schema.js'
import { quote } from '@gitops-sdk/core/go'
import { isMap } from '../structured-merge-diff/value.js'

/** How a strategic merge failed: decides the HTTP status (apiserver `interpretStrategicMergePatchError`). */
export class PatchFailure extends Error {
  override readonly name = 'PatchFailure'
  readonly kind: 'badRequest' | 'invalid' | 'internal'

  constructor(kind: 'badRequest' | 'invalid' | 'internal', message: string) {
    super(message)
    this.kind = kind
  }
}

/** The Go kind of a decoded JSON value, as `reflect.TypeOf` tells them apart. */
export type SliceKind = 'map' | 'slice' | 'string' | 'int64' | 'float64' | 'bool' | 'nil'

/** The Go kind of `value` (integers decode to int64, other numbers to float64). */
export function goKind(value: KubeValue): SliceKind {
  if (value === null) return 'nil'
  if (Array.isArray(value)) return 'slice'
  if (isMap(value)) return 'map'
  if (typeof value === 'string') return 'string'
  if (typeof value === 'boolean') return 'bool'
  if (typeof value === 'bigint') return 'int64'
  return Number.isInteger(value) ? 'int64' : 'float64'
}

/** The schema below a field and its patch metadata. */
export interface Lookup {
  readonly type: TypeRef | undefined
  readonly strategies: readonly string[]
  readonly mergeKey: string
}

/** The Go kind name of a type, as `PatchMetaFromStruct.Name()` prints it. */
export function typeName(type: TypeRef | undefined): string {
  const atom = type?.resolve()
  if (atom?.map !== undefined) return atom.map.struct ? 'struct' : 'map'
  if (atom?.list !== undefined) return 'slice'
  return atom?.scalar === 'numeric' ? 'int64' : atom?.scalar === 'boolean' ? 'bool' : 'string'
}

/** `LookupPatchMetadataForStruct`: the field `key` of a struct type. */
export function lookupStruct(type: TypeRef | undefined, key: string): Lookup {
  const map = type?.resolve().map
  if (map === undefined || !map.struct) {
    throw new PatchFailure('internal', `merging an object in json but data type is not struct, instead is: ${typeName(type)}`)
  }
  let field = map.fields.get(key)
  if (field === undefined) {
    const folded = key.toLowerCase()
    for (const [name, candidate] of map.fields) {
      if (name.toLowerCase() === folded) {
        field = candidate
        break
      }
    }
  }
  if (field === undefined) {
    throw new PatchFailure('internal', `unable to find api field in struct ${map.name} for the json field ${quote(key)}`)
  }
  return { type: field.type, strategies: field.patch.strategies, mergeKey: field.patch.mergeKey }
}

/** `LookupPatchMetadataForSlice`: the element type of the list field `key`. */
export function lookupSlice(type: TypeRef | undefined, key: string): Lookup {
  const found = lookupStruct(type, key)
  const list = found.type?.resolve().list
  if (list === undefined) throw new PatchFailure('internal', `expected slice or array type, but got: ${typeName(found.type)}`)
  if (list.elementType.resolve().list !== undefined && list.elementType.resolve().map === undefined) {
    throw new PatchFailure('internal', 'unexpected slice of slice')
  }
  return { ...found, type: list.elementType }
}

/** `extractRetainKeysPatchStrategy`: whether `retainKeys` is among the strategies, and the other one. */
export function retainKeysStrategy(strategies: readonly string[]): { retainKeys: boolean; strategy: string } {
  switch (strategies.length) {
    case 0:
      return { retainKeys: false, strategy: '' }
    case 1:
      return strategies[0] === 'retainKeys' ? { retainKeys: true, strategy: '' } : { retainKeys: false, strategy: strategies[0] ?? '' }
    case 2:
      if (strategies[0] === 'retainKeys') return { retainKeys: true, strategy: strategies[1] ?? '' }
      if (strategies[1] === 'retainKeys') return { retainKeys: true, strategy: strategies[0] ?? '' }
      break
  }
  throw new PatchFailure('internal', `unexpected patch strategy: [${strategies.join(' ')}]`)
}
