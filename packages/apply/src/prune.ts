import { formatRef, inventoryDiff, refKey } from '@gitops-sdk/core'
import type { ChangeSet, ChangeSetEntry, ChangeSetReasonCode, Inventory, InventoryEntry, KubeObject } from '@gitops-sdk/core'
import { pruneExclusion } from './annotations.js'
import { aggregateError, failureOf } from './errors.js'
import type { ApplyFailure } from './errors.js'
import type { KubeClient, PropagationPolicy } from './kubeClient.js'
import { emptyDesiredSet } from './internal/inventoryGuard.js'
import { fetchLive } from './internal/liveObjects.js'
import { mapAll, settleAll } from './internal/pool.js'
import { ownedBy } from './internal/prepare.js'
import { compareForApply, isNamespace, STAGES, stageOf } from './internal/stages.js'
import { LABELS } from './annotations.js'
import type { InventoryRef } from './types.js'

/** Options of {@link prune}. */
export interface PruneOptions {
  /** The cluster's client, from `createKubeClient`. */
  readonly client: KubeClient
  /** The inventory whose ownership labels an object must carry to be deleted. */
  readonly inventory: InventoryRef
  /** @defaultValue 'Background' */
  readonly propagationPolicy?: PropagationPolicy | undefined
  /** Report what would be deleted, delete nothing (server-side dry-run). @defaultValue false */
  readonly dryRun?: boolean | undefined
  /** Requests in flight at once. @defaultValue 8 */
  readonly concurrency?: number | undefined
  /**
   * Allow an empty `next` to delete every object of a non-empty `previous`. Without it, such a
   * prune fails with `APPLY_EMPTY_DESIRED_SET` and deletes nothing: an empty desired set is far
   * more often a broken pipe or an empty render than an intent to delete everything (kubectl
   * refuses it too: "no objects passed to apply").
   * @defaultValue false
   */
  readonly allowEmpty?: boolean | undefined
  /** Cancels the operation: it stops promptly and rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined
  /** Called with each object as it is deleted or skipped. */
  readonly onProgress?: ((entry: ChangeSetEntry) => void) | undefined
}

/**
 * Deletes exactly the objects of `previous` that `next` no longer has, and only those that still
 * carry this inventory's ownership labels: an object someone else created under the same name is
 * left alone. Objects annotated (or labelled) `prune: disabled`, `reconcile: disabled` or `ssa:
 * Ignore` (SDK or Flux spelling), as kustomize-controller excludes them, are kept, and so is a
 * Namespace that still holds objects of another inventory; each is reported `skipped` with why
 * (`reason`) and a {@link ChangeSetReasonCode} (`reasonCode`). The Namespace that holds the
 * inventory itself, and the inventory's own ConfigMap or Secret, are never deleted (`PRUNE_HOLDS_INVENTORY`,
 * `PRUNE_IS_INVENTORY`): the inventory is written after the prune, and losing it would orphan
 * every object it lists.
 * Deletion uses background propagation and goes in reverse apply order (webhooks first, CRDs last).
 *
 * Call it only after an apply succeeded: a failed apply must prune nothing.
 *
 * @throws `APPLY_EMPTY_DESIRED_SET` (before any request) when `next` is empty, `previous` is not
 * and `allowEmpty` is not set; an {@link ApplyError} with the change set so far and every failure
 * (`APPLY_FORBIDDEN`, `APPLY_UNKNOWN_KIND`, `APPLY_UNREACHABLE`, …). An abort rejects with
 * `signal.reason`.
 * @example
 * ```ts
 * const pruned = await prune(stored.inventory, result.inventory, { client, inventory: { name: 'prod', namespace: 'flux-system' } })
 * ```
 */
