// Faults that would delete what should live, or leave objects no prune can remove: each ends in a
// typed error naming its subject, and the cluster and the inventory stay as they were.
import { describe, expect, it } from 'vitest'
import { createInventory, inventoryOf } from '@gitops-sdk/core'
import type { KubeObject } from '@gitops-sdk/core'
import { applyAll, loadInventory, prune, saveInventory } from '../../src/index.js'
import type { InventoryRef } from '../../src/index.js'
import { configMap, useCluster } from '../helpers/cluster.js'

const env = useCluster()
const fieldManager = 'gitops-faults'

async function exists(ns: string, name: string, kind = 'ConfigMap', group = ''): Promise<boolean> {
  return (await env.cluster.client.get({ group, kind, namespace: ns, name })) !== undefined
}

/** Two ConfigMaps applied and stored in the inventory `app`. */
async function applied(prefix: string): Promise<{ ns: string; inventory: InventoryRef; stored: string }> {
  const ns = await env.cluster.namespace(prefix)
  const inventory: InventoryRef = { name: 'app', namespace: ns }
  const result = await applyAll([configMap(ns, 'a'), configMap(ns, 'b')], { client: env.cluster.client, fieldManager, inventory })
  await saveInventory(result.inventory, { client: env.cluster.client, ref: inventory, fieldManager })
  return { ns, inventory, stored: JSON.stringify(await loadInventory(inventory, { client: env.cluster.client })) }
}

describe('an empty desired set over a non-empty inventory', () => {
  it('is refused by prune with APPLY_EMPTY_DESIRED_SET naming the inventory; nothing is deleted', async () => {
    const { ns, inventory, stored } = await applied('empty-prune')
    const previous = (await loadInventory(inventory, { client: env.cluster.client }))?.inventory ?? createInventory([])
    const err = await prune(previous, createInventory([]), { client: env.cluster.client, inventory }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'APPLY_EMPTY_DESIRED_SET', message: expect.stringMatching(new RegExp(`^ConfigMap/${ns}/app: no objects passed to apply`)) })
    expect(await exists(ns, 'a')).toBe(true)
    expect(await exists(ns, 'b')).toBe(true)
    expect(JSON.stringify(await loadInventory(inventory, { client: env.cluster.client }))).toBe(stored)
  })

  it('is refused by applyAll before anything is written', async () => {
    const { ns, inventory, stored } = await applied('empty-apply')
    const err = await applyAll([], { client: env.cluster.client, fieldManager, inventory }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'APPLY_EMPTY_DESIRED_SET', message: expect.stringContaining(`ConfigMap/${ns}/app: no objects passed to apply while the inventory holds 2 objects`) })
    expect(await exists(ns, 'a')).toBe(true)
    expect(JSON.stringify(await loadInventory(inventory, { client: env.cluster.client }))).toBe(stored)
  })

  it('is accepted with allowEmpty, and then prunes the inventory', async () => {
    const { ns, inventory } = await applied('empty-allowed')
    const previous = (await loadInventory(inventory, { client: env.cluster.client }))?.inventory ?? createInventory([])
    const result = await applyAll([], { client: env.cluster.client, fieldManager, inventory, allowEmpty: true })
    const pruned = await prune(previous, result.inventory, { client: env.cluster.client, inventory, allowEmpty: true })
    expect(pruned.entries.map((e) => e.action)).toEqual(['deleted', 'deleted'])
    expect(await exists(ns, 'a')).toBe(false)
  })

  it('is no fault when the inventory is empty or absent', async () => {
    const ns = await env.cluster.namespace('empty-new')
    const inventory: InventoryRef = { name: 'app', namespace: ns }
    await expect(applyAll([], { client: env.cluster.client, fieldManager, inventory })).resolves.toMatchObject({ entries: [] })
    await expect(prune(createInventory([]), createInventory([]), { client: env.cluster.client, inventory })).resolves.toEqual({ entries: [] })
  })
})

