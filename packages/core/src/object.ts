/**
 * A scalar as a Kubernetes manifest holds it. Integers outside JavaScript's safe range are `bigint`
 * so that an int64 survives a round trip exactly.
 */
export type KubeScalar = string | number | bigint | boolean | null

/** Any value inside a Kubernetes object. */
export type KubeValue = KubeScalar | KubeValue[] | KubeMap

/** A mapping inside a Kubernetes object. */
export interface KubeMap {
  [key: string]: KubeValue
}

/** The `metadata` of a Kubernetes object. */
export interface ObjectMeta {
  /** The object's name. */
  name: string
  /** The object's namespace; absent for cluster-scoped objects (and for namespaced ones that take the default). */
  namespace?: string | undefined
  /** Labels: selectable key/value pairs. */
  labels?: Record<string, string> | undefined
  /** Annotations: free key/value pairs for tools. */
  annotations?: Record<string, string> | undefined
  [key: string]: KubeValue | undefined
}

/**
 * A Kubernetes object as the SDK passes it between packages: plain, JSON-like data with the
 * fields every object has typed.
 */
export interface KubeObject {
  /** `group/version`, or `v1` for the core group. */
  apiVersion: string
  /** The kind, e.g. `Deployment`. */
  kind: string
  /** Name, namespace, labels, annotations and the rest of the metadata. */
  metadata: ObjectMeta
  [key: string]: KubeValue | ObjectMeta | undefined
}

