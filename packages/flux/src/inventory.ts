import { createInventory } from '@gitops-sdk/core'
import type { Inventory, InventoryEntry, ObjectRef } from '@gitops-sdk/core'
import { FluxError } from './errors.js'
import type { FluxInventoryEntry } from './kustomization.js'

const rbacKinds = new Set(['Role', 'ClusterRole', 'RoleBinding', 'ClusterRoleBinding'])

function isRbac(group: string, kind: string): boolean {
  return group === 'rbac.authorization.k8s.io' && rbacKinds.has(kind)
}

/**
 * The id of an object in Flux's inventory, `<namespace>_<name>_<group>_<kind>`, as cli-utils'
 * `ObjMetadata.String` writes it: a `:` in an RBAC object's name becomes `__`.
 *
 * @example
 * ```ts
 * formatInventoryId({ group: 'apps', kind: 'Deployment', namespace: 'prod', name: 'web' }) // 'prod_web_apps_Deployment'
 * ```
 */
export function formatInventoryId(ref: ObjectRef): string {
  const name = isRbac(ref.group, ref.kind) ? ref.name.replaceAll(':', '__') : ref.name
  return `${ref.namespace}_${name}_${ref.group}_${ref.kind}`
}

/**
 * Reads an id written by {@link formatInventoryId} (or by Flux) back into a ref.
 *
 * @throws `FLUX_INVENTORY_INVALID` when the id does not have four fields.
 */
export function parseInventoryId(id: string): ObjectRef {
  const invalid = (why: string): FluxError =>
    new FluxError({ code: 'FLUX_INVENTORY_INVALID', message: `inventory id ${JSON.stringify(id)}: ${why}`, details: { id } })
  const first = id.indexOf('_')
  const last = id.lastIndexOf('_')
  if (first < 0 || last <= first) throw invalid('expected <namespace>_<name>_<group>_<kind>')
  const kind = id.slice(last + 1)
  const middle = id.slice(first + 1, last)
  const groupAt = middle.lastIndexOf('_')
  if (groupAt < 0) throw invalid('expected <namespace>_<name>_<group>_<kind>')
  const name = middle.slice(0, groupAt).replaceAll('__', ':')
  if (name.includes('_')) throw invalid('too many fields')
  if (name === '' || kind === '') throw invalid('empty name or kind')
  return { namespace: id.slice(0, first), name, group: middle.slice(groupAt + 1), kind }
}

/** Writes an SDK inventory in Flux's `.status.inventory` format, sorted as Flux sorts it (by id). */
export function toFluxInventory(inventory: Inventory): {
  /** One entry per object, sorted by id. */
  entries: FluxInventoryEntry[]
} {
  const entries = inventory.entries.map((e) => ({ id: formatInventoryId(e), v: e.version }))
  entries.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))
  return { entries }
}

/**
 * Reads Flux's `.status.inventory` into an SDK inventory, for prune.
 *
 * @throws `FLUX_INVENTORY_INVALID` when an entry is malformed.
 */
export function fromFluxInventory(inventory: { readonly entries: readonly FluxInventoryEntry[] }): Inventory {
  const entries: InventoryEntry[] = inventory.entries.map((e) => {
    if (typeof e.v !== 'string' || e.v === '') throw new FluxError({ code: 'FLUX_INVENTORY_INVALID', message: `inventory id ${JSON.stringify(e.id)}: no version`, details: { id: e.id } })
    return { ...parseInventoryId(e.id), version: e.v }
  })
  return createInventory(entries)
}
