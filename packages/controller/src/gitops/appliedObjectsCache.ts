// A shared watch cache of the objects the controller applied, so that the drift check of a
// no-change interval reads the cluster from memory instead of sending requests.
//
// What the drift check compares does not change: it is apply's `detectDrift` (each object as last
// applied against the live one: absent means drift, the resourceVersion after our apply means
// unchanged, else the field-ownership proof, else drift). Only where the live objects come from
// changes: this client serves detectDrift's reads from one informer per applied kind, watching
// every object that carries the inventory label `gitops-sdk.io/inventory-name`, which apply puts on
// everything it applies with an inventory. A read is served from memory only while that informer
// is current (synced, its watch open, and a list, event or bookmark heard within `maxSilence`);
// otherwise, and for kinds not watched yet, it goes to the API server as before. Because every
// object of the inventory carries the label, an object missing from the cache was deleted or lost
// its label, and both are drift, as they are for detectDrift's label-selected LIST.
//
// `unchanged` answers the common case of a no-change interval without detectDrift's generic path
// (discovery, a worker pool, a promise per object): synchronously, when every object as last
// applied is in a current cache with the resourceVersion our apply left. That is exactly when
// detectDrift over this client finds nothing; any other case (an object missing, moved, excluded
// from apply, a kind not watched) answers "not proven" and the caller runs detectDrift.
import { LABELS, reconcileDisabled, ssaPolicy } from '@gitops-sdk/apply'
import type { DriftState, InventoryRef, KubeClient, ListQuery, ObjectList, ObjectTarget, RequestOptions } from '@gitops-sdk/apply'
import { systemClock } from '@gitops-sdk/core'
import type { Clock, KubeObject, Logger } from '@gitops-sdk/core'
import type { ControllerClient } from '../controllerClient.js'
import { createInformer } from '../informer.js'
import type { Informer } from '../informer.js'

/** Options of {@link createAppliedObjectsCache}. */
export interface AppliedObjectsCacheOptions {
  /** Lists and watches the applied kinds. */
  readonly client: ControllerClient
  /** The client the objects are applied with; reads the cache cannot serve go to it, and its discovery names the kinds. */
  readonly kubeClient: KubeClient
  /** Longest silence of a watch (no event, no bookmark) after which its cache is not trusted, in ms. @defaultValue 75,000 */
  readonly maxSilence?: number | undefined
  /** @defaultValue the system clock */
  readonly clock?: Clock | undefined
  /** Told when a watch of an applied kind cannot be started or fails. */
  readonly logger?: Logger | undefined
}

/** The watch cache of applied objects. */
export interface AppliedObjectsCache {
  /** A read-only view of `kubeClient` for drift checks: `get` and inventory-selected `list` come from the cache while it is current. */
  readonly client: KubeClient
  /**
   * Whether detectDrift over {@link AppliedObjectsCache.client}, with this placement, would find
   * nothing drifted, proven from memory: every object of `state` (other than those apply leaves
   * alone) is in a current cache, labelled for `inventory`, at the resourceVersion of `state`.
   * False means "not proven" (drifted, deleted, or not decidable here): run detectDrift.
   */
  unchanged(state: DriftState, placement: DriftPlacement): boolean
  /**
   * Starts the watches of the kinds of `state`'s objects, right after their apply, so that the
   * first no-change interval can already be proven by {@link AppliedObjectsCache.unchanged}
   * (kinds watched already, or before {@link AppliedObjectsCache.run}, are left as they are).
   */
  watch(state: DriftState): void
  /** Keeps the watches of the applied kinds running until `signal` aborts; kinds are watched from their first read on. */
  run(signal: AbortSignal): Promise<void>
  /** How many reads the cache answered and how many went to the API server (for tests and diagnostics). */
  stats(): { readonly served: number; readonly forwarded: number }
}

/** Where a drift check's objects were applied: detectDrift's placement options as the controller gives them. */
export interface DriftPlacement {
  readonly inventory: InventoryRef
  readonly targetNamespace?: string | undefined
}

const INVENTORY_INDEX = 'inventory'

interface Watched {
  readonly informer: Informer
  readonly namespaced: boolean
}

/**
 * Creates the cache. Until {@link AppliedObjectsCache.run} is called every read goes to the API
 * server; the first read of a kind starts its watch (that read, and all until the watch synced,
 * still go to the server).
 */