/** Tells whether `value` is a plain mapping (not an array, not null). */
export function isKubeMap(value: unknown): value is KubeMap {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

/**
 * Tells whether `value` has the shape of a Kubernetes object: non-empty string `apiVersion` and
 * `kind`, and a `metadata` mapping with a non-empty string `name`.
 */
export function isKubeObject(value: unknown): value is KubeObject {
  if (!isKubeMap(value)) return false
  const { apiVersion, kind, metadata } = value
  return (
    typeof apiVersion === 'string' &&
    apiVersion !== '' &&
    typeof kind === 'string' &&
    kind !== '' &&
    isKubeMap(metadata) &&
    typeof metadata.name === 'string' &&
    metadata.name !== ''
  )
}

/** Splits an `apiVersion` into group (empty for the core group) and version. */
export function splitApiVersion(apiVersion: string): {
  /** The API group, `''` for the core group. */
  group: string
  /** The version, e.g. `v1`. */
  version: string
} {
  const slash = apiVersion.indexOf('/')
  return slash < 0
    ? { group: '', version: apiVersion }
    : { group: apiVersion.slice(0, slash), version: apiVersion.slice(slash + 1) }
}

/** Nesting beyond which {@link cloneValue} hands the value to structuredClone instead of recursing. */
const CLONE_DEPTH = 256

/** What {@link copyPlain} returns for a value that is not plain data: the whole goes to structuredClone. */
const NOT_PLAIN: unique symbol = Symbol('not plain data')

/**
 * A deep copy of a manifest value, the same as `structuredClone` gives for manifest data and for
 * every other value but the odd ones named last: each
 * mapping an ordinary object with the original's own enumerable keys in their order (`__proto__`
 * kept as a data key), arrays element by element, scalars (bigints too) as they are, a sub-object
 * reached twice copied once and reached twice in the copy; nothing of the copy is shared with the
 * original. Plain data (objects whose prototype is `Object.prototype` or null, arrays without holes
 * or extra keys, scalars) is copied by hand, at a fraction of structuredClone's cost; anything else
 * anywhere in the value (a `Date`, `Map`, typed array, class instance, a function or symbol, which
 * structuredClone refuses with a `DataCloneError`), or nesting deeper than 256 levels, hands the
 * whole value to structuredClone. structuredClone recurses on the native stack too (Node 20's
 * default stack holds about 2,000 levels of it): when it overflows, the value is copied again with
 * an explicit stack, at any depth, by the same rules (plain data by hand, holes and extra array keys
 * kept, each other object given to structuredClone on its own, a value reached twice copied once).
 * The odd ones: a Proxy or an `arguments` object is copied by hand where structuredClone refuses
 * it, a getter runs once more when the value then goes to structuredClone (and a key a getter
 * deletes is kept, as `undefined`), and a Date or Map whose prototype was reset to
 * `Object.prototype` is copied as a plain object. Past structuredClone's stack, a plain object
 * reached both inside a `Map` (or another non-plain object) and outside it is copied twice.
 */
export function cloneValue<T extends KubeValue | KubeObject>(value: T): T {
  const v: unknown = value
  if (typeof v !== 'object' || v === null) return typeof v === 'function' || typeof v === 'symbol' ? structuredClone(value) : value
  const copy = copyPlain(v, 0, new Map<object, unknown>())
  return (copy === NOT_PLAIN ? cloneWhole(value) : copy) as T
}

/** Whether `err` is V8's native stack overflow ("Maximum call stack size exceeded"). */
function overflowedStack(err: unknown): boolean {
  return err instanceof RangeError && err.message.includes('call stack')
}

/**
 * structuredClone(value), and where it overflows the native stack (a RangeError thrown before it
 * returns anything, so nothing is half done) the same copy made by {@link copyIteratively}.
 */
function cloneWhole(value: unknown): unknown {
  try {
    return structuredClone(value)
  } catch (err) {
    if (!overflowedStack(err)) throw err
  }
  return copyIteratively(value as object)
}

/** One array or mapping being copied by {@link copyIteratively}: its keys and the next one to copy. */
interface CopyFrame {
  readonly source: Readonly<Record<string, unknown>>
  readonly target: Record<string, unknown>
  readonly keys: readonly string[]
  next: number
}

/**
 * A deep copy of `root` with an explicit stack, for values too deep for structuredClone: ordinary
 * objects (prototype `Object.prototype` or null) become ordinary objects with the same own
 * enumerable keys in order (`__proto__` as data), arrays arrays of the same length with the same
 * keys (holes stay holes, extra keys are kept), as structuredClone copies them; any other object
 * (and a function or symbol, which it refuses) goes to structuredClone alone. An object reached
 * twice, or in a cycle, is copied once.
 */
function copyIteratively(root: object): unknown {
  const copies = new Map<unknown, unknown>()
  const frames: CopyFrame[] = []
  const copyOf = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null) return typeof v === 'function' || typeof v === 'symbol' ? structuredClone(v) : v
    if (copies.has(v)) return copies.get(v)
    const proto: unknown = Object.getPrototypeOf(v)
    let target: Record<string, unknown>
    if (proto === Array.prototype && Array.isArray(v)) target = new Array<unknown>(v.length) as unknown as Record<string, unknown>
    else if ((proto === Object.prototype || proto === null) && !Array.isArray(v)) target = {}
    else {
      const copy: unknown = structuredClone(v)
      copies.set(v, copy)
      return copy
    }
    copies.set(v, target)
    frames.push({ source: v as Readonly<Record<string, unknown>>, target, keys: Object.keys(v), next: 0 })
    return target
  }
  const copy = copyOf(root)
  while (frames.length > 0) {
    const frame = frames[frames.length - 1] as CopyFrame
    if (frame.next >= frame.keys.length) {
      frames.pop()
      continue
    }
    const key = frame.keys[frame.next++] as string
    setOwn(frame.target, key, copyOf(frame.source[key]))
  }
  return copy
}

/**
 * `value` copied, with `copies` holding the copy of each object already copied (so that an object
 * reached twice, or a cycle, is copied once, as structuredClone does); {@link NOT_PLAIN} when
 * anything in it is not plain data or it nests deeper than CLONE_DEPTH.
 */
