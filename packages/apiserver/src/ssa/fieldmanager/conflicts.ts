// The 409 an apply gets when it would change fields other managers own (SPEC.md §10.7,
// apimachinery managedfields/internal/conflict.go).
import type { StatusCause } from '../../status.js'
import { StatusError } from '../../status.js'
import { parseIdentity } from './managedFields.js'
import { pathToString } from '../structured-merge-diff/path.js'
import type { Conflicts } from '../structured-merge-diff/updater.js'
import { compareStrings, quote } from '@gitops-sdk/core/go'

/** A manager as conflict messages name it: `"helm"`, `"kcm" with subresource "status" using apps/v1`. */
export function printManager(identity: string): string {
  const info = parseIdentity(identity)
  let out = quote(info.manager)
  if (info.subresource !== '') out += ` with subresource ${quote(info.subresource)}`
  if (info.operation === 'Update') out += ` using ${info.apiVersion}`
  return out
}

/**
 * The exact Status body of an apply conflict: managers in ascending order of identity, each
 * manager's paths in set order; one cause per path.
 */
export function conflictStatus(conflicts: Conflicts): StatusError {
  const managers = [...conflicts.keys()].sort(compareStrings)
  const lines: string[] = []
  const causes: StatusCause[] = []
  let single = ''
  for (const identity of managers) {
    const manager = printManager(identity)
    lines.push(`conflicts with ${manager}:`)
    for (const path of conflicts.get(identity)?.paths() ?? []) {
      const field = pathToString(path)
      lines.push(`- ${field}`)
      causes.push({ reason: 'FieldManagerConflict', message: `conflict with ${manager}`, field })
      single = `conflict with ${manager}: ${field}`
    }
  }
  const message = causes.length === 1 ? `Apply failed with 1 conflict: ${single}` : `Apply failed with ${causes.length} conflicts: ${lines.join('\n')}`
  return new StatusError({ code: 409, reason: 'Conflict', message, details: { causes } })
}
