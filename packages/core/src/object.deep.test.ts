import { isDeepStrictEqual } from 'node:util'
import { describe, expect, it } from 'vitest'
import { cloneValue, deepEqual, setOwn } from './object.js'
import type { KubeValue } from './object.js'

// The recursive deepEqual and cloneValue as they were before they learnt any depth (commit
// 93abf403), kept here as the oracle of a differential test: within the native stack the new ones
// must answer exactly as these did.

function oldDeepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true
  if (typeof a === 'bigint' || typeof b === 'bigint') {
    if ((typeof a !== 'bigint' && typeof a !== 'number') || (typeof b !== 'bigint' && typeof b !== 'number')) return false
    if (typeof a === 'number' && !Number.isInteger(a)) return false
    if (typeof b === 'number' && !Number.isInteger(b)) return false
    return BigInt(a) === BigInt(b)
  }
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false
    for (let i = 0; i < a.length; i++) if (!oldDeepEqual(a[i], b[i])) return false
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
    if (!Object.hasOwn(rb, key) || !oldDeepEqual(va, rb[key])) return false
  }
  for (const key of Object.keys(rb)) if (rb[key] !== undefined) count--
  return count === 0
}

const NOT_PLAIN: unique symbol = Symbol('not plain')

function oldCopyPlain(value: unknown, depth: number, copies: Map<object, unknown>): unknown {
  if (typeof value !== 'object' || value === null) return typeof value === 'function' || typeof value === 'symbol' ? NOT_PLAIN : value
  const done = copies.get(value)
  if (done !== undefined) return done
  if (depth > 256) return NOT_PLAIN
  const proto: unknown = Object.getPrototypeOf(value)
  if (proto === Array.prototype) {
    const array = value as readonly unknown[]
    const n = array.length
    const out = new Array<unknown>(n)
    copies.set(value, out)
    for (let i = 0; i < n; i++) {
      const element = array[i]
      if (element === undefined && !(i in array)) return NOT_PLAIN
      const item = oldCopyPlain(element, depth + 1, copies)
      if (item === NOT_PLAIN) return NOT_PLAIN
      out[i] = item
    }
    if (Object.keys(array).length !== n) return NOT_PLAIN
    return out
  }
  if ((proto !== Object.prototype && proto !== null) || Array.isArray(value)) return NOT_PLAIN
  const map = value as Readonly<Record<string, unknown>>
  const out: Record<string, unknown> = {}
  copies.set(value, out)
  for (const key of Object.keys(map)) {
    const item = oldCopyPlain(map[key], depth + 1, copies)
    if (item === NOT_PLAIN) return NOT_PLAIN
    setOwn(out, key, item)
  }
  return out
}

function oldCloneValue(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return typeof value === 'function' || typeof value === 'symbol' ? structuredClone(value) : value
  const copy = oldCopyPlain(value, 0, new Map<object, unknown>())
  return copy === NOT_PLAIN ? structuredClone(value) : copy
}

