// Values between Helm's model (Maps, GoInt) and plain data (null-prototype objects, bigint for
// int64), so user values keep their Go types on the way into renderChart.
import { GoInt, type GoValue } from './template/values.js'

/** A Go value as plain data: maps become objects without a prototype, ints become bigint. */
export function toPlain(v: GoValue): unknown {
  if (v instanceof Map) {
    const out = Object.create(null) as Record<string, unknown>
    for (const [k, x] of v) out[k] = toPlain(x)
    return out
  }
  if (Array.isArray(v)) return v.map(toPlain)
  if (v instanceof GoInt) return v.value
  if (v === undefined) return null
  return v
}
