// Checks made before applyAll writes anything that an inventory will later have to account for:
// an object labelled for an inventory that can never be stored is an orphan no prune removes, and
// an empty desired set over a non-empty inventory is the prelude to deleting all of it.
import { createInventory, isGitOpsError } from '@gitops-sdk/core'
import { ApplyError } from '../errors.js'
import { loadInventory, saveInventory } from '../inventoryStorage.js'
import type { KubeClient } from '../kubeClient.js'
import type { InventoryRef } from '../types.js'

/** What the guard needs. */
export interface InventoryGuardContext {
  readonly client: KubeClient
  readonly fieldManager: string
  /** Objects in the desired set. */
  readonly objects: number
  /** Namespaces the desired set creates (they exist before any other object is written). */
  readonly namespaces: ReadonlySet<string>
  readonly allowEmpty: boolean
  readonly signal: AbortSignal | undefined
}

/** `ConfigMap/flux-system/prod`: the inventory as a subject. */
export function inventorySubject(inventory: InventoryRef): string {
  return `${inventory.kind ?? 'ConfigMap'}/${inventory.namespace}/${inventory.name}`
}

/** The refusal to act on an empty desired set while the inventory holds objects. */
export function emptyDesiredSet(inventory: InventoryRef, count: number): ApplyError {
  const subject = inventorySubject(inventory)
  return new ApplyError({
    code: 'APPLY_EMPTY_DESIRED_SET',
    message: `${subject}: no objects passed to apply while the inventory holds ${count} object${count === 1 ? '' : 's'}; refusing (allow it with allowEmpty)`,
    details: { inventory: subject, objects: count },
  })
}

/**
 * Throws unless the inventory can be stored where it is named: it exists already, or its namespace
 * is created by this apply, or a server-side dry-run of writing it succeeds (the namespace exists
 * and the caller may write there). With an empty desired set, also refuses when the stored
 * inventory holds objects, unless allowed.
 */
export async function guardInventory(inventory: InventoryRef, ctx: InventoryGuardContext): Promise<void> {
  const { client, signal } = ctx
  const subject = inventorySubject(inventory)
  if (ctx.objects === 0) {
    if (ctx.allowEmpty) return
    let count = 0
    try {
      count = (await loadInventory(inventory, { client, signal }))?.inventory.entries.length ?? 0
    } catch (err) {
      // An object without a readable inventory holds no objects this apply could lose.
      if (!isGitOpsError(err, 'APPLY_INVENTORY_INVALID')) throw err
    }
    if (count > 0) throw emptyDesiredSet(inventory, count)
    return
  }
  if (ctx.namespaces.has(inventory.namespace)) return
  const live = await client.get({ group: '', version: 'v1', kind: inventory.kind ?? 'ConfigMap', namespace: inventory.namespace, name: inventory.name }, { signal })
  if (live !== undefined) return
  try {
    await saveInventory(createInventory([]), { client, ref: inventory, fieldManager: ctx.fieldManager, dryRun: true, signal })
  } catch (err) {
    if (signal?.aborted === true) throw signal.reason
    if (!isGitOpsError(err, 'APPLY_NOT_FOUND')) throw err
    throw new ApplyError({
      code: 'APPLY_INVENTORY_LOCATION_MISSING',
      message: `${subject}: the inventory cannot be stored: namespace "${inventory.namespace}" does not exist (create it, or add it to the objects); nothing was applied`,
      details: { inventory: subject, namespace: inventory.namespace },
      cause: err,
    })
  }
}
