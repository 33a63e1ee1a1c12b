// One field-manager default across the library and the CLI: `gitops`.
import { describe, expect, it } from 'vitest'
import { applyAll, DEFAULT_FIELD_MANAGER, diff, saveInventory } from '../../src/index.js'
import { configMap, useCluster } from '../helpers/cluster.js'

const env = useCluster()

function managers(object: { metadata: Record<string, unknown> } | undefined): string[] {
  const entries = Array.isArray(object?.metadata.managedFields) ? (object.metadata.managedFields as { manager?: string }[]) : []
  return entries.map((e) => e.manager ?? '')
}

describe('the default field manager', () => {
  it('is gitops for applyAll, diff and saveInventory alike', async () => {
    expect(DEFAULT_FIELD_MANAGER).toBe('gitops')
    if (!env.ownership) return
    const ns = await env.cluster.namespace('manager')
    const inventory = { name: 'app', namespace: ns }
    const result = await applyAll([configMap(ns, 'a')], { client: env.cluster.client, inventory })
    await saveInventory(result.inventory, { client: env.cluster.client, ref: inventory })
    expect(managers(await env.cluster.client.get({ group: '', kind: 'ConfigMap', namespace: ns, name: 'a' }))).toEqual(['gitops'])
    expect(managers(await env.cluster.client.get({ group: '', kind: 'ConfigMap', namespace: ns, name: 'app' }))).toEqual(['gitops'])
    // diff dry-runs as the same manager: nothing to remove, nothing drifted.
    const report = await diff([configMap(ns, 'a')], { client: env.cluster.client, inventory })
    expect(report.objects.map((o) => o.status)).toEqual(['unchanged'])
  })
})
