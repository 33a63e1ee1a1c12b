// A custom controller in 40 lines: one process keeps every environment of a fleet repository
// reconciled, each into its own cluster, prod only after staging is Ready, alerting on drift,
// failure and recovery.
import { createKubeClient } from '@gitops-sdk/apply'
import { createReconcileSteps, Reconciler } from '@gitops-sdk/reconcile'
import type { ReconcileAlert } from '@gitops-sdk/reconcile'
import type { AgeIdentity } from '@gitops-sdk/secrets'

export interface FleetControllerOptions {
  readonly url: string
  /** Environment (`clusters/<name>` in the repository) → kubeconfig of its cluster, in promotion order. */
  readonly clusters: Readonly<Record<string, string>>
  readonly identities?: readonly AgeIdentity[]
  readonly interval?: number
  readonly onAlert?: (alert: ReconcileAlert) => void
}

export async function startFleetController(options: FleetControllerOptions): Promise<Reconciler> {
  const environments = Object.keys(options.clusters)
  const specs = await Promise.all(
    environments.map(async (environment, i) => ({
      name: environment,
      path: `clusters/${environment}`,
      interval: options.interval ?? 60_000,
      prune: true,
      wait: true,
      dependsOn: environments.slice(0, i),
      steps: createReconcileSteps({
        source: { url: options.url, ref: { branch: 'main' } },
        client: await createKubeClient({ kubeconfig: options.clusters[environment] }),
        inventory: { namespace: 'gitops-system', name: environment },
        identities: options.identities,
      }),
    })),
  )
  const reconciler = new Reconciler(specs, { concurrency: 2, onAlert: options.onAlert })
  reconciler.start()
  return reconciler
}