/** A small seeded generator (mulberry32), so that a failure names a seed that reproduces it. */
function random(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (s + 0x6d2b79f5) >>> 0
    let t = s
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const SCALARS: readonly unknown[] = [
  0, -0, 1, -1, 1.5, Number.NaN, Infinity, -Infinity, 2 ** 53, 2 ** 53 + 2, 1e21,
  0n, 1n, -1n, 2n ** 53n, 2n ** 70n, 'x', '', '1', '0', 'true', true, false, null, undefined,
]
const KEYS: readonly string[] = ['a', 'b', 'c', '0', '1', 'length', '__proto__', 'constructor', 'toString', 'hasOwnProperty', 'valueOf']

/** A random value: scalars, arrays, ordinary and null-prototype maps, now and then a Date. */
function valueOf(next: () => number, depth: number): unknown {
  const pick = next()
  if (depth > 5 || pick < 0.45) return SCALARS[Math.floor(next() * SCALARS.length)]
  if (pick < 0.5) return new Date(Math.floor(next() * 4) * 1000)
  const size = Math.floor(next() * 4)
  if (pick < 0.72) return Array.from({ length: size }, () => valueOf(next, depth + 1))
  const map: Record<string, unknown> = next() < 0.25 ? (Object.create(null) as Record<string, unknown>) : {}
  for (let i = 0; i < size; i++) setOwn(map, KEYS[Math.floor(next() * KEYS.length)] as string, valueOf(next, depth + 1))
  return map
}

/** `value` with one change that the equality rules may or may not see, or none at all. */
function variantOf(value: unknown, next: () => number): unknown {
  const change = next()
  if (typeof value === 'number' && Number.isInteger(value) && change < 0.3) return BigInt(value)
  if (typeof value === 'bigint' && change < 0.3 && value < 2n ** 53n && value > -(2n ** 53n)) return Number(value)
  if (value === null || typeof value !== 'object' || value instanceof Date) return change < 0.1 ? SCALARS[Math.floor(next() * SCALARS.length)] : value
  if (Array.isArray(value)) {
    if (change < 0.05) return Object.assign({}, value)
    const copy = value.map((item) => variantOf(item, next))
    if (change < 0.1) copy.push(undefined)
    return copy
  }
  const source = value as Record<string, unknown>
  const keys = Object.keys(source)
  if (change < 0.2) keys.reverse()
  const copy: Record<string, unknown> = change < 0.3 ? (Object.create(null) as Record<string, unknown>) : {}
  for (const key of keys) setOwn(copy, key, variantOf(source[key], next))
  if (change > 0.9) setOwn(copy, KEYS[Math.floor(next() * KEYS.length)] as string, change > 0.95 ? undefined : 1)
  if (change < 0.05 && keys.length > 0) Reflect.deleteProperty(copy, keys[0] as string)
  if (change > 0.85 && change <= 0.9) return Object.values(copy)
  return copy
}

/** Whether `x` and `y` are the same copy: deeply equal, prototypes, key order and sharing included. */
function sameCopy(x: unknown, y: unknown): boolean {
  if (!isDeepStrictEqual(x, y)) return false
  const pairs = new Map<unknown, unknown>()
  const walk = (p: unknown, q: unknown): boolean => {
    if (typeof p !== 'object' || p === null) return Object.is(p, q)
    if (pairs.has(p)) return pairs.get(p) === q
    pairs.set(p, q)
    if (typeof q !== 'object' || q === null || Object.getPrototypeOf(p) !== Object.getPrototypeOf(q)) return false
    const kp = Object.keys(p)
    if (!isDeepStrictEqual(kp, Object.keys(q))) return false
    return kp.every((k) => walk((p as Record<string, unknown>)[k], (q as Record<string, unknown>)[k]))
  }
  return walk(x, y)
}

/** `leaf` under `levels` levels, alternately arrays and maps (the map key `k`, or `__proto__`). */
function nest(leaf: unknown, levels: number): unknown {
  let v = leaf
  for (let i = 0; i < levels; i++) {
    if (i % 2 === 0) v = [v]
    else {
      const map: Record<string, unknown> = i % 7 === 1 ? (Object.create(null) as Record<string, unknown>) : {}
      setOwn(map, i % 5 === 1 ? '__proto__' : 'k', v)
      v = map
    }
  }
  return v
}

const DEEP = 100_000

describe('deepEqual (differential, against the recursive one it replaced)', () => {
  it('answers as before for 20,000 random pairs of values, both ways round', () => {
    let equal = 0
    for (let seed = 1; seed <= 20_000; seed++) {
      const next = random(seed)
      const a = valueOf(next, 0)
      const b = next() < 0.1 ? valueOf(next, 0) : variantOf(a, next)
      const want = oldDeepEqual(a, b)
      if (want) equal++
      expect(deepEqual(a, b), `seed ${seed}`).toBe(want)
      expect(deepEqual(b, a), `seed ${seed}`).toBe(oldDeepEqual(b, a))
    }
    // Both answers well represented, or the comparison proves little.
    expect(equal).toBeGreaterThan(4_000)
    expect(equal).toBeLessThan(16_000)
  })

  it.each([
    ['-0 and 0', -0, 0],
    ['NaN and NaN', Number.NaN, Number.NaN],
    ['a bigint past 2^53 and the nearest number', 2n ** 53n + 1n, 2 ** 53 + 2],
    ['two Dates of different times (no own keys: equal, as before)', new Date(0), new Date(1)],
    ['a Date and an empty map', new Date(0), {}],
    ['a null-prototype map and an ordinary one', Object.assign(Object.create(null) as object, { a: 1 }), { a: 1 }],
    ['an inherited constructor against an own one', {}, { constructor: Object }],
    ['__proto__ as an own key', JSON.parse('{"__proto__":1}') as unknown, {}],
    ['an array and a map with index keys', [1], { 0: 1 }],
    ['an array with an undefined element and a shorter one', [1, undefined], [1]],
  ])('answers as before for %s, shallow and 1,000 and 100,000 levels down', (_name, a, b) => {
    const want = oldDeepEqual(a, b)
    expect(deepEqual(a, b)).toBe(want)
    expect(deepEqual(b, a)).toBe(oldDeepEqual(b, a))
    expect(deepEqual(nest(a, 1_000), nest(b, 1_000))).toBe(oldDeepEqual(nest(a, 1_000), nest(b, 1_000)))
    expect(deepEqual(nest(a, DEEP), nest(b, DEEP))).toBe(want)
    expect(deepEqual(nest(b, DEEP), nest(a, DEEP))).toBe(want)
  })

  it('compares values nested 100,000 deep without overflowing, where the recursive one overflowed', () => {
    const a = nest({ n: 5n, u: undefined, list: [1, 'x'] }, DEEP)
    const b = nest({ list: [1, 'x'], n: 5 }, DEEP)
    expect(() => oldDeepEqual(a, b)).toThrow(RangeError)
    expect(deepEqual(a, b)).toBe(true)
    expect(deepEqual(a, nest({ n: 5n, list: [1, 'y'] }, DEEP))).toBe(false)
    expect(deepEqual(a, nest({ n: 5n, list: [1, 'x'] }, DEEP - 1))).toBe(false)
    // Wide and deep: the difference is in the last branch.
    const wide = (leaf: unknown): unknown => ({ first: nest(1, DEEP), second: nest(leaf, DEEP) })
    expect(deepEqual(wide(1), wide(1))).toBe(true)
    expect(deepEqual(wide(1), wide(2))).toBe(false)
    // The same subtree on both sides is equal without being walked.
    const shared = nest(1, DEEP)
    expect(deepEqual({ a: shared }, { a: shared })).toBe(true)
  })

  it('throws a RangeError, as the recursion did, for cycles that agree all the way round, shallow or deep', () => {
    const ring = (levels: number): unknown => {
      const top: Record<string, unknown> = {}
      let bottom: Record<string, unknown> = top
      for (let i = 0; i < levels; i++) {
        const next: Record<string, unknown> = {}
        bottom.k = next
        bottom = next
      }
      bottom.k = top
      return top
    }
    for (const levels of [0, 3, 1_000, DEEP]) {
      expect(() => deepEqual(ring(levels), ring(levels))).toThrow(RangeError)
      if (levels < 1_000) expect(() => oldDeepEqual(ring(levels), ring(levels))).toThrow(RangeError)
    }
    // Rings of different periods agree forever too.
    expect(() => deepEqual(ring(2), ring(3))).toThrow(RangeError)
    // A cycle on one side only ends where the other side does.
    expect(deepEqual(ring(2), nest({}, 10))).toBe(oldDeepEqual(ring(2), nest({}, 10)))
    // A difference before the cycle is found, as before.
    const a = { x: 1, next: ring(5) }
    expect(deepEqual(a, { x: 2, next: ring(5) })).toBe(false)
  })
})

describe('cloneValue (differential, against the one it replaced)', () => {
  it('copies 20,000 random values exactly as before: prototypes, key order, -0, bigint, Dates, sharing', () => {
    for (let seed = 1; seed <= 20_000; seed++) {
      const next = random(seed)
      const value = valueOf(next, 0)
      // Now and then a subtree reached twice.
      const withShared = next() < 0.2 && typeof value === 'object' && value !== null ? { a: value, b: [value] } : value
      expect(sameCopy(cloneValue(withShared as KubeValue), oldCloneValue(withShared)), `seed ${seed}`).toBe(true)
    }
  })

  it('copies a value nested 100,000 deep without overflowing, where structuredClone overflowed', () => {
    const leaf = { n: 5n, z: -0, list: [1, undefined, 'x'], u: undefined }
    const value = nest(leaf, DEEP)
    expect(() => oldCloneValue(value)).toThrow(RangeError)
    const copy = cloneValue(value as KubeValue)
    expect(copy === value).toBe(false)
    // Walked down by hand: each level a fresh object of the same shape.
    let original: unknown = value
    let copied: unknown = copy
    let fresh = 0
    for (let i = DEEP - 1; i >= 0; i--) {
      const key = Object.keys(original as object)[0] as string
      const keys = Object.keys(copied as object)
      const proto: unknown = Object.getPrototypeOf(copied)
      if (copied !== original && proto === (i % 2 === 0 ? Array.prototype : Object.prototype) && keys.length === 1 && keys[0] === key) fresh++
      original = (original as Record<string, unknown>)[key]
      copied = (copied as Record<string, unknown>)[key]
    }
    expect(fresh).toBe(DEEP)
    expect(sameCopy(copied, structuredClone(leaf))).toBe(true)
    expect(copied !== original).toBe(true)
    expect(({} as Record<string, unknown>).k).toBeUndefined()
  })

  it('copies past structuredClone\'s stack what it copied shallow: holes, extra keys, Dates, Maps, shared subtrees, cycles', () => {
    // eslint-disable-next-line no-sparse-arrays
    const odd = { holes: [1, , 3], extra: Object.assign([1], { x: 'kept' }), date: new Date(5), map: new Map([['a', 1]]), nullArray: Object.setPrototypeOf([1], null) as unknown }
    const shallow = structuredClone(odd)
    const copy = cloneValue(nest(odd, DEEP) as KubeValue)
    let bottom: unknown = copy
    for (let i = 0; i < DEEP; i++) bottom = Object.values(bottom as object)[0]
    expect(sameCopy(bottom, shallow)).toBe(true)
    expect(1 in (bottom as typeof odd).holes).toBe(false)
    // Shared and cyclic.
    const shared = nest({ s: 1 }, DEEP)
    const cyclic: Record<string, unknown> = { shared }
    cyclic.deep = nest(cyclic, DEEP)
    const both = cloneValue({ a: shared, b: cyclic } as unknown as KubeValue) as unknown as { a: unknown; b: Record<string, unknown> }
    expect(both.a === shared).toBe(false)
    expect(both.b.shared === both.a).toBe(true)
    let back: unknown = both.b.deep
    for (let i = 0; i < DEEP; i++) back = Object.values(back as object)[0]
    expect(back === both.b).toBe(true)
  })

  it('refuses a function 100,000 levels down with DataCloneError, as structuredClone refused one shallow', () => {
    expect(() => cloneValue(nest({ f: () => 1 }, DEEP) as KubeValue)).toThrow(expect.objectContaining({ name: 'DataCloneError' }))
  })

  it('compares a value that holds itself with a chain 100,000 deep in linear time (the open pairs are a set)', () => {
    const a: Record<string, unknown> = {}
    a.c = a
    const top: Record<string, unknown> = {}
    let b = top
    for (let i = 0; i < 100_000; i++) {
      const n: Record<string, unknown> = {}
      b.c = n
      b = n
    }
    expect(deepEqual(a, top)).toBe(false)
  })
})
