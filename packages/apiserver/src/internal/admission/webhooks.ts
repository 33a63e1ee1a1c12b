// Which admission webhooks a request goes to, as kube-apiserver 1.32's webhook admission plugin
// decides it: the webhooks of every Mutating- or ValidatingWebhookConfiguration (configurations by
// name, webhooks in their order), each matched on its rules (operations, apiGroups, apiVersions,
// resources with `res/sub` and `*` forms, scope), matchPolicy, namespaceSelector and objectSelector.
import { isKubeMap } from '@gitops-sdk/core'
import type { KubeMap, KubeObject } from '@gitops-sdk/core'
import type { Cluster } from '../state/cluster.js'
import type { ResourceType } from '../state/registry.js'
import { namespaceType } from '../state/registry.js'
import { labelSelectorMatcher } from '../rules/selectors.js'
import { text } from '../state/objects.js'
import type { MatchConditions } from './matchConditions.js'
import { conditionsOf } from './matchConditions.js'
import { strings } from '../rules/strings.js'

/** The operations a webhook rule names. */
export type Operation = 'CREATE' | 'UPDATE' | 'DELETE' | 'CONNECT'

/** One webhook of a configuration, with kube-apiserver's defaults filled in. */
export interface Webhook {
  readonly mutating: boolean
  readonly configuration: string
  readonly name: string
  readonly clientConfig: KubeMap
  readonly rules: readonly KubeMap[]
  readonly failurePolicy: 'Fail' | 'Ignore'
  readonly matchPolicy: 'Exact' | 'Equivalent'
  readonly namespaceSelector: KubeMap
  readonly objectSelector: KubeMap
  readonly sideEffects: string
  /** Seconds, 1 to 30 (default 10). */
  readonly timeoutSeconds: number
  readonly reinvocationPolicy: 'Never' | 'IfNeeded'
  /** CEL conditions that must all hold for the webhook to be called. */
  readonly matchConditions: MatchConditions['conditions']
}

/** What a request is, as webhook rules see it. */
export interface AdmissionAttributes {
  readonly type: ResourceType
  readonly subresource: string
  readonly operation: Operation
  readonly namespace: string
  readonly name: string
  readonly object: KubeObject | undefined
  readonly oldObject: KubeObject | undefined
}

function webhooksOf(cluster: Cluster, mutating: boolean): Webhook[] {
  const plural = mutating ? 'mutatingwebhookconfigurations' : 'validatingwebhookconfigurations'
  const type = cluster.types.get(`admissionregistration.k8s.io/${plural}`)
  if (type === undefined) return []
  const out: Webhook[] = []
  // The store lists by name, which is the order kube-apiserver calls configurations in.
  for (const configuration of cluster.store.list(type)) {
    const hooks = (configuration as unknown as KubeMap).webhooks
    if (!Array.isArray(hooks)) continue
    for (const hook of hooks.filter(isKubeMap)) {
      const timeout = typeof hook.timeoutSeconds === 'number' ? hook.timeoutSeconds : 10
      out.push({
        mutating,
        configuration: configuration.metadata.name,
        name: text(hook.name),
        clientConfig: isKubeMap(hook.clientConfig) ? hook.clientConfig : {},
        rules: Array.isArray(hook.rules) ? hook.rules.filter(isKubeMap) : [],
        failurePolicy: hook.failurePolicy === 'Ignore' ? 'Ignore' : 'Fail',
        matchPolicy: hook.matchPolicy === 'Exact' ? 'Exact' : 'Equivalent',
        namespaceSelector: isKubeMap(hook.namespaceSelector) ? hook.namespaceSelector : {},
        objectSelector: isKubeMap(hook.objectSelector) ? hook.objectSelector : {},
        sideEffects: text(hook.sideEffects),
        timeoutSeconds: Math.min(30, Math.max(1, Math.trunc(timeout))),
        reinvocationPolicy: hook.reinvocationPolicy === 'IfNeeded' ? 'IfNeeded' : 'Never',
        matchConditions: conditionsOf(hook),
      })
    }
  }
  return out
}

/** Whether any webhook configuration exists: without one, writes skip admission entirely. */
export function hasWebhooks(cluster: Cluster): boolean {
  for (const plural of ['mutatingwebhookconfigurations', 'validatingwebhookconfigurations']) {
    const type = cluster.types.get(`admissionregistration.k8s.io/${plural}`)
    if (type !== undefined && cluster.store.list(type).length > 0) return true
  }
  return false
}

const listHas = (values: readonly string[], value: string): boolean => values.includes('*') || values.includes(value)

function resourceMatches(patterns: readonly string[], resource: string, subresource: string): boolean {
  for (const pattern of patterns) {
    const [res = '', sub] = pattern.split('/', 2)
    if (sub === undefined) {
      if (subresource === '' && (res === '*' || res === resource)) return true
    } else if ((res === '*' || res === resource) && (sub === '*' || sub === subresource)) return true
  }
  return false
}

function ruleMatches(rule: KubeMap, attributes: AdmissionAttributes, matchPolicy: Webhook['matchPolicy']): boolean {
  const { type } = attributes
  if (!listHas(strings(rule.operations), attributes.operation)) return false
  if (!listHas(strings(rule.apiGroups), type.group)) return false
  // The server serves one version of each resource, so under Equivalent a rule for another version
  // of the same group and resource matches, and the object is sent in the served version.
  if (matchPolicy === 'Exact' && !listHas(strings(rule.apiVersions), type.version)) return false
  if (strings(rule.apiVersions).length === 0) return false
  if (!resourceMatches(strings(rule.resources), type.plural, attributes.subresource)) return false
  const scope = typeof rule.scope === 'string' ? rule.scope : '*'
  if (scope === 'Cluster' && type.namespaced) return false
  if (scope === 'Namespaced' && !type.namespaced) return false
  return true
}

function namespaceMatches(cluster: Cluster, webhook: Webhook, attributes: AdmissionAttributes): boolean {
  const matches = labelSelectorMatcher(webhook.namespaceSelector)
  // A Namespace is matched on its own labels; other cluster-scoped objects always match.
  if (attributes.type === namespaceType) return matches((attributes.object ?? attributes.oldObject)?.metadata.labels)
  if (!attributes.type.namespaced) return true
  const namespace = cluster.store.get(namespaceType, '', attributes.namespace)
  return matches(namespace?.metadata.labels)
}

function objectMatches(webhook: Webhook, attributes: AdmissionAttributes): boolean {
  if (Object.keys(webhook.objectSelector).length === 0) return true
  const matches = labelSelectorMatcher(webhook.objectSelector)
  // An absent object (the old one of a create, the new one of a delete) matches nothing.
  const { object, oldObject } = attributes
  return (object !== undefined && matches(object.metadata.labels)) || (oldObject !== undefined && matches(oldObject.metadata.labels))
}

/** The webhooks whose rules match the request (objects not considered). */
export function candidateWebhooks(cluster: Cluster, mutating: boolean, attributes: Omit<AdmissionAttributes, 'object' | 'oldObject'>): Webhook[] {
  const full: AdmissionAttributes = { ...attributes, object: undefined, oldObject: undefined }
  return webhooksOf(cluster, mutating).filter((w) => w.rules.some((rule) => ruleMatches(rule, full, w.matchPolicy)))
}

/** Whether `webhook` is called for a request on these objects (its namespace and object selectors). */
export function selectorsMatch(cluster: Cluster, webhook: Webhook, attributes: AdmissionAttributes): boolean {
  return namespaceMatches(cluster, webhook, attributes) && objectMatches(webhook, attributes)
}
