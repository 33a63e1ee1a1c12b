import { createHash } from 'node:crypto'
import { systemClock } from '@gitops-sdk/core'
import type { Clock, KubeObject } from '@gitops-sdk/core'
import type { ControllerClient } from './controllerClient.js'
import { ControllerError } from './errors.js'
import { linkedSignal } from './internal/linkedSignal.js'
import type { LeaseRecord } from './internal/leaseRecord.js'
import { recordOf, sameRecord, specOf } from './internal/leaseRecord.js'
import { rendezvousOwner } from './internal/rendezvous.js'
import { LEASE_JITTER, leaseTimings } from './internal/leaseTimings.js'
import { LEASE_RESOURCE } from './types.js'

/** The label on every member Lease of a hash shard group; its value is the group's name. */
export const HASH_SHARD_GROUP_LABEL = 'sharding.gitops-sdk.io/group'

const GROUP = /^[a-z0-9]([-a-z0-9]{0,50}[a-z0-9])?$/

/** Options of {@link createHashSharding}. */
export interface HashShardingOptions {
  /** Reads and writes the member Leases. */
  readonly client: ControllerClient
  /** Namespace of the member Leases. */
  readonly namespace: string
  /** The group's name: replicas with the same group split the objects between them; also the Leases' name prefix. */
  readonly group: string
  /** This replica's identity, unique among replicas (for example the pod name plus a random suffix). */
  readonly identity: string
  /** How long a member counts as live after the last change of its Lease was observed, in ms. @defaultValue 35,000 */
  readonly leaseDuration?: number | undefined
  /** How long after its last successful round a replica keeps working before it gives up all its keys, in ms. @defaultValue 30,000 */
  readonly renewDeadline?: number | undefined
  /** Time between rounds (renew the own Lease, list the others), in ms. @defaultValue 5,000 */
  readonly retryPeriod?: number | undefined
  /** Told about failed Lease reads and writes; the rounds go on. */
  readonly onError?: ((error: unknown) => void) | undefined
  /** The local clock every expiry is judged on. @defaultValue the system clock */
  readonly clock?: Clock | undefined
  /** Random numbers in [0, 1) for the jitter of rounds. @defaultValue Math.random */
  readonly random?: (() => number) | undefined
}

/** One replica's view of its group: the live members, and which keys it may work on. */
export interface ShardView {
  /** Identities of the live members, sorted; empty while this replica is not a live member itself. */
  readonly members: readonly string[]
  /** Whether this replica may work on `key` now (false for every key before its join delay passed). */
  owns(key: string): boolean
}

/** Consistent-hash sharding of keys across the replicas of a group (see {@link createHashSharding}). */
export interface HashSharding {
  /** This replica's identity. */
  readonly identity: string
  /** The name of this replica's member Lease. */
  readonly leaseName: string
  /** The current view. */
  view(): ShardView
  /** Whether this replica may work on `key` now; shorthand for `view().owns(key)`. */
  owns(key: string): boolean
  /**
   * Calls `handler` with the previous and the next view whenever the view changes, after `owns`
   * answers by the next one. The round that changed the view counts as done only once every
   * handler's promise settled: a handler stops the work on keys lost before it resolves.
   * Returns a function removing the handler.
   */
  onChange(handler: (previous: ShardView, next: ShardView) => void | Promise<void>): () => void
  /** Renews the own Lease and watches the others until `signal` aborts, then gives up every key and deletes the own Lease. Runs once. */
  run(signal: AbortSignal): Promise<void>
}

