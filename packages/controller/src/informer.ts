import { isGitOpsError, systemClock } from '@gitops-sdk/core'
import type { Clock, KubeObject } from '@gitops-sdk/core'
import type { ControllerClient } from './controllerClient.js'
import { Backoff } from './internal/backoff.js'
import type { IndexFunction, ObjectCache } from './objectCache.js'
import { createObjectCache, objectKey } from './objectCache.js'
import type { ResourceType, Selection, WatchEvent } from './types.js'

/** What an informer tells its handlers. A handler that throws is reported to `onError` and does not stop the informer. */
export interface InformerHandler<T extends KubeObject = KubeObject> {
  /** An object appeared (or the informer started and found it). */
  onAdd?(object: T): void
  /** An object changed; on a resync or re-list `old` and `object` may be the same version. */
  onUpdate?(old: T, object: T): void
  /**
   * An object went away. `finalStateUnknown` is true when a re-list found it gone: the object is
   * the last version the informer saw (client-go's `DeletedFinalStateUnknown`).
   */
  onDelete?(object: T, finalStateUnknown: boolean): void
}

/** Options of {@link createInformer}. */
export interface InformerOptions<T extends KubeObject = KubeObject> extends Selection {
  /** The client that lists and watches. */
  readonly client: ControllerClient
  /** Every this many ms, each cached object is delivered again as an update; 0 for never. @defaultValue 0 */
  readonly resyncPeriod?: number | undefined
  /** Extra indexes of the cache, by name. */
  readonly indexers?: Readonly<Record<string, IndexFunction<T>>> | undefined
  /** Objects per list page. @defaultValue 500 */
  readonly pageSize?: number | undefined
  /** Server-side timeout of each watch, in s; each watch adds up to the same again at random, as client-go does. @defaultValue 300 */
  readonly watchTimeoutSeconds?: number | undefined
  /** Clock of the resync period and of the back-off between failed lists and watches. @defaultValue the system clock */
  readonly clock?: Clock | undefined
  /** Told about every failed list or watch and every handler that threw; the informer retries on its own. */
  readonly onError?: ((error: unknown) => void) | undefined
  /** Random numbers in [0, 1) for jitter. @defaultValue Math.random */
  readonly random?: (() => number) | undefined
}

/**
 * A shared informer: lists and then watches one kind, keeps a cache of it, and tells every handler
 * about changes. Run it once, read its cache from anywhere.
 */
export interface Informer<T extends KubeObject = KubeObject> {
  /** The kind it watches. */
  readonly resource: ResourceType
  /** The cache the informer keeps. */
  readonly cache: ObjectCache<T>
  /** Adds a handler; one added after the first list gets an `onAdd` for every cached object. Returns its remover. */
  addHandler(handler: InformerHandler<T>): () => void
  /** Whether the first full list has reached the cache (client-go's `HasSynced`). */
  hasSynced(): boolean
  /** Resolves once {@link Informer.hasSynced}; rejects with `signal.reason` when aborted first. */
  waitForSync(signal?: AbortSignal): Promise<void>
  /** The resourceVersion of the last list, watch event or bookmark seen. */
  lastResourceVersion(): string
  /**
   * Whether the cache is known to be current: synced, its watch open and proven alive by an event
   * or bookmark since it was (re)opened, and the last list, event or bookmark seen at most
   * `maxSilence` ms ago by the informer's clock (API servers send a bookmark on a quiet watch:
   * kube-apiserver about every minute, the embedded one after 5 s). While the watch is down
   * (backing off, reconnecting, re-listing after a 410) or silent for longer, it is not: a reader
   * that must not miss a change then asks the API server instead.
   */
  isCurrent(maxSilence: number): boolean
  /** Lists and watches until `signal` aborts; resolves then. Errors are retried with back-off, never thrown. */
  run(signal: AbortSignal): Promise<void>
}

