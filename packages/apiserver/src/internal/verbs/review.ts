// The review resources, created and answered, never stored: SelfSubjectAccessReview (what
// `kubectl auth can-i` asks), SubjectAccessReview, LocalSubjectAccessReview, SelfSubjectRulesReview
// (`kubectl auth can-i --list`), SelfSubjectReview (`kubectl auth whoami`) and TokenReview.
import type { KubeMap, KubeValue } from '@gitops-sdk/core'
import { isKubeMap } from '@gitops-sdk/core'
import type { Attributes, UserInfo } from '../auth/rbac.js'
import { rbacAllows, rulesFor } from '../auth/rbac.js'
import type { Cluster } from '../state/cluster.js'
import type { ResourceType } from '../state/registry.js'
import { apiVersionOf } from '../state/registry.js'
import { badRequest, invalid } from '../../status.js'
import { strings } from '../rules/strings.js'

/** How reviews decide: the server's authorizer and its users by token. */
export interface ReviewContext {
  readonly cluster: Cluster
  readonly authorization: 'AlwaysAllow' | 'RBAC'
  readonly user: UserInfo
  readonly lookupToken: (token: string) => UserInfo | undefined
}

const text = (v: KubeValue | undefined): string => (typeof v === 'string' ? v : '')

function attributesOf(kind: string, spec: KubeMap, namespace: string): Attributes {
  const resource = isKubeMap(spec.resourceAttributes) ? spec.resourceAttributes : undefined
  const nonResource = isKubeMap(spec.nonResourceAttributes) ? spec.nonResourceAttributes : undefined
  if (resource !== undefined && nonResource !== undefined) {
    throw invalid({ group: 'authorization.k8s.io', kind }, '', [{ type: 'Invalid', field: 'spec.nonResourceAttributes', value: nonResource, detail: 'cannot be specified in combination with resourceAttributes' }])
  }
  if (resource !== undefined) {
    return {
      resourceRequest: true,
      verb: text(resource.verb),
      group: text(resource.group),
      resource: text(resource.resource),
      subresource: text(resource.subresource),
      namespace: kind === 'LocalSubjectAccessReview' ? namespace : text(resource.namespace),
      name: text(resource.name),
    }
  }
  if (nonResource !== undefined) return { resourceRequest: false, verb: text(nonResource.verb), path: text(nonResource.path) }
  throw invalid({ group: 'authorization.k8s.io', kind }, '', [{ type: 'Required', field: 'spec.resourceAttributes', detail: 'exactly one of nonResourceAttributes or resourceAttributes must be specified' }])
}

function decide(context: ReviewContext, user: UserInfo, attributes: Attributes): KubeMap {
  const allowed = context.authorization === 'AlwaysAllow' || rbacAllows(context.cluster, user, attributes)
  return { allowed }
}

function rulesReview(context: ReviewContext, namespace: string): KubeMap {
  if (context.authorization === 'AlwaysAllow' || context.user.groups.includes('system:masters')) {
    return { resourceRules: [{ verbs: ['*'], apiGroups: ['*'], resources: ['*'] }], nonResourceRules: [{ verbs: ['*'], nonResourceURLs: ['*'] }], incomplete: false }
  }
  const rules = rulesFor(context.cluster, context.user, namespace)
  const resourceRules = rules
    .filter((r) => Array.isArray(r.resources))
    .map((r) => {
      const out: KubeMap = { verbs: strings(r.verbs), apiGroups: strings(r.apiGroups), resources: strings(r.resources) }
      if (strings(r.resourceNames).length > 0) out.resourceNames = strings(r.resourceNames)
      return out
    })
  const nonResourceRules = rules.filter((r) => Array.isArray(r.nonResourceURLs)).map((r) => ({ verbs: strings(r.verbs), nonResourceURLs: strings(r.nonResourceURLs) }))
  return { resourceRules, nonResourceRules, incomplete: false }
}

function userInfoJson(user: UserInfo): KubeMap {
  const out: KubeMap = { username: user.name }
  if (user.uid !== undefined && user.uid !== '') out.uid = user.uid
  out.groups = [...user.groups]
  return out
}

/** Answers the create of a review: the body with its status, as kube-apiserver returns it (201). */
export function answerReview(context: ReviewContext, type: ResourceType, request: { readonly body: unknown; readonly namespace: string }): KubeMap {
  const body = request.body
  if (!isKubeMap(body)) throw badRequest(`the object provided is unrecognized (must be of type ${type.kind})`)
  const spec = isKubeMap(body.spec) ? body.spec : {}
  const metadata = isKubeMap(body.metadata) ? { ...body.metadata } : {}
  if (metadata.creationTimestamp === undefined) metadata.creationTimestamp = null
  const out: KubeMap = { kind: type.kind, apiVersion: apiVersionOf(type), metadata, spec }
  switch (type.kind) {
    case 'SelfSubjectAccessReview':
      out.status = decide(context, context.user, attributesOf(type.kind, spec, request.namespace))
      break
    case 'SubjectAccessReview':
    case 'LocalSubjectAccessReview': {
      const user: UserInfo = { name: text(spec.user), uid: text(spec.uid), groups: strings(spec.groups) }
      out.status = decide(context, user, attributesOf(type.kind, spec, request.namespace))
      break
    }
    case 'SelfSubjectRulesReview':
      out.status = rulesReview(context, text(spec.namespace))
      break
    case 'SelfSubjectReview':
      out.status = { userInfo: userInfoJson(context.user) }
      break
    case 'TokenReview': {
      const user = context.lookupToken(text(spec.token))
      out.spec = {}
      out.status = user === undefined ? { user: {}, error: '[invalid bearer token, token lookup failed]' } : { authenticated: true, user: userInfoJson(user), audiences: strings(spec.audiences) }
      break
    }
    default:
      throw badRequest(`${type.kind} cannot be created here`)
  }
  return out
}
