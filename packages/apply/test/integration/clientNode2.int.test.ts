// The same client over @kubernetes/client-node 2.x (undici instead of node-fetch) against the
// embedded apiserver over TLS: apply, read, list, prune and the inventory, end to end.
import type * as ClientNode from '@kubernetes/client-node'
import { describe, expect, it } from 'vitest'
import { formatChangeSet } from '@gitops-sdk/core'
import { applyAll, loadInventory, prune, saveInventory } from '../../src/index.js'
import { createKubeClientWith } from '../../src/createKubeClient.js'
import { configMap, deployment, useCluster } from '../helpers/cluster.js'

const env = useCluster()

describe('createKubeClient over client-node 2.x', () => {
  it('applies, stores the inventory, lists and prunes like 1.x does', async () => {
    const mod = (await import('client-node-2')) as unknown as typeof ClientNode
    const client = await createKubeClientWith(mod, { kubeconfigYaml: env.cluster.kubeconfigYaml })
    const ns = await env.cluster.namespace('cn2')
    const inventory = { name: 'app', namespace: ns }
    const first = await applyAll([configMap(ns, 'a'), deployment(ns, 'web')], { client, fieldManager: 'gitops', inventory })
    expect(formatChangeSet(first)).toBe([`ConfigMap/${ns}/a created`, `Deployment/${ns}/web created`].join('\n'))
    await saveInventory(first.inventory, { client, ref: inventory })
    const stored = await loadInventory(inventory, { client })
    expect(stored?.inventory).toEqual(first.inventory)
    const { items } = await client.list({ group: 'apps', kind: 'Deployment', namespace: ns })
    expect(items.map((d) => d.metadata.name)).toEqual(['web'])
    const second = await applyAll([configMap(ns, 'a')], { client, fieldManager: 'gitops', inventory })
    expect(second.entries.map((e) => e.action)).toEqual(['unchanged'])
    const pruned = await prune(first.inventory, second.inventory, { client, inventory })
    expect(formatChangeSet(pruned)).toBe(`Deployment/${ns}/web deleted`)
    // The 1.x client of the suite sees the same cluster.
    expect(await env.cluster.client.get({ group: 'apps', kind: 'Deployment', namespace: ns, name: 'web' })).toBeUndefined()
  })
})
