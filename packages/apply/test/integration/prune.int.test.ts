import { describe, expect, it } from 'vitest'
import { createInventory, formatChangeSet, inventoryOf } from '@gitops-sdk/core'
import type { KubeObject } from '@gitops-sdk/core'
import { ANNOTATIONS, applyAll, ApplyError, applySetId, FLUX_ANNOTATIONS, loadInventory, prune, saveInventory } from '../../src/index.js'
import type { InventoryRef } from '../../src/index.js'
import { configMap, deployment, useCluster } from '../helpers/cluster.js'

const env = useCluster()

const fieldManager = 'gitops-test'

async function exists(ns: string, name: string, kind = 'ConfigMap', group = ''): Promise<boolean> {
  return (await env.cluster.client.get({ group, kind, namespace: ns, name })) !== undefined
}

describe('prune', () => {
  it('deletes what left the inventory and keeps the rest', async () => {
    const ns = await env.cluster.namespace('prune')
    const inventory: InventoryRef = { name: 'app', namespace: ns }
    const first = await applyAll([configMap(ns, 'a'), configMap(ns, 'b'), deployment(ns, 'web')], { client: env.cluster.client, fieldManager, inventory })
    const second = await applyAll([configMap(ns, 'a')], { client: env.cluster.client, fieldManager, inventory })
    const pruned = await prune(first.inventory, second.inventory, { client: env.cluster.client, inventory })
    expect(formatChangeSet(pruned)).toBe([`Deployment/${ns}/web deleted`, `ConfigMap/${ns}/b deleted`].join('\n'))
    expect(await exists(ns, 'a')).toBe(true)
    expect(await exists(ns, 'b')).toBe(false)
    expect(await exists(ns, 'web', 'Deployment', 'apps')).toBe(false)
  })

  it('keeps objects whose prune annotation is disabled, in either spelling', async () => {
    const ns = await env.cluster.namespace('keep')
    const inventory: InventoryRef = { name: 'app', namespace: ns }
    const kept = (name: string, key: string): KubeObject => ({ ...configMap(ns, name), metadata: { name, namespace: ns, annotations: { [key]: 'disabled' } } })
    const first = await applyAll([kept('sdk', ANNOTATIONS.prune), kept('flux', FLUX_ANNOTATIONS.prune)], { client: env.cluster.client, fieldManager, inventory })
    const pruned = await prune(first.inventory, createInventory([]), { client: env.cluster.client, inventory, allowEmpty: true })
    expect(pruned.entries.map((e) => `${e.ref.name} ${e.action}: ${e.reason}`)).toEqual(['flux skipped: its prune annotation is disabled', 'sdk skipped: its prune annotation is disabled'])
    expect(await exists(ns, 'sdk')).toBe(true)
    expect(await exists(ns, 'flux')).toBe(true)
  })

  it('does not delete an object with the same name that another owner created', async () => {
    const ns = await env.cluster.namespace('foreign')
    const inventory: InventoryRef = { name: 'app', namespace: ns }
    await env.cluster.kubectlApply([configMap(ns, 'theirs')], 'someone-else')
    const previous = inventoryOf([configMap(ns, 'theirs')])
    const pruned = await prune(previous, createInventory([]), { client: env.cluster.client, inventory, allowEmpty: true })
    expect(pruned.entries[0]).toMatchObject({ action: 'skipped', reason: `not owned by inventory ${ns}/app (it belongs to no inventory)`, reasonCode: 'PRUNE_NOT_OWNED' })
    expect(await exists(ns, 'theirs')).toBe(true)
  })

  it('keeps a Namespace that still holds objects of another inventory, and says so', async () => {
    const ns = `shared-${Math.random().toString(36).slice(2, 8)}`
    const mine: InventoryRef = { name: 'mine', namespace: 'default' }
    const first = await applyAll([{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }], { client: env.cluster.client, fieldManager, inventory: mine })
    await applyAll([configMap(ns, 'tenant')], { client: env.cluster.client, fieldManager, inventory: { name: 'other', namespace: 'default' } })
    const pruned = await prune(first.inventory, createInventory([]), { client: env.cluster.client, inventory: mine, allowEmpty: true })
    expect(pruned.entries[0]).toMatchObject({ action: 'skipped', reason: `it still holds objects of another inventory: ConfigMap/${ns}/tenant`, reasonCode: 'PRUNE_FOREIGN_OBJECTS' })
    expect(await exists('', ns, 'Namespace')).toBe(true)
  })

  it('reports an object already gone as skipped', async () => {
    const ns = await env.cluster.namespace('gone')
    const inventory: InventoryRef = { name: 'app', namespace: ns }
    const pruned = await prune(inventoryOf([configMap(ns, 'never')]), createInventory([]), { client: env.cluster.client, inventory, allowEmpty: true })
    expect(pruned.entries).toEqual([{ ref: { group: '', kind: 'ConfigMap', namespace: ns, name: 'never' }, action: 'skipped', reason: 'already deleted', reasonCode: 'PRUNE_ALREADY_DELETED' }])
  })

  it('prunes nothing after a failed apply, in the order a caller uses it', async () => {
    const ns = await env.cluster.namespace('failed')
    const inventory: InventoryRef = { name: 'app', namespace: ns }
    const first = await applyAll([configMap(ns, 'a'), configMap(ns, 'b')], { client: env.cluster.client, fieldManager, inventory })
    await saveInventory(first.inventory, { client: env.cluster.client, ref: inventory })
    const bad: KubeObject = { ...deployment(ns, 'web'), spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'c' } }, spec: { containers: [{ name: 'x', image: 'y' }] } } } }
    const run = async (): Promise<void> => {
      const previous = await loadInventory(inventory, { client: env.cluster.client })
      const result = await applyAll([configMap(ns, 'a'), bad], { client: env.cluster.client, fieldManager, inventory })
      if (previous !== undefined) await prune(previous.inventory, result.inventory, { client: env.cluster.client, inventory })
    }
    await expect(run()).rejects.toBeInstanceOf(ApplyError)
    expect(await exists(ns, 'b')).toBe(true)
    expect((await loadInventory(inventory, { client: env.cluster.client }))?.inventory).toEqual(first.inventory)
  })
})