describe('an inventory whose namespace does not exist', () => {
  it('fails applyAll with APPLY_INVENTORY_LOCATION_MISSING before any object is written', async () => {
    const ns = await env.cluster.namespace('inv-missing')
    const missing = `nowhere-${Math.random().toString(36).slice(2, 8)}`
    const inventory: InventoryRef = { name: 'app', namespace: missing }
    const err = await applyAll([configMap(ns, 'a')], { client: env.cluster.client, fieldManager, inventory }).catch((e: unknown) => e)
    expect(err).toMatchObject({
      code: 'APPLY_INVENTORY_LOCATION_MISSING',
      message: `ConfigMap/${missing}/app: the inventory cannot be stored: namespace "${missing}" does not exist (create it, or add it to the objects); nothing was applied`,
    })
    expect(await exists(ns, 'a')).toBe(false)
    expect(await exists('', missing, 'Namespace')).toBe(false)
  })

  it('also fails a dry run, which writes nothing either way', async () => {
    const missing = `nowhere-${Math.random().toString(36).slice(2, 8)}`
    const inventory: InventoryRef = { name: 'app', namespace: missing, kind: 'Secret' }
    await expect(applyAll([configMap('default', 'dry')], { client: env.cluster.client, fieldManager, inventory, dryRun: true })).rejects.toMatchObject({
      code: 'APPLY_INVENTORY_LOCATION_MISSING',
      message: expect.stringMatching(new RegExp(`^Secret/${missing}/app: `)),
    })
  })

  it('is fine when the objects create the namespace: the inventory can be stored after them', async () => {
    const ns = `inv-created-${Math.random().toString(36).slice(2, 8)}`
    const inventory: InventoryRef = { name: 'app', namespace: ns }
    const namespace: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }
    const result = await applyAll([namespace, configMap(ns, 'a')], { client: env.cluster.client, fieldManager, inventory })
    await saveInventory(result.inventory, { client: env.cluster.client, ref: inventory, fieldManager })
    expect((await loadInventory(inventory, { client: env.cluster.client }))?.inventory).toEqual(inventoryOf([namespace, configMap(ns, 'a')]))
  })
})

describe('the inventory location check', () => {
  it('costs no request when the apply writes nothing', async () => {
    const ns = await env.cluster.namespace('inv-noop')
    await applyAll([configMap(ns, 'a')], { client: env.cluster.client, fieldManager, inventory: { name: 'app', namespace: ns } })
    // The same objects, unchanged: nothing is written, so nothing could be orphaned.
    const verbs: string[] = []
    const client = await env.cluster.newClient((r) => verbs.push(r.verb))
    const again = await applyAll([configMap(ns, 'a')], { client, fieldManager, inventory: { name: 'app', namespace: ns } })
    expect(again.entries.map((e) => e.action)).toEqual(['unchanged'])
    // One read of the live object, and no read or dry-run write of the inventory.
    expect(verbs.filter((v) => v !== 'discovery')).toEqual(['get'])
  })

  it("is not made when the caller stores the inventory (inventoryStore: 'caller'), and still is by default", async () => {
    const ns = await env.cluster.namespace('inv-caller')
    // Named after a namespace that does not exist: only a label, as a Kustomization's
    // `.status.inventory` is; the objects are labelled for it all the same.
    const inventory: InventoryRef = { name: 'app', namespace: `kept-by-caller-${Math.random().toString(36).slice(2, 8)}` }
    const requests: string[] = []
    const client = await env.cluster.newClient((r) => requests.push(`${r.verb}${r.dryRun ? ' (dry run)' : ''} ${r.url ?? ''}`))
    const inventoryRequests = (): string[] => requests.filter((r) => r.includes(`/namespaces/${inventory.namespace}/`))
    const result = await applyAll([configMap(ns, 'a')], { client, fieldManager, inventory, inventoryStore: 'caller' })
    expect(result.entries.map((e) => e.action)).toEqual(['created'])
    expect((await env.cluster.client.get({ group: '', kind: 'ConfigMap', namespace: ns, name: 'a' }))?.metadata.labels).toMatchObject({ 'gitops-sdk.io/inventory-name': 'app', 'gitops-sdk.io/inventory-namespace': inventory.namespace })
    // No read and no dry-run write of a ConfigMap or Secret named as the inventory.
    expect(requests.some((r) => r.startsWith('apply '))).toBe(true)
    expect(inventoryRequests()).toEqual([])
    // An empty set is the caller's to guard too: no stored inventory is read.
    await expect(applyAll([], { client, fieldManager, inventory, inventoryStore: 'caller' })).resolves.toMatchObject({ entries: [] })
    expect(inventoryRequests()).toEqual([])
    // The default keeps the guard: the same apply into another namespace is refused, nothing written.
    const err = await applyAll([configMap(ns, 'b')], { client, fieldManager, inventory }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'APPLY_INVENTORY_LOCATION_MISSING', message: expect.stringMatching(new RegExp(`^ConfigMap/${inventory.namespace}/app: `)) })
    expect(await exists(ns, 'b')).toBe(false)
    expect(inventoryRequests().length).toBeGreaterThan(0)
    await expect(applyAll([configMap(ns, 'c')], { client, fieldManager, inventory, inventoryStore: 'elsewhere' as 'caller' })).rejects.toThrow("options.inventoryStore must be 'object' or 'caller'")
  })
})

