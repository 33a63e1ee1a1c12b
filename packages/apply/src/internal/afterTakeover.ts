// What a takeover followed by the forced apply leaves of an object, computed locally so that
// `diff` can show it without writing: the server-side dry-run answers as if nothing were taken
// over (it keeps the fields kubectl added), but after the takeover those fields are ours, and the
// apply removes every one Git lacks, unless another manager still owns it too.
import { isKubeMap } from '@gitops-sdk/core'
import type { KubeObject, KubeValue } from '@gitops-sdk/core'
import type { FieldsTree, PathSegment } from './managedFields.js'
import { isLeaf, keyMatchesItem, ownersOf } from './managedFields.js'
import type { Takeover } from './takeover.js'

interface Walk {
  /** Whether a manager that is neither taken over nor ours still owns the value at a path. */
  readonly keptByOthers: (segments: readonly PathSegment[]) => boolean
}

/** `result` (the dry-run answer, a fresh copy is returned) as it will be after `takeover` and the apply. */
export function afterTakeover(
  live: KubeObject,
  { result, desired, takeover, fieldManager }: { readonly result: KubeObject; readonly desired: KubeObject; readonly takeover: Takeover; readonly fieldManager: string },
): KubeObject {
  const out = structuredClone(result)
  const taken = new Set(takeover.entries.map(identity))
  const walk: Walk = {
    keptByOthers: (segments) => ownersOf(live, segments).some((e) => !(e.manager === fieldManager && e.operation === 'Apply') && !taken.has(identity({ manager: e.manager, operation: e.operation, subresource: e.subresource }))),
  }
  for (const entry of takeover.entries) {
    if (isKubeMap(entry.fieldsV1)) strip(entry.fieldsV1 as unknown as FieldsTree, { live: live as unknown as KubeValue, out: out as unknown as KubeValue, desired: desired as unknown as KubeValue, segments: [] }, walk)
  }
  const annotations = out.metadata.annotations
  if (annotations !== undefined) for (const key of takeover.removed) Reflect.deleteProperty(annotations, key)
  const labels = out.metadata.labels
  if (labels !== undefined) for (const key of takeover.removed) Reflect.deleteProperty(labels, key)
  return out
}

function identity(entry: { readonly manager?: unknown; readonly operation?: unknown; readonly subresource?: unknown }): string {
  return JSON.stringify([entry.manager ?? '', entry.operation ?? '', entry.subresource ?? ''])
}

interface At {
  readonly live: KubeValue | undefined
  readonly out: KubeValue | undefined
  readonly desired: KubeValue | undefined
  readonly segments: readonly PathSegment[]
}

function strip(tree: FieldsTree, at: At, walk: Walk): void {
  for (const key of Object.keys(tree)) {
    const child = tree[key]
    if (key === '.' || child === undefined) continue
    if (key.startsWith('f:')) {
      const name = key.slice(2)
      const { out } = at
      if (!isKubeMap(out) || !Object.hasOwn(out, name)) continue
      const desired = isKubeMap(at.desired) && Object.hasOwn(at.desired, name) ? at.desired[name] : undefined
      const segments = [...at.segments, name]
      if (desired === undefined && isLeaf(child)) {
        if (!walk.keptByOthers(segments)) Reflect.deleteProperty(out, name)
        continue
      }
      strip(child, { live: isKubeMap(at.live) ? at.live[name] : undefined, out: out[name], desired, segments }, walk)
      continue
    }
    const { out, live } = at
    if (!Array.isArray(out) || !Array.isArray(live)) continue
    const liveIndex = live.findIndex((item, i) => keyMatchesItem(key, item, i))
    const outIndex = out.findIndex((item, i) => keyMatchesItem(key, item, i))
    if (liveIndex < 0 || outIndex < 0) continue
    const desired = Array.isArray(at.desired) ? at.desired.find((item, i) => keyMatchesItem(key, item, i)) : undefined
    const segments = [...at.segments, liveIndex]
    if (desired === undefined && Object.hasOwn(child, '.')) {
      if (!walk.keptByOthers(segments)) out.splice(outIndex, 1)
      continue
    }
    strip(child, { live: live[liveIndex], out: out[outIndex], desired, segments }, walk)
  }
}
