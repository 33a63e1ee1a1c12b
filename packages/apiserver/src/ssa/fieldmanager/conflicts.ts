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
 * At most this many conflicting fields are listed in a conflict's message and causes. Kube lists
 * every one (apimachinery's conflict.go has no bound), but a path is as long as its depth, so a
 * body 10,000 deep conflicting at every level would make a message quadratic in the depth, past
 * the longest string V8 can build. Past the cap the message and causes stop, the count still
 * names every conflict, and a last line says how many were left out; below it the text is kube's.
 */
export const MAX_LISTED_CONFLICTS = 100

/**
 * The exact Status body of an apply conflict: managers in ascending order of identity, each
 * manager's paths in set order; one cause per path, up to {@link MAX_LISTED_CONFLICTS}.
 */
export function conflictStatus(conflicts: Conflicts): StatusError {
  const managers = [...conflicts.keys()].sort(compareStrings)
  const lines: string[] = []
  const causes: StatusCause[] = []
  let single = ''
  let total = 0
  for (const identity of managers) {
    const manager = printManager(identity)
    const paths = conflicts.get(identity)?.paths() ?? []
    total += paths.length
    if (causes.length >= MAX_LISTED_CONFLICTS) continue
    lines.push(`conflicts with ${manager}:`)
    for (const path of paths) {
      if (causes.length >= MAX_LISTED_CONFLICTS) break
      const field = pathToString(path)
      lines.push(`- ${field}`)
      causes.push({ reason: 'FieldManagerConflict', message: `conflict with ${manager}`, field })
      single = `conflict with ${manager}: ${field}`
    }
  }
  if (total > causes.length) lines.push(`... and ${total - causes.length} more conflicts`)
  const message = total === 1 ? `Apply failed with 1 conflict: ${single}` : `Apply failed with ${total} conflicts: ${lines.join('\n')}`
  return new StatusError({ code: 409, reason: 'Conflict', message, details: { causes } })
}