describe('a prune whose stale objects include the inventory location', () => {
  /** A Namespace, a ConfigMap in it, and the inventory stored in the same Namespace. */
  async function inventoryInOwnNamespace(prefix: string): Promise<{ ns: string; inventory: InventoryRef; namespace: KubeObject }> {
    const ns = `${prefix}-${Math.random().toString(36).slice(2, 8)}`
    const inventory: InventoryRef = { name: 'app', namespace: ns }
    const namespace: KubeObject = { apiVersion: 'v1', kind: 'Namespace', metadata: { name: ns } }
    const result = await applyAll([namespace, configMap(ns, 'a')], { client: env.cluster.client, fieldManager, inventory })
    await saveInventory(result.inventory, { client: env.cluster.client, ref: inventory, fieldManager })
    return { ns, inventory, namespace }
  }

  it('keeps the Namespace that holds the inventory (PRUNE_HOLDS_INVENTORY) on an allowed empty set, so the inventory can still be saved', async () => {
    const { ns, inventory } = await inventoryInOwnNamespace('inv-own-ns')
    const previous = (await loadInventory(inventory, { client: env.cluster.client }))?.inventory ?? createInventory([])
    const result = await applyAll([], { client: env.cluster.client, fieldManager, inventory, allowEmpty: true })
    const pruned = await prune(previous, result.inventory, { client: env.cluster.client, inventory, allowEmpty: true })
    expect(pruned.entries).toEqual([
      { ref: { group: '', kind: 'Namespace', namespace: '', name: ns }, action: 'skipped', reason: `it holds the inventory ConfigMap/${ns}/app`, reasonCode: 'PRUNE_HOLDS_INVENTORY' },
      { ref: { group: '', kind: 'ConfigMap', namespace: ns, name: 'a' }, action: 'deleted', reason: undefined },
    ])
    await saveInventory(result.inventory, { client: env.cluster.client, ref: inventory, fieldManager })
    expect(await exists('', ns, 'Namespace')).toBe(true)
    expect(await exists(ns, 'a')).toBe(false)
    expect((await loadInventory(inventory, { client: env.cluster.client }))?.inventory).toEqual(createInventory([]))
  })

  it('keeps it when only the Namespace left the desired set, and in a dry run', async () => {
    const { ns, inventory } = await inventoryInOwnNamespace('inv-own-ns-left')
    const previous = (await loadInventory(inventory, { client: env.cluster.client }))?.inventory ?? createInventory([])
    const result = await applyAll([configMap(ns, 'a')], { client: env.cluster.client, fieldManager, inventory })
    for (const dryRun of [true, false]) {
      const pruned = await prune(previous, result.inventory, { client: env.cluster.client, inventory, dryRun })
      expect(pruned.entries.map((e) => [e.ref.kind, e.action, e.reasonCode])).toEqual([['Namespace', 'skipped', 'PRUNE_HOLDS_INVENTORY']])
    }
    await saveInventory(result.inventory, { client: env.cluster.client, ref: inventory, fieldManager })
    expect(await exists('', ns, 'Namespace')).toBe(true)
    expect(await exists(ns, 'a')).toBe(true)
  })

  it('never deletes the inventory ConfigMap itself when an earlier apply listed it (PRUNE_IS_INVENTORY)', async () => {
    const ns = await env.cluster.namespace('inv-self')
    const inventory: InventoryRef = { name: 'app', namespace: ns }
    const previous = inventoryOf([configMap(ns, 'app'), configMap(ns, 'b')])
    await saveInventory(previous, { client: env.cluster.client, ref: inventory, fieldManager })
    const result = await applyAll([configMap(ns, 'c')], { client: env.cluster.client, fieldManager, inventory })
    const pruned = await prune(previous, result.inventory, { client: env.cluster.client, inventory })
    expect(pruned.entries.find((e) => e.ref.name === 'app')).toMatchObject({ action: 'skipped', reasonCode: 'PRUNE_IS_INVENTORY' })
    expect(await exists(ns, 'app')).toBe(true)
  })
})
