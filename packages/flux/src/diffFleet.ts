import { compareRefs, deepEqual, formatRef, isKubeMap, refKey, refOf } from '@gitops-sdk/core'
import type { KubeObject, KubeValue, ObjectRef } from '@gitops-sdk/core'
import type { FleetBuild } from './fleetTypes.js'

/** One field that differs between two versions of an object. */
export interface FieldChange {
  /** Dotted path with `[i]` for list items: `spec.replicas`, `spec.template.spec.containers[0].image`. */
  readonly path: string
  /** The value before, or `undefined` when the field was added; `'***'` for Secret data. */
  readonly before?: KubeValue | undefined
  /** The value after, or `undefined` when the field was removed; `'***'` for Secret data. */
  readonly after?: KubeValue | undefined
}

/** How the objects of one Kustomization differ between two builds. */
export interface KustomizationDiff {
  /** `NS/NAME` of the Kustomization (or of the HelmRelease, with `kind`). */
  readonly kustomization: string
  /** `'HelmRelease'` for what a HelmRelease installs; absent for a Kustomization. */
  readonly kind?: 'HelmRelease' | undefined
  /** The Kustomization exists only in the second build (`added`), only in the first (`removed`), or in both. */
  readonly status: 'added' | 'removed' | 'changed'
  /** Objects only the second build has. */
  readonly added: readonly ObjectRef[]
  /** Objects only the first build has. */
  readonly removed: readonly ObjectRef[]
  /** Objects both builds have whose fields differ. */
  readonly changed: readonly {
    /** The object. */
    readonly ref: ObjectRef
    /** Its changed fields, Secret values masked. */
    readonly fields: readonly FieldChange[]
  }[]
}

const MASK = '***'

function compare(pair: readonly [KubeValue | undefined, KubeValue | undefined], path: string, out: FieldChange[]): void {
  const [a, b] = pair
  if (deepEqual(a, b)) return
  if (isKubeMap(a) && isKubeMap(b)) {
    const keys = [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()
    for (const key of keys) compare([a[key], b[key]], path === '' ? key : `${path}.${key}`, out)
    return
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) {
    a.forEach((v, i) => compare([v, b[i]], `${path}[${i}]`, out))
    return
  }
  const change: { path: string; before?: KubeValue; after?: KubeValue } = { path }
  if (a !== undefined) change.before = a
  if (b !== undefined) change.after = b
  out.push(change)
}

/** Secret values never leave the diff: `data` and `stringData` fields show `***`. */
function mask(object: KubeObject, changes: FieldChange[]): FieldChange[] {
  if (object.kind !== 'Secret' || object.apiVersion !== 'v1') return changes
  return changes.map((c) =>
    /^(data|stringData)(\.|$)/u.test(c.path)
      ? { path: c.path, ...(c.before === undefined ? {} : { before: MASK }), ...(c.after === undefined ? {} : { after: MASK }) }
      : c,
  )
}

function objectsDiff(kustomization: string, before: readonly KubeObject[], after: readonly KubeObject[]): Omit<KustomizationDiff, 'status'> {
  const byKey = (objects: readonly KubeObject[]): Map<string, KubeObject> => new Map(objects.map((o) => [refKey(refOf(o)), o]))
  const old = byKey(before)
  const next = byKey(after)
  const added = [...next.entries()].filter(([k]) => !old.has(k)).map(([, o]) => refOf(o)).sort(compareRefs)
  const removed = [...old.entries()].filter(([k]) => !next.has(k)).map(([, o]) => refOf(o)).sort(compareRefs)
  const changed: { ref: ObjectRef; fields: FieldChange[] }[] = []
  for (const [key, o] of next) {
    const was = old.get(key)
    if (was === undefined) continue
    const fields: FieldChange[] = []
    compare([was as unknown as KubeValue, o as unknown as KubeValue], '', fields)
    if (fields.length > 0) changed.push({ ref: refOf(o), fields: mask(o, mask(was, fields)) })
  }
  changed.sort((a, b) => compareRefs(a.ref, b.ref))
  return { kustomization, added, removed, changed }
}

/**
 * Compares two builds of a fleet (for example two revisions of its repository, built with
 * {@link buildFleet}): per Kustomization, the objects added, removed and changed, each change with
 * its field path. Secret `data` and `stringData` values are masked. Kustomizations without a
 * difference are left out, so an empty result means the two builds apply the same objects.
 *
 * @example
 * ```ts
 * const diffs = diffFleet(await buildFleet('.', { fs: before }), await buildFleet('.', { fs: after }))
 * process.exitCode = diffs.length === 0 ? 0 : 1
 * ```
 */
export function diffFleet(before: FleetBuild, after: FleetBuild): KustomizationDiff[] {
  const old = new Map(before.kustomizations.map((k) => [k.kustomization, k]))
  const next = new Map(after.kustomizations.map((k) => [k.kustomization, k]))
  const names = [...new Set([...old.keys(), ...next.keys()])].sort()
  const out: KustomizationDiff[] = []
  for (const name of names) {
    const a = old.get(name)
    const b = next.get(name)
    const diff = objectsDiff(name, a?.objects ?? [], b?.objects ?? [])
    const status = a === undefined ? 'added' : b === undefined ? 'removed' : 'changed'
    if (status !== 'changed' || diff.added.length + diff.removed.length + diff.changed.length > 0) out.push({ ...diff, status })
  }
  // What the HelmReleases install, after the Kustomizations, the same way.
  const oldReleases = new Map((before.helmReleases ?? []).map((h) => [h.helmRelease, h]))
  const nextReleases = new Map((after.helmReleases ?? []).map((h) => [h.helmRelease, h]))
  for (const name of [...new Set([...oldReleases.keys(), ...nextReleases.keys()])].sort()) {
    const a = oldReleases.get(name)
    const b = nextReleases.get(name)
    const diff = objectsDiff(name, a?.objects ?? [], b?.objects ?? [])
    const status = a === undefined ? 'added' : b === undefined ? 'removed' : 'changed'
    if (status !== 'changed' || diff.added.length + diff.removed.length + diff.changed.length > 0) out.push({ ...diff, kind: 'HelmRelease', status })
  }
  return out
}

/** The text form of a fleet diff: one line per object, indented field changes below. */
export function formatFleetDiff(diffs: readonly KustomizationDiff[]): string {
  const lines: string[] = []
  const show = (v: KubeValue | undefined): string => (v === undefined ? '(none)' : typeof v === 'bigint' ? v.toString() : JSON.stringify(v))
  for (const d of diffs) {
    lines.push(`${d.kind ?? 'Kustomization'} ${d.kustomization}${d.status === 'changed' ? '' : ` (${d.status})`}`)
    for (const ref of d.added) lines.push(`  + ${formatRef(ref)}`)
    for (const ref of d.removed) lines.push(`  - ${formatRef(ref)}`)
    for (const c of d.changed) {
      lines.push(`  ~ ${formatRef(c.ref)}`)
      for (const f of c.fields) lines.push(`      ${f.path}: ${show(f.before)} -> ${show(f.after)}`)
    }
  }
  return lines.length === 0 ? '' : `${lines.join('\n')}\n`
}
