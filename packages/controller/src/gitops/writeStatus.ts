// A Flux status write: unlike `updateStatus`, `observedGeneration` is the caller's (Flux sets it
// only once a reconcile ended Ready or Stalled), and an unchanged status is not written at all, so
// a no-change interval costs no write.
import { isGitOpsError } from '@gitops-sdk/core'
import type { KubeMap, KubeObject } from '@gitops-sdk/core'
import type { ControllerClient } from '../controllerClient.js'
import type { ObjectKey, ResourceType } from '../types.js'

/** Writes `compute(live)` as the object's status unless it equals the live one; re-reads after a conflict (3 attempts). */
export async function writeFluxStatus(
  resource: ResourceType,
  key: ObjectKey,
  input: { readonly client: ControllerClient; readonly compute: (live: KubeObject) => KubeMap; readonly signal: AbortSignal; readonly fieldManager?: string | undefined; readonly live?: KubeObject | undefined },
): Promise<KubeObject | undefined> {
  let live = input.live
  for (let attempt = 0; ; attempt++) {
    input.signal.throwIfAborted()
    live ??= await input.client.get(resource, key, { signal: input.signal })
    if (live === undefined) return undefined
    const next = input.compute(live)
    if (JSON.stringify(next) === JSON.stringify(live.status ?? {})) return live
    try {
      return await input.client.update(resource, { ...live, status: next }, { subresource: 'status', fieldManager: input.fieldManager, signal: input.signal })
    } catch (error) {
      if (!isGitOpsError(error, 'CONTROLLER_CONFLICT') || attempt >= 2) throw error
      live = undefined
    }
  }
}
