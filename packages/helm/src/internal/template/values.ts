// Go's values as templates see them. Helm's values come from YAML/JSON, so the model is small:
//   undefined       an invalid reflect.Value (a missing key): prints <no value>
//   null            a nil interface{}: prints <nil>
//   boolean, string
//   number          float64 (every number read from values, JSON or YAML)
//   GoInt           Go's integer kinds (template literals, len, Sprig's int64 arithmetic)
//   GoValue[]       a slice ([]interface {} unless tagged with another element type)
//   Map             map[string]interface {} (keys iterate and print in sorted order)
//                   A nil slice or nil map is an empty one marked by nilSlice/nilMap: it
//                   behaves as empty everywhere but JSON (null), %#v (`[]string(nil)`), eq and
//                   deepEqual, as in Go. Marked values are never changed in place.
//   GoStruct        a struct or pointer to one, with fields, methods and an optional String()
//   GoFunc          a function value (for `call`)

/** Go's integer kinds. */
export type IntKind = 'int' | 'int8' | 'int16' | 'int32' | 'int64' | 'uint' | 'uint8' | 'uint16' | 'uint32' | 'uint64'

/** A named integer type (`time.Month`, `time.Duration`): its name, its String() and its methods. */
export interface NamedInt {
  /** The type's name, as %T prints it. */
  readonly name: string
  /** String(), which fmt calls for %v %s %q %x %X. */
  readonly stringer?: ((value: bigint) => string) | undefined
  /** Whether spf13/cast converts it to a number (it names time.Month and time.Weekday, not time.Duration). */
  readonly castable?: boolean | undefined
  /** The methods of a value, found as Go finds methods before fields. */
  readonly methods?: ((value: GoInt) => ReadonlyMap<string, GoFunc>) | undefined
}

