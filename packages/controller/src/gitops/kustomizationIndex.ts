// Which Kustomizations read a source and which depend on a Kustomization, kept up to date from the
// informer's events, so that a new revision or a Kustomization becoming Ready enqueues its readers
// without walking (and sorting) every cached Kustomization each time.
import type { KubeObject } from '@gitops-sdk/core'
import type { InformerHandler } from '../informer.js'

/** The reverse references of the cached Kustomizations. */
export interface KustomizationIndex {
  /** Feed it the Kustomization informer's events. */
  readonly handler: InformerHandler
  /** Keys of the Kustomizations whose `sourceRef` is the GitRepository `namespace/name`. */
  readersOf(sourceKey: string): readonly string[]
  /** Keys of the Kustomizations whose `dependsOn` names the Kustomization `namespace/name`. */
  dependentsOf(key: string): readonly string[]
}

/** Creates an empty index. */
export function createKustomizationIndex(): KustomizationIndex {
  // Maps, so that keys from objects never reach a prototype.
  const readers = new Map<string, Set<string>>()
  const dependents = new Map<string, Set<string>>()
  // What each object was indexed under, to take it out again.
  const indexed = new Map<string, { readonly source: string | undefined; readonly dependsOn: readonly string[] }>()
  const add = (index: Map<string, Set<string>>, value: string, key: string): void => {
    let keys = index.get(value)
    if (keys === undefined) index.set(value, (keys = new Set()))
    keys.add(key)
  }
  const drop = (index: Map<string, Set<string>>, value: string, key: string): void => {
    const keys = index.get(value)
    keys?.delete(key)
    if (keys?.size === 0) index.delete(value)
  }
  const remove = (key: string): void => {
    const old = indexed.get(key)
    if (old === undefined) return
    if (old.source !== undefined) drop(readers, old.source, key)
    for (const d of old.dependsOn) drop(dependents, d, key)
    indexed.delete(key)
  }
  const put = (object: KubeObject): void => {
    const key = kustomizationKey(object)
    remove(key)
    const entry = { source: sourceKeyOf(object), dependsOn: dependsOnOf(object) }
    indexed.set(key, entry)
    if (entry.source !== undefined) add(readers, entry.source, key)
    for (const d of entry.dependsOn) add(dependents, d, key)
  }
  return {
    handler: {
      onAdd: put,
      onUpdate: (_old, object) => put(object),
      onDelete: (object) => remove(kustomizationKey(object)),
    },
    readersOf: (sourceKey) => [...(readers.get(sourceKey) ?? [])],
    dependentsOf: (key) => [...(dependents.get(key) ?? [])],
  }
}

/** `namespace/name` of a Kustomization. */
export function kustomizationKey(object: KubeObject): string {
  return `${object.metadata.namespace ?? ''}/${object.metadata.name}`
}

function specOf(object: KubeObject): Record<string, unknown> {
  const spec: unknown = (object as { spec?: unknown }).spec
  return typeof spec === 'object' && spec !== null ? (spec as Record<string, unknown>) : {}
}

/** `namespace/name` of the source a Kustomization reads. */
export function sourceKeyOf(object: KubeObject): string | undefined {
  const ref = specOf(object).sourceRef as { namespace?: unknown; name?: unknown } | undefined
  if (typeof ref?.name !== 'string') return undefined
  return `${typeof ref.namespace === 'string' ? ref.namespace : (object.metadata.namespace ?? '')}/${ref.name}`
}

/** `namespace/name` of each Kustomization a Kustomization depends on. */
export function dependsOnOf(object: KubeObject): string[] {
  const list = specOf(object).dependsOn
  if (!Array.isArray(list)) return []
  return list.flatMap((d: { namespace?: unknown; name?: unknown } | null) => (typeof d?.name === 'string' ? [`${typeof d.namespace === 'string' ? d.namespace : (object.metadata.namespace ?? '')}/${d.name}`] : []))
}
