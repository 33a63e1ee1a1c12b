// Helm's dependency processing (helm v4 pkg/chart/v2/util/dependencies.go), as `helm template`
// runs it before rendering: aliases copy a subchart under a new name, `tags` then `condition`
// enable or disable each dependency, disabled ones are dropped (recursively), and `import-values`
// copy values from a child up into its parent, below the parent's own values.
import { parseSemver, parseSemverConstraint, semverSatisfies } from '@gitops-sdk/core/semver'
import { sprintf } from '../template/fmt.js'
import type { GoMap, GoValue } from '../template/values.js'
import { chartValues, coalesceTables, copyTable } from './coalesce.js'
import type { Chart, Dependency } from './load.js'

const isTable = (v: GoValue | undefined): v is GoMap => v instanceof Map

/** Helm's Values.Table: the table at a dotted path, or undefined. */
export function table(values: GoMap, path: string): GoMap | undefined {
  let cur: GoMap = values
  for (const key of path.split('.')) {
    const next = cur.get(key)
    if (!isTable(next)) return undefined
    cur = next
  }
  return cur
}

/** Helm's Values.PathValue: the non-table value at a dotted path, or `missing`. */
function pathValue(values: GoMap, path: string): { found: boolean; value: GoValue } {
  const keys = path.split('.')
  const last = keys.pop() ?? ''
  const t = keys.length === 0 ? values : table(values, keys.join('.'))
  if (t === undefined || !t.has(last)) return { found: false, value: null }
  const v = t.get(last) ?? null
  if (isTable(v)) return { found: false, value: null }
  return { found: true, value: v }
}

/**
 * Helm's IsCompatibleRange: whether a chart version satisfies a dependency's version constraint,
 * on Masterminds/semver's rules. A dependency without a version has no constraint that parses, so
 * it matches no subchart (helm v4.1.4 renders no copy for it).
 */
export function isCompatibleRange(constraint: string, version: string): boolean {
  try {
    return semverSatisfies(parseSemverConstraint(constraint), parseSemver(version))
  } catch {
    return false
  }
}

/** Names of the dependencies Chart.yaml lists that charts/ does not hold (Helm's CheckDependencies). */
export function missingDependencies(chart: Chart): string[] {
  const present = new Set(chart.subcharts.map((c) => c.meta.name))
  return chart.dependencyList.filter((d) => !present.has(d.name)).map((d) => d.name)
}

/**
 * Helm's getAliasDependency: a copy of the first subchart a dependency names (aliased or not),
 * with its own metadata and shallow copies of its own subcharts pointing at the copy, so a chart
 * used twice (under an alias) has distinct children with distinct paths.
 */
function aliasCopy(charts: readonly Chart[], dep: Dependency): Chart | undefined {
  for (const c of charts) {
    if (c.meta.name !== dep.name || !isCompatibleRange(dep.version, c.meta.version)) continue
    const out: Chart = {
      ...c,
      meta: { ...c.meta, name: dep.alias === '' ? c.meta.name : dep.alias },
      dependencyList: c.dependencyList.map((d) => ({ ...d })),
      subcharts: [],
    }
    out.subcharts = c.subcharts.map((child) => ({ ...child, parent: out }))
    return out
  }
  return undefined
}

function processTags(deps: readonly Dependency[], values: GoMap): void {
  const tags = table(values, 'tags')
  if (tags === undefined) return
  for (const d of deps) {
    let hasTrue = false
    let hasFalse = false
    for (const k of d.tags) {
      const b = tags.get(k)
      if (b === true) hasTrue = true
      else if (b === false) hasFalse = true
    }
    d.enabled = hasTrue || !hasFalse
  }
}

function processConditions(deps: readonly Dependency[], values: GoMap, path: string): void {
  for (const d of deps) {
    for (const c of d.condition.trim().split(',')) {
      if (c === '') continue
      const { found, value } = pathValue(values, path + c)
      if (found && typeof value === 'boolean') {
        d.enabled = value
        break
      }
    }
  }
}

/**
 * Helm's processDependencyEnabled: resolves aliases and drops disabled subcharts, recursively. A
 * chart whose Chart.yaml has no `dependencies` is left as it is, its subcharts unprocessed, as in
 * helm; subcharts Chart.yaml does not list are kept as they are (shared between copies, so the
 * last parent to claim one names its path, as in helm).
 */
export function processEnabled(chart: Chart, values: GoMap, path: string): void {
  if (!chart.dependenciesDeclared) return
  const deps = chart.dependencyList
  const kept: Chart[] = chart.subcharts.filter((c) => !deps.some((d) => d.name === c.meta.name && isCompatibleRange(d.version, c.meta.version)))
  for (const d of deps) {
    const copy = aliasCopy(chart.subcharts, d)
    if (copy !== undefined) kept.push(copy)
    if (d.alias !== '') d.name = d.alias
  }
  for (const sub of kept) sub.parent = chart
  chart.subcharts = kept
  for (const d of deps) d.enabled = true
  const cvals = chartValues(chart, values)
  processTags(deps, cvals)
  processConditions(deps, cvals, path)
  const removed = new Set(deps.filter((d) => !d.enabled).map((d) => d.name))
  const enabled = chart.subcharts.filter((c) => !removed.has(c.meta.name))
  chart.dependencyList = deps.filter((d) => !removed.has(d.name))
  for (const sub of enabled) processEnabled(sub, cvals, `${path}${sub.meta.name}.`)
  for (const sub of enabled) sub.parent = chart
  chart.subcharts = enabled
}

function pathToMap(path: string, data: GoMap): GoMap {
  if (path === '.') return data
  let out: GoMap = data
  for (const key of path.split('.').reverse()) {
    if (key === '') continue
    out = new Map([[key, out]])
  }
  return out
}

/** Helm's processImportValues (merge mode, as install uses), children first. */
export function processImportValues(chart: Chart): void {
  for (const sub of chart.subcharts) processImportValues(sub)
  if (chart.dependencyList.length === 0) return
  const cvals = chartValues(chart, new Map(), true)
  let imported: GoMap = new Map()
  // The first import of a key wins over later ones (helm's MergeTables keeps its destination).
  for (const d of chart.dependencyList) {
    for (const iv of d.importValues) {
      if (iv instanceof Map) {
        const child = sprintf('%v', [iv.get('child') ?? null])
        const parent = sprintf('%v', [iv.get('parent') ?? null])
        const t = table(cvals, `${d.name}.${child}`)
        if (t === undefined) continue
        imported = coalesceTables(imported, pathToMap(parent, copyTable(t)), true)
      } else if (typeof iv === 'string') {
        const t = table(cvals, `${d.name}.exports.${iv}`)
        if (t === undefined) continue
        imported = coalesceTables(imported, copyTable(t), true)
      }
    }
  }
  // The parent's own values win over what it imports.
  chart.values = coalesceTables(cvals, imported, true)
}
