import { createHash } from 'node:crypto'
import type { InventoryRef } from './types.js'

/** The ApplySet labels and annotations of KEP-3659, as kubectl writes them. */
export const APPLYSET: {
  /** On the parent: the ApplySet's id, `applyset-<hash>-v1`. */
  readonly id: 'applyset.kubernetes.io/id'
  /** On each member: the id of the ApplySet it belongs to. */
  readonly partOf: 'applyset.kubernetes.io/part-of'
  /** On the parent: the tool that manages the set, `name/version`. */
  readonly tooling: 'applyset.kubernetes.io/tooling'
  /** On the parent: the `Kind.group` list of the members' kinds. */
  readonly containsGroupKinds: 'applyset.kubernetes.io/contains-group-kinds'
  /** On the parent: the namespaces other than its own that hold members. */
  readonly additionalNamespaces: 'applyset.kubernetes.io/additional-namespaces'
} = {
  id: 'applyset.kubernetes.io/id',
  partOf: 'applyset.kubernetes.io/part-of',
  tooling: 'applyset.kubernetes.io/tooling',
  containsGroupKinds: 'applyset.kubernetes.io/contains-group-kinds',
  additionalNamespaces: 'applyset.kubernetes.io/additional-namespaces',
}

/**
 * The ApplySet ID of an inventory's ConfigMap or Secret (KEP-3659, as kubectl computes it):
 * `applyset-` + base64url(sha256(`name.namespace.Kind.group`)) + `-v1`. Objects of the set carry it
 * in `applyset.kubernetes.io/part-of`, the parent in `applyset.kubernetes.io/id`.
 *
 * @example
 * ```ts
 * applySetId({ name: 'prod', namespace: 'flux-system' }) // 'applyset-…-v1'
 * ```
 */
export function applySetId(inventory: InventoryRef): string {
  const kind = inventory.kind ?? 'ConfigMap'
  const digest = createHash('sha256').update(`${inventory.name}.${inventory.namespace}.${kind}.`).digest('base64url')
  return `applyset-${digest}-v1`
}
