import { formatRef } from './objectRef.js'
import type { ObjectRef } from './objectRef.js'

/** What happened to one object. */
export type Action = 'created' | 'configured' | 'unchanged' | 'deleted' | 'skipped' | 'failed'

/**
 * Why an entry was skipped, as a code callers can branch on (the `reason` text says the same for
 * people):
 * - `PRUNE_HOLDS_INVENTORY`: a Namespace that holds the inventory itself; deleting it would lose the
 *   inventory, so it is never pruned.
 * - `PRUNE_IS_INVENTORY`: the ConfigMap or Secret that stores the inventory.
 * - `PRUNE_NOT_OWNED`: the live object carries another inventory's labels, or none.
 * - `PRUNE_DISABLED`: its prune annotation is `disabled`.
 * - `PRUNE_RECONCILE_DISABLED`: its reconcile annotation is `disabled` (Flux leaves such objects alone).
 * - `PRUNE_SSA_IGNORE`: its ssa annotation is `Ignore`.
 * - `PRUNE_FOREIGN_OBJECTS`: a Namespace that still holds objects of another inventory.
 * - `PRUNE_ALREADY_DELETED`: it was gone already, or is being deleted.
 */
export type ChangeSetReasonCode =
  | 'PRUNE_HOLDS_INVENTORY'
  | 'PRUNE_IS_INVENTORY'
  | 'PRUNE_NOT_OWNED'
  | 'PRUNE_DISABLED'
  | 'PRUNE_RECONCILE_DISABLED'
  | 'PRUNE_SSA_IGNORE'
  | 'PRUNE_FOREIGN_OBJECTS'
  | 'PRUNE_ALREADY_DELETED'

/** One object's outcome in a {@link ChangeSet}. */
export interface ChangeSetEntry {
  /** The object this entry is about. */
  readonly ref: ObjectRef
  /** What happened to it. */
  readonly action: Action
  /** Why it was skipped or failed, or what changed; one line. */
  readonly reason?: string | undefined
  /** Why it was skipped, as a code; set where the SDK has one (prune's decisions). */
  readonly reasonCode?: ChangeSetReasonCode | undefined
  /**
   * The object's `metadata.resourceVersion` after the action (created, configured, unchanged), so
   * that a later reconcile can tell cheaply whether anyone has written to it since.
   */
  readonly resourceVersion?: string | undefined
}

/** The outcome of an apply or prune: one entry per object, in the order they were handled. */
export interface ChangeSet {
  /** One entry per object, in the order they were handled. */
  readonly entries: readonly ChangeSetEntry[]
}

/** Counts of each action in a change set. */
export type ChangeSetSummary = Readonly<Record<Action, number>>

const ACTIONS: readonly Action[] = ['created', 'configured', 'unchanged', 'deleted', 'skipped', 'failed']

/** A change set from entries. */
export function createChangeSet(entries: readonly ChangeSetEntry[] = []): ChangeSet {
  return { entries: [...entries] }
}

/** One change set holding the entries of all, in order. */
export function mergeChangeSets(...sets: readonly ChangeSet[]): ChangeSet {
  return { entries: sets.flatMap((s) => s.entries) }
}

/** How many entries have each action. */
export function summarizeChangeSet(changeSet: ChangeSet): ChangeSetSummary {
  const counts: Record<Action, number> = { created: 0, configured: 0, unchanged: 0, deleted: 0, skipped: 0, failed: 0 }
  for (const e of changeSet.entries) counts[e.action] += 1
  return counts
}

/** Tells whether anything in the cluster changed (created, configured or deleted). */
export function hasChanges(changeSet: ChangeSet): boolean {
  return changeSet.entries.some((e) => e.action === 'created' || e.action === 'configured' || e.action === 'deleted')
}

/**
 * One line per entry, as `Kind/namespace/name action` with the reason after a colon, the way the
 * CLI prints a change set and Flux writes its events.
 */
export function formatChangeSet(changeSet: ChangeSet): string {
  return changeSet.entries
    .map((e) => `${formatRef(e.ref)} ${e.action}${e.reason === undefined ? '' : `: ${e.reason}`}`)
    .join('\n')
}

/** A short summary such as `3 created, 1 configured, 12 unchanged`; actions with no entries are left out. */
export function formatSummary(changeSet: ChangeSet): string {
  const counts = summarizeChangeSet(changeSet)
  const parts = ACTIONS.filter((a) => counts[a] > 0).map((a) => `${counts[a]} ${a}`)
  return parts.length === 0 ? 'no objects' : parts.join(', ')
}