export function createAppliedObjectsCache(options: AppliedObjectsCacheOptions): AppliedObjectsCache {
  const { kubeClient } = options
  const clock = options.clock ?? systemClock
  const maxSilence = options.maxSilence ?? 75_000
  // `group|version|kind` → the informer, or null while discovery runs or when the kind cannot be watched.
  const watched = new Map<string, Watched | null>()
  let running: AbortSignal | undefined
  const runs = new Set<Promise<void>>()
  let served = 0
  let forwarded = 0

  const startWatch = (kindKey: string, target: { readonly group: string; readonly version: string; readonly kind: string }, signal: AbortSignal): void => {
    watched.set(kindKey, null)
    const start = async (): Promise<void> => {
      const resource = await kubeClient.resource(target, { signal })
      if (resource === undefined || !resource.verbs.includes('watch') || !resource.verbs.includes('list')) {
        // Not served (yet: its CRD may come) or not watchable: a later read tries again.
        watched.delete(kindKey)
        return
      }
      const informer = createInformer(
        { group: resource.group, version: resource.version, kind: resource.kind, plural: resource.plural, namespaced: resource.namespaced },
        {
          client: options.client,
          labelSelector: LABELS.inventoryName,
          indexers: { [INVENTORY_INDEX]: (o) => [inventoryOf(o)] },
          clock,
          onError: (error) => options.logger?.warn('watch of applied objects failed; drift checks read the API server meanwhile', { kind: resource.kind, error: error instanceof Error ? error.message : String(error) }),
        },
      )
      watched.set(kindKey, { informer, namespaced: resource.namespaced })
      await informer.run(signal)
    }
    const done = start()
      .catch((error: unknown) => {
        if (watched.get(kindKey) === null) watched.delete(kindKey)
        if (!signal.aborted) options.logger?.warn('cannot watch applied objects; drift checks read the API server', { kind: target.kind, error: error instanceof Error ? error.message : String(error) })
      })
      .finally(() => runs.delete(done))
    runs.add(done)
  }

  /** The current informer of a kind, or undefined (and the watch started) when reads must go to the server. */
  const currentFor = (target: { readonly group: string; readonly version?: string | undefined; readonly kind: string }): Watched | undefined => {
    const signal = running
    // Without a version the server's preferred one is read: leave that to the server.
    if (signal === undefined || signal.aborted || target.version === undefined) return undefined
    const kindKey = `${target.group}|${target.version}|${target.kind}`
    const entry = watched.get(kindKey)
    if (entry === undefined) {
      startWatch(kindKey, { group: target.group, version: target.version, kind: target.kind }, signal)
      return undefined
    }
    return entry !== null && entry.informer.isCurrent(maxSilence) ? entry : undefined
  }

  const client: KubeClient = {
    namespace: kubeClient.namespace,
    resource: (target, o) => kubeClient.resource(target, o),
    resources: (o) => kubeClient.resources(o),
    async get(target: ObjectTarget, o: RequestOptions = {}) {
      const entry = currentFor(target)
      if (entry === undefined) {
        forwarded++
        return kubeClient.get(target, o)
      }
      o.signal?.throwIfAborted()
      served++
      return entry.informer.cache.get(entry.namespaced ? `${target.namespace}/${target.name}` : target.name)
    },
    async list(query: ListQuery, o: RequestOptions = {}): Promise<ObjectList> {
      const inventory = inventorySelected(query.labelSelector)
      const entry = inventory === undefined || query.fieldSelector !== undefined ? undefined : currentFor(query)
      if (entry === undefined || inventory === undefined) {
        forwarded++
        return kubeClient.list(query, o)
      }
      o.signal?.throwIfAborted()
      served++
      const namespace = entry.namespaced ? (query.namespace ?? '') : ''
      const items = entry.informer.cache.byIndex(INVENTORY_INDEX, inventory).filter((item) => namespace === '' || item.metadata.namespace === namespace)
      return { items, resourceVersion: entry.informer.lastResourceVersion() }
    },
    apply: () => Promise.reject(new TypeError('the drift client of the applied objects cache only reads')),
    create: () => Promise.reject(new TypeError('the drift client of the applied objects cache only reads')),
    delete: () => Promise.reject(new TypeError('the drift client of the applied objects cache only reads')),
  }

  // Mirrors detectDrift's preparation (apply's prepareObjects for readers: the namespace settled as
  // applyAll settles it) and comparison; every case where preparing would fail or the comparison
  // would look further (field ownership) answers false.
  const unchanged = (state: DriftState, placement: DriftPlacement): boolean => {
    if (running === undefined || running.aborted) return false
    const { inventory, targetNamespace } = placement
    const objects = state.objects
    const seen = objects.length > 1 ? new Set<string>() : undefined
    for (const object of objects) {
      const apiVersion = object.apiVersion
      const slash = apiVersion.indexOf('/')
      const group = slash < 0 ? '' : apiVersion.slice(0, slash)
      const entry = watched.get(`${group}|${slash < 0 ? apiVersion : apiVersion.slice(slash + 1)}|${object.kind}`)
      if (entry === undefined || entry === null || !entry.informer.isCurrent(maxSilence)) return false
      const name = object.metadata.name
      const given = object.metadata.namespace ?? ''
      // A cluster-scoped object under a target namespace is refused by preparation (drift), and a
      // namespaced one without any namespace too; a Secret's stringData may be refused: not proven.
      if (!entry.namespaced && targetNamespace !== undefined) return false
      const namespace = entry.namespaced ? (targetNamespace ?? (given === '' ? kubeClient.namespace : given)) : ''
      if (entry.namespaced && namespace === '') return false
      if (group === '' && object.kind === 'Secret' && Object.hasOwn(object, 'stringData')) return false
      const key = `${group}|${object.kind}|${namespace}|${name}`
      if (seen !== undefined) {
        if (seen.has(key)) return false
        seen.add(key)
      }
      // Left alone by apply (`reconcile: disabled`, `ssa: Ignore`), as detectDrift skips it.
      if (reconcileDisabled(object) || ssaPolicy(object) === 'Ignore') continue
      const live = entry.informer.cache.get(entry.namespaced ? `${namespace}/${name}` : name)
      if (live === undefined) return false
      const labels = live.metadata.labels
      if (labels === undefined || labels[LABELS.inventoryName] !== inventory.name || labels[LABELS.inventoryNamespace] !== inventory.namespace) return false
      const resourceVersion = state.resourceVersions.get(key)
      if (resourceVersion === undefined || live.metadata.resourceVersion !== resourceVersion) return false
    }
    served++
    return true
  }

  // A watch started after the apply lists the objects as they are then: one changed in between is
  // at another resourceVersion, so `unchanged` does not prove it and detectDrift looks at it.
  const watch = (state: DriftState): void => {
    const signal = running
    if (signal === undefined || signal.aborted) return
    let last = ''
    for (const object of state.objects) {
      const apiVersion = object.apiVersion
      const slash = apiVersion.indexOf('/')
      const group = slash < 0 ? '' : apiVersion.slice(0, slash)
      const version = slash < 0 ? apiVersion : apiVersion.slice(slash + 1)
      const kindKey = `${group}|${version}|${object.kind}`
      if (kindKey === last) continue
      last = kindKey
      if (!watched.has(kindKey)) startWatch(kindKey, { group, version, kind: object.kind }, signal)
    }
  }

  return {
    client,
    unchanged,
    watch,
    stats: () => ({ served, forwarded }),
    async run(signal) {
      running = signal
      try {
        await new Promise<void>((resolve) => {
          if (signal.aborted) resolve()
          else signal.addEventListener('abort', () => resolve(), { once: true })
        })
        while (runs.size > 0) await Promise.all([...runs])
      } finally {
        running = undefined
        watched.clear()
      }
    },
  }
}

