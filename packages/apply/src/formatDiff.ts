import { formatRef, stringifyValue } from '@gitops-sdk/core'
import type { KubeValue } from '@gitops-sdk/core'
import type { DriftReport, DriftStatus, ObjectDrift } from './diff.js'

/** Options of {@link formatDiff}. */
export interface FormatDiffOptions {
  /** Colour with ANSI escapes (for a terminal). @defaultValue false */
  readonly color?: boolean | undefined
  /** Also list unchanged objects. @defaultValue false */
  readonly showUnchanged?: boolean | undefined
}

const ANSI = { red: '\u001b[31m', green: '\u001b[32m', cyan: '\u001b[36m', yellow: '\u001b[33m', bold: '\u001b[1m', reset: '\u001b[0m' }
const ORDER: readonly DriftStatus[] = ['drifted', 'missing', 'orphaned', 'failed', 'skipped', 'unchanged']

/**
 * Renders a {@link DriftReport} as a unified diff for terminals: per object a `---`/`+++` header,
 * per field a `@@ path @@` hunk naming the manager that owns the live value, `-` live and `+`
 * desired lines (values as YAML), then a summary line. Pure: the same report gives the same text.
 *
 * @example
 * ```ts
 * process.stdout.write(formatDiff(await diff(objects, { client, fieldManager: 'gitops' }), { color: true }))
 * ```
 */
export function formatDiff(report: DriftReport, options: FormatDiffOptions = {}): string {
  const paint = (code: keyof typeof ANSI, text: string): string => (options.color === true ? `${ANSI[code]}${text}${ANSI.reset}` : text)
  const lines: string[] = []
  for (const object of report.objects) lines.push(...formatObject(object, paint, options.showUnchanged === true))
  lines.push(summary(report))
  return `${lines.join('\n')}\n`
}

type Paint = (code: keyof typeof ANSI, text: string) => string

function formatObject(object: ObjectDrift, paint: Paint, showUnchanged: boolean): string[] {
  const name = formatRef(object.ref)
  const reason = object.reason === undefined ? '' : `: ${object.reason}`
  switch (object.status) {
    case 'unchanged':
      return showUnchanged ? [`  ${name} unchanged`] : []
    case 'skipped':
      return [paint('yellow', `# ${name} skipped${reason}`)]
    case 'failed':
      return [paint('red', `! ${name} failed${reason}`)]
    case 'orphaned':
      return [paint('bold', `--- ${name} (live)`), paint('bold', `+++ ${name} (not in Git; prune deletes it)`)]
    case 'missing':
    case 'drifted': {
      const out = [
        paint('bold', `--- ${name} ${object.status === 'missing' ? '(not in the cluster)' : '(live)'}`),
        paint('bold', `+++ ${name} (desired)${object.status === 'missing' ? reason : ''}`),
      ]
      for (const field of object.fields) {
        out.push(paint('cyan', `@@ ${field.path} @@${field.manager === undefined ? '' : ` owned by ${field.manager}`}`))
        if (field.live !== undefined) out.push(...valueLines(field.live).map((l) => paint('red', `-${l}`)))
        if (field.desired !== undefined) out.push(...valueLines(field.desired).map((l) => paint('green', `+${l}`)))
      }
      return out
    }
  }
}

function valueLines(value: KubeValue): string[] {
  return stringifyValue(value).replace(/\n$/, '').split('\n')
}

function summary(report: DriftReport): string {
  const counts = new Map<DriftStatus, number>()
  for (const o of report.objects) counts.set(o.status, (counts.get(o.status) ?? 0) + 1)
  const parts = ORDER.filter((s) => (counts.get(s) ?? 0) > 0).map((s) => `${counts.get(s) ?? 0} ${s}`)
  return parts.length === 0 ? 'no objects' : parts.join(', ')
}
