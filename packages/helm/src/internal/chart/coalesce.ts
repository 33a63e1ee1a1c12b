// Helm's value coalescing (helm v4 pkg/chart/common/util/coalesce.go): user values over chart
// defaults, each subchart's defaults under its name, globals copied down, and `null` deleting a
// key on the way (coalesce) or kept (merge, as dependency processing uses).
import { sprintf } from '../template/fmt.js'
import type { GoMap, GoValue } from '../template/values.js'
import type { Chart } from './load.js'

const isTable = (v: GoValue): v is GoMap => v instanceof Map

/** A deep copy of maps and lists (values are otherwise immutable). */
export function copyValue(v: GoValue): GoValue {
  if (v instanceof Map) return copyTable(v)
  if (Array.isArray(v)) return v.map(copyValue)
  return v
}

/** A deep copy of a table. */
export function copyTable(m: GoMap): GoMap {
  const out: GoMap = new Map()
  for (const [k, v] of m) out.set(k, copyValue(v))
  return out
}

/**
 * Helm's coalesceTablesFullKey: `dst` wins; with `merge` false a `null` in `dst` deletes the key
 * where `src` has a value (the user nulls a default), and stays where `src` has none or a null.
 */
export function coalesceTables(dst: GoMap, src: GoMap, merge: boolean): GoMap {
  // The keys dst nulls over a value of src.
  const nulled = new Set<string>()
  for (const [k, v] of dst) {
    if (v !== null) continue
    const s = src.get(k)
    if (s !== null && s !== undefined) nulled.add(k)
    src.set(k, null)
  }
  for (const [key, val] of src) {
    const has = dst.has(key)
    const dv = dst.get(key)
    if (has && !merge && dv === null && nulled.has(key)) dst.delete(key)
    else if (!has) dst.set(key, val)
    else if (isTable(val) && isTable(dv)) coalesceTables(dv, val, merge)
  }
  return dst
}

function coalesceGlobals(dest: GoMap, src: GoMap): void {
  const dgRaw = dest.has('global') ? dest.get('global') : new Map()
  const sgRaw = src.has('global') ? src.get('global') : new Map()
  if (!isTable(dgRaw ?? null) || !isTable(sgRaw ?? null)) return
  const dg = dgRaw as GoMap
  for (const [key, val] of sgRaw as GoMap) {
    if (isTable(val)) {
      const vv = copyTable(val)
      const destv = dg.get(key)
      if (!dg.has(key)) dg.set(key, vv)
      else if (isTable(destv ?? null)) {
        // Top-down: the parent's global table wins over the subchart's own.
        coalesceTables(vv, destv as GoMap, true)
        dg.set(key, vv)
      }
    } else if (!isTable(dg.get(key) ?? null)) {
      dg.set(key, val)
    }
  }
  dest.set('global', dg)
}

function coalesceValues(chart: Chart, v: GoMap, merge: boolean): void {
  const defaults = copyTable(chart.values)
  const childNames = new Set(chart.subcharts.map((c) => c.meta.name))
  for (const [key, val] of defaults) {
    if (v.has(key)) {
      const value = v.get(key) ?? null
      if (value === null && !merge) v.delete(key)
      else if (isTable(value) && isTable(val)) {
        // A subchart's section always merges, so its nulls reach the subchart (helm's childChartMergeTrue).
        coalesceTables(value, val, merge || childNames.has(key))
      }
    } else v.set(key, val)
  }
}

/** Helm's coalesce: `dest` (user values) over the chart's values, then each subchart under its name. */
export function coalesceChart(chart: Chart, dest: GoMap, merge: boolean): GoMap {
  coalesceValues(chart, dest, merge)
  for (const sub of chart.subcharts) {
    const name = sub.meta.name
    if (!dest.has(name)) dest.set(name, new Map())
    const dv = dest.get(name) ?? null
    if (!isTable(dv)) throw new Error(`type mismatch on ${name}: ${sprintf('%t', [dv])}`)
    coalesceGlobals(dv, dest)
    dest.set(name, coalesceChart(sub, dv, merge))
  }
  return dest
}

/** Helm's CoalesceValues (nulls delete) or MergeValues (nulls stay) of user values over a chart. */
export function chartValues(chart: Chart, user: GoMap, merge = false): GoMap {
  return coalesceChart(chart, copyTable(user), merge)
}

/** Helm's MergeTables/mergeMaps for user values: later sources win, tables merge deeply. */
export function mergeMaps(a: GoMap, b: GoMap): GoMap {
  const out: GoMap = new Map(a)
  for (const [k, v] of b) {
    const av = out.get(k)
    if (isTable(v) && av !== undefined && isTable(av)) out.set(k, mergeMaps(av, v))
    else out.set(k, v)
  }
  return out
}
