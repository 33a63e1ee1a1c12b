// The phases of a Kustomization reconcile as child spans of its reconcile span: each step the
// reconcile package calls (fetch, decrypt, render, substitute, apply, prune, inventory) runs in a
// span of its name.
import type { ReconcileSteps } from '@gitops-sdk/reconcile'
import type { PhaseRunner } from '../traceReconcile.js'

type Step = (...args: never[]) => Promise<unknown>

/** `steps` with every step wrapped in a phase span named after it. */
export function traceSteps(steps: ReconcileSteps, phase: PhaseRunner): ReconcileSteps {
  const traced: Record<string, unknown> = {}
  for (const [name, step] of Object.entries(steps) as [string, unknown][]) {
    traced[name] = typeof step === 'function' ? (...args: never[]) => phase(name, () => (step as Step)(...args)) : step
  }
  return traced as unknown as ReconcileSteps
}
