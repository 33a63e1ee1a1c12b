import { isGitOpsError, systemClock } from '@gitops-sdk/core'
import type { Clock, KubeObject } from '@gitops-sdk/core'
import type { ControllerClient } from './controllerClient.js'
import { LEASE_JITTER, leaseTimings } from './internal/leaseTimings.js'
import { linkedSignal } from './internal/linkedSignal.js'
import type { LeaseRecord } from './internal/leaseRecord.js'
import { recordOf, sameRecord, specOf } from './internal/leaseRecord.js'
import { LEASE_RESOURCE } from './types.js'

export { FLUX_LEADER_ELECTION } from './internal/leaseTimings.js'

/** Options of {@link createLeaderElector}. */
export interface LeaderElectionOptions {
  /** The client that reads and writes the Lease. */
  readonly client: ControllerClient
  /** Namespace of the Lease. */
  readonly namespace: string
  /** Name of the Lease (one per controller, and per shard). */
  readonly name: string
  /** This replica's identity, unique among replicas (Flux: the pod name plus a random suffix). */
  readonly identity: string
  /** How long non-leaders wait after the last observed change before taking over, in ms. @defaultValue 35,000 */
  readonly leaseDuration?: number | undefined
  /** How long after its last successful renew a leader keeps trying before it stops leading, in ms. @defaultValue 30,000 */
  readonly renewDeadline?: number | undefined
  /** Time between attempts to acquire or renew, in ms. @defaultValue 5,000 */
  readonly retryPeriod?: number | undefined
  /** Write an empty holder when stopped gracefully, so another replica takes over at once. @defaultValue true */
  readonly releaseOnCancel?: boolean | undefined
  /** Runs while this replica leads; its signal aborts when leadership ends. Awaited before a graceful release. */
  readonly onStartedLeading: (signal: AbortSignal) => void | Promise<void>
  /** Called once when leading ends, before the Lease is released. */
  readonly onStoppedLeading?: (() => void) | undefined
  /** Called when a new leader (this replica or another) is observed. */
  readonly onNewLeader?: ((identity: string) => void) | undefined
  /** Told about failed Lease reads and writes; the elector retries on its own. */
  readonly onError?: ((error: unknown) => void) | undefined
  /** The local clock every expiry is judged on. @defaultValue the system clock */
  readonly clock?: Clock | undefined
  /** Random numbers in [0, 1) for the retry jitter. @defaultValue Math.random */
  readonly random?: (() => number) | undefined
}

/** How {@link LeaderElector.run} ended: stopped by its signal, or leadership lost (renew deadline passed). */
export type LeaderElectionOutcome = 'stopped' | 'lost'

/** A leader elector on one Lease. */
export interface LeaderElector {
  /** This replica's identity. */
  readonly identity: string
  /** Whether this replica leads now. */
  isLeader(): boolean
  /** The holder last observed, empty when none. */
  leader(): string
  /**
   * Tries to acquire until it leads, then renews until `signal` aborts (then releases) or the renew
   * deadline passes (then stops leading without releasing). Runs once per elector.
   */
  run(signal: AbortSignal): Promise<LeaderElectionOutcome>
}

/**
 * Creates a leader elector on a `coordination.k8s.io/v1` Lease with client-go's semantics
 * (`tools/leaderelection`): the Lease holds `holderIdentity`, `leaseDurationSeconds`,
 * `acquireTime`, `renewTime` and `leaseTransitions`; another holder's lease counts as expired
 * only once `leaseDurationSeconds` passed on the local clock since this replica last saw the
 * record change, never by comparing remote timestamps. Unlike client-go, the renew deadline is
 * counted from the last successful renew, so a leader that cannot renew stops its work (its
 * signal aborts, `onStoppedLeading` runs) at least `leaseDuration − renewDeadline` before any
 * other replica may take the Lease.
 *
 * @throws a `TypeError` when the durations are not `leaseDuration > renewDeadline > 1.2 · retryPeriod`.
 * @example
 * ```ts
 * const elector = createLeaderElector({ client, namespace: 'flux-system', name: 'my-controller', identity: hostname(),
 *   onStartedLeading: (signal) => controller.run(signal) })
 * await elector.run(shutdownSignal)
 * ```
 */
