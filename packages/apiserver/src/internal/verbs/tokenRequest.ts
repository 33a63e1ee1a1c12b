// `POST /api/v1/namespaces/{ns}/serviceaccounts/{name}/token` (what `kubectl create token` sends): a
// TokenRequest answered with a new bearer token that authenticates as the service account
// (`system:serviceaccount:NS:NAME`, groups `system:serviceaccounts[:NS]`), so RBAC for a Flux-style
// `serviceAccountName` can be tested with real requests. Tokens are opaque, not JWTs, and do not expire.
import { randomBytes } from 'node:crypto'
import type { KubeMap } from '@gitops-sdk/core'
import { isKubeMap } from '@gitops-sdk/core'
import { serviceAccountUser } from '../auth/identity.js'
import type { HandlerContext } from '../http/handlerContext.js'
import type { ResourceType } from '../state/registry.js'
import { notFound } from '../../status.js'

/** The TokenRequest kind, for decoding its body. */
export const tokenRequestType: ResourceType = {
  group: 'authentication.k8s.io',
  version: 'v1',
  kind: 'TokenRequest',
  listKind: 'TokenRequestList',
  plural: 'tokenrequests',
  singular: 'tokenrequest',
  namespaced: true,
  shortNames: [],
  categories: [],
  verbs: ['create'],
  status: false,
  generation: false,
}

/** Issues a token for a service account; 404 when it does not exist. */
export function requestToken(context: HandlerContext, request: { readonly namespace: string; readonly name: string; readonly body: unknown }): KubeMap {
  const { cluster } = context
  const saType = cluster.types.get('/serviceaccounts')
  const sa = saType === undefined ? undefined : cluster.store.get(saType, request.namespace, request.name)
  if (sa === undefined) throw notFound({ group: '', plural: 'serviceaccounts' }, request.name)
  const spec = isKubeMap(request.body) && isKubeMap(request.body.spec) ? request.body.spec : {}
  const expirationSeconds = typeof spec.expirationSeconds === 'number' ? spec.expirationSeconds : 3600
  const audiences = Array.isArray(spec.audiences) && spec.audiences.length > 0 ? spec.audiences : ['https://kubernetes.default.svc.cluster.local']
  const token = randomBytes(32).toString('base64url')
  context.identities.set(token, serviceAccountUser(request.namespace, request.name, typeof sa.metadata.uid === 'string' ? sa.metadata.uid : undefined))
  const now = cluster.now()
  const expires = new Date(now.getTime() + expirationSeconds * 1000).toISOString().replace(/\.\d+Z$/, 'Z')
  return {
    kind: 'TokenRequest',
    apiVersion: 'authentication.k8s.io/v1',
    metadata: { name: request.name, namespace: request.namespace, creationTimestamp: now.toISOString().replace(/\.\d+Z$/, 'Z') },
    spec: { audiences, expirationSeconds, boundObjectRef: isKubeMap(spec.boundObjectRef) ? spec.boundObjectRef : null },
    status: { token, expirationTimestamp: expires },
  }
}
