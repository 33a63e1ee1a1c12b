import { formatRef, inventoryDiff, inventoryOf, isGitOpsError, refKey } from '@gitops-sdk/core'
import type { Inventory, KubeObject, KubeValue, ObjectRef } from '@gitops-sdk/core'
import { exclusionReason, pruneExclusion, ssaPolicy } from './annotations.js'
import { aggregateError, failureOf } from './errors.js'
import { DEFAULT_FIELD_MANAGER } from './fieldManager.js'
import type { KubeClient } from './kubeClient.js'
import { diffObjects, sameObject } from './internal/fieldDiff.js'
import { fetchLive } from './internal/liveObjects.js'
import type { LiveObjects } from './internal/liveObjects.js'
import { ownerOf } from './internal/managedFields.js'
import { omit } from './internal/omit.js'
import { maskKey, maskSecret } from './internal/mask.js'
import { provablyUnchanged } from './internal/noop.js'
import { afterTakeover } from './internal/afterTakeover.js'
import { planTakeover, takeoverManagers } from './internal/takeover.js'
import { mapAll } from './internal/pool.js'
import { ownedBy, ownershipSelector, prepareObjects, prepareSettings } from './internal/prepare.js'
import type { PreparedObject } from './internal/prepare.js'
import { compareForApply, isNamespace } from './internal/stages.js'
import type { PlacementOptions } from './types.js'

/**
 * How an object compares with the cluster: `unchanged`; `drifted` (applying would change it);
 * `missing` (not in the cluster, applying creates it); `orphaned` (in the previous inventory but
 * no longer in Git, so prune would delete it); `skipped` (its `ssa` or `reconcile` annotation
 * says so, as apply would skip it); `failed`
 * (the server refused the dry-run, see `reason`).
 */
export type DriftStatus = 'unchanged' | 'drifted' | 'missing' | 'orphaned' | 'skipped' | 'failed'

/** One field that differs. Secret values are masked as `*** (h:…)`, equal hashes meaning equal values. */
export interface DriftedField {
  /** e.g. `.spec.template.spec.containers[name="web"].image`; `.` for a whole object. */
  readonly path: string
  /** The value in the cluster; absent when the cluster lacks the field. */
  readonly live?: KubeValue | undefined
  /** The value applying would set; absent when applying removes the field. */
  readonly desired?: KubeValue | undefined
  /** The field manager that owns the live value (from managedFields), e.g. `kubectl-edit` or an HPA's. */
  readonly manager?: string | undefined
}

/** How one object compares with the cluster. */
export interface ObjectDrift {
  /** The object compared. */
  readonly ref: ObjectRef
  /** `unchanged`, `drifted`, `missing` (not in the cluster), `orphaned` (in the inventory only), `skipped` or `failed`. */
  readonly status: DriftStatus
  /** The differing fields (drifted), or the whole desired object at path `.` (missing). */
  readonly fields: readonly DriftedField[]
  /** Why it was skipped or failed, one line. */
  readonly reason?: string | undefined
}

/** The outcome of {@link diff}: one entry per object in apply order, then the orphans. */
export interface DriftReport {
  /** One entry per object, in apply order, then the orphans. */
  readonly objects: readonly ObjectDrift[]
  /** Whether anything is drifted, missing or orphaned. */
  readonly drifted: boolean
}