/**
 * Creates an informer (client-go's shared informer and reflector): a paged list, then a watch from
 * its resourceVersion with bookmarks; a watch that ends is resumed from the last resourceVersion
 * seen, a 410 Expired makes it list again, failures back off from 800 ms to 30 s with jitter.
 *
 * @example
 * ```ts
 * const informer = createInformer(CONFIGMAPS, { client, namespace: 'apps', labelSelector: 'app=web' })
 * informer.addHandler({ onAdd: (cm) => queue.add(objectKey(cm)) })
 * void informer.run(signal)
 * await informer.waitForSync(signal)
 * ```
 */
export function createInformer<T extends KubeObject = KubeObject>(resource: ResourceType, options: InformerOptions<T>): Informer<T> {
  if (typeof options !== 'object' || typeof options.client !== 'object') throw new TypeError('createInformer: options.client is required')
  const resync = options.resyncPeriod ?? 0
  if (!Number.isFinite(resync) || resync < 0) throw new TypeError('createInformer: resyncPeriod must be a number of ms, 0 or more')
  const pageSize = options.pageSize ?? 500
  if (!Number.isInteger(pageSize) || pageSize <= 0) throw new TypeError('createInformer: pageSize must be a positive integer')
  const clock = options.clock ?? systemClock
  const random = options.random ?? Math.random
  const cache = createObjectCache<T>(options.indexers)
  const handlers = new Set<InformerHandler<T>>()
  const selection: Selection = { namespace: options.namespace, labelSelector: options.labelSelector, fieldSelector: options.fieldSelector }
  let synced = false
  let resourceVersion = ''
  // Freshness of the cache: a watch is open, and when the informer last heard from the server.
  let watching = false
  let lastSeen = Number.NEGATIVE_INFINITY
  const syncWaiters = new Set<() => void>()
  const report = (error: unknown): void => {
    try {
      options.onError?.(error)
    } catch {
      // A failing error hook must not stop the informer either.
    }
  }
  const emit = (call: (handler: InformerHandler<T>) => void): void => {
    for (const handler of handlers) {
      try {
        call(handler)
      } catch (error) {
        report(error)
      }
    }
  }
  const markSynced = (): void => {
    if (synced) return
    synced = true
    for (const wake of syncWaiters) wake()
    syncWaiters.clear()
  }

  /** A full list (every page at one resourceVersion) replacing the cache. */
  const listAll = async (signal: AbortSignal): Promise<void> => {
    const items: T[] = []
    let next: string | undefined
    let version: string
    do {
      const page = await options.client.list(resource, { ...selection, limit: pageSize, continue: next, signal })
      items.push(...(page.items as T[]))
      version = page.resourceVersion
      next = page.continue
    } while (next !== undefined)
    const seen = new Set<string>()
    for (const object of items) {
      const key = objectKey(object)
      seen.add(key)
      const old = cache.upsert(object)
      if (old === undefined) emit((h) => h.onAdd?.(object))
      else emit((h) => h.onUpdate?.(old, object))
    }
    for (const key of cache.keys()) {
      if (seen.has(key)) continue
      const gone = cache.remove(key)
      if (gone !== undefined) emit((h) => h.onDelete?.(gone, true))
    }
    resourceVersion = version
    lastSeen = clock.now().getTime()
    markSynced()
  }

  /** One watch; resolves 'relist' after a 410, 'again' when the stream ended after events, 'empty' without any. */
  const watchOnce = async (signal: AbortSignal, backoff: Backoff): Promise<'relist' | 'again' | 'empty'> => {
    const base = options.watchTimeoutSeconds ?? 300
    const timeoutSeconds = Math.max(1, Math.floor(base * (1 + random())))
    try {
      return await consume(options.client.watch(resource, { ...selection, resourceVersion, allowWatchBookmarks: true, timeoutSeconds, signal }), backoff)
    } finally {
      watching = false
    }
  }

  const consume = async (stream: AsyncIterable<WatchEvent>, backoff: Backoff): Promise<'relist' | 'again' | 'empty'> => {
    let events = 0
    for await (const event of stream) {
      backoff.reset()
      events++
      // Current only once this stream delivered something: until then events since the last
      // resourceVersion (a reconnect's gap) may still be on their way.
      watching = true
      lastSeen = clock.now().getTime()
      switch (event.type) {
        case 'BOOKMARK':
          resourceVersion = event.resourceVersion
          break
        case 'ERROR':
          if (event.code === 410) return 'relist'
          throw new Error(`${resource.kind}: watch failed (${event.reason}): ${event.message}`)
        case 'ADDED':
        case 'MODIFIED': {
          const object = event.object as T
          const old = cache.upsert(object)
          resourceVersion = typeof object.metadata.resourceVersion === 'string' ? object.metadata.resourceVersion : resourceVersion
          if (old === undefined) emit((h) => h.onAdd?.(object))
          else emit((h) => h.onUpdate?.(old, object))
          break
        }
        case 'DELETED': {
          const object = event.object as T
          const old = cache.remove(objectKey(object))
          resourceVersion = typeof object.metadata.resourceVersion === 'string' ? object.metadata.resourceVersion : resourceVersion
          emit((h) => h.onDelete?.(old ?? object, false))
          break
        }
      }
    }
    return events === 0 ? 'empty' : 'again'
  }

  const resyncLoop = async (signal: AbortSignal): Promise<void> => {
    if (resync === 0) return
    for (;;) {
      await clock.sleep(resync, signal)
      if (!synced) continue
      for (const object of cache.list()) emit((h) => h.onUpdate?.(object, object))
    }
  }

  let running = false
  const informer: Informer<T> = {
    resource,
    cache,
    addHandler(handler) {
      handlers.add(handler)
      if (synced) for (const object of cache.list()) {
        try {
          handler.onAdd?.(object)
        } catch (error) {
          report(error)
        }
      }
      return () => handlers.delete(handler)
    },
    hasSynced: () => synced,
    lastResourceVersion: () => resourceVersion,
    isCurrent: (maxSilence) => synced && watching && clock.now().getTime() - lastSeen <= maxSilence,
    waitForSync(signal) {
      if (synced) return Promise.resolve()
      return new Promise<void>((resolve, reject) => {
        if (signal?.aborted === true) {
          reject(signal.reason as Error)
          return
        }
        const wake = (): void => {
          signal?.removeEventListener('abort', onAbort)
          resolve()
        }
        const onAbort = (): void => {
          syncWaiters.delete(wake)
          reject(signal?.reason as Error)
        }
        syncWaiters.add(wake)
        signal?.addEventListener('abort', onAbort, { once: true })
      })
    },
    async run(signal) {
      if (running) throw new TypeError(`createInformer: the ${resource.kind} informer is already running`)
      running = true
      const backoff = new Backoff({ initial: 800, max: 30_000, jitter: 1, random })
      const resyncing = resyncLoop(signal).catch(() => undefined)
      let needList = true
      try {
        while (!signal.aborted) {
          try {
            if (needList) {
              await listAll(signal)
              needList = false
              backoff.reset()
            }
            const outcome = await watchOnce(signal, backoff)
            if (outcome === 'relist') needList = true
            // A stream that ends at once, again and again (a proxy cutting it), must not spin.
            if (outcome !== 'empty') continue
          } catch (error) {
            if (aborted(signal)) break
            // A continue token or resourceVersion compacted away: list from scratch, now.
            if (isGitOpsError(error, 'CONTROLLER_EXPIRED')) {
              needList = true
              continue
            }
            report(error)
          }
          await clock.sleep(backoff.next(), signal).catch(() => undefined)
        }
      } finally {
        running = false
        await resyncing
      }
    },
  }
  return informer
}

// Read through a function: the loop condition narrows `signal.aborted`, which an await can change.
function aborted(signal: AbortSignal): boolean {
  return signal.aborted
}
