// Go's values as templates see them. Helm's values come from YAML/JSON, so the model is small:
//   undefined       an invalid reflect.Value (a missing key): prints <no value>
//   null            a nil interface{}: prints <nil>
//   boolean, string
//   number          float64 (every number read from values, JSON or YAML)
//   GoInt           Go's integer kinds (template literals, len, Sprig's int64 arithmetic)
//   GoValue[]       a slice ([]interface {} unless tagged with another element type)
//   Map             map[string]interface {} (keys iterate and print in sorted order)
//   GoStruct        a struct or pointer to one, with fields, methods and an optional String()
//   GoFunc          a function value (for `call`)

/** Go's integer kinds. */
export type IntKind = 'int' | 'int8' | 'int16' | 'int32' | 'int64' | 'uint' | 'uint8' | 'uint16' | 'uint32' | 'uint64'

/** A Go integer of a given kind. */
export class GoInt {
  constructor(
    readonly value: bigint,
    readonly kind: IntKind = 'int',
  ) {}
  get unsigned(): boolean {
    return this.kind.startsWith('u')
  }
}

/** A Go float32 (rare: kept only so %T and printing can tell it apart). */
export class GoFloat32 {
  constructor(readonly value: number) {}
}

/** Parameter and result types functions declare, as far as validateType needs them. */
export type GoType =
  | 'interface {}'
  | 'string'
  | 'bool'
  | 'int'
  | 'int64'
  | 'uint32'
  | 'float64'
  | '[]interface {}'
  | '[]string'
  | 'map[string]interface {}'
  | 'reflect.Value'

/** A Go function value as the executor calls it. */
export interface GoFunc {
  readonly kind: 'func'
  readonly name: string
  readonly params: readonly GoType[]
  /** Type of the variadic tail, when the function is variadic. */
  readonly variadic?: GoType | undefined
  /** Whether the function returns (value, error); errors are thrown as FuncError. */
  readonly fn: (...args: GoValue[]) => GoValue
}

/** An error a template function returns (Go's second result). */
export class FuncError extends Error {}

/** A Go struct (or pointer to one) with exported fields and methods. */
export class GoStruct {
  constructor(
    readonly typeName: string,
    readonly fields: ReadonlyMap<string, GoValue>,
    readonly methods: ReadonlyMap<string, GoFunc> = new Map(),
    readonly stringer?: (() => string) | undefined,
  ) {}
}

/** Any value a template handles. */
export type GoValue =
  | undefined
  | null
  | boolean
  | string
  | number
  | GoInt
  | GoFloat32
  | GoValue[]
  | GoMap
  | GoStruct
  | GoFunc

/** Go's map[string]interface {}. */
export type GoMap = Map<string, GoValue>

const sliceTypes = new WeakMap<object, string>()

/** Tags a slice with its Go type (e.g. `[]string`), for %T and error messages. */
export function typedSlice<T extends GoValue[]>(slice: T, type: string): T {
  sliceTypes.set(slice, type)
  return slice
}

export function isGoFunc(v: GoValue): v is GoFunc {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Map) && 'kind' in v && v.kind === 'func'
}

/** Go's `%T`. */
export function typeName(v: GoValue): string {
  if (v === undefined || v === null) return '<nil>'
  switch (typeof v) {
    case 'string':
      return 'string'
    case 'boolean':
      return 'bool'
    case 'number':
      return 'float64'
    default:
  }
  if (v instanceof GoInt) return v.kind
  if (v instanceof GoFloat32) return 'float32'
  if (Array.isArray(v)) return sliceTypes.get(v) ?? '[]interface {}'
  if (v instanceof Map) return 'map[string]interface {}'
  if (v instanceof GoStruct) return v.typeName
  const params = v.params.map(String)
  if (v.variadic !== undefined) params.push(`...${v.variadic.slice(2)}`)
  return `func(${params.join(', ')})`
}

