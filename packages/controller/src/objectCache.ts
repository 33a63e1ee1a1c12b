import type { KubeObject } from '@gitops-sdk/core'

/** Computes the values an object is indexed under (for example its owner's name). */
export type IndexFunction<T extends KubeObject = KubeObject> = (object: T) => readonly string[]

/** The index every cache keeps: objects by namespace. */
export const NAMESPACE_INDEX = 'namespace'

/**
 * A read-only view of an informer's cache, keyed by `namespace/name` (or `name` for cluster-scoped
 * objects), as client-go's `cache.Indexer`. Objects are the ones the informer last saw; do not
 * change them (copy first).
 */
export interface ObjectCache<T extends KubeObject = KubeObject> {
  /** The object with this key, or undefined. */
  get(key: string): T | undefined
  /** Every object, in key order. */
  list(): readonly T[]
  /** Every key, sorted. */
  keys(): readonly string[]
  /** How many objects the cache holds. */
  readonly size: number
  /** The objects whose index `name` holds `value` (`byIndex(NAMESPACE_INDEX, 'apps')`). */
  byIndex(name: string, value: string): readonly T[]
}

/** A cache the informer writes; its readers see {@link ObjectCache}. */
export interface MutableObjectCache<T extends KubeObject = KubeObject> extends ObjectCache<T> {
  /** Adds or replaces an object; returns the object it replaced. */
  upsert(object: T): T | undefined
  /** Removes the object with this key; returns it. */
  remove(key: string): T | undefined
}

/** The cache key of an object: `namespace/name`, or `name` when it has no namespace (client-go's `MetaNamespaceKeyFunc`). */
export function objectKey(object: { readonly metadata: { readonly name: string; readonly namespace?: string | undefined } }): string {
  const ns = object.metadata.namespace ?? ''
  return ns === '' ? object.metadata.name : `${ns}/${object.metadata.name}`
}

/**
 * Creates an indexed cache. The namespace index always exists; `indexers` add more, each a
 * function from an object to the values it is found under.
 *
 * @example
 * ```ts
 * const cache = createObjectCache({ byApp: (o) => [o.metadata.labels?.app ?? ''] })
 * cache.upsert(configMap)
 * cache.byIndex('byApp', 'web')
 * ```
 */
export function createObjectCache<T extends KubeObject = KubeObject>(indexers: Readonly<Record<string, IndexFunction<T>>> = {}): MutableObjectCache<T> {
  const items = new Map<string, T>()
  const all: [string, IndexFunction<T>][] = [[NAMESPACE_INDEX, (o) => [o.metadata.namespace ?? '']]]
  for (const [name, fn] of Object.entries(indexers)) {
    if (name === NAMESPACE_INDEX) throw new TypeError(`createObjectCache: the index "${NAMESPACE_INDEX}" is built in`)
    if (typeof fn !== 'function') throw new TypeError(`createObjectCache: index "${name}" is not a function`)
    all.push([name, fn])
  }
  // index name → value → keys; Maps, so values from objects never touch a prototype.
  const indices = new Map<string, Map<string, Set<string>>>(all.map(([name]) => [name, new Map()]))
  const values = (fn: IndexFunction<T>, object: T): readonly string[] => {
    try {
      return fn(object)
    } catch {
      // An index function that throws on a strange object leaves it out of that index only.
      return []
    }
  }
  const unindex = (key: string, object: T): void => {
    for (const [name, fn] of all) {
      const index = indices.get(name)
      for (const value of values(fn, object)) {
        const keys = index?.get(value)
        keys?.delete(key)
        if (keys?.size === 0) index?.delete(value)
      }
    }
  }
  const index = (key: string, object: T): void => {
    for (const [name, fn] of all) {
      const idx = indices.get(name)
      if (idx === undefined) continue
      for (const value of values(fn, object)) {
        let keys = idx.get(value)
        if (keys === undefined) idx.set(value, (keys = new Set()))
        keys.add(key)
      }
    }
  }
  return {
    get: (key) => items.get(key),
    list: () => [...items.keys()].sort().map((key) => items.get(key) as T),
    keys: () => [...items.keys()].sort(),
    get size() {
      return items.size
    },
    byIndex(name, value) {
      const idx = indices.get(name)
      if (idx === undefined) throw new TypeError(`byIndex: no index named "${name}"`)
      return [...(idx.get(value) ?? [])].sort().map((key) => items.get(key) as T)
    },
    upsert(object) {
      const key = objectKey(object)
      const old = items.get(key)
      if (old !== undefined) unindex(key, old)
      items.set(key, object)
      index(key, object)
      return old
    },
    remove(key) {
      const old = items.get(key)
      if (old === undefined) return undefined
      unindex(key, old)
      items.delete(key)
      return old
    },
  }
}
