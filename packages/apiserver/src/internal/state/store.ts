// The one source of truth: every stored object keyed by type, namespace and name, the global
// resourceVersion counter (etcd's revision) and a bounded history of changes for resuming watches.
// Writes are synchronous, so two requests never interleave inside one; fan-out follows commit order.
import type { KubeObject } from '@gitops-sdk/core'
import type { ResourceType } from './registry.js'
import { typeKey } from './registry.js'

/** One change, as watchers see it. */
export interface StoreEvent {
  readonly resourceVersion: number
  readonly type: 'ADDED' | 'MODIFIED' | 'DELETED'
  readonly typeKey: string
  /** The new state (for DELETED: the last state stamped with the deletion's resourceVersion). */
  readonly object: KubeObject
  /** The state before, when there was one. */
  readonly old: KubeObject | undefined
}

/** Where an object lives: `namespace/name`, with an empty namespace for cluster-scoped objects. */
export function objectKey(namespace: string, name: string): string {
  return `${namespace}/${name}`
}

export class Store {
  resourceVersion = 0
  /** The highest resourceVersion no longer in the history: watches from before it are expired. */
  compacted = 0
  private readonly objects = new Map<string, Map<string, KubeObject>>()
  private history: StoreEvent[] = []
  private readonly listeners = new Set<(event: StoreEvent) => void>()
  /** `typeKey objectKey` of the stored objects with a deletionTimestamp (held by finalizers). */
  private readonly terminatingKeys = new Set<string>()

  constructor(private readonly historyLimit: number) {}

  /** The stored object, never to be mutated by callers. */
  get(type: ResourceType, namespace: string, name: string): KubeObject | undefined {
    return this.objects.get(typeKey(type))?.get(objectKey(namespace, name))
  }

  /** Every object of a type (in one namespace when given), sorted by namespace then name. */
  list(type: ResourceType, namespace?: string): KubeObject[] {
    const all = this.objects.get(typeKey(type))
    if (all === undefined) return []
    const out: [string, KubeObject][] = []
    for (const [key, object] of all) {
      if (namespace === undefined || key.startsWith(`${namespace}/`)) out.push([key, object])
    }
    out.sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    return out.map(([, o]) => o)
  }

  /** Whether some stored object has a deletionTimestamp: the controllers' cue to look for work. */
  hasTerminating(): boolean {
    return this.terminatingKeys.size > 0
  }

  /** Every stored object of every type key. */
  *entries(): Generator<[string, KubeObject]> {
    for (const [key, map] of this.objects) for (const object of map.values()) yield [key, object]
  }

  /** Stores `object` under the next resourceVersion and tells watchers. */
  put(type: ResourceType, object: KubeObject): KubeObject {
    const rv = ++this.resourceVersion
    const stored: KubeObject = { ...object, metadata: { ...object.metadata, resourceVersion: String(rv) } }
    const key = typeKey(type)
    let map = this.objects.get(key)
    if (map === undefined) {
      map = new Map<string, KubeObject>()
      this.objects.set(key, map)
    }
    const id = objectKey(stored.metadata.namespace ?? '', stored.metadata.name)
    const old = map.get(id)
    map.set(id, stored)
    if (stored.metadata.deletionTimestamp === undefined) this.terminatingKeys.delete(`${key} ${id}`)
    else this.terminatingKeys.add(`${key} ${id}`)
    this.emit({ resourceVersion: rv, type: old === undefined ? 'ADDED' : 'MODIFIED', typeKey: key, object: stored, old })
    return stored
  }

  /** Removes an object; the deletion takes a resourceVersion of its own. `final` is its last state. */
  remove(type: ResourceType, final: KubeObject): KubeObject {
    const key = typeKey(type)
    const id = objectKey(final.metadata.namespace ?? '', final.metadata.name)
    const old = this.objects.get(key)?.get(id)
    if (old === undefined) return final
    this.objects.get(key)?.delete(id)
    this.terminatingKeys.delete(`${key} ${id}`)
    const rv = ++this.resourceVersion
    const last: KubeObject = { ...final, metadata: { ...final.metadata, resourceVersion: String(rv) } }
    this.emit({ resourceVersion: rv, type: 'DELETED', typeKey: key, object: last, old })
    return last
  }

  /** Forgets every object of a type (a CRD went away). */
  dropType(type: ResourceType): void {
    const key = typeKey(type)
    this.objects.delete(key)
    for (const terminating of this.terminatingKeys) if (terminating.startsWith(`${key} `)) this.terminatingKeys.delete(terminating)
  }

  /** Events after `resourceVersion`, or undefined when some of them are no longer kept. */
  since(resourceVersion: number, key: string): StoreEvent[] | undefined {
    if (resourceVersion < this.compacted) return undefined
    const out: StoreEvent[] = []
    for (const event of this.history) if (event.resourceVersion > resourceVersion && event.typeKey === key) out.push(event)
    return out
  }

  /** Calls `listener` on every later commit; returns the unsubscribe function. */
  /** Forgets the whole history: every resourceVersion up to the current one is compacted. */
  compactAll(): void {
    this.compacted = this.resourceVersion
    this.history = []
  }

  subscribe(listener: (event: StoreEvent) => void): () => void {
    this.listeners.add(listener)
    return () => this.listeners.delete(listener)
  }

  /** Drops everything, back to an empty store (the counter keeps growing, as etcd's would). */
  clear(): void {
    this.objects.clear()
    this.terminatingKeys.clear()
    this.compacted = this.resourceVersion
    this.history = []
  }

  private emit(event: StoreEvent): void {
    this.history.push(event)
    // Trimmed in batches (an eighth of the limit) so a busy server does not copy the history per write.
    if (this.history.length > this.historyLimit + (this.historyLimit >> 3)) {
      const drop = this.history.length - this.historyLimit
      this.compacted = this.history[drop - 1]?.resourceVersion ?? this.compacted
      this.history = this.history.slice(drop)
    }
    for (const listener of [...this.listeners]) listener(event)
  }
}
