// The SMD type model (SPEC.md §10.2): atoms that are scalars, maps or lists, or several at once for
// untyped values. Built from OpenAPI the way kube-openapi's schemaconv does it, for the built-in
// table of @gitops-sdk/core and for CRD structural schemas alike.
import type { KubeValue } from '@gitops-sdk/core'

/** The scalar kinds SMD distinguishes. */
export type ScalarType = 'string' | 'numeric' | 'boolean' | 'untyped'

/** A lazily resolved reference to a type, so that recursive definitions cost nothing until used. */
export interface TypeRef {
  resolve(): Atom
}

/** How strategic merge patch treats a field (`x-kubernetes-patch-strategy` / `-merge-key`). */
export interface PatchMeta {
  readonly strategies: readonly string[]
  readonly mergeKey: string
}

/** A named field of a map type. */
export interface Field {
  readonly type: TypeRef
  /** The schema default: SMD uses it to complete the key of a map-list item. */
  readonly default: KubeValue | undefined
  readonly patch: PatchMeta
}

/** A map: named fields (a struct) and/or free keys of `elementType`. */
export interface MapType {
  readonly fields: ReadonlyMap<string, Field>
  /** The type of keys that are not named fields; `undefined` rejects such keys. */
  readonly elementType: TypeRef | undefined
  readonly atomic: boolean
  /** The Go type name, for strategic-merge error messages (`Container`). */
  readonly name: string
  /** Whether the Go type is a struct (a named definition) rather than a Go map. */
  readonly struct: boolean
}

/** A list: atomic, a set (associative without keys) or a map-list (associative with keys). */
export interface ListType {
  readonly elementType: TypeRef
  readonly atomic: boolean
  readonly keys: readonly string[]
}

/** One type: whichever of scalar, list and map it admits (untyped values admit all three). */
export interface Atom {
  readonly scalar?: ScalarType | undefined
  readonly list?: ListType | undefined
  readonly map?: MapType | undefined
}

/** A reference whose atom is computed once, on first use. */
export function lazyRef(build: () => Atom): TypeRef {
  let atom: Atom | undefined
  return {
    resolve(): Atom {
      atom ??= build()
      return atom
    },
  }
}

/** A reference to an atom that already exists. */
export function fixedRef(atom: Atom): TypeRef {
  return { resolve: () => atom }
}

const noPatchMeta: PatchMeta = { strategies: [], mergeKey: '' }

/** Patch metadata from the OpenAPI extensions of a field. */
export function patchMetaOf(strategy: string | undefined, mergeKey: string | undefined): PatchMeta {
  if (strategy === undefined && mergeKey === undefined) return noPatchMeta
  return { strategies: strategy === undefined || strategy === '' ? [] : strategy.split(','), mergeKey: mergeKey ?? '' }
}

// The two shared types of schemaconv: "untyped atomic" (RawExtension, items of deduced lists) and
// "deduced" (preserve-unknown-fields, schemaless): maps granular with deduced values, lists atomic.
const untypedRef: TypeRef = lazyRef(() => untypedAtom)
const deducedRef: TypeRef = lazyRef(() => deducedAtom)
const noFields: ReadonlyMap<string, Field> = new Map()

/** Anything, atomic all the way down. */
export const untypedAtom: Atom = {
  scalar: 'untyped',
  list: { elementType: untypedRef, atomic: true, keys: [] },
  map: { fields: noFields, elementType: untypedRef, atomic: true, name: '', struct: false },
}

/** Anything: maps granular (with deduced values), lists atomic. */
export const deducedAtom: Atom = {
  scalar: 'untyped',
  list: { elementType: untypedRef, atomic: true, keys: [] },
  map: { fields: noFields, elementType: deducedRef, atomic: false, name: '', struct: false },
}

/** References to the shared types. */
export const untypedType: TypeRef = untypedRef
export const deducedType: TypeRef = deducedRef

/** Picks the part of `atom` that `value` is: SMD's `deduceAtom`; `null`/absent keep the whole atom. */
export function deduceAtom(atom: Atom, value: KubeValue | undefined): Atom {
  if (value === undefined || value === null) return atom
  if (Array.isArray(value)) return atom.list !== undefined && (atom.scalar !== undefined || atom.map !== undefined) ? { list: atom.list } : atom
  if (typeof value === 'object') return atom.map !== undefined && (atom.scalar !== undefined || atom.list !== undefined) ? { map: atom.map } : atom
  return atom.scalar !== undefined && (atom.list !== undefined || atom.map !== undefined) ? { scalar: atom.scalar } : atom
}

/** Whether two atoms (as deduced) admit the same kinds: SMD compares them to choose a merge path. */
export function sameShape(a: Atom, b: Atom): boolean {
  return a.scalar === b.scalar && a.list === b.list && a.map === b.map
}

/** A copy of `atom` with the map or list relationship overridden (a field-level `x-kubernetes-map-type`). */
export function withRelationship(atom: Atom, atomic: boolean): Atom {
  if (atom.map !== undefined) return { ...atom, map: { ...atom.map, atomic } }
  if (atom.list !== undefined) return { ...atom, list: { ...atom.list, atomic } }
  return atom
}
