// What `gitops reconcile` leaves on the inventory ConfigMap (or Secret) so that `gitops status`
// can show it later, like the status of a Flux Kustomization: one annotation written with its own
// field manager, so that it never conflicts with the inventory data.
import type { InventoryRef, KubeClient } from '@gitops-sdk/apply'
import { formatSummary, getCondition } from '@gitops-sdk/core'
import type { KubeObject } from '@gitops-sdk/core'
import type { ReconcileStatus } from './types.js'

/** The annotation holding the last reconcile's outcome, as JSON. */
export const STATUS_ANNOTATION = 'gitops-sdk.io/reconcile-status'
/** The label `saveInventory` puts on inventory objects; `gitops status` lists by it. */
export const MANAGED_BY = { key: 'app.kubernetes.io/managed-by', value: 'gitops-sdk' } as const
const FIELD_MANAGER = 'gitops-status'

/** The outcome of the last reconcile, as recorded on the inventory object. */
export interface ReconcileRecord {
  readonly name: string
  readonly ready: 'True' | 'False' | 'Unknown'
  readonly reason: string
  readonly message: string
  readonly lastAppliedRevision?: string | undefined
  readonly lastAttemptedRevision?: string | undefined
  /** RFC 3339 time of the last successful reconcile. */
  readonly lastApplied?: string | undefined
  /** RFC 3339 time of the last reconcile. */
  readonly lastReconciled: string
  readonly changes: string
}

/** The record of a status, keeping the last applied revision and success time from `previous`. */
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

/** Writes the record onto the inventory object (creating it if the reconcile failed before it existed). */
export async function writeRecord(client: KubeClient, inventory: InventoryRef, record: ReconcileRecord): Promise<void> {
  const kind = inventory.kind ?? 'ConfigMap'
  const object: KubeObject = {
    apiVersion: 'v1',
    kind,
    metadata: {
      name: inventory.name,
      namespace: inventory.namespace,
      labels: { [MANAGED_BY.key]: MANAGED_BY.value },
      annotations: { [STATUS_ANNOTATION]: JSON.stringify(record) },
    },
  }
  await client.apply(object, { fieldManager: FIELD_MANAGER, force: true })
}

/** Reads the record off an inventory object, if it has one. */
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
