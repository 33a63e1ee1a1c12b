import { describe, expect, it } from 'vitest'
import { createInventory, inventoryDiff, inventoryOf, parseInventory, serializeInventory } from './index.js'
import type { InventoryEntry } from './index.js'

const entry = (kind: string, name: string, namespace = 'prod', group = 'apps', version = 'v1'): InventoryEntry => ({
  group,
  version,
  kind,
  namespace,
  name,
})

describe('inventory', () => {
  it('builds a sorted, deduplicated inventory from objects', () => {
    const inv = inventoryOf([
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b', namespace: 'prod' } },
      { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: 'prod' } },
      { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'b', namespace: 'prod' } },
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'prod' } },
    ])
    expect(inv.entries.map((e) => `${e.group}/${e.kind}/${e.namespace}/${e.name}`)).toEqual([
      '/ConfigMap/prod/b',
      '/Namespace//prod',
      'apps/Deployment/prod/web',
    ])
  })

  it('lists what the previous inventory has and the next one lacks', () => {
    const previous = createInventory([entry('Deployment', 'a'), entry('Deployment', 'b'), entry('Service', 'a', 'prod', '')])
    const next = createInventory([entry('Deployment', 'a')])
    expect(inventoryDiff(previous, next).map((e) => `${e.kind}/${e.name}`)).toEqual(['Service/a', 'Deployment/b'])
  })

  it('round-trips through its serialisation', () => {
    const inv = createInventory([entry('Deployment', 'a'), entry('ClusterRole', 'r', '', 'rbac.authorization.k8s.io'), entry('ConfigMap', 'c', 'x', '', 'v1')])
    expect(parseInventory(serializeInventory(inv))).toEqual(inv)
  })

  it('keeps 10,000 entries far under etcd’s 1.5 MiB object limit', () => {
    const entries: InventoryEntry[] = []
    const kinds = ['Deployment', 'Service', 'ConfigMap', 'Secret', 'ServiceAccount']
    for (let i = 0; i < 10_000; i++) {
      entries.push(entry(kinds[i % kinds.length] ?? 'X', `application-component-${i}`, `team-namespace-${i % 40}`))
    }
    const text = serializeInventory(createInventory(entries))
    expect(Buffer.byteLength(text)).toBeLessThan(512 * 1024)
    expect(parseInventory(text).entries).toHaveLength(10_000)
  })

  it.each([
    { name: 'not JSON', text: '{' },
    { name: 'another format', text: '{"format":"other/v9","entries":[]}' },
    { name: 'a malformed entry', text: '{"format":"gitops-sdk.inventory/v1","entries":[["v1","ConfigMap"]]}' },
    { name: 'an empty name', text: '{"format":"gitops-sdk.inventory/v1","entries":[["v1","ConfigMap","ns",[""]]]}' },
  ])('rejects $name with CORE_INVENTORY_INVALID', ({ text }) => {
    expect(() => parseInventory(text, 'ConfigMap/flux/inv')).toThrow(
      expect.objectContaining({ code: 'CORE_INVENTORY_INVALID', message: expect.stringMatching(/^ConfigMap\/flux\/inv: /) }),
    )
  })
})
