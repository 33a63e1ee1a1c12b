// How the CLI prints a reconcile: the text form of @gitops-sdk/reconcile, coloured on a terminal.
import { formatReconcileStatus, reconcileStatusData } from '@gitops-sdk/reconcile'
import type { ReconcileStatus } from '@gitops-sdk/reconcile'
import type { CliIO } from './context.js'
import { useColor } from './terminal.js'

/** The status as plain data for `--output json|yaml`. */
export function reconcileData(status: ReconcileStatus): Record<string, unknown> {
  return reconcileStatusData(status)
}

/** The status as text, coloured when stdout is a terminal that takes colour. */
export function formatReconcile(status: ReconcileStatus, io: CliIO): string {
  return formatReconcileStatus(status, { color: useColor(io) })
}
