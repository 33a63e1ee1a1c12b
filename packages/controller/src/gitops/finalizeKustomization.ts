// A deleted Kustomization, as kustomize-controller finalizes it: with `deletionPolicy` MirrorPrune
// (the default) its objects go only when `spec.prune` is set, Delete and WaitForTermination always
// delete them, Orphan leaves them; a suspended Kustomization deletes nothing. Only objects of its
// `.status.inventory` that still carry its ownership labels are deleted. Then the finalizer goes.
import { prune } from '@gitops-sdk/apply'
import type { KubeClient } from '@gitops-sdk/apply'
import { createInventory, formatChangeSet, isKubeMap } from '@gitops-sdk/core'
import type { Logger } from '@gitops-sdk/core'
import type { Kustomization, KustomizationStatus } from '@gitops-sdk/flux'
import type { ControllerClient } from '../controllerClient.js'
import type { EventRecorder } from '../eventRecorder.js'
import { removeFinalizer } from '../finalizers.js'
import { FluxReason } from '../fluxReasons.js'
import { inventoryOfStatus } from './inventoryOfStatus.js'
import { FLUX_FINALIZER, KUSTOMIZATION_RESOURCE } from './resources.js'

/** Deletes what the policy says, then removes the finalizer. */
export async function finalizeKustomization(
  k: Kustomization,
  input: { readonly client: ControllerClient; readonly kubeClient: KubeClient; readonly recorder: EventRecorder; readonly signal: AbortSignal; readonly log: Logger },
): Promise<void> {
  const { signal } = input
  const namespace = k.metadata.namespace ?? 'default'
  const policy = k.spec.deletionPolicy ?? 'MirrorPrune'
  const status = (isKubeMap(k.status) ? k.status : {}) as KustomizationStatus
  const inventory = inventoryOfStatus(status)
  const collect = k.spec.suspend !== true && inventory !== undefined && (policy === 'Delete' || policy === 'WaitForTermination' || (policy === 'MirrorPrune' && k.spec.prune))
  if (collect) {
    const deleted = await prune(inventory, createInventory([]), { client: input.kubeClient, inventory: { namespace, name: k.metadata.name }, allowEmpty: true, signal })
    const entries = deleted.entries.filter((e) => e.action === 'deleted')
    if (entries.length > 0) {
      input.log.info('garbage collected the inventory', { deleted: entries.length, policy })
      await input.recorder.record(k as never, { type: 'Normal', reason: FluxReason.Progressing, message: formatChangeSet({ entries }) }, { signal })
    }
  } else {
    input.log.info('deleting without garbage collection', { policy, suspended: k.spec.suspend === true })
  }
  await removeFinalizer(KUSTOMIZATION_RESOURCE, k as never, { finalizer: FLUX_FINALIZER, client: input.client, signal })
}
