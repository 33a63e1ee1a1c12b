// Conversions Sprig and Helm apply to interface{} arguments: strval, spf13/cast's ToInt64 and
// ToFloat64, Sprig's empty(), and the bridge from the value model to core's JSON and YAML.
import type { KubeValue } from '@gitops-sdk/core'
import { compareStrings, jsonString, marshalJson, parseFloat64 } from '@gitops-sdk/core/go'
import { NO_FLAGS, formatValue } from '../template/fmt.js'
import { GoFloat32, GoInt, GoStruct, type GoValue, isExported, isNil, typeName } from '../template/values.js'
import { rfc3339Nano, timeOf } from './goTime.js'


/** fmt.Sprintf("%v", v). */
export function sprintV(v: GoValue): string {
  return formatValue(v === undefined ? null : v, 'v', NO_FLAGS)
}

/** Sprig's strval: strings as they are, Stringers through String(), everything else as %v. */
export function strval(v: GoValue): string {
  if (typeof v === 'string') return v
  if (v instanceof GoStruct && v.stringer !== undefined) return v.stringer()
  if (v instanceof GoInt && v.named?.stringer !== undefined) return v.named.stringer(v.value)
  // A []byte (.Files.GetBytes) is its text, as Sprig's strval converts it.
  if (Array.isArray(v) && typeName(v) === '[]uint8') return Buffer.from(v.map((b) => Number((b as GoInt).value))).toString('utf8')
  return sprintV(v)
}

/** spf13/cast ToInt64 with the error ignored, as Sprig calls it. */
export function toInt64(v: GoValue): bigint {
  if (v instanceof GoInt) return v.named !== undefined && v.named.castable !== true ? 0n : BigInt.asIntN(64, v.value)
  // Go's int64(f) on amd64: a float64 beyond int64's range (or NaN, an infinity) is the smallest int64.
  if (typeof v === 'number') return v >= -9223372036854775808 && v < 9223372036854775808 ? BigInt(Math.trunc(v)) : -(2n ** 63n)
  if (v instanceof GoFloat32) return BigInt(Math.trunc(v.value))
  if (typeof v === 'boolean') return v ? 1n : 0n
  if (typeof v === 'string') {
    const s = v.replace(/^([+-]?\d+)\.0*$/, '$1')
    const m = /^([+-]?)(0[xX][0-9a-fA-F_]+|0[oO]?[0-7_]+|0[bB][01_]+|[1-9][0-9_]*|0)$/.exec(s)
    if (m === null) return 0n
    try {
      let body = (m[2] ?? '0').replaceAll('_', '')
      if (/^0[0-7]+$/.test(body)) body = `0o${body.slice(1)}`
      const n = BigInt(body)
      const r = m[1] === '-' ? -n : n
      return r >= -(2n ** 63n) && r < 2n ** 63n ? r : 0n
    } catch {
      return 0n
    }
  }
  return 0n
}

/** spf13/cast ToFloat64 with the error ignored. */
export function toFloat64(v: GoValue): number {
  if (typeof v === 'number') return v
  if (v instanceof GoInt) return v.named !== undefined && v.named.castable !== true ? 0 : Number(v.value)
  if (v instanceof GoFloat32) return v.value
  if (typeof v === 'boolean') return v ? 1 : 0
  // strconv.ParseFloat's syntax and range errors (a finite text beyond float64) are 0 to cast.
  if (typeof v === 'string') return parseFloat64(v) ?? 0
  return 0
}

/** Sprig's empty(): the zero value of its type, or nil. */
export function isEmpty(v: GoValue): boolean {
  if (v === undefined || v === null) return true
  if (typeof v === 'string') return v === ''
  if (typeof v === 'boolean') return !v
  if (typeof v === 'number') return v === 0
  if (v instanceof GoInt) return v.value === 0n
  if (v instanceof GoFloat32) return v.value === 0
  if (Array.isArray(v)) return v.length === 0
  if (v instanceof Map) return v.size === 0
  return false
}

/**
 * The value model as core's plain JSON data (maps as null-prototype objects, int64 as bigint when large);
 * nil slices and maps as null unless `nilAsEmpty`.
 */
export function toKube(v: GoValue, nilAsEmpty = false): KubeValue {
  return kubeOf(v, nilAsEmpty, { struct: false })
}

