// Field-manager takeover, as kustomize-controller does before it applies (fluxcd/pkg ssa's
// cleanupMetadata with kustomize-controller's cleanup options): the managedFields entries of
// imperative tools (kubectl in all its forms, `before-first-apply`, and managers the caller lists)
// are renamed to our own Apply entry, their field sets merged into it, by one JSON patch of
// metadata.managedFields. The forced apply that follows then owns those fields, so a field a
// human added and Git lacks is removed, and a value they changed is put back: Git wins. kubectl's
// client-side-apply bookkeeping annotation goes in the same patch, as in Flux.
import { isKubeMap } from '@gitops-sdk/core'
import type { KubeMap, KubeObject, KubeValue } from '@gitops-sdk/core'
import type { JsonPatchOperation } from '../kubeClient.js'

/** A manager whose fields are taken over: by name prefix (as Flux matches) or exact name. */
export interface TakeoverManager {
  readonly name: string
  readonly operation: 'Apply' | 'Update'
  readonly exact: boolean
}

/**
 * The managers kustomize-controller takes fields from: `kubectl` by prefix with Apply and Update
 * operations (kubectl, kubectl-client-side-apply, kubectl-edit, kubectl-patch, kubectl-label, …)
 * and `before-first-apply` (the owner of fields that predate server-side apply).
 */
export const FLUX_TAKEOVER_MANAGERS: readonly TakeoverManager[] = [
  { name: 'kubectl', operation: 'Apply', exact: false },
  { name: 'kubectl', operation: 'Update', exact: false },
  { name: 'before-first-apply', operation: 'Update', exact: false },
]

/** Metadata Flux removes before applying: kubectl's last-applied bookkeeping and Flux v1 leftovers. */
const CLEANUP_ANNOTATIONS = ['kubectl.kubernetes.io/last-applied-configuration', 'kustomize.toolkit.fluxcd.io/checksum', 'fluxcd.io/sync-checksum'] as const
const CLEANUP_LABELS = ['fluxcd.io/sync-gc-mark'] as const

/**
 * The managers to take over from: Flux's, our own manager's Update entries (what this manager
 * wrote before it used server-side apply, as Flux takes its controller's), and `extra` by exact
 * name with both operations (Flux's `--override-manager`).
 */
export function takeoverManagers(fieldManager: string, extra: readonly string[]): TakeoverManager[] {
  return [
    ...FLUX_TAKEOVER_MANAGERS,
    { name: fieldManager, operation: 'Update', exact: true },
    ...extra.flatMap((name): TakeoverManager[] => [
      { name, operation: 'Apply', exact: true },
      { name, operation: 'Update', exact: true },
    ]),
  ]
}

/** What a takeover changes: the patch, and whose fields and which keys it takes. */
export interface Takeover {
  readonly patch: readonly JsonPatchOperation[]
  /** The managers whose entries were merged into ours, e.g. `kubectl-edit`. */
  readonly managers: readonly string[]
  /** Annotation and label keys removed. */
  readonly removed: readonly string[]
  /** The managedFields entries taken over, as they were. */
  readonly entries: readonly KubeMap[]
}

function matches(entry: KubeMap, manager: TakeoverManager): boolean {
  const name = typeof entry.manager === 'string' ? entry.manager : ''
  // Entries of subresources (kubectl scale's `scale`) are left, as Flux leaves them: a forced
  // apply already wins the fields Git sets there.
  if (entry.operation !== manager.operation || (typeof entry.subresource === 'string' && entry.subresource !== '')) return false
  return manager.exact ? name === manager.name : name.startsWith(manager.name)
}

/** The union of two FieldsV1 trees. */
export function unionFields(a: KubeValue | undefined, b: KubeValue | undefined): KubeMap {
  const left = isKubeMap(a) ? a : {}
  const right = isKubeMap(b) ? b : {}
  const out: KubeMap = Object.create(null) as KubeMap
  for (const [key, value] of Object.entries(left)) out[key] = value
  for (const [key, value] of Object.entries(right)) out[key] = Object.hasOwn(out, key) ? unionFields(out[key], value) : value
  // A plain object again, so that JSON and deep comparisons see an ordinary map.
  return { ...out }
}

function escapePointer(key: string): string {
  return key.replace(/~/g, '~0').replace(/\//g, '~1')
}

/**
 * The takeover a live object needs before `desired` is applied as `fieldManager`, or `undefined`
 * when none of `managers` owns anything and there is no metadata to clean up. The patch starts
 * with a test of the live resourceVersion, so it fails instead of rewriting ownership that changed
 * since the object was read.
 */
export function planTakeover(
  live: KubeObject,
  { desired, fieldManager, managers }: { readonly desired: KubeObject; readonly fieldManager: string; readonly managers: readonly TakeoverManager[] },
): Takeover | undefined {
  const raw: readonly KubeValue[] = Array.isArray(live.metadata.managedFields) ? live.metadata.managedFields : []
  const entries = raw.filter(isKubeMap)
  const oursIndex = entries.findIndex((e) => e.manager === fieldManager && e.operation === 'Apply' && (e.subresource === undefined || e.subresource === ''))
  let merged: KubeMap | undefined = oursIndex < 0 ? undefined : entries[oursIndex]
  const kept: KubeMap[] = []
  const taken: string[] = []
  const takenEntries: KubeMap[] = []
  entries.forEach((entry, i) => {
    if (i === oursIndex) return
    if (!managers.some((m) => matches(entry, m))) {
      kept.push(entry)
      return
    }
    taken.push(typeof entry.manager === 'string' ? entry.manager : '')
    takenEntries.push(entry)
    merged = merged === undefined ? { ...entry, manager: fieldManager, operation: 'Apply' } : { ...merged, fieldsV1: unionFields(merged.fieldsV1, entry.fieldsV1) }
  })
  const removed: string[] = []
  const patch: JsonPatchOperation[] = []
  const cleanup = (where: 'annotations' | 'labels', keys: readonly string[]): void => {
    const map = live.metadata[where]
    const wanted = desired.metadata[where]
    if (!isKubeMap(map)) return
    for (const key of keys) {
      // A key Git itself sets is not removed: the apply would only put it back.
      if (!Object.hasOwn(map, key) || (isKubeMap(wanted) && Object.hasOwn(wanted, key))) continue
      patch.push({ op: 'remove', path: `/metadata/${where}/${escapePointer(key)}` })
      removed.push(key)
    }
  }
  cleanup('annotations', CLEANUP_ANNOTATIONS)
  cleanup('labels', CLEANUP_LABELS)
  if (taken.length > 0 && merged !== undefined) patch.push({ op: 'replace', path: '/metadata/managedFields', value: [...kept, merged] })
  if (patch.length === 0) return undefined
  const rv = live.metadata.resourceVersion
  return {
    patch: [...(typeof rv === 'string' && rv !== '' ? [{ op: 'test' as const, path: '/metadata/resourceVersion', value: rv }] : []), ...patch],
    managers: [...new Set(taken)].sort(),
    removed,
    entries: takenEntries,
  }
}