/**
 * Creates consistent-hash sharding across the replicas of `group`: each replica holds its own
 * member Lease (`<group>-<digest of identity>`, labelled `sharding.gitops-sdk.io/group=<group>`)
 * and renews it every `retryPeriod`; the live members are the Leases whose last change was
 * observed less than their `leaseDurationSeconds` ago on the local clock; the owner of a key
 * (`namespace/name`) is picked by rendezvous hashing of the live identities, so a joining or
 * lapsing member moves only the keys it gains or held.
 *
 * Two replicas never work one key at once, under the same assumptions as leader election (clocks
 * that tick at the same rate, work that stops promptly when its signal aborts):
 * - a replica works only while its last successful round (renew, list, and the handlers of a
 *   changed view settled, which ends the work on keys lost) started less than `renewDeadline`
 *   ago; past that it gives up every key, so it has stopped before others count its Lease lapsed
 *   (`leaseDuration` after they last saw it change);
 * - a replica that joins (or comes back after giving up) owns nothing until `leaseDuration` after
 *   its first successful renew: by then every replica still working has listed the Leases since,
 *   seen it, and released the keys it takes;
 * - a graceful stop gives up every key, waits for the handlers, then deletes the Lease, so others
 *   take its keys at their next round.
 * Replicas never write each other's Leases, except to delete one that lapsed (with a
 * resourceVersion precondition, so a renewal in between wins).
 *
 * @throws `CONTROLLER_CONFIG_INVALID` when `group` is not a lowercase DNS label of 52 characters at most;
 *   a `TypeError` when the durations are not `leaseDuration > renewDeadline > 1.2 · retryPeriod`.
 * @example
 * ```ts
 * const sharding = createHashSharding({ client, namespace: 'flux-system', group: 'gitops', identity: hostname() })
 * const controller = createController({ name: 'widgets', resource: WIDGETS, client, sharding, reconcile })
 * await Promise.all([sharding.run(signal), controller.run(signal)])
 * ```
 */
