import { deadline as boundBy, formatRef, refKey } from '@gitops-sdk/core'
import type { ObjectRef } from '@gitops-sdk/core'
import type { ObjectHealth } from './computeStatus.js'
import { computeStatus } from './computeStatus.js'
import { ApplyError } from './errors.js'
import type { KubeClient } from './kubeClient.js'
import { fetchLive } from './internal/liveObjects.js'
import type { LiveTarget } from './internal/liveObjects.js'
import { mapAll } from './internal/pool.js'
import { sleep } from './internal/sleep.js'

/** The health of one object. */
export interface ObjectStatus extends ObjectHealth {
  /** The object. */
  readonly ref: ObjectRef
}

/** What {@link waitFor} reports after each poll. */
export interface WaitProgress {
  /** The health of every awaited object. */
  readonly statuses: readonly ObjectStatus[]
  /** How many are Current. */
  readonly current: number
  /** How many objects are awaited. */
  readonly total: number
}

/** Options of {@link waitFor}. */
export interface WaitOptions {
  /** The cluster's client, from `createKubeClient`. */
  readonly client: KubeClient
  /** Give up after this many milliseconds with `APPLY_WAIT_TIMEOUT`. @defaultValue 300,000 */
  readonly timeout?: number | undefined
  /** Longest pause between polls; polls start at 100 ms and back off up to it. @defaultValue 2,000 */
  readonly interval?: number | undefined
  /** Reads at most this many kinds or objects at once. @defaultValue 8 */
  readonly concurrency?: number | undefined
  /** Cancels the operation: it stops promptly and rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined
  /** Called after each poll with every object's status. */
  readonly onProgress?: ((progress: WaitProgress) => void) | undefined
  /** Time source for kstatus's Pod scheduling grace. @defaultValue `() => new Date()` */
  readonly now?: (() => Date) | undefined
}

/**
 * Waits until every object is healthy (kstatus `Current`, see {@link computeStatus}), polling with
 * one LIST per kind and namespace (one GET for a lone object). It fails fast when an object is
 * `Failed`; objects that do not exist yet or are `Terminating` are waited for.
 *
 * @throws `APPLY_WAIT_FAILED` as soon as an object is Failed, naming it and its message;
 * `APPLY_WAIT_TIMEOUT` after `timeout`, naming every object not yet Current with its last status
 * and message; `APPLY_UNKNOWN_KIND` for a kind the server does not serve. An abort of `signal`
 * rejects with `signal.reason`.
 * @example
 * ```ts
 * const statuses = await waitFor([{ group: 'apps', kind: 'Deployment', namespace: 'web', name: 'web' }], {
 *   client,
 *   timeout: 120_000,
 * })
 * ```
 */
export async function waitFor(refs: readonly ObjectRef[], options: WaitOptions): Promise<ObjectStatus[]> {
  if (typeof options !== 'object' || typeof options.client !== 'object') throw new TypeError('waitFor: options.client is required')
  const { client, signal } = options
  signal?.throwIfAborted()
  const timeout = options.timeout ?? 300_000
  const interval = options.interval ?? 2_000
  const concurrency = options.concurrency ?? 8
  const now = options.now ?? ((): Date => new Date())
  const { signal: combined, timeout: deadline } = boundBy(signal, timeout)
  const targets = await resolveTargets(refs, { client, concurrency, signal: combined }).catch((err: unknown) => rethrow(err, { signal, deadline, statuses: [] }))
  let statuses: ObjectStatus[] = refs.map((ref) => ({ ref, status: 'NotFound', message: 'Not checked yet' }))
  let pause = Math.min(100, interval)
  for (;;) {
    try {
      const live = await fetchLive(targets, { client, concurrency, signal: combined })
      statuses = targets.map((t) => ({ ref: t.ref, ...computeStatus(live.get(refKey(t.ref)) ?? undefined, now()) }))
    } catch (err) {
      rethrow(err, { signal, deadline, statuses })
    }
    const current = statuses.filter((s) => s.status === 'Current').length
    options.onProgress?.({ statuses, current, total: statuses.length })
    const failed = statuses.filter((s) => s.status === 'Failed')
    if (failed.length > 0) {
      throw new ApplyError({
        code: 'APPLY_WAIT_FAILED',
        message: `${describe(failed)} failed`,
        details: { failed: failed.map(detail) },
        failures: failed.map((s) => ({ ref: s.ref, code: 'APPLY_WAIT_FAILED', message: `${formatRef(s.ref)}: ${s.status}: ${s.message}` })),
      })
    }
    if (current === statuses.length) return statuses
    try {
      await sleep(pause, combined)
    } catch (err) {
      rethrow(err, { signal, deadline, statuses })
    }
    pause = Math.min(pause * 2, interval)
  }
}

async function resolveTargets(
  refs: readonly ObjectRef[],
  context: { readonly client: KubeClient; readonly concurrency: number; readonly signal: AbortSignal },
): Promise<LiveTarget[]> {
  const { client, concurrency, signal } = context
  const kinds = new Map<string, ObjectRef>()
  for (const ref of refs) kinds.set(`${ref.group}|${ref.kind}`, ref)
  const versions = new Map<string, string>()
  await mapAll(
    [...kinds],
    async ([key, ref]) => {
      const resource = await client.resource({ group: ref.group, kind: ref.kind }, { signal })
      if (resource === undefined) {
        throw new ApplyError({
          code: 'APPLY_UNKNOWN_KIND',
          message: `${formatRef(ref)}: the server serves no kind ${ref.kind} in ${ref.group === '' ? 'the core group' : ref.group}`,
          details: { group: ref.group, kind: ref.kind },
        })
      }
      versions.set(key, resource.version)
    },
    { limit: concurrency, signal },
  )
  return refs.map((ref) => ({ ref, version: versions.get(`${ref.group}|${ref.kind}`) ?? 'v1' }))
}

/** An abort of the caller's signal rejects with its reason; our deadline becomes APPLY_WAIT_TIMEOUT. */
function rethrow(
  err: unknown,
  context: { readonly signal: AbortSignal | undefined; readonly deadline: AbortSignal; readonly statuses: readonly ObjectStatus[] },
): never {
  const { signal, deadline, statuses } = context
  if (signal?.aborted === true) throw signal.reason
  if (deadline.aborted) {
    const pending = statuses.filter((s) => s.status !== 'Current')
    throw new ApplyError({
      code: 'APPLY_WAIT_TIMEOUT',
      message: `${describe(pending)} not ready before the timeout`,
      details: { pending: pending.map(detail) },
      failures: pending.map((s) => ({ ref: s.ref, code: 'APPLY_WAIT_TIMEOUT', message: `${formatRef(s.ref)}: ${s.status}: ${s.message}` })),
      cause: err,
    })
  }
  throw err
}

function detail(s: ObjectStatus): { ref: string; status: string; message: string } {
  return { ref: formatRef(s.ref), status: s.status, message: s.message }
}

function describe(statuses: readonly ObjectStatus[]): string {
  const shown = statuses.slice(0, 5).map((s) => `${formatRef(s.ref)} (${s.status}: ${s.message})`)
  const more = statuses.length > 5 ? ` and ${statuses.length - 5} more` : ''
  return `${shown.join(', ')}${more}`
}