/** Options of {@link diff}. */
export interface DiffOptions extends PlacementOptions {
  /** The cluster's client, from `createKubeClient`. */
  readonly client: KubeClient
  /**
   * The field manager applies use: the dry-run must apply as it, to show what apply would remove.
   * @defaultValue {@link DEFAULT_FIELD_MANAGER} (`'gitops'`)
   */
  readonly fieldManager?: string | undefined
  /** The inventory of the last apply: objects in it but not among `objects` are reported `orphaned`. */
  readonly previous?: Inventory | undefined
  /**
   * Who wins a field, as the apply it previews: with `'force'` (the default, as `applyAll`) the
   * fields kubectl and `takeOverManagers` hold and Git lacks show as drift (the apply removes
   * them); with `'fail'` they do not.
   * @defaultValue 'force'
   */
  readonly conflicts?: 'force' | 'fail' | undefined
  /** Managers taken over besides Flux's, as `applyAll`'s option of the same name. @defaultValue [] */
  readonly takeOverManagers?: readonly string[] | undefined
  /** @defaultValue 8 */
  readonly concurrency?: number | undefined
  /** Key of the Secret value hashes; fix it to compare reports. @defaultValue random per call */
  readonly maskKey?: string | undefined
  /** Cancels the operation: it stops promptly and rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined
}

/**
 * Compares objects with the cluster, like `flux diff` and `kubectl diff --server-side`: each object
 * is dry-run applied as `fieldManager` (unless its live state provably equals the result) and the
 * answer compared with the live object field by field. Each drifted field names the manager that
 * owns the live value, so a change by `kubectl-edit`, `kubectl-scale` or an HPA is visible as such.
 * Nothing is written. Render the report with {@link formatDiff}.
 *
 * @throws an {@link ApplyError} (`APPLY_UNKNOWN_KIND`, `APPLY_NAMESPACE_MISSING`,
 * `APPLY_DUPLICATE_OBJECT`, `APPLY_CLUSTER_SCOPED_FORBIDDEN`) when objects cannot be compared at
 * all, and API errors of reads (`APPLY_FORBIDDEN`, `APPLY_UNREACHABLE`). A refused dry-run of
 * one object is reported as its status `failed`. An abort rejects with `signal.reason`.
 * @example
 * ```ts
 * const report = await diff(objects, { client, fieldManager: 'gitops' })
 * process.stdout.write(formatDiff(report, { color: process.stdout.isTTY }))
 * ```
 */
export async function diff(objects: readonly KubeObject[], options: DiffOptions): Promise<DriftReport> {
  if (!Array.isArray(objects)) throw new TypeError('diff: objects must be an array')
  if (typeof options !== 'object' || typeof options.client !== 'object') throw new TypeError('diff: options.client is required')
  if (options.fieldManager !== undefined && (typeof options.fieldManager !== 'string' || options.fieldManager === '')) throw new TypeError('diff: options.fieldManager must be a non-empty string')
  const { client, signal } = options
  signal?.throwIfAborted()
  const concurrency = options.concurrency ?? 8
  const key = options.maskKey ?? maskKey()
  const { prepared, failures } = await prepareObjects(objects, prepareSettings(options, concurrency))
  if (failures.length > 0) throw aggregateError('diff', failures, { entries: [] })
  prepared.sort((a, b) => compareForApply(a.ref, b.ref))
  const served = prepared.filter((p) => p.served)
  const selector = options.inventory === undefined ? undefined : ownershipSelector(options.inventory)
  const live = await fetchLive(served.map((p) => ({ ref: p.ref, version: p.version })), { client, selector, concurrency, signal })
  const newNamespaces = new Set(served.filter((p) => isNamespace(p.ref) && live.get(refKey(p.ref)) === null).map((p) => p.ref.name))
  const compared = await mapAll(prepared, (p) => compare(p, { live, options, key, newNamespaces }), { limit: concurrency, signal })
  const orphans = options.previous === undefined ? [] : await orphaned(options.previous, prepared, options)
  const all = [...compared, ...orphans]
  return { objects: all, drifted: all.some((o) => o.status === 'drifted' || o.status === 'missing' || o.status === 'orphaned') }
}

interface CompareContext {
  readonly live: LiveObjects
  readonly options: DiffOptions
  readonly key: string
  /** Namespaces in the set that do not exist yet: their objects cannot be dry-run. */
  readonly newNamespaces: ReadonlySet<string>
}

async function compare(p: PreparedObject, context: CompareContext): Promise<ObjectDrift> {
  const { live, options, key } = context
  const { client, signal } = options
  const { ref } = p
  const whole = (): DriftedField[] => [{ path: '.', desired: withoutStatus(maskSecret(p.object, key)) }]
  if (!p.served) return { ref, status: 'missing', fields: whole(), reason: 'its CustomResourceDefinition is not installed yet' }
  // Not in a label-selected LIST: it may exist without our labels, so read it.
  const listed = live.get(refKey(ref))
  const current = listed === undefined ? ((await client.get({ ...ref, version: p.version }, { signal })) ?? null) : listed
  // As apply: `reconcile: disabled` and `ssa: Ignore` (in Git or live) are left alone, not drift.
  const excluded = exclusionReason(p.object) ?? (current === null ? undefined : exclusionReason(current))
  if (excluded !== undefined) return { ref, status: 'skipped', fields: [], reason: excluded }
  if (ssaPolicy(p.object) === 'IfNotPresent' && current !== null) return { ref, status: 'skipped', fields: [], reason: 'it exists and its ssa annotation is IfNotPresent' }
  if (current !== null && !hasTakeover(current, p.object, options) && provablyUnchanged(p.object, current, options.fieldManager ?? DEFAULT_FIELD_MANAGER)) return { ref, status: 'unchanged', fields: [] }
  let result: KubeObject
  try {
    result = await client.apply(p.object, { fieldManager: options.fieldManager ?? DEFAULT_FIELD_MANAGER, force: true, dryRun: true, signal })
  } catch (err) {
    if (signal?.aborted === true || !isGitOpsError(err)) throw err
    if (isGitOpsError(err, 'APPLY_NOT_FOUND') && context.newNamespaces.has(ref.namespace)) return { ref, status: 'missing', fields: whole(), reason: 'its namespace is created by this apply' }
    const { message } = failureOf(ref, err)
    const prefix = `${formatRef(ref)}: `
    return { ref, status: 'failed', fields: [], reason: message.startsWith(prefix) ? message.slice(prefix.length) : message }
  }
  if (current === null) return { ref, status: 'missing', fields: whole() }
  // The dry-run cannot see the takeover that precedes the apply: apply it locally.
  const fieldManager = options.fieldManager ?? DEFAULT_FIELD_MANAGER
  const takeover =
    options.conflicts === 'fail' || ssaPolicy(p.object) === 'Merge' || ssaPolicy(current) === 'Merge'
      ? undefined
      : planTakeover(current, { desired: p.object, fieldManager, managers: takeoverManagers(fieldManager, options.takeOverManagers ?? []) })
  if (takeover !== undefined) result = afterTakeover(current, { result, desired: p.object, takeover, fieldManager })
  if (sameObject(current, result)) return { ref, status: 'unchanged', fields: [] }
  const liveMasked = maskSecret(current, key)
  const fields = diffObjects(liveMasked, maskSecret(result, key)).map((c): DriftedField => {
    const manager = c.liveSegments === undefined ? undefined : ownerOf(current, c.liveSegments)
    return { path: c.path, ...(c.live === undefined ? {} : { live: c.live }), ...(c.desired === undefined ? {} : { desired: c.desired }), ...(manager === undefined ? {} : { manager }) }
  })
  return { ref, status: 'drifted', fields }
}

function hasTakeover(current: KubeObject, desired: KubeObject, options: DiffOptions): boolean {
  if (options.conflicts === 'fail') return false
  const fieldManager = options.fieldManager ?? DEFAULT_FIELD_MANAGER
  return planTakeover(current, { desired, fieldManager, managers: takeoverManagers(fieldManager, options.takeOverManagers ?? []) }) !== undefined
}

function withoutStatus(object: KubeObject): KubeValue {
  return omit(object, ['status']) as KubeValue
}

/** Objects of the previous inventory that are gone from Git and still owned in the cluster. */
async function orphaned(previous: Inventory, prepared: readonly PreparedObject[], options: DiffOptions): Promise<ObjectDrift[]> {
  const { client, signal } = options
  const stale = inventoryDiff(previous, inventoryOf(prepared.map((p) => p.object)))
  if (stale.length === 0) return []
  const served: typeof stale = []
  for (const e of stale) if ((await client.resource({ group: e.group, version: e.version, kind: e.kind }, { signal })) !== undefined) served.push(e)
  const live = await fetchLive(served.map((e) => ({ ref: e, version: e.version })), { client, concurrency: options.concurrency ?? 8, signal })
  const out: ObjectDrift[] = []
  for (const e of served) {
    const object = live.get(refKey(e))
    if (object === undefined || object === null) continue
    if (options.inventory !== undefined && !ownedBy(object, options.inventory)) continue
    // What prune keeps is no orphan it would delete.
    if (pruneExclusion(object) !== undefined) continue
    const ref = { group: e.group, kind: e.kind, namespace: e.namespace, name: e.name }
    out.push({ ref, status: 'orphaned', fields: [], reason: 'in the inventory but no longer in Git; prune deletes it' })
  }
  return out
}
