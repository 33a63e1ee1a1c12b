// RBAC objects as rbac's validation of Kubernetes 1.32 checks them: policy rules need verbs and either
// API groups and resources or (cluster roles only) non-resource URLs; aggregation rules need selectors;
// bindings need a roleRef of the RBAC group naming a Role or ClusterRole, which never changes, and
// subjects of a known kind.
import type { KubeMap, KubeObject, KubeValue } from '@gitops-sdk/core'
import { isKubeMap } from '@gitops-sdk/core'
import { deepEqual } from '../../state/objects.js'
import type { FieldError } from '../../../status.js'
import { dns1123SubdomainErrors, pathSegmentErrors } from './formats.js'
import { goRoleRef, goStringSlice } from './goValues.js'
import { listOf, mapOf, stringOf, supported } from './pods.js'
import { labelSelectorErrors } from './selectors.js'

const GROUP = 'rbac.authorization.k8s.io'
const asValue = (value: KubeObject[string]): KubeValue | undefined => value as KubeValue | undefined
const count = (value: unknown): number => (Array.isArray(value) ? value.length : 0)

/** The rules of a Role (namespaced) or ClusterRole. */
export function roleErrors(object: KubeObject, namespaced: boolean): FieldError[] {
  const errors: FieldError[] = []
  listOf(asValue(object.rules)).forEach((rule, i) => {
    const at = `rules[${i}]`
    if (count(rule.verbs) === 0) errors.push({ type: 'Required', field: `${at}.verbs`, detail: 'verbs must contain at least one value' })
    if (count(rule.nonResourceURLs) > 0) {
      if (namespaced) errors.push({ type: 'Invalid', field: `${at}.nonResourceURLs`, shown: goStringSlice(rule.nonResourceURLs), detail: 'namespaced rules cannot apply to non-resource URLs' })
      if (count(rule.apiGroups) > 0 || count(rule.resources) > 0 || count(rule.resourceNames) > 0) {
        errors.push({ type: 'Invalid', field: `${at}.nonResourceURLs`, shown: goStringSlice(rule.nonResourceURLs), detail: 'rules cannot apply to both regular resources and non-resource URLs' })
      }
      return
    }
    if (count(rule.apiGroups) === 0) errors.push({ type: 'Required', field: `${at}.apiGroups`, detail: 'resource rules must supply at least one api group' })
    if (count(rule.resources) === 0) errors.push({ type: 'Required', field: `${at}.resources`, detail: 'resource rules must supply at least one resource' })
  })
  if (!namespaced && isKubeMap(asValue(object.aggregationRule))) {
    const selectors = listOf(mapOf(asValue(object.aggregationRule)).clusterRoleSelectors)
    if (selectors.length === 0) errors.push({ type: 'Required', field: 'aggregationRule.clusterRoleSelectors', detail: 'at least one clusterRoleSelector required if aggregationRule is non-nil' })
    selectors.forEach((s, i) => errors.push(...labelSelectorErrors(s, `aggregationRule.clusterRoleSelectors[${i}]`)))
  }
  return errors
}

function subjectErrors(subject: KubeMap, namespaced: boolean, at: string): FieldError[] {
  const errors: FieldError[] = []
  const name = stringOf(subject.name)
  const apiGroup = stringOf(subject.apiGroup)
  if (name === '') errors.push({ type: 'Required', field: `${at}.name` })
  const kind = stringOf(subject.kind)
  switch (kind) {
    case 'ServiceAccount':
      if (name !== '') for (const detail of dns1123SubdomainErrors(name)) errors.push({ type: 'Invalid', field: `${at}.name`, value: name, detail })
      if (apiGroup !== '') errors.push({ type: 'NotSupported', field: `${at}.apiGroup`, value: apiGroup, detail: supported(['']) })
      if (!namespaced && stringOf(subject.namespace) === '') errors.push({ type: 'Required', field: `${at}.namespace` })
      break
    case 'User':
    case 'Group':
      if (apiGroup !== GROUP) errors.push({ type: 'NotSupported', field: `${at}.apiGroup`, value: apiGroup, detail: supported([GROUP]) })
      break
    default:
      errors.push({ type: 'NotSupported', field: `${at}.kind`, value: kind, detail: supported(['ServiceAccount', 'User', 'Group']) })
  }
  return errors
}

/** A RoleBinding (namespaced) or ClusterRoleBinding; `live` on update, whose roleRef may not change. */
export function bindingErrors(object: KubeObject, namespaced: boolean, live: KubeObject | undefined): FieldError[] {
  const errors: FieldError[] = []
  const ref = mapOf(asValue(object.roleRef))
  const apiGroup = stringOf(ref.apiGroup)
  if (apiGroup !== GROUP) errors.push({ type: 'NotSupported', field: 'roleRef.apiGroup', value: apiGroup, detail: supported([GROUP]) })
  const kind = stringOf(ref.kind)
  const kinds = namespaced ? ['Role', 'ClusterRole'] : ['ClusterRole']
  if (!kinds.includes(kind)) errors.push({ type: 'NotSupported', field: 'roleRef.kind', value: kind, detail: supported(kinds) })
  const name = stringOf(ref.name)
  if (name === '') errors.push({ type: 'Required', field: 'roleRef.name' })
  else for (const detail of pathSegmentErrors(name, false)) errors.push({ type: 'Invalid', field: 'roleRef.name', value: name, detail })
  listOf(asValue(object.subjects)).forEach((s, i) => errors.push(...subjectErrors(s, namespaced, `subjects[${i}]`)))
  if (live !== undefined) {
    const before = live.roleRef
    if (!deepEqual(mapOf(asValue(before)), ref)) errors.push({ type: 'Invalid', field: 'roleRef', shown: goRoleRef(ref), detail: 'cannot change roleRef' })
  }
  return errors
}