export async function prune(previous: Inventory, next: Inventory, options: PruneOptions): Promise<ChangeSet> {
  if (typeof options !== 'object' || typeof options.client !== 'object') throw new TypeError('prune: options.client is required')
  if (typeof options.inventory !== 'object') throw new TypeError('prune: options.inventory is required')
  const { client, signal } = options
  signal?.throwIfAborted()
  const concurrency = options.concurrency ?? 8
  const stale = inventoryDiff(previous, next)
  if (stale.length === 0) return { entries: [] }
  if (next.entries.length === 0 && options.allowEmpty !== true) throw emptyDesiredSet(options.inventory, previous.entries.length)
  const resolved = await resolveServed(stale, { client, concurrency, signal })
  const live = await fetchLive(
    resolved.served.map((e) => ({ ref: e, version: e.version })),
    { client, concurrency, signal },
  )
  const decided = await mapAll(stale, async (entry) => decide(entry, resolved.gone.has(refKey(entry)) ? null : (live.get(refKey(entry)) ?? null), options), { limit: concurrency, signal })
  const entries: ChangeSetEntry[] = []
  const failures: ApplyFailure[] = []
  const byStage = STAGES.map((stage) => stale.filter((e, i) => stageOf(e) === stage && decided[i] === 'delete').sort(compareForApply).reverse()).reverse()
  stale.forEach((e, i) => {
    const decision = decided[i]
    if (decision !== undefined && decision !== 'delete') {
      const entry: ChangeSetEntry = { ref: pick(e), action: 'skipped', reason: decision.reason, reasonCode: decision.code }
      entries.push(entry)
      options.onProgress?.(entry)
    }
  })
  // Namespaces go after the objects in them; CRDs after their custom resources.
  const ordered = byStage.flatMap((list) => [...list.filter((e) => !isNamespace(e)), ...list.filter((e) => isNamespace(e))])
  for (const batch of batches(ordered)) {
    const results = await settleAll(
      batch,
      async (e) => client.delete(e, { propagationPolicy: options.propagationPolicy ?? 'Background', dryRun: options.dryRun, signal }),
      { limit: concurrency, signal },
    )
    results.forEach((r, i) => {
      const e = batch[i] as InventoryEntry
      const entry: ChangeSetEntry = r.ok
        ? r.value
          ? { ref: pick(e), action: 'deleted', reason: options.dryRun === true ? 'dry run' : undefined }
          : { ref: pick(e), action: 'skipped', reason: 'already deleted', reasonCode: 'PRUNE_ALREADY_DELETED' }
        : { ref: pick(e), action: 'failed', reason: failureOf(pick(e), r.error).message.slice(formatRef(e).length + 2) }
      if (!r.ok) failures.push(failureOf(pick(e), r.error))
      entries.push(entry)
      options.onProgress?.(entry)
    })
  }
  if (failures.length > 0) throw aggregateError('prune', failures, { entries })
  return { entries }
}

/** Objects deleted stage by stage: namespaced objects and CRs before Namespaces and CRDs. */
function batches(ordered: readonly InventoryEntry[]): InventoryEntry[][] {
  const out: InventoryEntry[][] = []
  let current: InventoryEntry[] = []
  let key = ''
  for (const e of ordered) {
    const k = `${stageOf(e)}|${isNamespace(e)}`
    if (k !== key && current.length > 0) {
      out.push(current)
      current = []
    }
    key = k
    current.push(e)
  }
  if (current.length > 0) out.push(current)
  return out
}

function pick(e: InventoryEntry): { group: string; kind: string; namespace: string; name: string } {
  return { group: e.group, kind: e.kind, namespace: e.namespace, name: e.name }
}

/** Entries whose kind is no longer served are gone (their CRD was deleted). */
async function resolveServed(
  stale: readonly InventoryEntry[],
  context: { readonly client: KubeClient; readonly concurrency: number; readonly signal: AbortSignal | undefined },
): Promise<{ served: InventoryEntry[]; gone: Set<string> }> {
  const { client, concurrency, signal } = context
  const kinds = [...new Map(stale.map((e) => [`${e.group}|${e.version}|${e.kind}`, e])).values()]
  const served = new Set<string>()
  await mapAll(
    kinds,
    async (e) => {
      if ((await client.resource({ group: e.group, version: e.version, kind: e.kind }, { signal })) !== undefined) served.add(`${e.group}|${e.version}|${e.kind}`)
    },
    { limit: concurrency, signal },
  )
  const isServed = (e: InventoryEntry): boolean => served.has(`${e.group}|${e.version}|${e.kind}`)
  return { served: stale.filter(isServed), gone: new Set(stale.filter((e) => !isServed(e)).map(refKey)) }
}

