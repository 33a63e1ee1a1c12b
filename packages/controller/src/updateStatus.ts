import { cloneValue, isGitOpsError, isKubeMap, systemClock } from '@gitops-sdk/core'
import type { Clock, KubeMap, KubeObject } from '@gitops-sdk/core'
import type { ControllerClient } from './controllerClient.js'
import { ControllerError } from './errors.js'
import { RECONCILE_REQUESTED_AT_ANNOTATION } from './fluxReasons.js'
import { subjectOf } from './internal/paths.js'
import type { ObjectKey, ResourceType } from './types.js'

/** Options of {@link updateStatus}. */
export interface UpdateStatusOptions {
  /** Computes the new status from a copy of the live one and the live object; called again after each conflict. */
  readonly mutate: (status: KubeMap, object: KubeObject) => KubeMap
  /** The client that reads and writes. */
  readonly client: ControllerClient
  /** Attempts after a conflict, each on a fresh read (client-go's `retry.DefaultRetry`: 5). @defaultValue 5 */
  readonly retries?: number | undefined
  /** Clock of the pause between attempts (10 ms, doubling). @defaultValue the system clock */
  readonly clock?: Clock | undefined
  /** Manager of the status fields. @defaultValue the client's */
  readonly fieldManager?: string | undefined
  /** Cancels the operation: it stops promptly and rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined
}

/**
 * Writes an object's status through the `status` subresource: reads the object, gives a copy of
 * its status to `options.mutate`, sets `observedGeneration` to the generation read, and writes it at the
 * resourceVersion read. A conflict (someone wrote in between) reads again and re-applies `mutate`,
 * up to `retries` times. `mutate` must be a pure function of the status and object it gets.
 *
 * @returns the object as written, or undefined when it no longer exists.
 * @throws `CONTROLLER_STATUS_CONFLICT` when every attempt conflicted; the client's errors otherwise.
 * @example
 * ```ts
 * await updateStatus(WIDGETS, { namespace: 'apps', name: 'web' }, { mutate: (status) => ({ ...status, ready: true }), client, signal })
 * ```
 */
export async function updateStatus(resource: ResourceType, key: ObjectKey, options: UpdateStatusOptions): Promise<KubeObject | undefined> {
  const { mutate } = options
  if (typeof mutate !== 'function') throw new TypeError('updateStatus: mutate must be a function')
  const retries = options.retries ?? 5
  const clock = options.clock ?? systemClock
  const { client, signal } = options
  let pause = 10
  for (let attempt = 0; ; attempt++) {
    signal?.throwIfAborted()
    const live = await client.get(resource, key, { signal })
    if (live === undefined) return undefined
    const current = isKubeMap(live.status) ? cloneValue<KubeMap>(live.status) : {}
    const next: KubeMap = { ...mutate(current, live) }
    if (typeof live.metadata.generation === 'number') next.observedGeneration = live.metadata.generation
    try {
      return await client.update(resource, { ...live, status: next }, { subresource: 'status', fieldManager: options.fieldManager, signal })
    } catch (error) {
      if (!isGitOpsError(error, 'CONTROLLER_CONFLICT')) throw error
      if (attempt >= retries) {
        throw new ControllerError({
          code: 'CONTROLLER_STATUS_CONFLICT',
          message: `${subjectOf(resource, key)}: status not written: the object changed under every one of ${retries + 1} attempts`,
          details: { attempts: retries + 1 },
          cause: error,
        })
      }
    }
    await clock.sleep(pause, signal)
    pause = Math.min(pause * 2, 1000)
  }
}

/**
 * The `reconcile.fluxcd.io/requestedAt` annotation of an object, or undefined; a controller that
 * handled it echoes it in `status.lastHandledReconcileAt`, as Flux's controllers do.
 *
 * @example
 * ```ts
 * const requested = reconcileRequestedAt(object)
 * if (requested !== undefined) status.lastHandledReconcileAt = requested
 * ```
 */
export function reconcileRequestedAt(object: KubeObject): string | undefined {
  const annotations = object.metadata.annotations
  if (annotations === undefined || !Object.hasOwn(annotations, RECONCILE_REQUESTED_AT_ANNOTATION)) return undefined
  const value = annotations[RECONCILE_REQUESTED_AT_ANNOTATION]
  return typeof value === 'string' && value !== '' ? value : undefined
}