function copyPlain(value: unknown, depth: number, copies: Map<object, unknown>): unknown {
  if (typeof value !== 'object' || value === null) return typeof value === 'function' || typeof value === 'symbol' ? NOT_PLAIN : value
  const done = copies.get(value)
  if (done !== undefined) return done
  if (depth > CLONE_DEPTH) return NOT_PLAIN
  const proto: unknown = Object.getPrototypeOf(value)
  if (proto === Array.prototype) {
    const array = value as readonly unknown[]
    const n = array.length
    const out = new Array<unknown>(n)
    copies.set(value, out)
    for (let i = 0; i < n; i++) {
      const element = array[i]
      // A hole, which structuredClone keeps: its copy.
      if (element === undefined && !(i in array)) return NOT_PLAIN
      const item = copyPlain(element, depth + 1, copies)
      if (item === NOT_PLAIN) return NOT_PLAIN
      out[i] = item
    }
    // Keys besides the indices (all present: no holes), which structuredClone keeps too.
    if (Object.keys(array).length !== n) return NOT_PLAIN
    return out
  }
  // Anything but an ordinary object (an array without Array.prototype too) is structuredClone's.
  if ((proto !== Object.prototype && proto !== null) || Array.isArray(value)) return NOT_PLAIN
  const map = value as Readonly<Record<string, unknown>>
  const out: Record<string, unknown> = {}
  copies.set(value, out)
  for (const key of Object.keys(map)) {
    const item = copyPlain(map[key], depth + 1, copies)
    if (item === NOT_PLAIN) return NOT_PLAIN
    setOwn(out, key, item)
  }
  return out
}

/**
 * Nesting to which {@link deepEqual} recurses; a pair of values deeper than that is compared by
 * {@link equalIteratively}, which holds its place on the heap instead of the native stack.
 */
const EQUAL_DEPTH = 256

/**
 * Deep equality of manifest values: arrays element by element, mappings by their own enumerable
 * keys in any order, scalars by value. The bigint rule: a `bigint` equals a `number` with the same
 * mathematical value (`1n` equals `1`), because the SDK uses `bigint` only where a `number` cannot
 * hold an int64 exactly, so the two spellings of one JSON integer must compare equal. A key whose
 * value is `undefined` counts as absent, as in JSON. Values of any depth are compared without
 * overflowing the native stack; two values whose comparison would never end (each holds itself,
 * a cycle, and they agree all the way round) throw a RangeError.
 */
export function deepEqual(a: unknown, b: unknown): boolean {
  return equalAt(a, b, 0)
}

/**
 * The scalar rules of {@link deepEqual}: true or false for a pair that is not two objects, and
 * undefined for two objects (arrays and mappings), whose contents decide.
 */
function scalarsEqual(a: unknown, b: unknown): boolean | undefined {
  if (a === b) return true
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    if ((typeof a !== 'bigint' && typeof a !== 'number') || (typeof b !== 'bigint' && typeof b !== 'number')) return false
    if (typeof a === 'number' && !Number.isInteger(a)) return false
    if (typeof b === 'number' && !Number.isInteger(b)) return false
    return BigInt(a) === BigInt(b)
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  return undefined
}

/** {@link deepEqual} for `a` and `b` found `depth` levels down, recursing up to EQUAL_DEPTH. */
function equalAt(a: unknown, b: unknown, depth: number): boolean {
  if (a === b) return true
  if (typeof a === 'bigint' || typeof b === 'bigint') return scalarsEqual(a, b) === true
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (depth >= EQUAL_DEPTH) return equalIteratively(a, b)
  const next = depth + 1
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!equalAt(a[i], b[i], next)) return false
    return true
  }
  if (Array.isArray(b)) return false
  const ra = a as Readonly<Record<string, unknown>>
  const rb = b as Readonly<Record<string, unknown>>
  let count = 0
  for (const key of Object.keys(ra)) {
    const va = ra[key]
    if (va === undefined) continue
    count++
    if (!Object.hasOwn(rb, key) || !equalAt(va, rb[key], next)) return false
  }
  for (const key of Object.keys(rb)) if (rb[key] !== undefined) count--
  return count === 0
}

