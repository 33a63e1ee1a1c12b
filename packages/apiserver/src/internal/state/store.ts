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

/**
 * How many stored objects of one type hold each value that an extractor finds in them (e.g. every
 * Service's clusterIP), kept up to date by every write, so that a lookup costs no walk over the type.
 */
export interface ValueIndex {
  /** Value → the number of stored objects holding it (never 0: a value no object holds is absent). */
  readonly counts: ReadonlyMap<string, number>
  /** Counts the times some value stopped being held (a removal, a change, a clear): a cache of what is free must start over when it moves. */
  readonly freed: number
}

interface IndexEntry {
  readonly extract: (object: KubeObject) => string | undefined
  readonly counts: Map<string, number>
  /**
   * Object key → the value counted for it at put: what a replace or remove takes back, whatever
   * the object holds by then (a stored object's nested fields are shared with whoever put it, so
   * `extract` of the old object may no longer give what was counted).
   */
  readonly held: Map<string, string>
  freed: number
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
  /** The value indexes, by `typeKey` then by name. */
  private readonly indexes = new Map<string, Map<string, IndexEntry>>()

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

  /**
   * The index named `name` of `extract`'s values over the stored objects of `type`: built on first use
   * from the stored objects, then kept by put, remove, dropType and clear. `extract` must be a pure
   * function of an object; the first one given for a name is the one kept.
   */
  valueIndex(type: ResourceType, name: string, extract: (object: KubeObject) => string | undefined): ValueIndex {
    const key = typeKey(type)
    let byName = this.indexes.get(key)
    if (byName === undefined) {
      byName = new Map()
      this.indexes.set(key, byName)
    }
    let entry = byName.get(name)
    if (entry === undefined) {
      entry = { extract, counts: new Map(), held: new Map(), freed: 0 }
      for (const [id, object] of this.objects.get(key) ?? []) hold(entry, id, object)
      byName.set(name, entry)
    }
    return entry
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
    const indexes = this.indexes.get(key)
    if (indexes !== undefined) {
      for (const entry of indexes.values()) {
        const previous = entry.held.get(id)
        hold(entry, id, stored)
        if (previous !== undefined) release(entry, previous)
      }
    }
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
    const indexes = this.indexes.get(key)
    if (indexes !== undefined) {
      for (const entry of indexes.values()) {
        const previous = entry.held.get(id)
        entry.held.delete(id)
        if (previous !== undefined) release(entry, previous)
      }
    }
    const rv = ++this.resourceVersion
    const last: KubeObject = { ...final, metadata: { ...final.metadata, resourceVersion: String(rv) } }
    this.emit({ resourceVersion: rv, type: 'DELETED', typeKey: key, object: last, old })
    return last
  }

  /** Forgets every object of a type (a CRD went away). */
  dropType(type: ResourceType): void {
    const key = typeKey(type)
    this.objects.delete(key)
    for (const entry of this.indexes.get(key)?.values() ?? []) reset(entry)
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
    for (const byName of this.indexes.values()) for (const entry of byName.values()) reset(entry)
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

/** Counts the value `object` holds (if any) as held by the object keyed `id`, replacing what `id` held. */
function hold(entry: IndexEntry, id: string, object: KubeObject): void {
  const value = entry.extract(object)
  if (value === undefined) {
    entry.held.delete(id)
    return
  }
  entry.held.set(id, value)
  entry.counts.set(value, (entry.counts.get(value) ?? 0) + 1)
}

/** Takes back one count of `value`, as counted at some put. */
function release(entry: IndexEntry, value: string): void {
  const next = (entry.counts.get(value) ?? 0) - 1
  if (next > 0) {
    entry.counts.set(value, next)
  } else {
    entry.counts.delete(value)
    entry.freed++
  }
}

function reset(entry: IndexEntry): void {
  entry.counts.clear()
  entry.held.clear()
  entry.freed++
}
