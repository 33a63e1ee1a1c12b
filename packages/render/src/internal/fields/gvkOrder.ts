// kustomize's legacy order of kinds (kyaml's Gvk.IsLessThan): a few kinds first, the webhook
// configurations last, the rest by group, version and kind.
import type { Gvk } from '../build/ids.js'

const ORDER_FIRST = [
  'Namespace',
  'ResourceQuota',
  'StorageClass',
  'CustomResourceDefinition',
  'ServiceAccount',
  'PodSecurityPolicy',
  'Role',
  'ClusterRole',
  'RoleBinding',
  'ClusterRoleBinding',
  'ConfigMap',
  'Secret',
  'Endpoints',
  'Service',
  'LimitRange',
  'PriorityClass',
  'PersistentVolume',
  'PersistentVolumeClaim',
  'Deployment',
  'StatefulSet',
  'CronJob',
  'PodDisruptionBudget',
]
const ORDER_LAST = ['MutatingWebhookConfiguration', 'ValidatingWebhookConfiguration']

/** Kind ranks of kustomize's legacy order: listed-first kinds negative, listed-last positive. */
export function typeOrders(first: readonly string[], last: readonly string[]): Map<string, number> {
  const m = new Map<string, number>()
  first.forEach((k, i) => m.set(k, -first.length + i))
  last.forEach((k, i) => m.set(k, 1 + i))
  return m
}

const GVK_ORDERS = typeOrders(ORDER_FIRST, ORDER_LAST)

export const DEFAULT_ORDER_FIRST: readonly string[] = ORDER_FIRST
export const DEFAULT_ORDER_LAST: readonly string[] = ORDER_LAST

function stableSortString(g: Gvk): string {
  return `${g.group || '~G'}_${g.version || '~V'}_${g.kind || '~K'}`
}

/** kyaml Gvk.IsLessThan as a comparator. */
export function compareGvk(a: Gvk, b: Gvk): number {
  const ia = GVK_ORDERS.get(a.kind) ?? 0
  const ib = GVK_ORDERS.get(b.kind) ?? 0
  if (ia !== ib) return ia - ib
  const sa = stableSortString(a)
  const sb = stableSortString(b)
  return sa < sb ? -1 : sa > sb ? 1 : 0
}

export function sortByGvk<T>(list: T[], gvkOf: (x: T) => Gvk): T[] {
  const keyed = list.map((x) => {
    const g = gvkOf(x)
    return { x, rank: GVK_ORDERS.get(g.kind) ?? 0, key: stableSortString(g) }
  })
  keyed.sort((a, b) => a.rank - b.rank || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))
  return keyed.map((k) => k.x)
}
