// What `gitops reconcile` leaves on the inventory ConfigMap (or Secret) so that `gitops status`
// can show it later, like the status of a Flux Kustomization: one annotation written with its own
// field manager, so that it never conflicts with the inventory data.
import type { InventoryRef, KubeClient } from '@gitops-sdk/apply'
import { createInventory, formatSummary, getCondition, isGitOpsError, serializeInventory } from '@gitops-sdk/core'
import type { KubeObject } from '@gitops-sdk/core'
import type { ReconcileStatus } from './types.js'

/** The annotation holding the last reconcile's outcome, as JSON. */
export const STATUS_ANNOTATION = 'gitops-sdk.io/reconcile-status'
/** The label `saveInventory` puts on inventory objects; `gitops status` lists by it. */
export const MANAGED_BY = {
  /** The label key. */
  key: 'app.kubernetes.io/managed-by',
  /** The label value. */
  value: 'gitops-sdk',
} as const
const FIELD_MANAGER = 'gitops-status'
/** Owns only the empty inventory of an inventory object a record had to create; never applies again. */
const PLACEHOLDER_MANAGER = 'gitops-status-placeholder'

/** The outcome of the last reconcile, as recorded on the inventory object. */
export interface ReconcileRecord {
  /** The spec's name. */
  readonly name: string
  /** The Ready condition's status. */
  readonly ready: 'True' | 'False' | 'Unknown'
  /** The Ready condition's reason (`ReconciliationSucceeded`, `BuildFailed`, …). */
  readonly reason: string
  /** The Ready condition's message. */
  readonly message: string
  /** The revision applied last, kept across failures. */
  readonly lastAppliedRevision?: string | undefined
  /** The revision the last reconcile tried. */
  readonly lastAttemptedRevision?: string | undefined
  /** RFC 3339 time of the last successful reconcile. */
  readonly lastApplied?: string | undefined
  /** RFC 3339 time of the last reconcile. */
  readonly lastReconciled: string
  /** The change set's summary, e.g. `1 configured, 1 deleted, 5 unchanged`. */
  readonly changes: string
}

/**
 * The record of a status, keeping the last applied revision and success time from `previous`.
 *
 * @example
 * ```ts
 * last = recordOf(status, last)   // across reconciles, so a failure keeps the last applied revision
 * ```
 */
export function recordOf(status: ReconcileStatus, previous?: ReconcileRecord): ReconcileRecord {
  const ready = getCondition(status.conditions, 'Ready')
  const succeeded = ready?.status === 'True'
  return {
    name: status.name,
    ready: ready?.status ?? 'Unknown',
    reason: ready?.reason ?? '',
    message: ready?.message ?? '',
    lastAppliedRevision: status.lastAppliedRevision ?? previous?.lastAppliedRevision,
    lastAttemptedRevision: status.lastAttemptedRevision,
    lastApplied: succeeded ? status.finishedAt : previous?.lastApplied,
    lastReconciled: status.finishedAt,
    changes: formatSummary(status.changeSet),
  }
}

/** Options of {@link writeRecord}. */
export interface WriteRecordOptions {
  /** Client of the cluster holding the inventory. */
  readonly client: KubeClient
  /** The inventory object the record goes on. */
  readonly inventory: InventoryRef
  /** Cancels the write; it then rejects with `signal.reason`. */
  readonly signal?: AbortSignal | undefined
}

/**
 * Writes the record onto the inventory object as an annotation, with its own field manager.
 *
 * When a reconcile failed before its inventory was ever saved, the object does not exist yet: it is
 * then created holding an empty inventory, so that it is a valid inventory for the next reconcile
 * (an object without the inventory key is refused as "not an inventory"). That empty inventory is
 * applied without force by a manager that never applies again: it cannot overwrite an inventory
 * saved meanwhile, and the record's own later writes cannot remove it.
 *
 * @throws API errors of the client (`APPLY_FORBIDDEN`, `APPLY_NOT_FOUND` when the namespace does
 * not exist, …). An abort rejects with `signal.reason`.
 * @example
 * ```ts
 * const { status } = await reconcile(spec, steps)
 * await writeRecord(recordOf(status), { client, inventory: { namespace: 'flux-system', name: 'prod' } })
 * ```
 */
export async function writeRecord(record: ReconcileRecord, options: WriteRecordOptions): Promise<void> {
  const { client, inventory, signal } = options
  const kind = inventory.kind ?? 'ConfigMap'
  const metadata = { name: inventory.name, namespace: inventory.namespace, labels: { [MANAGED_BY.key]: MANAGED_BY.value } }
  const live = await client.get({ group: '', version: 'v1', kind, namespace: inventory.namespace, name: inventory.name }, { signal })
  if (live === undefined) {
    const empty = serializeInventory(createInventory([]))
    const placeholder: KubeObject =
      kind === 'Secret'
        ? { apiVersion: 'v1', kind, metadata, type: 'Opaque', data: { inventory: Buffer.from(empty).toString('base64') } }
        : { apiVersion: 'v1', kind, metadata, data: { inventory: empty } }
    await client.apply(placeholder, { fieldManager: PLACEHOLDER_MANAGER, force: false, signal }).catch((err: unknown) => {
      // An inventory saved between the read and this write: it stays as it is.
      if (!isGitOpsError(err, 'APPLY_FIELD_CONFLICT')) throw err
    })
  }
  const object: KubeObject = { apiVersion: 'v1', kind, metadata: { ...metadata, annotations: { [STATUS_ANNOTATION]: JSON.stringify(record) } } }
  await client.apply(object, { fieldManager: FIELD_MANAGER, force: true, signal })
}

/**
 * Reads the record off an inventory object, if it has one (and `undefined` for a malformed one).
 *
 * @example
 * ```ts
 * const object = await client.get({ group: '', version: 'v1', kind: 'ConfigMap', namespace: 'flux-system', name: 'prod' })
 * if (object !== undefined) console.log(readRecord(object)?.ready)
 * ```
 */
export function readRecord(object: KubeObject): ReconcileRecord | undefined {
  const text = object.metadata.annotations?.[STATUS_ANNOTATION]
  if (text === undefined) return undefined
  try {
    const value = JSON.parse(text) as Partial<ReconcileRecord>
    return typeof value.name === 'string' && typeof value.ready === 'string' ? (value as ReconcileRecord) : undefined
  } catch {
    return undefined
  }
}
