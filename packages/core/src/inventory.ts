import { CoreError } from './errors.js'
import { compareRefs, refKey, refOf } from './objectRef.js'
import type { ObjectRef } from './objectRef.js'
import type { KubeObject } from './object.js'
import { splitApiVersion } from './object.js'

/** One object a reconcile owns, with the API version it was applied at (needed to delete it). */
export interface InventoryEntry extends ObjectRef {
  /** API version without the group, e.g. `v1`. */
  readonly version: string
}

/** The set of objects one reconcile owns: what prune compares against the next set. */
export interface Inventory {
  /** One entry per object. */
  readonly entries: readonly InventoryEntry[]
}

/** Builds the inventory of a set of objects: deduplicated and sorted. */
export function inventoryOf(objects: readonly KubeObject[]): Inventory {
  return createInventory(
    objects.map((o) => ({ ...refOf(o), version: splitApiVersion(o.apiVersion).version })),
  )
}

/** Builds an inventory from entries: deduplicated (the last version wins) and sorted. */
export function createInventory(entries: readonly InventoryEntry[]): Inventory {
  const byKey = new Map<string, InventoryEntry>()
  for (const e of entries) byKey.set(refKey(e), e)
  return { entries: [...byKey.values()].sort(compareRefs) }
}

/** Entries of `previous` that `next` no longer has: what prune deletes. */
export function inventoryDiff(previous: Inventory, next: Inventory): InventoryEntry[] {
  const keep = new Set(next.entries.map(refKey))
  return previous.entries.filter((e) => !keep.has(refKey(e)))
}

const FORMAT = 'gitops-sdk.inventory/v1'

/**
 * Serialises an inventory to compact JSON that fits in a ConfigMap or Secret value. Entries are
 * grouped by apiVersion, kind and namespace, so 10,000 entries take a few hundred KiB, far under
 * etcd's 1.5 MiB object limit. The format is versioned; {@link parseInventory} reads every version.
 *
 * @example
 * ```ts
 * const data = { inventory: serializeInventory(inventoryOf(objects)) }
 * ```
 */
export function serializeInventory(inventory: Inventory): string {
  const groups = new Map<string, string[]>()
  for (const e of [...inventory.entries].sort(compareRefs)) {
    const apiVersion = e.group === '' ? e.version : `${e.group}/${e.version}`
    const key = JSON.stringify([apiVersion, e.kind, e.namespace])
    let names = groups.get(key)
    if (names === undefined) groups.set(key, (names = []))
    names.push(e.name)
  }
  const rows = [...groups].map(([key, names]) => {
    const [apiVersion, kind, namespace] = JSON.parse(key) as [string, string, string]
    return [apiVersion, kind, namespace, names] as const
  })
  return JSON.stringify({ format: FORMAT, entries: rows })
}

/**
 * Reads an inventory written by {@link serializeInventory}.
 *
 * @throws `CORE_INVENTORY_INVALID` when the text is not a known inventory format.
 */
export function parseInventory(text: string, source = 'inventory'): Inventory {
  const invalid = (why: string): CoreError =>
    new CoreError({ code: 'CORE_INVENTORY_INVALID', message: `${source}: ${why}`, details: { source } })
  let data: unknown
  try {
    data = JSON.parse(text)
  } catch (cause) {
    throw invalid(`not JSON (${(cause as Error).message})`)
  }
  if (typeof data !== 'object' || data === null || (data as { format?: unknown }).format !== FORMAT) {
    throw invalid(`unknown format; expected ${FORMAT}`)
  }
  const rows = (data as { entries?: unknown }).entries
  if (!Array.isArray(rows)) throw invalid('entries must be a list')
  const entries: InventoryEntry[] = []
  for (const row of rows as unknown[]) {
    if (!Array.isArray(row) || row.length !== 4) throw invalid('each entry must be [apiVersion, kind, namespace, names]')
    const [apiVersion, kind, namespace, names] = row as unknown[]
    if (typeof apiVersion !== 'string' || typeof kind !== 'string' || typeof namespace !== 'string' || !Array.isArray(names)) {
      throw invalid('each entry must be [apiVersion, kind, namespace, names]')
    }
    const { group, version } = splitApiVersion(apiVersion)
    for (const name of names as unknown[]) {
      if (typeof name !== 'string' || name === '') throw invalid(`${kind}: names must be non-empty strings`)
      entries.push({ group, version, kind, namespace, name })
    }
  }
  return createInventory(entries)
}