/** Why an object of the previous inventory is kept. */
interface Keep {
  readonly reason: string
  readonly code: ChangeSetReasonCode
}

/** 'delete', or why not. */
async function decide(entry: InventoryEntry, live: KubeObject | null, options: PruneOptions): Promise<'delete' | Keep> {
  // Checked before anything else, even for an object already gone: the inventory is saved after
  // the prune, and a deleted (or terminating) namespace would make that write fail for good.
  const held = holdsInventory(entry, options.inventory)
  if (held !== undefined) return held
  if (live === null) return { reason: 'already deleted', code: 'PRUNE_ALREADY_DELETED' }
  if (!ownedBy(live, options.inventory)) {
    const labels = live.metadata.labels ?? {}
    const owner = labels[LABELS.inventoryName] === undefined ? 'no inventory' : `inventory ${labels[LABELS.inventoryNamespace] ?? ''}/${labels[LABELS.inventoryName]}`
    return { reason: `not owned by inventory ${options.inventory.namespace}/${options.inventory.name} (it belongs to ${owner})`, code: 'PRUNE_NOT_OWNED' }
  }
  // As kustomize-controller's delete exclusions: prune disabled, reconcile disabled, ssa Ignore.
  const excluded = pruneExclusion(live)
  if (excluded !== undefined) return excluded
  const deletion = live.metadata.deletionTimestamp
  if (typeof deletion === 'string' && deletion !== '') return { reason: 'already being deleted', code: 'PRUNE_ALREADY_DELETED' }
  if (isNamespace(entry)) {
    const foreign = await foreignObjects(entry.name, options)
    if (foreign.length > 0) {
      const shown = foreign.slice(0, 3).join(', ')
      return { reason: `it still holds objects of another inventory: ${shown}${foreign.length > 3 ? ` and ${foreign.length - 3} more` : ''}`, code: 'PRUNE_FOREIGN_OBJECTS' }
    }
  }
  return 'delete'
}

/** Whether `entry` is where the inventory lives: its Namespace, or its ConfigMap or Secret. */
function holdsInventory(entry: InventoryEntry, inventory: InventoryRef): Keep | undefined {
  const where = `${inventory.kind ?? 'ConfigMap'}/${inventory.namespace}/${inventory.name}`
  if (isNamespace(entry) && entry.name === inventory.namespace) return { reason: `it holds the inventory ${where}`, code: 'PRUNE_HOLDS_INVENTORY' }
  if (entry.group === '' && entry.kind === (inventory.kind ?? 'ConfigMap') && entry.namespace === inventory.namespace && entry.name === inventory.name) {
    return { reason: `it stores the inventory ${where}`, code: 'PRUNE_IS_INVENTORY' }
  }
  return undefined
}

/** Objects in `namespace` labelled for an inventory other than ours. */
async function foreignObjects(namespace: string, options: PruneOptions): Promise<string[]> {
  const { client, signal, inventory } = options
  const resources = (await client.resources({ signal })).filter((r) => r.namespaced && r.verbs.includes('list'))
  const found = await mapAll(
    resources,
    async (r) => {
      const { items } = await client.list({ group: r.group, version: r.version, kind: r.kind, namespace, labelSelector: LABELS.inventoryName }, { signal })
      return items.filter((o) => !ownedBy(o, inventory)).map((o) => formatRef({ group: r.group, kind: r.kind, namespace, name: o.metadata.name }))
    },
    { limit: options.concurrency ?? 8, signal },
  )
  return found.flat().sort()
}
