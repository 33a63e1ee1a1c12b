// GET and LIST (SPEC.md §7): items sorted by namespace then name, selectors, pagination by an opaque
// continue token holding the last key and the list's resourceVersion. Every page of one list is
// served as of that resourceVersion, rebuilt from the change history (410 Expired once compacted).
import type { KubeMap, KubeObject } from '@gitops-sdk/core'
import type { Cluster } from '../state/cluster.js'
import { omit } from '../state/objects.js'
import type { ResourceType } from '../state/registry.js'
import { apiVersionOf, typeKey } from '../state/registry.js'
import type { Matcher } from '../rules/selectors.js'
import { fieldMatcher, labelMatcher } from '../rules/selectors.js'
import { badRequest, StatusError } from '../../status.js'

/** A list query. */
export interface ListQuery {
  readonly namespace: string | undefined
  readonly labelSelector?: string | undefined
  readonly fieldSelector?: string | undefined
  readonly limit?: number | undefined
  readonly continueToken?: string | undefined
  readonly resourceVersion?: string | undefined
}

/** A matcher combining both selectors. */
export function selectorOf(type: ResourceType, query: { labelSelector?: string | undefined; fieldSelector?: string | undefined }): Matcher {
  const labels = labelMatcher(query.labelSelector)
  const fields = fieldMatcher(type, query.fieldSelector)
  return (object) => labels(object) && fields(object)
}

/** An object as it appears inside a list: built-in items carry no apiVersion and kind. */
export function listItem(type: ResourceType, object: KubeObject): KubeMap {
  if (type.crd !== undefined) return object as unknown as KubeMap
  const rest: KubeMap = { ...(object as unknown as KubeMap) }
  omit(rest, 'apiVersion')
  omit(rest, 'kind')
  return rest
}

interface ContinueToken {
  readonly rv: number
  readonly start: string
}

function decodeContinue(token: string): ContinueToken {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { rv?: unknown; start?: unknown }
    if (typeof parsed.rv === 'number' && typeof parsed.start === 'string') return { rv: parsed.rv, start: parsed.start }
  } catch {
    // fall through to the error below
  }
  throw badRequest('continue key is not valid: illegal base64 data at input byte 0')
}

const keyOf = (o: KubeObject): string => `${o.metadata.namespace ?? ''}/${o.metadata.name}`

/**
 * The objects of a type (in one namespace when given) as they were at `resourceVersion`: the
 * current ones with every later change undone, newest first.
 */
function listAt(cluster: Cluster, type: ResourceType, at: { namespace: string | undefined; resourceVersion: number }): KubeObject[] {
  const { namespace, resourceVersion } = at
  const current = cluster.store.list(type, namespace)
  const changes = cluster.store.since(resourceVersion, typeKey(type))
  if (changes === undefined) {
    throw new StatusError({
      code: 410,
      reason: 'Expired',
      message:
        'The provided continue parameter is too old to display a consistent list result. You can start a new list without the continue parameter.',
    })
  }
  if (changes.length === 0) return current
  const state = new Map(current.map((o) => [keyOf(o), o]))
  for (let i = changes.length - 1; i >= 0; i--) {
    const change = changes[i]
    if (change === undefined || (namespace !== undefined && (change.object.metadata.namespace ?? '') !== namespace)) continue
    if (change.type === 'ADDED' || change.old === undefined) state.delete(keyOf(change.object))
    else state.set(keyOf(change.old), change.old)
  }
  return [...state].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0)).map(([, o]) => o)
}

/** LIST: the list object. */
export function listObjects(cluster: Cluster, type: ResourceType, query: ListQuery): KubeMap {
  const matcher = selectorOf(type, query)
  const current = cluster.store.resourceVersion
  const rvParam = query.resourceVersion
  if (rvParam !== undefined && rvParam !== '' && /^[0-9]+$/.test(rvParam) && Number(rvParam) > current) {
    throw new StatusError({ code: 504, reason: 'Timeout', message: `Too large resource version: ${rvParam}, current: ${current}`, details: { causes: [{ reason: 'ResourceVersionTooLarge', message: 'Too large resource version' }], retryAfterSeconds: 1 } })
  }
  const token = query.continueToken !== undefined && query.continueToken !== '' ? decodeContinue(query.continueToken) : undefined
  const all = token === undefined ? cluster.store.list(type, query.namespace) : listAt(cluster, type, { namespace: query.namespace, resourceVersion: token.rv })
  const candidates = token === undefined ? all : all.filter((o) => keyOf(o) > token.start)
  const matching = candidates.filter(matcher)
  const limit = query.limit !== undefined && query.limit > 0 ? query.limit : undefined
  const page = limit === undefined ? matching : matching.slice(0, limit)
  const metadata: KubeMap = { resourceVersion: String(token?.rv ?? current) }
  if (limit !== undefined && matching.length > limit) {
    const last = page[page.length - 1]
    if (last !== undefined) {
      metadata.continue = Buffer.from(JSON.stringify({ rv: token?.rv ?? current, start: keyOf(last) })).toString('base64url')
      if ((query.labelSelector ?? '') === '' && (query.fieldSelector ?? '') === '') metadata.remainingItemCount = matching.length - limit
    }
  }
  return { kind: type.listKind, apiVersion: apiVersionOf(type), metadata, items: page.map((o) => listItem(type, o)) }
}
