// Copying and writing JSON documents of any depth. Bodies nest at most MAX_JSON_DEPTH levels, but
// stored objects are patched, merged and built by webhooks, and V8's structuredClone and
// JSON.stringify recurse on the native stack, overflowing with Node 20's default stack at about
// 2,000 and 4,000 levels of objects. Both are fastest for the ordinary shallow document, so they are
// tried first; only when one overflows (a RangeError, which leaves nothing half done: both are pure)
// is the value walked again here with an explicit stack, which costs no native stack at any depth.
// The fallbacks take JSON data only: a value that is not (a class instance, a cycle) is a TypeError,
// never silently written as something else; a subtree shared without a cycle is copied once.

/** Whether `err` is V8's stack overflow ("Maximum call stack size exceeded"). */
export function overflowed(err: unknown): boolean {
  return err instanceof RangeError && err.message.includes('call stack')
}

/**
 * Nesting (arrays and objects, the top level counting as one) past which an error from a walk that
 * recurses once per level is taken for a stack overflow. structured-merge-diff's walks overflowed
 * Node 20's default stack at about 1,300 levels in the lowest measurement (the fault tests' harness;
 * it varies with the harness, the object and the stack already held: see jsonDepth.ts; bodies are
 * bounded at MAX_JSON_DEPTH, 500, and a test keeps this above it), and V8 reports some overflows
 * inside builtins as other errors (a TypeError "undefined is not a function"), which `overflowed`
 * alone would miss.
 */
export const RECURSION_SAFE_DEPTH = 1_000

/**
 * Whether `err`, thrown by a walk that recurses once per level over `values`, is (or may be) a stack
 * overflow: V8's RangeError, or any error while one of the values nests past RECURSION_SAFE_DEPTH.
 */
export function overflowedOn(err: unknown, ...values: readonly unknown[]): boolean {
  return overflowed(err) || values.some((value) => openerPastIn(value, RECURSION_SAFE_DEPTH) !== undefined)
}

/** The bracket that opens a level of JSON: `[` for an array, `{` for any other object. */
export type Opener = '[' | '{'

/**
 * The bracket opening the first level of `value` past `limit`, in the order JSON.stringify writes
 * it (an array is `[`, any other object `{`), found without recursion; undefined when it stays
 * within the limit (a scalar is 0 deep, `{}` and `[]` 1).
 */
export function openerPastIn(value: unknown, limit: number): Opener | undefined {
  const values: unknown[] = [value]
  const levels: number[] = [0]
  while (values.length > 0) {
    const v = values.pop()
    const level = (levels.pop() ?? 0) + 1
    if (v === null || typeof v !== 'object') continue
    if (level > limit) return Array.isArray(v) ? '[' : '{'
    const children: readonly unknown[] = Array.isArray(v) ? v : Object.values(v)
    // Pushed last to first, so the first child is walked first.
    for (let i = children.length - 1; i >= 0; i--) {
      const child = children[i]
      if (child !== null && typeof child === 'object') {
        values.push(child)
        levels.push(level)
      }
    }
  }
  return undefined
}

/** Sets own `key` of `target` (`__proto__` too, as an own property, never the prototype). */
function define(target: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true })
  else target[key] = value
}

/**
 * A deep copy of the JSON-like `value` (objects, arrays, scalars), as structuredClone makes it, at
 * any depth: structuredClone first, and past its stack an iterative copy of plain objects and arrays,
 * which throws a TypeError for anything JSON does not hold (a Date, Map, Buffer or other class
 * instance, a boxed scalar, a function, a cycle) rather than copying it as something else; a value
 * reached twice without a cycle is copied once and shared, as structuredClone shares it.
 */
export function cloneJson<T>(value: T): T {
  try {
    return structuredClone(value)
  } catch (err) {
    if (!overflowed(err)) throw err
  }
  return cloneIteratively(value)
}

/** Throws unless `v` is a plain object or an array: the only containers parsed JSON holds. */
function checkPlain(v: object): void {
  if (Array.isArray(v)) return
  if (typeof v !== 'object') throw new TypeError(`cannot copy a ${typeof v}: not JSON data`)
  const proto = Object.getPrototypeOf(v) as { readonly constructor?: { readonly name?: unknown } } | null
  if (proto === Object.prototype || proto === null) return
  const name = proto.constructor?.name
  throw new TypeError(`cannot copy a ${typeof name === 'string' && name !== '' ? name : 'non-plain object'}: not JSON data`)
}

/** One array or object being copied: its source, its copy, and the next index or key to copy. */
interface CloneFrame {
  readonly source: Record<string, unknown> | unknown[]
  readonly target: Record<string, unknown> | unknown[]
  readonly keys: readonly string[] | undefined
  next: number
}

/**
 * A depth-first copy with an explicit stack. A value reached again is copied once, both places
 * holding the one copy (as structuredClone does); one reached again below itself (a cycle, on the
 * stack of open containers) is a TypeError, as JSON holds none.
 */
