// The reconcile steps of one Kustomization as the controller runs them: the reconcile package's
// steps (createReconcileSteps) with the source artifact the controller already holds, the
// inventory in `.status.inventory` as Flux keeps it, and drift checks through the applied objects
// cache while it can prove them.
import { detectDrift } from '@gitops-sdk/apply'
import type { ApplyHistory, DriftState, KubeClient } from '@gitops-sdk/apply'
import type { Inventory } from '@gitops-sdk/core'
import { createReconcileSteps } from '@gitops-sdk/reconcile'
import type { KustomizationReconcile, ReconcileSteps } from '@gitops-sdk/reconcile'
import type { DriftPlacement } from './appliedObjectsCache.js'
import type { StoredArtifact } from './sourceStore.js'

/** What {@link kustomizationSteps} wires besides the mapped Kustomization. */
export interface KustomizationStepsOptions {
  /** The source artifact this reconcile works with. */
  readonly artifact: StoredArtifact
  /** The Kustomization's inventory as its status last held it. */
  readonly loadInventory: () => Promise<Inventory | undefined>
  /** The controller's own client: applies through it may have drift proven by the cache. */
  readonly kubeClient: KubeClient
  readonly fieldManager: string
  readonly history: ApplyHistory
  readonly onWarning: (message: string) => void
  /** The applied objects cache's client, for drift checks. @defaultValue createReconcileSteps' check */
  readonly driftClient?: KubeClient | undefined
  /** The applied objects cache's proof that nothing drifted. */
  readonly driftUnchanged?: ((state: DriftState, placement: DriftPlacement) => boolean) | undefined
}

/**
 * The steps of one reconcile of `mapped`, and whether its drift can be proven unchanged from the
 * applied objects cache (what the quiet paths need).
 */
export function kustomizationSteps(mapped: KustomizationReconcile, options: KustomizationStepsOptions): { steps: ReconcileSteps; driftFromCache: boolean } {
  const { artifact, driftClient, fieldManager } = options
  // The inventory lives in `.status.inventory` (see loadInventory below): apply's check that a
  // ConfigMap of that name could be stored (a GET and a dry-run write per writing apply) is moot.
  const wired = createReconcileSteps({ ...mapped.steps, inventoryStore: 'caller', fieldManager, history: options.history, onWarning: options.onWarning })
  const appliesAsController = mapped.steps.client === options.kubeClient
  const steps: ReconcileSteps = {
    ...wired,
    fetch: async ({ lastRevision }) => (lastRevision === artifact.revision ? { unchanged: true, revision: artifact.revision } : { revision: artifact.revision, digest: artifact.digest, fs: artifact.fs }),
    // The inventory lives in `.status.inventory`, as Flux keeps it: no ConfigMap is written.
    loadInventory: options.loadInventory,
    saveInventory: async () => undefined,
    // The same comparison as createReconcileSteps' checkDrift; the live objects come from the
    // applied objects cache while its watch of the kind is current.
    ...(driftClient === undefined || !appliesAsController
      ? {}
      : {
          checkDrift: async (applied, o) => {
            const placement = { inventory: mapped.steps.inventory, targetNamespace: mapped.steps.targetNamespace }
            if (options.driftUnchanged?.(applied, placement) === true) return []
            return detectDrift(applied, { client: driftClient, fieldManager, ...placement, signal: o.signal })
          },
        }),
  }
  return { steps, driftFromCache: appliesAsController && driftClient !== undefined && options.driftUnchanged !== undefined }
}
