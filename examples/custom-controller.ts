// A custom controller in 40 lines: keep every environment of a fleet repository reconciled, prod
// only after staging is Ready, with an alert on drift, failure and recovery.
import { createKubeClient } from '@gitops-sdk/apply'
import { createReconcileSteps } from '@gitops-sdk/cli'
import { Reconciler } from '@gitops-sdk/core'
import type { ReconcileAlert } from '@gitops-sdk/core'
import type { AgeIdentity } from '@gitops-sdk/secrets'

export interface FleetControllerOptions {
  readonly url: string
  readonly kubeconfig: string
  readonly environments: readonly string[]
  readonly identities?: readonly AgeIdentity[]
  readonly interval?: number
  readonly onAlert?: (alert: ReconcileAlert) => void
}

export async function startFleetController(options: FleetControllerOptions): Promise<Reconciler> {
  const client = await createKubeClient({ kubeconfig: options.kubeconfig })
  const specs = options.environments.map((environment, i) => ({
    name: environment,
    path: `clusters/${environment}`,
    interval: options.interval ?? 60_000,
    prune: true,
    wait: true,
    dependsOn: options.environments.slice(0, i),
    steps: createReconcileSteps({
      source: { url: options.url, ref: { branch: 'main' } },
      client,
      inventory: { namespace: 'gitops-system', name: environment },
      identities: options.identities,
    }),
  }))
  const reconciler = new Reconciler(specs, { concurrency: 2, onAlert: options.onAlert })
  reconciler.start()
  return reconciler
}
