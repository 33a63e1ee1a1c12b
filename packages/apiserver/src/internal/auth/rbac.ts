// The RBAC authorizer as kube-apiserver 1.32 runs it: the rules of the ClusterRoles bound by
// ClusterRoleBindings, and of the Roles and ClusterRoles bound by RoleBindings in the request's
// namespace, matched against the request's attributes (verb, API group, resource and subresource,
// name, or a non-resource path). An aggregated ClusterRole holds the rules of every ClusterRole its
// selectors match, as the aggregation controller would write them.
import type { KubeMap, KubeObject, KubeValue } from '@gitops-sdk/core'
import { isKubeMap } from '@gitops-sdk/core'
import type { Cluster } from '../state/cluster.js'
import type { ResourceType } from '../state/registry.js'
import { labelSelectorMatcher, labelSelectorString } from '../rules/selectors.js'
import { strings } from '../rules/strings.js'

/** Who makes a request. */
export interface UserInfo {
  readonly name: string
  readonly uid?: string | undefined
  readonly groups: readonly string[]
}

/** What a request does, as the authorizer sees it. */
export type Attributes =
  | {
      readonly resourceRequest: true
      readonly verb: string
      readonly group: string
      readonly resource: string
      readonly subresource: string
      readonly namespace: string
      readonly name: string
    }
  | { readonly resourceRequest: false; readonly verb: string; readonly path: string }

const text = (v: KubeValue | undefined): string => (typeof v === 'string' ? v : '')

function type(cluster: Cluster, plural: string): ResourceType | undefined {
  return cluster.types.get(`rbac.authorization.k8s.io/${plural}`)
}

function objects(cluster: Cluster, plural: string, namespace?: string): KubeObject[] {
  const t = type(cluster, plural)
  return t === undefined ? [] : cluster.store.list(t, namespace)
}

function subjectMatches(subject: KubeMap, user: UserInfo, bindingNamespace: string): boolean {
  const name = text(subject.name)
  const kind = text(subject.kind)
  if (kind === 'User') return name === user.name
  if (kind === 'Group') return user.groups.includes(name)
  if (kind !== 'ServiceAccount') return false
  const ns = text(subject.namespace) === '' ? bindingNamespace : text(subject.namespace)
  return user.name === `system:serviceaccount:${ns}:${name}`
}

function bound(binding: KubeObject, user: UserInfo): boolean {
  const subjects = (binding as unknown as KubeMap).subjects
  return Array.isArray(subjects) && subjects.some((s) => isKubeMap(s) && subjectMatches(s, user, binding.metadata.namespace ?? ''))
}

/** The rules of a ClusterRole, with those of the ClusterRoles its aggregation rule selects. */
function clusterRoleRules(cluster: Cluster, name: string): KubeMap[] {
  const role = objects(cluster, 'clusterroles').find((r) => r.metadata.name === name)
  if (role === undefined) return []
  const own = ((role as unknown as KubeMap).rules ?? []) as KubeValue[]
  const rules = own.filter(isKubeMap)
  const aggregation = (role as unknown as KubeMap).aggregationRule
  if (!isKubeMap(aggregation)) return rules
  const selectors = Array.isArray(aggregation.clusterRoleSelectors) ? aggregation.clusterRoleSelectors.filter(isKubeMap) : []
  // The aggregation controller stops at a selector it cannot convert: the role keeps its own rules.
  if (selectors.some((sel) => labelSelectorString(sel) === undefined)) return rules
  for (const other of objects(cluster, 'clusterroles')) {
    if (other.metadata.name === name) continue
    if (!selectors.some((sel) => labelSelectorMatcher(sel)(other.metadata.labels))) continue
    const more = (other as unknown as KubeMap).rules
    if (Array.isArray(more)) rules.push(...more.filter(isKubeMap))
  }
  return rules
}

function roleRules(cluster: Cluster, roleRef: KubeValue | undefined, namespace: string): KubeMap[] {
  if (!isKubeMap(roleRef)) return []
  const name = text(roleRef.name)
  if (roleRef.kind === 'ClusterRole') return clusterRoleRules(cluster, name)
  if (roleRef.kind !== 'Role') return []
  const role = objects(cluster, 'roles', namespace).find((r) => r.metadata.name === name)
  const rules = (role as unknown as KubeMap | undefined)?.rules
  return Array.isArray(rules) ? rules.filter(isKubeMap) : []
}

/** Every rule that applies to `user` in `namespace` ('' for cluster scope only). */
export function rulesFor(cluster: Cluster, user: UserInfo, namespace: string): KubeMap[] {
  const out: KubeMap[] = []
  for (const binding of objects(cluster, 'clusterrolebindings')) {
    if (bound(binding, user)) out.push(...roleRules(cluster, (binding as unknown as KubeMap).roleRef, ''))
  }
  if (namespace !== '') {
    for (const binding of objects(cluster, 'rolebindings', namespace)) {
      if (bound(binding, user)) out.push(...roleRules(cluster, (binding as unknown as KubeMap).roleRef, namespace))
    }
  }
  return out
}

const has = (list: readonly string[], value: string): boolean => list.includes('*') || list.includes(value)

/** rbac's RuleAllows. */
export function ruleAllows(rule: KubeMap, attributes: Attributes): boolean {
  if (!has(strings(rule.verbs), attributes.verb)) return false
  if (!attributes.resourceRequest) {
    return strings(rule.nonResourceURLs).some((u) => u === '*' || u === attributes.path || (u.endsWith('*') && attributes.path.startsWith(u.slice(0, -1))))
  }
  if (!has(strings(rule.apiGroups), attributes.group)) return false
  const combined = attributes.subresource === '' ? attributes.resource : `${attributes.resource}/${attributes.subresource}`
  const resources = strings(rule.resources)
  const resourceOk = resources.some((r) => r === '*' || r === combined || (attributes.subresource !== '' && r === `*/${attributes.subresource}`))
  if (!resourceOk) return false
  const names = strings(rule.resourceNames)
  return names.length === 0 || names.includes(attributes.name)
}

/** Whether RBAC allows the request; `system:masters` is allowed everything, as its bootstrap binding says. */
export function rbacAllows(cluster: Cluster, user: UserInfo, attributes: Attributes): boolean {
  if (user.groups.includes('system:masters')) return true
  const namespace = attributes.resourceRequest ? attributes.namespace : ''
  return rulesFor(cluster, user, namespace).some((rule) => ruleAllows(rule, attributes))
}

/** kube-apiserver's Forbidden wording of what a user may not do. */
export function forbiddenReason(user: UserInfo, attributes: Attributes): string {
  if (!attributes.resourceRequest) return `User "${user.name}" cannot ${attributes.verb} path "${attributes.path}"`
  const resource = attributes.subresource === '' ? attributes.resource : `${attributes.resource}/${attributes.subresource}`
  const scope = attributes.namespace === '' ? 'at the cluster scope' : `in the namespace "${attributes.namespace}"`
  return `User "${user.name}" cannot ${attributes.verb} resource "${resource}" in API group "${attributes.group}" ${scope}`
}
