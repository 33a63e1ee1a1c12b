// The Kubernetes field manager around the SMD updater (apimachinery managedfields/internal):
// manager identities, stripped metadata paths, entry times, `before-first-apply` and the cap of
// Update entries. Values here are objects without metadata.managedFields.
import type { KubeMap } from '@gitops-sdk/core'
import { FieldSet } from '../structured-merge-diff/fieldSet.js'
import type { Managed } from './managedFields.js'
import { capUpdateManagers, managerIdentity } from './managedFields.js'
import { fieldElement } from '../structured-merge-diff/path.js'
import type { Conflicts, UpdaterContext } from '../structured-merge-diff/updater.js'
import { applyOwnership, updateOwnership } from '../structured-merge-diff/updater.js'

const metadata = fieldElement('metadata')

/** Paths never recorded in managedFields (stripmeta.go): exact paths, not subtrees. */
const stripSet = FieldSet.of(
  [fieldElement('apiVersion')],
  [fieldElement('kind')],
  [metadata],
  ...['name', 'namespace', 'creationTimestamp', 'selfLink', 'uid', 'clusterName', 'generation', 'managedFields', 'resourceVersion'].map(
    (name) => [metadata, fieldElement(name)],
  ),
)

/** Who writes, through which endpoint, and when. */
export interface Writer {
  readonly manager: string
  readonly apiVersion: string
  readonly subresource: string
  /** RFC 3339 time of the write. */
  readonly now: string
}

function strip(managed: Managed, identity: string): void {
  const versioned = managed.fields.get(identity)
  if (versioned === undefined) return
  const set = versioned.set.difference(stripSet)
  if (set.isEmpty()) managed.fields.delete(identity)
  else managed.fields.set(identity, { ...versioned, set })
}

const currentOperation = 'current-operation'

/** The type and reset paths of the request, and the entries being updated in place. */
export interface OwnershipState {
  readonly context: UpdaterContext
  readonly managed: Managed
}

/**
 * Records an Update by `writer` (SPEC.md §10.8) into `managed`, in place: the writer takes what changed
 * from `live` to `next`, others lose it, old Update entries are folded past ten.
 */
export function recordUpdateOwnership(state: OwnershipState, change: { live: KubeMap; next: KubeMap }, writer: Writer): void {
  const { context, managed } = state
  const identity = managerIdentity({
    manager: writer.manager === '' ? 'unknown' : writer.manager,
    operation: 'Update',
    apiVersion: writer.apiVersion,
    subresource: writer.subresource,
  })
  updateOwnership(context, change, { managers: managed.fields, identity: currentOperation, apiVersion: writer.apiVersion })
  strip(managed, currentOperation)
  const current = managed.fields.get(currentOperation)
  if (current !== undefined) {
    managed.fields.delete(currentOperation)
    const previous = managed.fields.get(identity)
    managed.fields.set(identity, {
      set: previous === undefined ? current.set : current.set.union(previous.set),
      apiVersion: current.apiVersion,
      applied: false,
    })
    managed.times.set(identity, writer.now)
  }
  capUpdateManagers(managed)
}

/** The outcome of an apply's ownership bookkeeping. */
export type ApplyOwnership =
  | { readonly conflicts: Conflicts }
  | { readonly conflicts?: undefined; readonly object: KubeMap; readonly changed: boolean }

/**
 * Applies `config` by `writer` (SPEC.md §10.6) with `managed` updated in place. An object without any
 * managedFields first gets a `before-first-apply` entry owning everything it holds.
 */
export function applyWithOwnership(state: OwnershipState, change: { live: KubeMap; config: KubeMap; exists: boolean }, writer: Writer & { force: boolean }): ApplyOwnership {
  const { context, managed } = state
  if (managed.fields.size === 0 && change.exists) {
    // The empty object of the type: only its apiVersion and kind are set.
    const empty: KubeMap = {}
    if (change.live.apiVersion !== undefined) empty.apiVersion = change.live.apiVersion
    if (change.live.kind !== undefined) empty.kind = change.live.kind
    recordUpdateOwnership(state, { live: empty, next: change.live }, { ...writer, manager: 'before-first-apply' })
  }
  const identity = managerIdentity({ manager: writer.manager, operation: 'Apply', apiVersion: '', subresource: writer.subresource })
  const result = applyOwnership(context, { live: change.live, config: change.config }, {
    managers: managed.fields,
    identity,
    apiVersion: writer.apiVersion,
    force: writer.force,
  })
  if (result.conflicts !== undefined) return result
  strip(managed, identity)
  if (result.changed) managed.times.set(identity, writer.now)
  return result
}