/** `namespace/name` of the inventory an object's labels name ('' when unlabelled). */
function inventoryOf(object: KubeObject): string {
  const labels = object.metadata.labels
  if (labels === undefined) return ''
  const name = Object.hasOwn(labels, LABELS.inventoryName) ? labels[LABELS.inventoryName] : undefined
  const namespace = Object.hasOwn(labels, LABELS.inventoryNamespace) ? labels[LABELS.inventoryNamespace] : undefined
  return typeof name === 'string' && typeof namespace === 'string' ? `${namespace}/${name}` : ''
}

/** The inventory `namespace/name` of apply's ownership selector (`<name label>=N,<namespace label>=NS`), or undefined for any other selector. */
function inventorySelected(selector: string | undefined): string | undefined {
  if (selector === undefined) return undefined
  const terms = selector.split(',')
  if (terms.length !== 2) return undefined
  const value = (label: string): string | undefined => {
    const term = terms.find((t) => t.startsWith(`${label}=`))
    const v = term?.slice(label.length + 1)
    return v === undefined || v === '' || v.startsWith('=') ? undefined : v
  }
  const name = value(LABELS.inventoryName)
  const namespace = value(LABELS.inventoryNamespace)
  return name === undefined || namespace === undefined ? undefined : `${namespace}/${name}`
}
