// How a reconcile's outcome reads, for a terminal or a log: the one text form the CLI, the demo and
// custom controllers share, and the plain data behind `--output json|yaml`.
import { formatRef, getCondition } from '@gitops-sdk/core'
import type { ReconcileStatus } from './types.js'

const COLORS: Readonly<Record<string, string>> = {
  created: '32',
  configured: '33',
  deleted: '31',
  failed: '31;1',
  skipped: '36',
  unchanged: '2',
}

/** Options of {@link formatReconcileStatus}. */
export interface FormatReconcileStatusOptions {
  /** Colour actions and the Ready state with ANSI escapes. @defaultValue false */
  readonly color?: boolean | undefined
}

/**
 * Formats a status as text: one line with the name, revision and Ready condition, then one line per
 * changed object (unchanged ones are counted, not listed) and the objects whose drift was corrected.
 *
 * @example
 * ```ts
 * const { status } = await reconcile(spec, steps)
 * console.log(formatReconcileStatus(status))
 * // prod main@sha1:3f2a…: Ready: ReconciliationSucceeded: Applied revision: main@sha1:3f2a…
 * //   Deployment/prod/web configured: changed .spec.replicas
 * ```
 */
export function formatReconcileStatus(status: ReconcileStatus, options: FormatReconcileStatusOptions = {}): string {
  const color = options.color === true
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
  const unverified = status.unverifiedDecryptions ?? []
  if (unverified.length > 0) lines.unshift(`  decrypted without a MAC check: ${unverified.map(formatRef).join(', ')}`)
  const ready = getCondition(status.conditions, 'Ready')
  const state = ready?.status === 'True' ? paint('32', 'Ready') : ready?.status === 'False' ? paint('31', 'Not ready') : 'Unknown'
  const revision = status.lastAttemptedRevision ?? 'no revision'
  return [`${status.name} ${revision}: ${state}: ${ready?.reason ?? ''}: ${ready?.message ?? ''}`, ...lines].join('\n')
}

/**
 * The status as JSON-safe plain data (Ready as a field, the change set flattened, durations rounded
 * to milliseconds), as `gitops reconcile -o json` prints it.
 */
export function reconcileStatusData(status: ReconcileStatus): Record<string, unknown> {
  return {
    name: status.name,
    ready: getCondition(status.conditions, 'Ready')?.status ?? 'Unknown',
    conditions: status.conditions,
    lastAppliedRevision: status.lastAppliedRevision,
    lastAttemptedRevision: status.lastAttemptedRevision,
    buildDigest: status.buildDigest,
    changeSet: status.changeSet.entries.map((e) => ({ ...e.ref, action: e.action, reason: e.reason })),
    drifted: status.drifted,
    unverifiedDecryptions: status.unverifiedDecryptions ?? [],
    durationsMs: Object.fromEntries(Object.entries(status.durations).map(([k, v]) => [k, Math.round(v)])),
    failure: status.failure,
    finishedAt: status.finishedAt,
  }
}