describe('saveInventory and loadInventory', () => {
  it('round-trips an inventory and its revision through a ConfigMap and a Secret', async () => {
    const ns = await env.cluster.namespace('inv')
    const inventory = inventoryOf([configMap(ns, 'a'), deployment(ns, 'web')])
    for (const kind of ['ConfigMap', 'Secret'] as const) {
      const ref: InventoryRef = { name: 'app', namespace: ns, kind }
      expect(await loadInventory(ref, { client: env.cluster.client })).toBeUndefined()
      await saveInventory(inventory, { client: env.cluster.client, ref, revision: 'main@sha1:0123' })
      expect(await loadInventory(ref, { client: env.cluster.client })).toEqual({ inventory, revision: 'main@sha1:0123' })
    }
  })

  it('writes the ApplySet parent labels and annotations', async () => {
    const ns = await env.cluster.namespace('applyset')
    const ref: InventoryRef = { name: 'app', namespace: ns }
    await saveInventory(inventoryOf([configMap(ns, 'a'), configMap('other', 'b'), deployment(ns, 'web')]), { client: env.cluster.client, ref, applySet: true })
    const parent = await env.cluster.client.get({ group: '', kind: 'ConfigMap', namespace: ns, name: 'app' })
    expect(parent?.metadata.labels?.['applyset.kubernetes.io/id']).toBe(applySetId(ref))
    expect(parent?.metadata.annotations).toMatchObject({
      'applyset.kubernetes.io/contains-group-kinds': 'ConfigMap,Deployment.apps',
      'applyset.kubernetes.io/additional-namespaces': 'other',
    })
  })

  it('refuses a ConfigMap that holds no inventory', async () => {
    const ns = await env.cluster.namespace('notinv')
    await env.cluster.client.apply(configMap(ns, 'app'), { fieldManager })
    await expect(loadInventory({ name: 'app', namespace: ns }, { client: env.cluster.client })).rejects.toMatchObject({ code: 'APPLY_INVENTORY_INVALID' })
  })
})
