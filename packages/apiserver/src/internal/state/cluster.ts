// The state of one server: the store, the served types, the clock and id sources, and the queue of
// background work (garbage collection, namespace termination, CRD establishment, controllers). HTTP
// handlers, test helpers and background work all change the store through the same write pipeline.
import { randomBytes, randomUUID } from 'node:crypto'
import type { Clock } from '@gitops-sdk/core'
import type { ResourceType } from './registry.js'
import { apiVersionOf, builtinTypes, typeKey } from './registry.js'
import { Store } from './store.js'

/** How a cluster behaves; filled with defaults by the public options. */
export interface ClusterSettings {
  readonly clock: Clock
  readonly seed: number | undefined
  readonly gitVersion: string
  readonly establishDelayMs: number
  readonly watchHistory: number
  readonly bookmarkIntervalMs: number
  readonly controllers: 'none' | 'ready'
  readonly readyDelayMs: number
  readonly daemonSetNodes: number
}

/** A seeded PRNG (mulberry32), so uids and generated names can be made reproducible. */
function prng(seed: number): () => number {
  let a = seed
  return () => {
    a = (a + 0x6d2b79f5) | 0
    let t = Math.imul(a ^ (a >>> 15), 1 | a)
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const suffixAlphabet = 'bcdfghjklmnpqrstvwxz2456789'

export class Cluster {
  readonly store: Store
  /** Served types by `group/plural`. */
  readonly types: Map<string, ResourceType> = new Map()
  /** CRD groups in the order they first became established. */
  readonly customGroups: string[] = []
  /** uids of deleted objects whose dependents the garbage collector has not yet visited. */
  readonly deletedOwners: Set<string> = new Set()
  /** `uid@generation` of objects a simulated controller will mark ready soon. */
  readonly pendingReady: Set<string> = new Set()
  private random: () => number
  private readonly timers = new Set<NodeJS.Timeout>()
  private passQueued = false
  private stopped = false
  /** Runs the background pass (set by the server once every part is wired). */
  onPass: () => void = () => undefined

  constructor(readonly settings: ClusterSettings) {
    this.store = new Store(settings.watchHistory)
    this.random = settings.seed === undefined ? Math.random : prng(settings.seed)
    for (const type of builtinTypes) this.types.set(typeKey(type), type)
  }

  /** Back to the built-in types and a fresh PRNG (used by `reset`). */
  resetState(): void {
    for (const [key, type] of this.types) if (type.crd !== undefined) this.types.delete(key)
    this.customGroups.length = 0
    this.deletedOwners.clear()
    this.store.clear()
    if (this.settings.seed !== undefined) this.random = prng(this.settings.seed)
  }

  now(): Date {
    return this.settings.clock.now()
  }

  /** A lowercase RFC 4122 v4 uid, reproducible under a seed. */
  newUid(): string {
    if (this.settings.seed === undefined) return randomUUID()
    const bytes = Buffer.alloc(16)
    for (let i = 0; i < 16; i++) bytes[i] = Math.floor(this.random() * 256)
    bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40
    bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80
    const hex = bytes.toString('hex')
    return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`
  }

  /** Five characters for a `generateName` suffix. */
  nameSuffix(): string {
    let out = ''
    for (let i = 0; i < 5; i++) {
      const r = this.settings.seed === undefined ? (randomBytes(1)[0] ?? 0) / 256 : this.random()
      out += suffixAlphabet[Math.floor(r * suffixAlphabet.length)] ?? 'b'
    }
    return out
  }

  /** The served type for a URL's group, version and plural. */
  findType(group: string, version: string, plural: string): ResourceType | undefined {
    const type = this.types.get(`${group}/${plural}`)
    return type?.version === version ? type : undefined
  }

  /** The served type of an `apiVersion` and `kind`. */
  typeOfKind(apiVersion: string, kind: string): ResourceType | undefined {
    for (const type of this.types.values()) if (type.kind === kind && apiVersionOf(type) === apiVersion) return type
    return undefined
  }

  /** Runs `task` after `ms` milliseconds unless the server stops first. */
  later(ms: number, task: () => void): void {
    if (this.stopped) return
    const timer = setTimeout(() => {
      this.timers.delete(timer)
      if (!this.stopped) task()
    }, ms)
    this.timers.add(timer)
  }

  /** Queues one background pass (garbage collection, namespaces, CRDs, controllers) soon. */
  schedulePass(): void {
    if (this.passQueued || this.stopped) return
    this.passQueued = true
    this.later(0, () => {
      this.passQueued = false
      this.onPass()
    })
  }

  /** Cancels every pending task. */
  stop(): void {
    this.stopped = true
    for (const timer of this.timers) clearTimeout(timer)
    this.timers.clear()
  }
}
