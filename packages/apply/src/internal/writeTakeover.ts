// Writing a takeover (see takeover.ts) in a stage of applyAll: the JSON patch of managedFields
// that precedes the forced apply, retried from a fresh read when it races a change to the object.
import { formatRef } from '@gitops-sdk/core'
import type { KubeObject } from '@gitops-sdk/core'
import { exclusionReason, ssaPolicy } from '../annotations.js'
import { ApplyError } from '../errors.js'
import { isPatchNotApplied } from './apiErrors.js'
import type { KubeClient } from '../kubeClient.js'
import type { PreparedObject } from './prepare.js'
import { sleep } from './sleep.js'
import { planTakeover } from './takeover.js'
import type { Takeover, TakeoverManager } from './takeover.js'

/** What a takeover needs of its stage (a StageContext has it). */
export interface TakeoverContext {
  readonly client: KubeClient
  readonly fieldManager: string
  /** Managers whose fields are taken over; undefined when conflicts fail instead. */
  readonly takeOver: readonly TakeoverManager[] | undefined
  /** The stage's wait timeout, in milliseconds: retries stop before it. */
  readonly waitTimeout: number
  readonly signal: AbortSignal | undefined
}

/**
 * The takeover `existing` needs before `p` is applied, or undefined. As Flux's cleanup exclusions:
 * `ssa: Merge` (in Git or live) keeps other managers' fields.
 */
export function takeoverFor(p: PreparedObject, existing: KubeObject, ctx: TakeoverContext): Takeover | undefined {
  return ctx.takeOver === undefined || ctx.client.patch === undefined || ssaPolicy(p.object) === 'Merge' || ssaPolicy(existing) === 'Merge'
    ? undefined
    : planTakeover(existing, { desired: p.object, fieldManager: ctx.fieldManager, managers: ctx.takeOver })
}

/** Attempts at a takeover that races changes to the live object: the first and up to three more. */
const TAKEOVER_ATTEMPTS = 4

/** The pause before the first retry of a takeover, doubled before each next one. */
const TAKEOVER_BACKOFF_MS = 100

/**
 * Writes a takeover and returns the one written (undefined when a re-read found none needed). A
 * live object changed since it was read fails the patch's resourceVersion test (or one of its
 * removals), which the API server answers with a 422: then the object is read again and the
 * takeover recomputed from what was read, its own resourceVersion tested, and retried, up to
 * TAKEOVER_ATTEMPTS in all with a short backoff, within the stage's wait timeout. A retry takes
 * nothing the stage did not decide to take: when the new read has fields of other managers to take
 * (or metadata to remove) beyond the planned ones, or the object is gone or now excluded, the
 * apply of it stops there, with the error a race always gave.
 */
export async function writeTakeover(p: PreparedObject, planned: Takeover, ctx: TakeoverContext): Promise<Takeover | undefined> {
  const { client, signal } = ctx
  const target = { ...p.ref, version: p.version }
  const started = Date.now()
  let takeover = planned
  for (let attempt = 1; ; attempt++) {
    try {
      await client.patch?.(target, takeover.patch, { fieldManager: ctx.fieldManager, signal })
      return takeover
    } catch (err) {
      if (signal?.aborted === true) throw signal.reason
      if (!isPatchNotApplied(err, '/metadata/resourceVersion')) throw err
      const pause = TAKEOVER_BACKOFF_MS * 2 ** (attempt - 1)
      if (attempt >= TAKEOVER_ATTEMPTS || Date.now() - started + pause > ctx.waitTimeout) throw takeoverRaced(p, planned, { cause: err })
      await sleep(pause, signal)
      const live = await client.get(target, { signal })
      if (live === undefined || exclusionReason(live) !== undefined) throw takeoverRaced(p, planned, { cause: err })
      const next = takeoverFor(p, live, ctx)
      if (next === undefined) return undefined
      const beyond = [...next.managers.filter((m) => !planned.managers.includes(m)), ...next.removed.filter((k) => !planned.removed.includes(k))]
      if (beyond.length > 0) throw takeoverRaced(p, planned, { cause: err, beyond })
      takeover = next
    }
  }
}

/** The error of a takeover that kept racing changes to the live object (or found more to take). */
function takeoverRaced(p: PreparedObject, planned: Takeover, { cause, beyond }: { readonly cause: unknown; readonly beyond?: readonly string[] }): ApplyError {
  const more = beyond === undefined ? '' : ` (and ${beyond.join(', ')} now to take over or remove too, which this apply did not decide)`
  return new ApplyError({
    code: 'APPLY_API_ERROR',
    message: `${formatRef(p.ref)}: changed in the cluster while the fields of ${planned.managers.join(', ') || 'other managers'} were being taken over${more}; it was not applied (apply again)`,
    details: { managers: [...planned.managers] },
    cause,
  })
}
