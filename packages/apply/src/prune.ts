import { formatRef, inventoryDiff, refKey } from '@gitops-sdk/core'
import type { ChangeSet, ChangeSetEntry, Inventory, InventoryEntry, KubeObject } from '@gitops-sdk/core'
import { pruneExclusionReason } from './annotations.js'
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
  readonly signal?: AbortSignal | undefined
  /** Called with each object as it is deleted or skipped. */
  readonly onProgress?: ((entry: ChangeSetEntry) => void) | undefined
}

/**
 * Deletes exactly the objects of `previous` that `next` no longer has, and only those that still
 * carry this inventory's ownership labels: an object someone else created under the same name is
 * left alone. Objects annotated (or labelled) `prune: disabled`, `reconcile: disabled` or `ssa:
 * Ignore` (SDK or Flux spelling), as kustomize-controller excludes them, are kept, and so is a
 * Namespace that still holds objects of another inventory; each is reported `skipped` with why.
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
      const entry: ChangeSetEntry = { ref: pick(e), action: 'skipped', reason: decision }
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
        ? { ref: pick(e), action: r.value ? 'deleted' : 'skipped', reason: r.value ? (options.dryRun === true ? 'dry run' : undefined) : 'already deleted' }
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

/** 'delete', or why not. */
async function decide(entry: InventoryEntry, live: KubeObject | null, options: PruneOptions): Promise<string> {
  if (live === null) return 'already deleted'
  if (!ownedBy(live, options.inventory)) {
    const labels = live.metadata.labels ?? {}
    const owner = labels[LABELS.inventoryName] === undefined ? 'no inventory' : `inventory ${labels[LABELS.inventoryNamespace] ?? ''}/${labels[LABELS.inventoryName]}`
    return `not owned by inventory ${options.inventory.namespace}/${options.inventory.name} (it belongs to ${owner})`
  }
  // As kustomize-controller's delete exclusions: prune disabled, reconcile disabled, ssa Ignore.
  const excluded = pruneExclusionReason(live)
  if (excluded !== undefined) return excluded
  const deletion = live.metadata.deletionTimestamp
  if (typeof deletion === 'string' && deletion !== '') return 'already being deleted'
  if (isNamespace(entry)) {
    const foreign = await foreignObjects(entry.name, options)
    if (foreign.length > 0) {
      const shown = foreign.slice(0, 3).join(', ')
      return `it still holds objects of another inventory: ${shown}${foreign.length > 3 ? ` and ${foreign.length - 3} more` : ''}`
    }
  }
  return 'delete'
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
