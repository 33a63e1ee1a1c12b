import { isGitOpsError, parseInventory, serializeInventory } from '@gitops-sdk/core'
import type { Inventory, KubeObject } from '@gitops-sdk/core'
import { APPLYSET, applySetId } from './applySet.js'
import { DEFAULT_FIELD_MANAGER } from './fieldManager.js'
import { ApplyError } from './errors.js'
import type { KubeClient } from './kubeClient.js'
import type { InventoryRef } from './types.js'

/** An inventory as stored, with the revision it was applied from. */
export interface StoredInventory {
  /** The stored objects. */
  readonly inventory: Inventory
  /** The source revision the inventory came from (`main@sha1:…`), when one was recorded. */
  readonly revision?: string | undefined
}

/** Options of {@link loadInventory}. */
export interface LoadInventoryOptions {
  /** The cluster's client, from `createKubeClient`. */
  readonly client: KubeClient
  /** Cancels the operation: it stops promptly and rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined
}

/** Options of {@link saveInventory}. */
export interface SaveInventoryOptions {
  /** The cluster's client, from `createKubeClient`. */
  readonly client: KubeClient
  /** Where to store it: a ConfigMap (default) or Secret. */
  readonly ref: InventoryRef
  /** The source revision the inventory came from, shown by `gitops status`. */
  readonly revision?: string | undefined
  /** Field manager of the write. @defaultValue {@link DEFAULT_FIELD_MANAGER} (`'gitops'`) */
  readonly fieldManager?: string | undefined
  /** Also make the ConfigMap or Secret the parent of an ApplySet (KEP-3659). @defaultValue false */
  readonly applySet?: boolean | undefined
  /** Tooling name and version written in `applyset.kubernetes.io/tooling`. @defaultValue 'gitops-sdk/v0' */
  readonly tooling?: string | undefined
  /** Validate the write without persisting it (`dryRun=All`). @defaultValue false */
  readonly dryRun?: boolean | undefined
  /** Cancels the operation: it stops promptly and rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined
}

const INVENTORY_KEY = 'inventory'
const REVISION_KEY = 'revision'

/**
 * Reads the inventory stored in a ConfigMap or Secret by {@link saveInventory}.
 *
 * @throws `APPLY_INVENTORY_INVALID` when the object exists but holds no readable inventory;
 * API errors as `APPLY_FORBIDDEN`, `APPLY_UNREACHABLE`, …. An abort rejects with `signal.reason`.
 * @example
 * ```ts
 * const stored = await loadInventory({ name: 'prod', namespace: 'flux-system' }, { client })
 * if (stored !== undefined) await prune(stored.inventory, result.inventory, { client, inventory: ref })
 * ```
 */
export async function loadInventory(ref: InventoryRef, options: LoadInventoryOptions): Promise<StoredInventory | undefined> {
  checkRef(ref, 'loadInventory')
  const kind = ref.kind ?? 'ConfigMap'
  const live = await options.client.get({ group: '', version: 'v1', kind, namespace: ref.namespace, name: ref.name }, { signal: options.signal })
  if (live === undefined) return undefined
  const source = `${kind}/${ref.namespace}/${ref.name}`
  const data = readData(live)
  const text = data[INVENTORY_KEY]
  if (text === undefined) {
    throw new ApplyError({ code: 'APPLY_INVENTORY_INVALID', message: `${source}: has no "${INVENTORY_KEY}" key; it is not an inventory`, details: { source } })
  }
  try {
    return { inventory: parseInventory(text, source), revision: data[REVISION_KEY] }
  } catch (cause) {
    if (!isGitOpsError(cause, 'CORE_INVENTORY_INVALID')) throw cause
    throw new ApplyError({ code: 'APPLY_INVENTORY_INVALID', message: cause.message, details: { source }, cause })
  }
}

/**
 * Stores an inventory in a ConfigMap or Secret with server-side apply, together with the revision
 * it came from. With `applySet`, the object also becomes the ApplySet parent of the inventory's
 * objects (`applyset.kubernetes.io/id`, `tooling`, `contains-group-kinds`, `additional-namespaces`),
 * so `kubectl apply --prune --applyset` recognises the set.
 *
 * @throws API errors as `APPLY_FORBIDDEN`, `APPLY_NOT_FOUND` (the namespace does not exist),
 * `APPLY_UNREACHABLE`, …. An abort rejects with `signal.reason`.
 * @example
 * ```ts
 * await saveInventory(result.inventory, { client, ref: { name: 'prod', namespace: 'flux-system' }, revision })
 * ```
 */
export async function saveInventory(inventory: Inventory, options: SaveInventoryOptions): Promise<void> {
  if (typeof options !== 'object' || typeof options.client !== 'object') throw new TypeError('saveInventory: options.client is required')
  const { ref } = options
  checkRef(ref, 'saveInventory')
  const kind = ref.kind ?? 'ConfigMap'
  const values: Record<string, string> = { [INVENTORY_KEY]: serializeInventory(inventory) }
  if (options.revision !== undefined) values[REVISION_KEY] = options.revision
  const object: KubeObject = {
    apiVersion: 'v1',
    kind,
    metadata: { name: ref.name, namespace: ref.namespace, labels: { 'app.kubernetes.io/managed-by': 'gitops-sdk' } },
    data: kind === 'Secret' ? Object.fromEntries(Object.entries(values).map(([k, v]) => [k, Buffer.from(v).toString('base64')])) : values,
  }
  if (kind === 'Secret') object.type = 'Opaque'
  if (options.applySet === true) {
    object.metadata.labels = { ...object.metadata.labels, [APPLYSET.id]: applySetId(ref) }
    object.metadata.annotations = {
      [APPLYSET.tooling]: options.tooling ?? 'gitops-sdk/v0',
      [APPLYSET.containsGroupKinds]: [...new Set(inventory.entries.map((e) => (e.group === '' ? e.kind : `${e.kind}.${e.group}`)))].sort().join(','),
      [APPLYSET.additionalNamespaces]: [...new Set(inventory.entries.map((e) => e.namespace))].filter((n) => n !== '' && n !== ref.namespace).sort().join(','),
    }
  }
  await options.client.apply(object, { fieldManager: options.fieldManager ?? DEFAULT_FIELD_MANAGER, force: true, dryRun: options.dryRun, signal: options.signal })
}

function readData(live: KubeObject): Record<string, string | undefined> {
  const data = live.data
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return {}
  const out: Record<string, string> = {}
  for (const [k, v] of Object.entries(data)) {
    if (typeof v !== 'string') continue
    out[k] = live.kind === 'Secret' ? Buffer.from(v, 'base64').toString('utf8') : v
  }
  return out
}

function checkRef(ref: InventoryRef, verb: string): void {
  if (typeof ref !== 'object' || typeof ref.name !== 'string' || ref.name === '' || typeof ref.namespace !== 'string' || ref.namespace === '') {
    throw new TypeError(`${verb}: the inventory needs a name and a namespace`)
  }
  if (![undefined, 'ConfigMap', 'Secret'].includes(ref.kind)) throw new TypeError(`${verb}: the inventory kind must be ConfigMap or Secret`)
}