/**
 * One pair of arrays or mappings being compared by {@link equalIteratively}: `keys` undefined for
 * arrays, `next` the next index or key, `count` the keys of `a` with a value so far.
 */
interface EqualFrame {
  readonly a: Readonly<Record<string, unknown>>
  readonly b: Readonly<Record<string, unknown>>
  readonly keys: readonly string[] | undefined
  next: number
  count: number
}

/**
 * {@link equalAt} for two objects, with an explicit stack: the same reads in the same order (so a
 * getter or a Proxy sees what the recursion shows it) and the same answer. A pair met again below
 * itself would be compared forever (the recursion overflows the stack on it): a RangeError.
 */
function equalIteratively(a: object, b: object): boolean {
  const frames: EqualFrame[] = []
  // The pairs open on `frames`: each `a` with the `b`s it is being compared with (a set: a pair open
  // twice is the cycle below, and a self-holding `a` met against a long chain stays constant-time).
  const open = new Map<object, Set<object>>()
  /** false when the pair differs by what is seen before its contents, else true (with a frame pushed). */
  const enter = (x: object, y: object): boolean => {
    let keys: readonly string[] | undefined
    if (Array.isArray(x)) {
      if (!Array.isArray(y) || x.length !== y.length) return false
    } else {
      if (Array.isArray(y)) return false
      keys = Object.keys(x)
    }
    const with_ = open.get(x)
    if (with_?.has(y) === true) throw new RangeError('deepEqual: the values hold themselves (a cycle) and agree all the way round; the comparison would never end')
    if (with_ === undefined) open.set(x, new Set([y]))
    else with_.add(y)
    frames.push({ a: x as Readonly<Record<string, unknown>>, b: y as Readonly<Record<string, unknown>>, keys, next: 0, count: 0 })
    return true
  }
  const leave = (frame: EqualFrame): void => {
    frames.pop()
    const with_ = open.get(frame.a) as Set<object>
    if (with_.size === 1) open.delete(frame.a)
    else with_.delete(frame.b)
  }
  if (!enter(a, b)) return false
  while (frames.length > 0) {
    const frame = frames[frames.length - 1] as EqualFrame
    let x: unknown
    let y: unknown
    if (frame.keys === undefined) {
      const list = frame.a as unknown as readonly unknown[]
      if (frame.next >= list.length) {
        leave(frame)
        continue
      }
      const i = frame.next++
      x = list[i]
      y = (frame.b as unknown as readonly unknown[])[i]
    } else {
      if (frame.next >= frame.keys.length) {
        let count = frame.count
        for (const key of Object.keys(frame.b)) if (frame.b[key] !== undefined) count--
        if (count !== 0) return false
        leave(frame)
        continue
      }
      const key = frame.keys[frame.next++] as string
      x = frame.a[key]
      if (x === undefined) continue
      frame.count++
      if (!Object.hasOwn(frame.b, key)) return false
      y = frame.b[key]
    }
    const scalar = scalarsEqual(x, y)
    if (scalar === false) return false
    if (scalar === undefined && !enter(x as object, y as object)) return false
  }
  return true
}

/**
 * Sets `map[key] = value` as an own, enumerable, writable property, whatever the key: `__proto__`
 * becomes data instead of replacing the prototype, and a setter on a prototype is never called. Use
 * it wherever a key comes from input.
 */
export function setOwn<T>(map: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(map, key, { value, enumerable: true, configurable: true, writable: true })
  else map[key] = value
}

/**
 * A mapping without a prototype, filled from `entries` with {@link setOwn}: nothing in it is
 * inherited, so a lookup of `constructor` or `__proto__` finds only what the input put there.
 */
export function createMap<T = KubeValue>(entries?: Iterable<readonly [string, T]>): Record<string, T> {
  const map = Object.create(null) as Record<string, T>
  if (entries !== undefined) for (const [key, value] of entries) setOwn(map, key, value)
  return map
}
