import { createInventory } from '@gitops-sdk/core'
import type { Inventory } from '@gitops-sdk/core'
import { fromFluxInventory } from '@gitops-sdk/flux'
import type { KustomizationStatus } from '@gitops-sdk/flux'

/** The inventory of a Kustomization's `.status.inventory`, or undefined when it has none. */
export function inventoryOfStatus(status: KustomizationStatus): Inventory | undefined {
  const inventory = status.inventory
  if (inventory === undefined) return undefined
  return inventory.entries.length === 0 ? createInventory([]) : fromFluxInventory(inventory)
}