export function createHashSharding(options: HashShardingOptions): HashSharding {
  if (typeof options.group !== 'string' || !GROUP.test(options.group)) {
    const shown = typeof options.group === 'string' ? options.group.slice(0, 80) : typeof options.group
    throw new ControllerError({ code: 'CONTROLLER_CONFIG_INVALID', message: `hash shard group "${shown}": not a lowercase DNS label of 52 characters at most`, details: { group: shown } })
  }
  if (typeof options.identity !== 'string' || options.identity === '' || options.namespace === '') throw new TypeError('createHashSharding: identity and namespace must not be empty')
  const { leaseDuration, renewDeadline, retryPeriod } = leaseTimings('createHashSharding', options)
  const { client, namespace, identity, group } = options
  const clock = options.clock ?? systemClock
  const random = options.random ?? Math.random
  const leaseName = `${group}-${createHash('sha256').update(identity).digest('hex').slice(0, 10)}`
  const now = (): number => clock.now().getTime()
  const report = (error: unknown): void => {
    try {
      options.onError?.(error)
    } catch {
      // An error hook that throws must not stop the rounds.
    }
  }
  // Other members' Leases by name: the record last seen and when (local clock) it last changed.
  const observed = new Map<string, { record: LeaseRecord; at: number }>()
  const handlers = new Set<(previous: ShardView, next: ShardView) => void | Promise<void>>()
  const viewOf = (members: readonly string[], working: boolean): ShardView => {
    const memo = new Map<string, boolean>()
    return {
      members,
      owns(key) {
        if (!working) return false
        let owned = memo.get(key)
        if (owned === undefined) {
          owned = rendezvousOwner(members, key) === identity
          memo.set(key, owned)
        }
        return owned
      },
    }
  }
  const NONE = viewOf([], false)
  let current = NONE
  let currentWorking = false
  let started = false

  const publish = async (members: readonly string[], working: boolean): Promise<void> => {
    if (working === currentWorking && members.length === current.members.length && members.every((m, i) => current.members[i] === m)) return
    const previous = current
    current = members.length === 0 && !working ? NONE : viewOf(members, working)
    currentWorking = working
    const results = await Promise.allSettled([...handlers].map(async (handler) => handler(previous, current)))
    for (const result of results) if (result.status === 'rejected') report(result.reason)
  }

  /** Renews (or creates) the own Lease, then lists the group: the live identities, sorted. */
  const round = async (signal: AbortSignal): Promise<string[]> => {
    const t = now()
    const key = { namespace, name: leaseName }
    const lease = await client.get(LEASE_RESOURCE, key, { signal })
    const previous = lease === undefined ? undefined : recordOf(lease)
    const record: LeaseRecord = {
      holderIdentity: identity,
      leaseDurationSeconds: leaseDuration / 1000,
      acquireTime: previous?.holderIdentity === identity ? previous.acquireTime : t,
      renewTime: t,
      leaseTransitions: previous === undefined ? 0 : previous.leaseTransitions + (previous.holderIdentity === identity ? 0 : 1),
    }
    if (lease === undefined) {
      const body = { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { ...key, labels: { [HASH_SHARD_GROUP_LABEL]: group } }, spec: specOf(record) }
      await client.create(LEASE_RESOURCE, body as unknown as KubeObject, { signal })
    } else {
      await client.update(LEASE_RESOURCE, { ...lease, spec: specOf(record) } as KubeObject, { signal })
    }
    const page = await client.list(LEASE_RESOURCE, { namespace, labelSelector: `${HASH_SHARD_GROUP_LABEL}=${group}`, signal })
    const members = new Set<string>([identity])
    const seen = new Set<string>()
    const at = now()
    for (const item of page.items) {
      const name = item.metadata.name
      if (name === leaseName) continue
      seen.add(name)
      const other = recordOf(item)
      const before = observed.get(name)
      if (before === undefined || !sameRecord(before.record, other)) observed.set(name, { record: other, at })
      const since = observed.get(name)?.at ?? at
      if (other.holderIdentity !== '' && since + other.leaseDurationSeconds * 1000 > at) members.add(other.holderIdentity)
      else if (typeof item.metadata.resourceVersion === 'string') {
        // Lapsed: remove it, unless its holder renewed in between (the precondition fails then).
        await client.delete(LEASE_RESOURCE, { namespace, name }, { signal, preconditions: { resourceVersion: item.metadata.resourceVersion } }).catch(report)
      }
    }
    for (const name of [...observed.keys()]) if (!seen.has(name)) observed.delete(name)
    return [...members].sort()
  }

  /** `step` bounded by `deadline` on the local clock: rejects once the clock reaches it. */
  const bounded = async <T>(signal: AbortSignal, deadline: number, step: (signal: AbortSignal) => Promise<T>): Promise<T> => {
    const stopTimer = new AbortController()
    const link = linkedSignal(signal)
    const expired = clock.sleep(Math.max(0, deadline - now()), stopTimer.signal).then(() => {
      const reason = new ControllerError({ code: 'CONTROLLER_LEADERSHIP_LOST', message: `Lease/${namespace}/${leaseName}: no successful round within ${renewDeadline} ms`, details: { lease: leaseName } })
      link.abort(reason)
      throw reason
    })
    try {
      return await Promise.race([step(link.signal), expired])
    } finally {
      stopTimer.abort()
      expired.catch(() => undefined)
      link.dispose()
    }
  }

  return {
    identity,
    leaseName,
    view: () => current,
    owns: (key) => current.owns(key),
    onChange(handler) {
      handlers.add(handler)
      return () => handlers.delete(handler)
    },
    async run(signal) {
      if (started) throw new TypeError(`createHashSharding: the sharding of Lease/${namespace}/${leaseName} runs once`)
      started = true
      let lastRound = Number.NEGATIVE_INFINITY
      let joinedAt: number | undefined
      while (!signal.aborted) {
        const start = now()
        const live = joinedAt !== undefined
        const deadline = live ? lastRound + renewDeadline : start + renewDeadline
        let ok = false
        try {
          await bounded(signal, deadline, async (bound) => {
            const members = await round(bound)
            const joined = joinedAt ?? now()
            await publish(members, now() >= joined + leaseDuration)
            joinedAt = joined
          })
          ok = true
          lastRound = start
        } catch (error) {
          // The loop condition narrowed `signal.aborted`; the round awaited since.
          if (isAborted(signal)) break
          report(error)
        }
        if (!ok && joinedAt !== undefined && now() >= lastRound + renewDeadline) {
          // No successful round within the renew deadline: give up every key before others count the Lease lapsed.
          joinedAt = undefined
          await publish([], false)
        }
        const wait = ok ? retryPeriod * (1 + (LEASE_JITTER - 1) * random()) : Math.min(retryPeriod, Math.max(0, (joinedAt === undefined ? retryPeriod : lastRound + renewDeadline - now())))
        try {
          await clock.sleep(Math.round(wait), signal)
        } catch {
          break
        }
      }
      await publish([], false)
      try {
        await client.delete(LEASE_RESOURCE, { namespace, name: leaseName }, { signal: AbortSignal.timeout(renewDeadline) })
      } catch (error) {
        report(error)
      }
    },
  }
}

function isAborted(signal: AbortSignal): boolean {
  return signal.aborted
}

/**
 * The identity among `members` that owns `key` (`namespace/name`) by rendezvous hashing, as every
 * replica of a hash shard group computes it; undefined without members.
 *
 * @example
 * ```ts
 * hashShardOwner(['replica-a', 'replica-b'], 'apps/web') // 'replica-a' or 'replica-b', the same on every replica
 * ```
 */
export function hashShardOwner(members: readonly string[], key: string): string | undefined {
  return rendezvousOwner(members, key)
}