// What a walk met: `struct` when it wrote a struct's fields, whose order a JSON object (sorted as a map) loses.
interface KubeWalk {
  struct: boolean
}

function kubeOf(v: GoValue, nilAsEmpty: boolean, walk: KubeWalk): KubeValue {
  if (v === undefined || v === null) return null
  // encoding/json (toJson, and toYaml through it) writes a nil slice or map as null; go-yaml
  // (toYamlPretty) as an empty one.
  if (!nilAsEmpty && isNil(v)) return null
  if (typeof v === 'string' || typeof v === 'boolean' || typeof v === 'number') return v
  if (v instanceof GoInt) {
    // An integer beyond 2^53 stays exact (core's writers print a bigint in full).
    const n = Number(v.value)
    return Number.isSafeInteger(n) ? n : v.value
  }
  if (v instanceof GoFloat32) return v.value
  if (Array.isArray(v)) {
    // encoding/json writes a []byte (.Files.GetBytes) as its base64 text; go-yaml (toYamlPretty) is left as it was.
    if (!nilAsEmpty && typeName(v) === '[]uint8') return Buffer.from(v.map((b) => Number((b as GoInt).value))).toString('base64')
    return v.map((x) => kubeOf(x, nilAsEmpty, walk))
  }
  if (v instanceof Map) {
    const o = Object.create(null) as Record<string, KubeValue>
    for (const [k, x] of v) o[k] = kubeOf(x, nilAsEmpty, walk)
    return o
  }
  if (v instanceof GoStruct) {
    // time.Time marshals itself as its RFC 3339 text, a semver.Version as its String.
    const t = timeOf(v)
    if (t !== undefined) return rfc3339Nano(t)
    if (v.marshalJson !== undefined) return kubeOf(v.marshalJson(), nilAsEmpty, walk)
    walk.struct = true
    const o = Object.create(null) as Record<string, KubeValue>
    for (const [k, x] of v.fields) if (isExported(k)) o[v.jsonNames?.get(k) ?? k] = kubeOf(x, nilAsEmpty, walk)
    return o
  }
  return null
}

/**
 * encoding/json's Marshal of a value: maps with sorted keys, a struct's exported fields in their
 * declared order under their `json` names. Most values hold no struct and go through core's
 * writer; the others are written again here, field order kept.
 *
 * @throws RangeError for NaN and infinities, as Marshal refuses them.
 */
export function marshalGo(v: GoValue): string {
  const walk: KubeWalk = { struct: false }
  const plain = kubeOf(v, false, walk)
  return walk.struct ? orderedJson(v) : marshalJson(plain)
}

function orderedJson(v: GoValue): string {
  if (v instanceof GoStruct && timeOf(v) === undefined && v.marshalJson === undefined) {
    const fields: string[] = []
    for (const [k, x] of v.fields) if (isExported(k)) fields.push(`${jsonString(v.jsonNames?.get(k) ?? k)}:${orderedJson(x)}`)
    return `{${fields.join(',')}}`
  }
  if (isNil(v)) return 'null'
  // A []byte is its base64 text (toKube), not an array of numbers.
  if (Array.isArray(v) && typeName(v) !== '[]uint8') return `[${v.map(orderedJson).join(',')}]`
  if (v instanceof Map) return `{${[...v.keys()].sort(compareStrings).map((k) => `${jsonString(k)}:${orderedJson(v.get(k))}`).join(',')}}`
  return marshalJson(toKube(v))
}

/** Plain parsed data (JSON semantics: every number a float64) as the value model. */
export function fromKube(v: unknown): GoValue {
  if (v === undefined || v === null) return null
  if (typeof v === 'string' || typeof v === 'boolean') return v
  if (typeof v === 'number') return v
  if (typeof v === 'bigint') return Number(v)
  if (v instanceof Date) return v.toISOString().replace('.000Z', 'Z')
  if (Array.isArray(v)) return v.map(fromKube)
  if (v instanceof Map) {
    const m = new Map<string, GoValue>()
    for (const [k, x] of v) m.set(String(k), fromKube(x))
    return m
  }
  if (typeof v === 'object') {
    const m = new Map<string, GoValue>()
    for (const k of Object.keys(v)) m.set(k, fromKube((v as Record<string, unknown>)[k]))
    return m
  }
  return null
}