export function createLeaderElector(options: LeaderElectionOptions): LeaderElector {
  if (typeof options.onStartedLeading !== 'function') throw new TypeError('createLeaderElector: onStartedLeading is required')
  if (options.identity === '' || options.name === '' || options.namespace === '') throw new TypeError('createLeaderElector: identity, name and namespace must not be empty')
  const { leaseDuration, renewDeadline, retryPeriod } = leaseTimings('createLeaderElector', options)
  const clock = options.clock ?? systemClock
  const random = options.random ?? Math.random
  const key = { namespace: options.namespace, name: options.name }
  const subject = `Lease/${options.namespace}/${options.name}`
  let observed: LeaseRecord | undefined
  let observedAt = 0
  let leading = false
  let started = false
  const now = (): number => clock.now().getTime()
  const report = (error: unknown): void => {
    try {
      options.onError?.(error)
    } catch {
      // An error hook that throws must not break the election.
    }
  }
  const observe = (record: LeaseRecord): void => {
    const changed = observed === undefined || !sameRecord(observed, record)
    if (changed) {
      const before = observed?.holderIdentity
      observed = record
      observedAt = now()
      if (record.holderIdentity !== '' && record.holderIdentity !== before) options.onNewLeader?.(record.holderIdentity)
    }
  }

  /** client-go's tryAcquireOrRenew: true when this replica holds the Lease afterwards. */
  const tryAcquireOrRenew = async (signal: AbortSignal): Promise<boolean> => {
    const t = now()
    // As client-go: a record already naming this identity is renewed (same acquireTime and
    // transitions, also after a restart with the same identity); any other is a transition.
    const mine = (previous: LeaseRecord | undefined): LeaseRecord => {
      const renew = previous?.holderIdentity === options.identity
      return {
        holderIdentity: options.identity,
        leaseDurationSeconds: leaseDuration / 1000,
        acquireTime: renew ? previous.acquireTime : t,
        renewTime: t,
        leaseTransitions: previous === undefined ? 0 : renew ? previous.leaseTransitions : previous.leaseTransitions + 1,
      }
    }
    const lease = await options.client.get(LEASE_RESOURCE, key, { signal })
    if (lease === undefined) {
      const record = mine(undefined)
      await options.client.create(LEASE_RESOURCE, { apiVersion: 'coordination.k8s.io/v1', kind: 'Lease', metadata: { ...key }, spec: specOf(record) } as unknown as KubeObject, { signal })
      observe(record)
      return true
    }
    const current = recordOf(lease)
    observe(current)
    const held = current.holderIdentity !== ''
    if (held && current.holderIdentity !== options.identity && observedAt + current.leaseDurationSeconds * 1000 > now()) return false
    const record = mine(current)
    await options.client.update(LEASE_RESOURCE, { ...lease, spec: specOf(record) } as KubeObject, { signal })
    observe(record)
    return true
  }

  /** One attempt bounded by `deadline` (a local-clock time): aborted when the clock reaches it. */
  const attempt = async (signal: AbortSignal, deadline: number): Promise<boolean> => {
    const stopTimer = new AbortController()
    const bounded = linkedSignal(signal)
    const expired = { at: false }
    void clock.sleep(Math.max(0, deadline - now()), stopTimer.signal).then(
      () => {
        expired.at = true
        bounded.abort(new Error(`${subject}: renew deadline passed`))
      },
      () => undefined,
    )
    try {
      return await tryAcquireOrRenew(bounded.signal)
    } catch (error) {
      if (signal.aborted) throw signal.reason
      if (!expired.at && !isGitOpsError(error, 'CONTROLLER_CONFLICT')) report(error)
      return false
    } finally {
      stopTimer.abort()
      bounded.dispose()
    }
  }

  const release = async (): Promise<void> => {
    if (observed?.holderIdentity !== options.identity) return
    const t = now()
    const record: LeaseRecord = { holderIdentity: '', leaseDurationSeconds: 1, acquireTime: t, renewTime: t, leaseTransitions: observed.leaseTransitions }
    try {
      const lease = await options.client.get(LEASE_RESOURCE, key, { signal: AbortSignal.timeout(renewDeadline) })
      if (lease === undefined || recordOf(lease).holderIdentity !== options.identity) return
      await options.client.update(LEASE_RESOURCE, { ...lease, spec: specOf(record) } as KubeObject, { signal: AbortSignal.timeout(renewDeadline) })
      observe(record)
    } catch (error) {
      report(error)
    }
  }

  return {
    identity: options.identity,
    isLeader: () => leading,
    leader: () => observed?.holderIdentity ?? '',
    async run(signal) {
      if (started) throw new TypeError(`createLeaderElector: the elector of ${subject} runs once`)
      started = true
      // Acquire: retry with jitter until this replica holds the Lease.
      for (;;) {
        if (signal.aborted) return 'stopped'
        let acquired: boolean
        try {
          acquired = await attempt(signal, now() + renewDeadline)
        } catch {
          return 'stopped'
        }
        if (acquired) break
        try {
          await clock.sleep(Math.round(retryPeriod * (1 + (LEASE_JITTER - 1) * random())), signal)
        } catch {
          return 'stopped'
        }
      }
      leading = true
      const work = new AbortController()
      const running = Promise.resolve()
        .then(() => options.onStartedLeading(work.signal))
        .catch(report)
      let lastRenew = now()
      let outcome: LeaderElectionOutcome = 'stopped'
      // Renew: every retryPeriod; give up once renewDeadline passed since the last success.
      renewing: for (;;) {
        try {
          await clock.sleep(retryPeriod, signal)
        } catch {
          break
        }
        for (;;) {
          const deadline = lastRenew + renewDeadline
          if (now() >= deadline) {
            outcome = 'lost'
            break renewing
          }
          let renewed: boolean
          try {
            renewed = await attempt(signal, deadline)
          } catch {
            break renewing
          }
          if (renewed) {
            lastRenew = now()
            break
          }
          if (now() >= deadline) {
            outcome = 'lost'
            break renewing
          }
          try {
            await clock.sleep(Math.min(retryPeriod, deadline - now()), signal)
          } catch {
            break renewing
          }
        }
      }
      leading = false
      work.abort(new Error(outcome === 'lost' ? `${subject}: leadership lost (no renew within ${renewDeadline} ms)` : `${subject}: stopped`))
      try {
        options.onStoppedLeading?.()
      } catch (error) {
        report(error)
      }
      await running
      if (outcome === 'stopped' && options.releaseOnCancel !== false) await release()
      return outcome
    },
  }
}
