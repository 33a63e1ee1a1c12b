// The ordered tree every store parses into and emits from, modelled on sops' TreeBranch: mappings
// keep key order and duplicates, comments are items of the collection that holds them, and every
// scalar carries the sops type it was parsed as (the MAC hashes the typed value).

/** A scalar as sops types it. `bytes` holds a value that is not (or need not be) UTF-8 text. */
export type Scalar =
  | { readonly kind: 'str'; readonly value: string }
  | { readonly kind: 'bytes'; readonly value: Uint8Array }
  | { readonly kind: 'int'; readonly value: bigint }
  | { readonly kind: 'float'; readonly value: number }
  | { readonly kind: 'bool'; readonly value: boolean }
  /** `value` is Go's `time.MarshalText` form (RFC 3339 with nanoseconds, trailing zeros dropped). */
  | { readonly kind: 'time'; readonly value: string }
  | { readonly kind: 'null' }

/** A comment line (text after `#` or `;`); `inline` when it followed a value on the same line. */
export interface Comment {
  readonly kind: 'comment'
  text: string
  readonly inline: boolean
}

export interface Entry {
  readonly kind: 'entry'
  readonly key: string
  value: Node
}

export interface MapNode {
  readonly kind: 'map'
  readonly items: (Entry | Comment)[]
}

export interface SeqNode {
  readonly kind: 'seq'
  readonly items: (Node | Comment)[]
}

export type Node = MapNode | SeqNode | Scalar

/** A parsed file: one mapping per document (YAML may have several; the other stores have one). */
export type Branches = MapNode[]

export function str(value: string): Scalar {
  return { kind: 'str', value }
}

export function entry(key: string, value: Node): Entry {
  return { kind: 'entry', key, value }
}

export function mapOf(entries: readonly (readonly [string, Node])[]): MapNode {
  return { kind: 'map', items: entries.map(([k, v]) => entry(k, v)) }
}

export function isScalar(node: Node | Comment): node is Scalar {
  return node.kind !== 'map' && node.kind !== 'seq' && node.kind !== 'comment'
}

/** The value of the first entry named `key`, if any. */
export function getEntry(map: MapNode, key: string): Node | undefined {
  for (const item of map.items) if (item.kind === 'entry' && item.key === key) return item.value
  return undefined
}
