// How the CLI prints a reconcile: the change set, then one line with the Ready condition.
import { formatRef, getCondition } from '@gitops-sdk/core'
import type { ReconcileStatus } from '@gitops-sdk/core'
import type { CliIO } from './context.js'
import { useColor } from './terminal.js'

const COLORS: Readonly<Record<string, string>> = {
  created: '32',
  configured: '33',
  deleted: '31',
  failed: '31;1',
  skipped: '36',
  unchanged: '2',
}

/** The status as plain data for `--output json|yaml`. */
export function reconcileData(status: ReconcileStatus): Record<string, unknown> {
  return {
    name: status.name,
    ready: getCondition(status.conditions, 'Ready')?.status ?? 'Unknown',
    conditions: status.conditions,
    lastAppliedRevision: status.lastAppliedRevision,
    lastAttemptedRevision: status.lastAttemptedRevision,
    buildDigest: status.buildDigest,
    changeSet: status.changeSet.entries.map((e) => ({ ...e.ref, action: e.action, reason: e.reason })),
    drifted: status.drifted,
    durationsMs: Object.fromEntries(Object.entries(status.durations).map(([k, v]) => [k, Math.round(v)])),
    failure: status.failure,
    finishedAt: status.finishedAt,
  }
}

/**
 * One line per changed object (unchanged ones are counted, not listed), then the Ready condition,
 * coloured on a terminal.
 */
export function formatReconcile(status: ReconcileStatus, io: CliIO): string {
  const color = useColor(io)
  const paint = (code: string | undefined, text: string): string => (color && code !== undefined ? `\u001b[${code}m${text}\u001b[0m` : text)
  const lines: string[] = []
  let unchanged = 0
  for (const e of status.changeSet.entries) {
    if (e.action === 'unchanged') {
      unchanged += 1
      continue
    }
    lines.push(`  ${formatRef(e.ref)} ${paint(COLORS[e.action], e.action)}${e.reason === undefined ? '' : `: ${e.reason}`}`)
  }
  if (unchanged > 0) lines.push(`  ${paint(COLORS.unchanged, `${unchanged} unchanged`)}`)
  if (status.drifted.length > 0) lines.unshift(`  drift corrected in ${status.drifted.map(formatRef).join(', ')}`)
  const ready = getCondition(status.conditions, 'Ready')
  const state = ready?.status === 'True' ? paint('32', 'Ready') : ready?.status === 'False' ? paint('31', 'Not ready') : 'Unknown'
  const revision = status.lastAttemptedRevision ?? 'no revision'
  return [`${status.name} ${revision}: ${state}: ${ready?.reason ?? ''}: ${ready?.message ?? ''}`, ...lines].join('\n')
}
