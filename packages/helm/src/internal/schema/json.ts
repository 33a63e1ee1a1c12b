// Values and schema documents as the validator sees them: JSON types, numbers as float64, equality.
import { GoFloat32, GoInt, type GoValue } from '../template/values.js'

/** A parsed JSON value (a schema document or a part of one). */
export type Json = null | boolean | number | string | Json[] | { [k: string]: Json }
/** A schema object. */
export type Obj = { readonly [k: string]: Json }

/** The JSON type of a value, as the library names it. */
export type JType = 'null' | 'boolean' | 'number' | 'string' | 'array' | 'object'

/** The library's order of type names in messages (its bit set's order). */
export const typeOrder: readonly string[] = ['null', 'boolean', 'number', 'integer', 'string', 'array', 'object']

/** Whether a schema part is an object (not null, not an array). */
export function isObj(v: Json | undefined): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v)
}

/** The JSON type of a Go value. */
export function typeOf(v: GoValue): JType {
  if (v === null || v === undefined) return 'null'
  if (typeof v === 'boolean') return 'boolean'
  if (typeof v === 'number' || v instanceof GoInt || v instanceof GoFloat32) return 'number'
  if (typeof v === 'string') return 'string'
  if (Array.isArray(v)) return 'array'
  if (v instanceof Map) return 'object'
  return 'null'
}

/** The value of a number as a float64 (what the library reports), or undefined. */
export function numberOf(v: GoValue | Json): number | undefined {
  if (typeof v === 'number') return v
  if (v instanceof GoInt) return Number(v.value)
  if (v instanceof GoFloat32) return v.value
  return undefined
}

/** JSON equality of a value and a schema constant (numbers by value, maps by own keys). */
export function equals(a: GoValue, b: Json): boolean {
  const na = numberOf(a)
  if (na !== undefined) return typeof b === 'number' && na === b
  if (a === null || a === undefined) return b === null
  if (typeof a === 'string' || typeof a === 'boolean') return a === b
  if (Array.isArray(a)) return Array.isArray(b) && a.length === b.length && a.every((x, i) => equals(x, b[i] ?? null))
  if (a instanceof Map) {
    if (!isObj(b) || Object.keys(b).length !== a.size) return false
    for (const [k, x] of a) if (!Object.hasOwn(b, k) || !equals(x, b[k] ?? null)) return false
    return true
  }
  return false
}

/** A Go value as JSON (maps without a prototype). */
export function toJson(v: GoValue): Json {
  const n = numberOf(v)
  if (n !== undefined) return n
  if (v === null || v === undefined || typeof v === 'string' || typeof v === 'boolean') return v ?? null
  if (Array.isArray(v)) return v.map(toJson)
  if (v instanceof Map) {
    const o = Object.create(null) as { [k: string]: Json }
    for (const [k, x] of v) o[k] = toJson(x)
    return o
  }
  return null
}

/** Whether n / m is an integer, in decimal arithmetic (as big.Rat decides) for the usual inputs. */
export function isMultiple(n: number, m: number): boolean {
  if (Number.isInteger(n / m)) return true
  const scale = 10 ** Math.min(15, Math.max(decimals(n), decimals(m)))
  const a = Math.round(n * scale)
  const b = Math.round(m * scale)
  return b !== 0 && a % b === 0
}

function decimals(x: number): number {
  const s = String(x)
  const e = /e-(\d+)$/.exec(s)
  if (e !== null) return Number(e[1])
  const dot = s.indexOf('.')
  return dot < 0 ? 0 : s.length - dot - 1
}
