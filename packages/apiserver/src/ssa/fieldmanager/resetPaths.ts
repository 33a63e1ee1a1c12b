// Paths an endpoint resets (SPEC.md §10.9, the `GetResetFields` of Kubernetes' strategies): they are
// neither owned nor compared, and their stored values come from the live object.
import type { KubeMap, KubeValue } from '@gitops-sdk/core'
import { FieldSet } from '../structured-merge-diff/fieldSet.js'
import type { PathElement } from '../structured-merge-diff/path.js'
import { fieldElement } from '../structured-merge-diff/path.js'
import { deleteKey, isMap } from '../structured-merge-diff/value.js'

/** The paths one endpoint resets: opaque, built by `resetPathsFor`. */
export interface ResetPaths {
  /** @internal `exclude`: these paths are reset; `only`: everything but these paths is reset. */
  readonly mode: 'exclude' | 'only'
  /** @internal */
  readonly paths: FieldSet
}

/** What decides an endpoint's reset paths. */
export interface ResetPathsOptions {
  /** API group of the resource, `''` for the core group. */
  readonly group: string
  readonly kind: string
  /** The subresource written through, if any. */
  readonly subresource?: 'status' | 'scale' | 'finalize' | undefined
  /**
   * Where the resource keeps what its Scale calls `spec.replicas` (the field names of the scale
   * subresource's `specReplicasPath`); used for `/scale` only.
   * @defaultValue ['spec', 'replicas']
   */
  readonly specReplicasPath?: readonly string[] | undefined
  /** Whether the resource has a status subresource (then the main endpoint resets `status`). */
  readonly hasStatusSubresource: boolean
}

const status = fieldElement('status')

/**
 * The reset paths of one endpoint (SPEC.md §10.9): the main endpoint of a type with a status
 * subresource resets `status` (Namespaces also `spec.finalizers`); `/finalize` resets `status`;
 * `/status` resets everything except `status`, so only status paths end up in its entries; `/scale`
 * resets everything except the replicas its Scale maps, as Kubernetes' ScaleHandler keeps only that
 * field when it carries a Scale's managedFields over to the resource.
 */
export function resetPathsFor(options: ResetPathsOptions): ResetPaths {
  if (options.subresource === 'status') return { mode: 'only', paths: FieldSet.of([status]) }
  if (options.subresource === 'scale') {
    const replicas = options.specReplicasPath ?? ['spec', 'replicas']
    return { mode: 'only', paths: FieldSet.of(replicas.map((name) => fieldElement(name))) }
  }
  if (options.subresource === 'finalize') return { mode: 'exclude', paths: FieldSet.of([status]) }
  if (options.group === '' && options.kind === 'Namespace') {
    return { mode: 'exclude', paths: FieldSet.of([status], [fieldElement('spec'), fieldElement('finalizers')]) }
  }
  return { mode: 'exclude', paths: options.hasStatusSubresource ? FieldSet.of([status]) : FieldSet.empty() }
}

/** `set` without what `reset` resets. */
export function filterReset(reset: ResetPaths, set: FieldSet): FieldSet {
  return reset.mode === 'exclude' ? set.recursiveDifference(reset.paths) : keepOnly(set, reset.paths)
}

function keepOnly(set: FieldSet, keep: FieldSet): FieldSet {
  const out = new FieldSet()
  for (const [id, element] of set.members) if (keep.members.has(id)) out.members.set(id, element)
  for (const [id, child] of set.children) {
    if (keep.members.has(id)) out.children.set(id, child)
    else {
      const deeper = keep.children.get(id)
      if (deeper !== undefined) out.attach(child.element, keepOnly(child.set, deeper.set))
    }
  }
  return out
}

/** `merged` with the values at reset paths taken from `live` (absent in `live`: absent). */
export function restoreReset(reset: ResetPaths, merged: KubeMap, live: KubeMap): KubeMap {
  if (reset.mode === 'only') {
    const out: KubeMap = { ...live }
    for (const path of reset.paths.paths()) copyAt(out, merged, path)
    return out
  }
  if (reset.paths.isEmpty()) return merged
  const out: KubeMap = { ...merged }
  for (const path of reset.paths.paths()) copyAt(out, live, path)
  return out
}

function copyAt(target: KubeMap, source: KubeMap | undefined, path: readonly PathElement[]): void {
  const [head, ...rest] = path
  if (head?.type !== 'field') return
  const from: KubeValue | undefined = source?.[head.name]
  if (rest.length === 0) {
    if (from === undefined) deleteKey(target, head.name)
    else target[head.name] = from
    return
  }
  const current = target[head.name]
  if (!isMap(current) && !isMap(from)) return
  const copy: KubeMap = isMap(current) ? { ...current } : {}
  copyAt(copy, isMap(from) ? from : undefined, rest)
  target[head.name] = copy
}