/** The reflect.Kind of a value, as the comparison functions classify it. */
export type Kind = 'invalid' | 'bool' | 'int' | 'uint' | 'float' | 'string' | 'slice' | 'map' | 'struct' | 'func'

export function kindOf(v: GoValue): Kind {
  if (v === undefined || v === null) return 'invalid'
  switch (typeof v) {
    case 'string':
      return 'string'
    case 'boolean':
      return 'bool'
    case 'number':
      return 'float'
    default:
  }
  if (v instanceof GoInt) return v.unsigned ? 'uint' : 'int'
  if (v instanceof GoFloat32) return 'float'
  if (Array.isArray(v)) return 'slice'
  if (v instanceof Map) return 'map'
  if (v instanceof GoStruct) return 'struct'
  return 'func'
}

/** Go's template truth: not the zero value of its type; undefined when it has none. */
export function isTrue(v: GoValue): boolean {
  if (v === undefined || v === null) return false
  switch (typeof v) {
    case 'string':
      return v.length > 0
    case 'boolean':
      return v
    case 'number':
      return v !== 0
    default:
  }
  if (v instanceof GoInt) return v.value !== 0n
  if (v instanceof GoFloat32) return v.value !== 0
  if (Array.isArray(v)) return v.length > 0
  if (v instanceof Map) return v.size > 0
  return true
}

/** A Go `int`. */
export function int(n: number | bigint): GoInt {
  return new GoInt(BigInt(n), 'int')
}

/** A Go `int64`. */
export function int64(n: number | bigint): GoInt {
  return new GoInt(BigInt.asIntN(64, BigInt(n)), 'int64')
}

/** Keys of a map in Go's sorted order (fmtsort: strings by byte order). */
export function sortedKeys(m: GoMap): string[] {
  return [...m.keys()].sort(compareStrings)
}

/** Byte-wise (UTF-8) comparison, as Go compares strings. */
export function compareStrings(a: string, b: string): number {
  if (a === b) return 0
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const x = a.codePointAt(i) ?? 0
    const y = b.codePointAt(i) ?? 0
    if (x !== y) return x < y ? -1 : 1
    if (x > 0xffff) i++
  }
  return a.length < b.length ? -1 : a.length > b.length ? 1 : 0
}

/** Builds a GoMap without prototype concerns: keys are plain strings in a Map. */
export function goMap(entries: Iterable<readonly [string, GoValue]> = []): GoMap {
  return new Map(entries)
}

/** Converts parsed YAML/JSON (objects, arrays, numbers as float64) into the value model. */
export function fromPlain(v: unknown): GoValue {
  if (v === undefined || v === null) return null
  if (typeof v === 'string' || typeof v === 'boolean') return v
  if (typeof v === 'number') return v
  if (typeof v === 'bigint') return Number(v)
  if (Array.isArray(v)) return v.map(fromPlain)
  if (v instanceof Map) {
    const m: GoMap = new Map()
    for (const [k, x] of v) m.set(String(k), fromPlain(x))
    return m
  }
  if (v instanceof GoInt || v instanceof GoStruct) return v
  if (typeof v === 'object') {
    const m: GoMap = new Map()
    for (const k of Object.keys(v)) m.set(k, fromPlain((v as Record<string, unknown>)[k]))
    return m
  }
  return String(v)
}

/** Converts the value model back to plain data (maps become null-prototype objects). */
export function toPlain(v: GoValue): unknown {
  if (v === undefined || v === null) return null
  if (v instanceof GoInt) return Number(v.value)
  if (v instanceof GoFloat32) return v.value
  if (Array.isArray(v)) return v.map(toPlain)
  if (v instanceof Map) {
    const o = Object.create(null) as Record<string, unknown>
    for (const [k, x] of v) o[k] = toPlain(x)
    return o
  }
  if (v instanceof GoStruct) {
    const o = Object.create(null) as Record<string, unknown>
    for (const [k, x] of v.fields) o[k] = toPlain(x)
    return o
  }
  if (isGoFunc(v)) return null
  return v
}