/** A Go integer of a given kind, of a named type when `named` is set. */
export class GoInt {
  constructor(
    readonly value: bigint,
    readonly kind: IntKind = 'int',
    readonly named?: NamedInt | undefined,
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
  | 'sprig.certificate'
  | 'time.Time'
  | 'time.Duration'
  | '*time.Location'

/** A Go function value as the executor calls it. */
export interface GoFunc {
  readonly kind: 'func'
  readonly name: string
  readonly params: readonly GoType[]
  /** Type of the variadic tail, when the function is variadic. */
  readonly variadic?: GoType | undefined
  /** Whether the function returns (value, error); errors are thrown as FuncError. */
  readonly fn: (...args: GoValue[]) => GoValue
  /**
   * Why text/template refuses to call it (its goodFunc: results other than one value or a value
   * and an error, as time.Time's Zone or Date), checked after the argument count.
   */
  readonly signatureError?: string | undefined
}

/** A parameter type, `...T` for the variadic tail. */
export type ParamType = GoType | `...${GoType}`

/** The variadic tail `...T` of a signature. */
export function variadic(t: GoType): `...${GoType}` {
  return `...${t}`
}

/** A GoFunc from a signature written as Go writes it (`[string, ...interface {}]`). */
export function goFunc(name: string, params: readonly ParamType[], body: (...args: GoValue[]) => GoValue): GoFunc {
  const last = params[params.length - 1]
  if (last?.startsWith('...') === true) {
    return { kind: 'func', name, params: params.slice(0, -1) as GoType[], variadic: last.slice(3) as GoType, fn: body }
  }
  return { kind: 'func', name, params: params as GoType[], fn: body }
}

/** An error a template function returns (Go's second result). */
export class FuncError extends Error {}

/**
 * A Go struct (or pointer to one) with its fields and methods. A field named as Go names an
 * unexported one (not starting with an upper-case letter) is printed by fmt but hidden from
 * templates (Go's "unexported field" error) and from encoding/json.
 */
export class GoStruct {
  readonly fields: ReadonlyMap<string, GoValue>
  readonly methods: ReadonlyMap<string, GoFunc>
  /** A `String` method fmt calls (a value receiver, or the type is a pointer). */
  readonly stringer: (() => string) | undefined
  /**
   * A `String` method with a pointer receiver on a struct type: text/template calls it only when an
   * action prints the struct where it reached it through a pointer (a field, a variable or dot);
   * a function's argument is a copy, which fmt prints field by field.
   */
  readonly addressedString: (() => string) | undefined
  /** The names encoding/json gives fields with a `json:"name"` tag (helm's BuildInfo). */
  readonly jsonNames: ReadonlyMap<string, string> | undefined
  /** What encoding/json writes for the value when its type marshals itself (a semver.Version's text). */
  readonly marshalJson: (() => GoValue) | undefined

  constructor(
    readonly typeName: string,
    parts: {
      fields?: ReadonlyMap<string, GoValue>
      methods?: ReadonlyMap<string, GoFunc>
      stringer?: () => string
      addressedString?: () => string
      jsonNames?: ReadonlyMap<string, string>
      marshalJson?: () => GoValue
    },
  ) {
    this.fields = parts.fields ?? new Map()
    this.methods = parts.methods ?? new Map()
    this.stringer = parts.stringer
    this.addressedString = parts.addressedString
    this.jsonNames = parts.jsonNames
    this.marshalJson = parts.marshalJson
  }

  private unaddressed: GoStruct | undefined

  /**
   * The struct as a function gets it: Go passes a copy, which is not addressable, so its
   * pointer-receiver `String` is out of reach and fmt prints its fields. Itself when it has none.
   */
  copied(): GoStruct {
    if (this.addressedString === undefined) return this
    this.unaddressed ??= new GoStruct(this.typeName, {
      fields: this.fields,
      methods: this.methods,
      ...(this.stringer === undefined ? {} : { stringer: this.stringer }),
      ...(this.jsonNames === undefined ? {} : { jsonNames: this.jsonNames }),
    })
    return this.unaddressed
  }
}

/** Whether Go exports a struct field of this name (its first character is an upper-case letter). */
export function isExported(name: string): boolean {
  return UPPER_FIRST.test(name)
}

/** A text whose first character (code point) is an upper-case letter. */
const UPPER_FIRST = /^\p{Lu}/u

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
const mapTypes = new WeakMap<object, string>()

/** Tags a map with a named Go type (Helm's `common.Values`), for %T and error messages. */
export function typedMap<T extends GoMap>(map: T, type: string): T {
  mapTypes.set(map, type)
  return map
}

const mapMethods = new WeakMap<object, ReadonlyMap<string, GoFunc>>()

/** Gives a map of a named Go type methods (Helm's `engine.files`), found before its keys as Go does. */
export function mapWithMethods<T extends GoMap>(map: T, type: string, methods: ReadonlyMap<string, GoFunc>): T {
  mapTypes.set(map, type)
  mapMethods.set(map, methods)
  return map
}

const sliceMethods = new WeakMap<object, (self: GoValue[]) => ReadonlyMap<string, GoFunc>>()

/**
 * Gives a slice of a named Go type methods (Helm's `common.VersionSet` and its `Has`), made for each
 * receiver so that a copy or a reslice (deepCopy, slice) keeps them and they read its own elements.
 */
export function sliceWithMethods<T extends GoValue[]>(slice: T, type: string, methods: (self: GoValue[]) => ReadonlyMap<string, GoFunc>): T {
  sliceTypes.set(slice, type)
  sliceMethods.set(slice, methods)
  return slice
}

/** The method `name` of a map or slice built by {@link mapWithMethods} or {@link sliceWithMethods}. */
export function mapMethod(map: GoMap | GoValue[], name: string): GoFunc | undefined {
  if (Array.isArray(map)) return sliceMethods.get(map)?.(map).get(name)
  return mapMethods.get(map)?.get(name)
}

/**
 * `copy` with the Go type and methods of `of` (a slice or map it was copied or resliced from), as
 * reflect keeps them: a []string stays one, a common.VersionSet keeps `Has`.
 */
export function sameTypeAs<T extends GoValue[] | GoMap>(copy: T, of: GoValue[] | GoMap): T {
  if (Array.isArray(copy)) {
    const type = sliceTypes.get(of)
    if (type !== undefined) sliceTypes.set(copy, type)
    const methods = sliceMethods.get(of)
    if (methods !== undefined) sliceMethods.set(copy, methods)
  } else {
    const type = mapTypes.get(of)
    if (type !== undefined) mapTypes.set(copy, type)
    const methods = mapMethods.get(of)
    if (methods !== undefined) mapMethods.set(copy, methods)
  }
  return copy
}

/**
 * A map seen as another Go map type: the same entries, read and written through. A named map
 * (Helm's `common.Values`) as the unnamed map[string]interface {}, the type %T prints for what
 * `set`, `unset`, `merge` and `mergeOverwrite` return (Go converts their argument to their parameter
 * type), nothing else of the named type coming along (its methods, its nil-ness); or the reverse
 * ({@link namedView}).
 */
class InterfaceMap extends Map<string, GoValue> {
  constructor(private readonly target: GoMap) {
    super()
  }

  override get size(): number {
    return this.target.size
  }

  override get(key: string): GoValue | undefined {
    return this.target.get(key)
  }

  override has(key: string): boolean {
    return this.target.has(key)
  }

  override set(key: string, value: GoValue): this {
    this.target.set(key, value)
    return this
  }

  override delete(key: string): boolean {
    return this.target.delete(key)
  }

  override clear(): void {
    this.target.clear()
  }

  override keys(): MapIterator<string> {
    return this.target.keys()
  }

  override values(): MapIterator<GoValue> {
    return this.target.values()
  }

  override entries(): MapIterator<[string, GoValue]> {
    return this.target.entries()
  }

  override forEach(cb: (value: GoValue, key: string, map: Map<string, GoValue>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.target) cb.call(thisArg, v, k, this)
  }

  override [Symbol.iterator](): MapIterator<[string, GoValue]> {
    return this.target.entries()
  }
}

/**
 * `map` as a function declared with a map[string]interface {} parameter gives it back: itself when
 * it is of that type, else a view of its entries of that type ({@link InterfaceMap}).
 */
export function asInterfaceMap(map: GoMap): GoMap {
  return mapTypes.has(map) ? new InterfaceMap(map) : map
}

/**
 * `map` (a map[string]interface {} another map holds) seen as the named `type`, its entries read
 * and written through: Helm converts a parent's map of a subchart's values to common.Values for
 * the subchart's `.Values`, while the parent still holds the unnamed map.
 */
export function namedView(map: GoMap, type: string): GoMap {
  return typedMap(new InterfaceMap(map), type)
}

/** Tags a slice with its Go type (e.g. `[]string`), for %T and error messages. */
export function typedSlice<T extends GoValue[]>(slice: T, type: string): T {
  sliceTypes.set(slice, type)
  return slice
}

const nils = new WeakSet<object>()

/**
 * A Go nil slice of type `type` (what regexFindAll returns when nothing matches): empty, with
 * {@link isNil} true. Callers never change it in place.
 */
export function nilSlice(type = '[]interface {}'): GoValue[] {
  const slice: GoValue[] = []
  nils.add(slice)
  return type === '[]interface {}' ? slice : typedSlice(slice, type)
}

/**
 * A Go nil map of type `type` (fromJson of `null`; `.Chart.Annotations` when Chart.yaml has none):
 * empty, with {@link isNil} true; never changed in place.
 */
export function nilMap(type = 'map[string]interface {}'): GoMap {
  const map: GoMap = new Map()
  nils.add(map)
  return type === 'map[string]interface {}' ? map : typedMap(map, type)
}

/** Whether `v` is a nil slice or nil map made by {@link nilSlice} or {@link nilMap} (not a nil interface). */
export function isNil(v: GoValue): boolean {
  return typeof v === 'object' && v !== null && nils.has(v)
}

/** The zero value of a map's element type: "" for a map[string]string (.Chart.Annotations), else nil. */
export function zeroElement(map: GoMap): GoValue {
  return typeName(map) === 'map[string]string' ? '' : null
}

export function isGoFunc(v: GoValue): v is GoFunc {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof Map) && 'kind' in v && v.kind === 'func'
}

/** Go's `%T`. */
export function typeName(v: GoValue): string {
  if (v === undefined || v === null) return '<nil>'
  if (typeof v === 'string') return 'string'
  if (typeof v === 'boolean') return 'bool'
  if (typeof v === 'number') return 'float64'
  if (v instanceof GoInt) return v.named?.name ?? v.kind
  if (v instanceof GoFloat32) return 'float32'
  if (Array.isArray(v)) return sliceTypes.get(v) ?? '[]interface {}'
  if (v instanceof Map) return mapTypes.get(v) ?? 'map[string]interface {}'
  if (v instanceof GoStruct) return v.typeName
  const params = v.params.map(String)
  if (v.variadic !== undefined) params.push(`...${v.variadic.slice(2)}`)
  return `func(${params.join(', ')})`
}

/** The reflect.Kind of a value, as the comparison functions classify it. */
export type Kind = 'invalid' | 'bool' | 'int' | 'uint' | 'float' | 'string' | 'slice' | 'map' | 'struct' | 'func'

export function kindOf(v: GoValue): Kind {
  if (v === undefined || v === null) return 'invalid'
  if (typeof v === 'string') return 'string'
  if (typeof v === 'boolean') return 'bool'
  if (typeof v === 'number') return 'float'
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
  if (typeof v === 'string') return v.length > 0
  if (typeof v === 'boolean') return v
  if (typeof v === 'number') return v !== 0
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