function cloneIteratively<T>(value: T): T {
  if (typeof value === 'function') checkPlain(value)
  if (typeof value !== 'object' || value === null) return value
  const copies = new Map<object, unknown>()
  const open = new Set<object>()
  const frames: CloneFrame[] = []
  const copyOf = (v: unknown): unknown => {
    if ((typeof v !== 'object' || v === null) && typeof v !== 'function') return v
    const source = v
    if (open.has(source)) throw new TypeError('cannot copy a value that holds itself (a cycle): not JSON data')
    if (copies.has(source)) return copies.get(source)
    checkPlain(source)
    const list = Array.isArray(source) ? source : undefined
    const target: Record<string, unknown> | unknown[] = list === undefined ? {} : new Array<unknown>(list.length)
    copies.set(source, target)
    open.add(source)
    frames.push({ source: source as Record<string, unknown>, target, keys: list === undefined ? Object.keys(source) : undefined, next: 0 })
    return target
  }
  const root = copyOf(value)
  while (frames.length > 0) {
    const frame = frames[frames.length - 1] as CloneFrame
    const size = frame.keys === undefined ? (frame.source as unknown[]).length : frame.keys.length
    if (frame.next >= size) {
      open.delete(frame.source)
      frames.pop()
      continue
    }
    const at = frame.next++
    if (frame.keys === undefined) {
      ;(frame.target as unknown[])[at] = copyOf((frame.source as unknown[])[at])
    } else {
      const key = frame.keys[at] as string
      define(frame.target as Record<string, unknown>, key, copyOf((frame.source as Record<string, unknown>)[key]))
    }
  }
  return root as T
}

/**
 * JSON.stringify(value) (no replacer, no indent) at any depth: the native one first, and past its
 * stack the same text written with an explicit stack (toJSON honoured, keys in Object.keys order,
 * undefined, functions and symbols left out of objects and written null in arrays).
 */
export function stringifyJson(value: unknown): string {
  try {
    return JSON.stringify(value)
  } catch (err) {
    if (!overflowed(err)) throw err
  }
  return stringifyIteratively(value)
}

interface Writer {
  readonly frames: Frame[]
  readonly out: string[]
  /** The arrays and objects open on `frames`: one opened again is a cycle, as JSON.stringify says. */
  readonly open: Set<object>
}

interface Frame {
  readonly value: Record<string, unknown> | unknown[]
  readonly keys: readonly string[] | undefined
  next: number
  wrote: boolean
}

/**
 * Writes what JSON.stringify writes for `value` under `key` (after toJSON): a scalar whole, an array
 * or object its opening bracket and a frame for the rest; false when JSON.stringify skips the value.
 */
function scalarOrOpen(writer: Writer, value: unknown, key: string): boolean {
  const { frames, out } = writer
  let v = value
  if (typeof v === 'object' && v !== null && typeof (v as { toJSON?: unknown }).toJSON === 'function') v = (v as { toJSON: (k: string) => unknown }).toJSON(key)
  if (v === undefined || typeof v === 'function' || typeof v === 'symbol') return false
  if (typeof v !== 'object' || v === null || v instanceof Number || v instanceof String || v instanceof Boolean) {
    out.push(JSON.stringify(v))
    return true
  }
  if (writer.open.has(v)) throw new TypeError('Converting circular structure to JSON')
  writer.open.add(v)
  if (Array.isArray(v)) {
    out.push('[')
    frames.push({ value: v, keys: undefined, next: 0, wrote: false })
  } else {
    out.push('{')
    const map = v as Record<string, unknown>
    frames.push({ value: map, keys: Object.keys(map), next: 0, wrote: false })
  }
  return true
}

function stringifyIteratively(value: unknown): string {
  const writer: Writer = { frames: [], out: [], open: new Set() }
  const { frames, out } = writer
  // Only an object overflows JSON.stringify, so the top level always opens a frame here.
  scalarOrOpen(writer, value, '')
  while (frames.length > 0) {
    const frame = frames[frames.length - 1] as Frame
    if (frame.keys === undefined) {
      const list = frame.value as unknown[]
      if (frame.next >= list.length) {
        out.push(']')
        writer.open.delete(frames.pop()?.value ?? list)
        continue
      }
      const i = frame.next++
      if (i > 0) out.push(',')
      if (!scalarOrOpen(writer, list[i], String(i))) out.push('null')
      continue
    }
    if (frame.next >= frame.keys.length) {
      out.push('}')
      writer.open.delete(frames.pop()?.value ?? frame.value)
      continue
    }
    const key = frame.keys[frame.next++] as string
    const map = frame.value as Record<string, unknown>
    const at = out.length
    out.push(`${frame.wrote ? ',' : ''}${JSON.stringify(key)}:`)
    if (scalarOrOpen(writer, map[key], key)) frame.wrote = true
    else out.length = at
  }
  return out.join('')
}
