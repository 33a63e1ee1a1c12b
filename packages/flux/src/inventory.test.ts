import { describe, expect, it } from 'vitest'
import { createInventory } from '@gitops-sdk/core'
import { formatInventoryId, fromFluxInventory, parseInventoryId, toFluxInventory } from './inventory.js'

describe('formatInventoryId', () => {
  it.each([
    [{ group: 'apps', kind: 'Deployment', namespace: 'prod', name: 'web' }, 'prod_web_apps_Deployment'],
    [{ group: '', kind: 'Namespace', namespace: '', name: 'prod' }, '_prod__Namespace'],
    [{ group: '', kind: 'ConfigMap', namespace: 'prod', name: 'settings' }, 'prod_settings__ConfigMap'],
    [
      { group: 'rbac.authorization.k8s.io', kind: 'ClusterRole', namespace: '', name: 'system:aggregate' },
      '_system__aggregate_rbac.authorization.k8s.io_ClusterRole',
    ],
  ])('writes %j as %s, as Flux does', (ref, id) => {
    expect(formatInventoryId(ref)).toBe(id)
    expect(parseInventoryId(id)).toEqual(ref)
  })

  it.each(['', 'no-separators', 'a_b', 'ns_na_me_extra_group_Kind'])('refuses the malformed id %j', (id) => {
    expect(() => parseInventoryId(id)).toThrow(expect.objectContaining({ code: 'FLUX_INVENTORY_INVALID' }) as Error)
  })
})

describe('toFluxInventory', () => {
  it('round-trips an SDK inventory through Flux\'s status format, sorted by id', () => {
    const inventory = createInventory([
      { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'prod', name: 'web' },
      { group: '', version: 'v1', kind: 'Namespace', namespace: '', name: 'prod' },
    ])
    const flux = toFluxInventory(inventory)
    expect(flux).toEqual({
      entries: [
        { id: '_prod__Namespace', v: 'v1' },
        { id: 'prod_web_apps_Deployment', v: 'v1' },
      ],
    })
    expect(fromFluxInventory(flux)).toEqual(inventory)
  })

  it('refuses an entry without a version', () => {
    expect(() => fromFluxInventory({ entries: [{ id: 'prod_web_apps_Deployment', v: '' }] })).toThrow(
      expect.objectContaining({ code: 'FLUX_INVENTORY_INVALID' }) as Error,
    )
  })
})
