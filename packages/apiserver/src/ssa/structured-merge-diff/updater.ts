// The SMD Updater (merge/update.go): ownership bookkeeping for Update and Apply, conflict detection
// and the pruning of fields an applier stopped applying (SPEC.md §10.6 steps 1–7, SPEC.md §10.8 steps 1–3).
import type { KubeMap, KubeValue } from '@gitops-sdk/core'
import type { Comparison } from './compare.js'
import { compareObjects } from './compare.js'
import type { FieldSet } from './fieldSet.js'
import type { VersionedSet } from '../fieldmanager/managedFields.js'
import { mergeValue } from './merge.js'
import type { ResetPaths } from '../fieldmanager/resetPaths.js'
import { filterReset, restoreReset } from '../fieldmanager/resetPaths.js'
import type { TypeRef } from './schema.js'
import { fieldSetOf } from './typed.js'
import { ensureNamedFieldsAreMembers, reconcileWithSchema, removePaths } from './typedSets.js'
import { deepEqual } from '@gitops-sdk/core'
import { isMap } from './value.js'

/** The type and reset paths every step of one request works with. */
export interface UpdaterContext {
  readonly type: TypeRef
  readonly reset: ResetPaths
}

/** Managers' sets by identity. */
export type ManagerSets = Map<string, VersionedSet>

/** Sets that conflict with the change, by manager identity. */
export type Conflicts = Map<string, FieldSet>

function filtered(context: UpdaterContext, comparison: Comparison): Comparison {
  return {
    added: filterReset(context.reset, comparison.added),
    modified: filterReset(context.reset, comparison.modified),
    removed: filterReset(context.reset, comparison.removed),
  }
}

/** Rewrites every set recorded under an older schema for the current one. */
export function reconcileManagers(context: UpdaterContext, managers: ManagerSets): void {
  for (const [identity, versioned] of managers) {
    const set = reconcileWithSchema(versioned.set, context.type)
    if (set !== versioned.set) managers.set(identity, { ...versioned, set })
  }
}

/**
 * Compares `live` with `next` and takes changed fields away from every manager but `workflow`:
 * with `force`, conflicts (fields others own that changed or appeared) are taken too; without it
 * they are returned and nothing changes. Fields that disappeared leave every owner.
 */
function update(context: UpdaterContext, change: { live: KubeValue; next: KubeValue }, options: { managers: ManagerSets; workflow: string; force: boolean }): { comparison: Comparison; conflicts?: Conflicts } {
  const managers = options.managers
  const comparison = filtered(context, compareObjects(change.live, change.next, context.type))
  const changed = comparison.modified.union(comparison.added)
  const conflicts: Conflicts = new Map()
  for (const [identity, versioned] of managers) {
    if (identity === options.workflow) continue
    const conflict = versioned.set.intersection(changed)
    if (!conflict.isEmpty()) conflicts.set(identity, conflict)
  }
  if (!options.force && conflicts.size > 0) return { comparison, conflicts }
  for (const [identity, versioned] of managers) {
    if (identity === options.workflow) continue
    let set = versioned.set
    const conflict = conflicts.get(identity)
    if (conflict !== undefined) set = set.difference(conflict)
    set = set.difference(comparison.removed)
    if (set.isEmpty()) managers.delete(identity)
    else if (set !== versioned.set) managers.set(identity, { ...versioned, set })
  }
  return { comparison }
}

/** SMD `Updater.Update`: `workflow` takes what changed between `live` and `next`. */
export function updateOwnership(context: UpdaterContext, change: { live: KubeValue; next: KubeValue }, workflow: { managers: ManagerSets; identity: string; apiVersion: string }): void {
  const managers = workflow.managers
  reconcileManagers(context, managers)
  const { comparison } = update(context, change, { managers, workflow: workflow.identity, force: true })
  const previous = managers.get(workflow.identity)?.set
  let set = comparison.modified.union(comparison.added)
  if (previous !== undefined) set = previous.difference(comparison.removed).union(set)
  set = filterReset(context.reset, set)
  if (set.isEmpty()) managers.delete(workflow.identity)
  else managers.set(workflow.identity, { set, apiVersion: workflow.apiVersion, applied: false })
}

/** The outcome of SMD `Updater.Apply`. */
export type ApplyResult =
  | { readonly conflicts: Conflicts }
  | { readonly conflicts?: undefined; readonly object: KubeMap; readonly changed: boolean }

/**
 * SMD `Updater.Apply`: merges `config` into `live`, records the applier's new set, prunes what it
 * stopped applying, and settles ownership. Values under reset paths are taken from `live`.
 */
export function applyOwnership(context: UpdaterContext, change: { live: KubeMap; config: KubeMap }, applier: { managers: ManagerSets; identity: string; apiVersion: string; force: boolean }): ApplyResult {
  const managers = applier.managers
  reconcileManagers(context, managers)
  const merged = mergeValue(change.live, change.config, context.type)
  const last = managers.get(applier.identity)
  const set = filterReset(context.reset, fieldSetOf(change.config, context.type))
  managers.set(applier.identity, { set, apiVersion: applier.apiVersion, applied: true })
  const pruned = prune(context, isMap(merged) ? merged : {}, { managers, last: last?.set })
  const object = restoreReset(context.reset, isMap(pruned) ? pruned : {}, change.live)
  // With no other manager (a create, or a manager alone on its object) the comparison would settle
  // nobody's ownership and find no conflict: skipped, the outcome is the same.
  if (hasOtherManager(managers, applier.identity)) {
    const { conflicts } = update(context, { live: change.live, next: object }, { managers, workflow: applier.identity, force: applier.force })
    if (conflicts !== undefined) return { conflicts }
  }
  return { object, changed: !deepEqual(change.live, object) }
}

/** Whether `managers` holds a set of another identity than `identity`. */
function hasOtherManager(managers: ManagerSets, identity: string): boolean {
  for (const other of managers.keys()) if (other !== identity) return true
  return false
}

/**
 * Removes from `merged` what the applier owned last time (`last`), no longer applies, and nobody
 * else owns — SMD's three passes: remove all of `last`, add back what anyone owns, add back what
 * the first pass removed only as a side effect.
 */
function prune(context: UpdaterContext, merged: KubeMap, { managers, last }: { managers: ManagerSets; last: FieldSet | undefined }): KubeValue {
  if (last === undefined || last.isEmpty()) return merged
  const type = context.type
  const ensure = (set: FieldSet): FieldSet => ensureNamedFieldsAreMembers(set, type)
  const lastSet = ensure(last)
  const first = removePaths(merged, lastSet, type)
  let owned: FieldSet | undefined
  for (const versioned of managers.values()) owned = owned === undefined ? versioned.set : owned.union(versioned.set)
  const mergedSet = ensure(fieldSetOf(merged, type))
  const firstSet = ensure(fieldSetOf(first, type))
  const ownedSet = owned === undefined ? firstSet : firstSet.union(ensure(owned))
  const second = removePaths(merged, mergedSet.difference(ownedSet), type)
  const secondSet = ensure(fieldSetOf(second, type))
  return removePaths(merged, mergedSet.difference(secondSet).intersection(lastSet), type)
}
