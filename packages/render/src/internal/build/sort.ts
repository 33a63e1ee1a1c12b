// Output order: kustomize's legacy order (kinds listed first, by kind rank, then GVK, namespace
// and name) unless the top kustomization's sortOptions asks for fifo (input order) or gives its
// own orderFirst/orderLast lists.
import { DEFAULT_ORDER_FIRST, DEFAULT_ORDER_LAST, typeOrders } from '../fields/gvkOrder.js'
import { stepError } from './fail.js'
import type { Gvk } from './ids.js'
import { gvkEquals, gvkString } from './ids.js'
import type { Kustomization } from './kustomization.js'
import type { Resource } from './resource.js'

function gvkSortString(g: Gvk): string {
  return `${g.group || '~G'}_${g.version || '~V'}_${g.kind || '~K'}`
}

/** Sorts as the SortOrderTransformer would, or throws for invalid sortOptions. */
export function sortResources(list: readonly Resource[], options: Kustomization['sortOptions']): Resource[] {
  const order = options === undefined ? 'legacy' : options.order
  if (order !== 'fifo' && order !== 'legacy') throw stepError('RENDER_KUSTOMIZATION_INVALID', "the field 'sortOptions.order' must be one of [fifo, legacy]")
  if (order === 'fifo') {
    if (options?.legacySortOptions !== undefined) {
      throw stepError('RENDER_KUSTOMIZATION_INVALID', "the field 'sortOptions.legacySortOptions' is set but the selected sort order is 'fifo', not 'legacy'")
    }
    return [...list]
  }
  const lso = options?.legacySortOptions
  const ranks = lso === undefined ? typeOrders(DEFAULT_ORDER_FIRST, DEFAULT_ORDER_LAST) : typeOrders(lso.orderFirst ?? [], lso.orderLast ?? [])
  const keyed = list.map((r) => {
    const id = r.curId()
    return {
      r,
      gvk: id,
      rank: ranks.get(id.kind) ?? 0,
      gvkKey: gvkSortString(id),
      idKey: `${gvkString(id)}|${id.namespace || '~X'}|${id.name || '~N'}`,
    }
  })
  keyed.sort((a, b) => {
    if (!gvkEquals(a.gvk, b.gvk)) {
      if (a.rank !== b.rank) return a.rank - b.rank
      if (a.gvk.kind === 'Namespace' && b.gvk.kind === 'Namespace' && (a.gvk.group === '' || b.gvk.group === '')) {
        return a.gvkKey > b.gvkKey ? -1 : a.gvkKey < b.gvkKey ? 1 : 0
      }
      return a.gvkKey < b.gvkKey ? -1 : a.gvkKey > b.gvkKey ? 1 : 0
    }
    return a.idKey < b.idKey ? -1 : a.idKey > b.idKey ? 1 : 0
  })
  return keyed.map((k) => k.r)
}
