// Before an object with a changed immutable field is deleted to be re-created (Flux's force), the
// proof that the server would accept its replacement.
import { formatRef, isGitOpsError } from '@gitops-sdk/core'
import type { KubeObject } from '@gitops-sdk/core'
import { ApplyError } from '../errors.js'
import type { KubeClient } from '../kubeClient.js'
import { omit } from './omit.js'
import type { PreparedObject } from './prepare.js'

/**
 * Before an object is deleted to be re-created, proves the server would accept its replacement:
 * a dry-run create of it under a generated name (a dry-run create under its own name fails only
 * because the live object exists, and a dry-run delete does not free the name for it). Errors
 * about the name alone are not held against it (the live object already carries that name, and
 * some kinds, like CRDs, must be named after their content). Anything else means the delete
 * would be followed by a failed create: refuse before deleting.
 */
export async function validateReplacement(p: PreparedObject, ctx: { readonly client: KubeClient; readonly fieldManager: string; readonly signal: AbortSignal | undefined }, fields: readonly string[]): Promise<void> {
  const { metadata } = p.object
  // A create refuses a resourceVersion (an object copied from `kubectl get` may carry one).
  const probe: KubeObject = { ...p.object, metadata: { ...omit(metadata, ['resourceVersion', 'uid']), name: '', generateName: `${metadata.name}-` } }
  try {
    await ctx.client.create(probe, { fieldManager: ctx.fieldManager, dryRun: true, signal: ctx.signal })
  } catch (err) {
    if (ctx.signal?.aborted === true) throw ctx.signal.reason
    if (!isGitOpsError(err) || err.code === 'APPLY_UNREACHABLE' || err.code === 'APPLY_REQUEST_TIMEOUT') throw err
    const causes = Array.isArray(err.details.causes) ? (err.details.causes as { field?: unknown }[]) : []
    const onlyName = causes.length > 0 && causes.every((c) => typeof c.field === 'string' && /^metadata\.(generateName|name)$/.test(c.field))
    if (onlyName) return
    const why = err.message.includes('): ') ? err.message.slice(err.message.indexOf('): ') + 3) : err.message
    throw new ApplyError({
      code: 'APPLY_RECREATE_INVALID',
      message: `${formatRef(p.ref)}: not re-created: immutable field${fields.length === 1 ? '' : 's'} ${fields.join(', ') || '(unnamed)'} changed, and the server would refuse the replacement (${why}); the live object was left in place`,
      details: { fields: [...fields] },
      cause: err,
    })
  }
}
