import { describe, expect, it } from 'vitest'
import { createInventory, inventoryOf } from '@gitops-sdk/core'
import type { KubeObject } from '@gitops-sdk/core'
import { applyAll, detectDrift, diff, formatDiff } from '../../src/index.js'
import type { InventoryRef } from '../../src/index.js'
import { configMap, deployment, useCluster } from '../helpers/cluster.js'

const env = useCluster()

const fieldManager = 'gitops-test'

describe('diff', () => {
  it('reports nothing for objects just applied', async () => {
    const ns = await env.cluster.namespace('same')
    const objects = [configMap(ns, 'a'), deployment(ns, 'web')]
    await applyAll(objects, { client: env.cluster.client, fieldManager })
    const report = await diff(objects, { client: env.cluster.client, fieldManager })
    expect(report.drifted).toBe(false)
    expect(report.objects.map((o) => o.status)).toEqual(['unchanged', 'unchanged'])
    expect(formatDiff(report)).toBe('2 unchanged\n')
  })

  it('reports changed fields with live and desired values, missing objects and orphans', async () => {
    const ns = await env.cluster.namespace('drift')
    const inventory: InventoryRef = { name: 'app', namespace: ns }
    const first = await applyAll([configMap(ns, 'a', { key: 'one' }), configMap(ns, 'old')], { client: env.cluster.client, fieldManager, inventory })
    const report = await diff([configMap(ns, 'a', { key: 'two' }), configMap(ns, 'new')], { client: env.cluster.client, fieldManager, inventory, previous: first.inventory })
    expect(report.drifted).toBe(true)
    expect(report.objects.map((o) => [o.ref.name, o.status])).toEqual([['a', 'drifted'], ['new', 'missing'], ['old', 'orphaned']])
    expect(report.objects[0]?.fields).toEqual([expect.objectContaining({ path: '.data.key', live: 'one', desired: 'two' })])
    expect(report.objects[1]?.fields[0]).toMatchObject({ path: '.', desired: { kind: 'ConfigMap', data: { key: 'value' } } })
    expect(formatDiff(report)).toContain([`--- ConfigMap/${ns}/a (live)`, `+++ ConfigMap/${ns}/a (desired)`].join('\n'))
    expect(formatDiff(report)).toContain('@@ .data.key @@')
    expect(formatDiff(report)).toMatch(/-one\n\+two\n/)
    expect(formatDiff(report, { color: true })).toContain('\u001b[31m-one\u001b[0m')
  })

  it('masks Secret values with a hash that shows whether they changed', async () => {
    const ns = await env.cluster.namespace('secret')
    const secret = (password: string, token: string): KubeObject => ({ apiVersion: 'v1', kind: 'Secret', metadata: { name: 's', namespace: ns }, type: 'Opaque', data: { password: Buffer.from(password).toString('base64'), token: Buffer.from(token).toString('base64') } })
    await applyAll([secret('hunter2', 'same')], { client: env.cluster.client, fieldManager })
    const report = await diff([secret('correct-horse', 'same')], { client: env.cluster.client, fieldManager, maskKey: 'test' })
    const fields = report.objects[0]?.fields ?? []
    expect(fields.map((f) => f.path)).toEqual(['.data.password'])
    expect(fields[0]?.live).toMatch(/^\*\*\* \(h:[0-9a-f]{12}\)$/)
    expect(fields[0]?.desired).toMatch(/^\*\*\* \(h:[0-9a-f]{12}\)$/)
    expect(fields[0]?.live).not.toBe(fields[0]?.desired)
    const text = JSON.stringify(report)
    for (const plain of ['hunter2', 'correct-horse', Buffer.from('hunter2').toString('base64'), Buffer.from('correct-horse').toString('base64')]) expect(text).not.toContain(plain)
  })

  it('names kubectl as the manager of fields it changed', async (ctx) => {
    if (!env.ownership) ctx.skip()
    const ns = await env.cluster.namespace('manager')
    const objects = [deployment(ns, 'web', { replicas: 2 }), configMap(ns, 'a', { key: 'one' })]
    await applyAll(objects, { client: env.cluster.client, fieldManager })
    await env.cluster.kubectlOk(['scale', 'deployment/web', '-n', ns, '--replicas=5'])
    await env.cluster.kubectlOk(['patch', 'configmap/a', '-n', ns, '--type=merge', '-p', '{"data":{"key":"patched"}}'])
    const report = await diff(objects, { client: env.cluster.client, fieldManager })
    const byName = new Map(report.objects.map((o) => [o.ref.name, o]))
    // kubectl scale has no --field-manager: the server names it after kubectl's User-Agent.
    expect(byName.get('web')?.fields).toEqual([{ path: '.spec.replicas', live: 5, desired: 2, manager: 'kubectl' }])
    expect(byName.get('a')?.fields).toEqual([{ path: '.data.key', live: 'patched', desired: 'one', manager: 'kubectl-patch' }])
    expect(formatDiff(report)).toContain('@@ .data.key @@ owned by kubectl-patch')
  })

  it('shows what the takeover before an apply removes: fields kubectl added that Git lacks, unless ssa: Merge or conflicts: fail', async (ctx) => {
    if (!env.ownership) ctx.skip()
    const ns = await env.cluster.namespace('takeover')
    const merged: KubeObject = { ...configMap(ns, 'm', { key: 'one' }), metadata: { name: 'm', namespace: ns, annotations: { 'kustomize.toolkit.fluxcd.io/ssa': 'Merge' } } }
    const web: KubeObject = { ...deployment(ns, 'web'), metadata: { name: 'web', namespace: ns, labels: { app: 'web' } } }
    const objects = [web, configMap(ns, 'a', { key: 'one' }), merged]
    await applyAll(objects, { client: env.cluster.client, fieldManager })
    await env.cluster.kubectlOk(['label', 'deployment/web', '-n', ns, 'by=hand'])
    await env.cluster.kubectlOk(['patch', 'configmap/a', '-n', ns, '--type=merge', '-p', '{"data":{"added":"by-hand"}}'])
    await env.cluster.kubectlOk(['patch', 'configmap/m', '-n', ns, '--type=merge', '-p', '{"data":{"added":"by-hand"}}'])
    const report = await diff(objects, { client: env.cluster.client, fieldManager })
    const byName = new Map(report.objects.map((o) => [o.ref.name, o]))
    expect(byName.get('web')).toMatchObject({ status: 'drifted', fields: [{ path: '.metadata.labels.by', live: 'hand', manager: 'kubectl-label' }] })
    expect(byName.get('a')).toMatchObject({ status: 'drifted', fields: [{ path: '.data.added', live: 'by-hand', manager: 'kubectl-patch' }] })
    expect(byName.get('m')).toMatchObject({ status: 'unchanged' })
    const kubectlWay = await diff(objects, { client: env.cluster.client, fieldManager, conflicts: 'fail' })
    expect(kubectlWay.drifted).toBe(false)
    // The apply does what the diff said; then nothing is left to report.
    await applyAll(objects, { client: env.cluster.client, fieldManager })
    expect((await diff(objects, { client: env.cluster.client, fieldManager })).drifted).toBe(false)
    expect((await env.cluster.client.get({ group: '', kind: 'ConfigMap', namespace: ns, name: 'm' }))?.data).toEqual({ key: 'one', added: 'by-hand' })
  })
})

describe('detectDrift', () => {
  it('finds objects changed or deleted since the apply in a few requests', async () => {
    const ns = await env.cluster.namespace('detect')
    const inventory: InventoryRef = { name: 'app', namespace: ns }
    const objects = [...Array.from({ length: 20 }, (_, i) => configMap(ns, `c${i}`)), deployment(ns, 'web')]
    const result = await applyAll(objects, { client: env.cluster.client, fieldManager, inventory })
    const resourceVersions = new Map(result.entries.map((e) => [`${e.ref.group}|${e.ref.kind}|${e.ref.namespace}|${e.ref.name}`, e.resourceVersion ?? '']))
    const client = await env.cluster.newClient()
    const seen: string[] = []
    const counting = await env.cluster.newClient((r) => seen.push(r.verb))
    expect(await detectDrift({ objects, resourceVersions }, { client: counting, fieldManager, inventory })).toEqual([])
    expect(seen.filter((v) => v !== 'discovery').sort()).toEqual(['get', 'list'])

    await env.cluster.kubectlOk(['patch', 'configmap/c3', '-n', ns, '--type=merge', '-p', '{"data":{"key":"x"}}'])
    await env.cluster.kubectlOk(['delete', 'configmap/c7', '-n', ns])
    const drifted = await detectDrift({ objects, resourceVersions }, { client, fieldManager, inventory })
    expect(drifted.map((r) => r.name).sort()).toEqual(['c3', 'c7'])
  })

  it('ignores an object whose resourceVersion moved when applying it would change nothing', async (ctx) => {
    if (!env.ownership) ctx.skip()
    const ns = await env.cluster.namespace('status')
    const objects = [deployment(ns, 'web')]
    const result = await applyAll(objects, { client: env.cluster.client, fieldManager })
    const resourceVersions = new Map(result.entries.map((e) => [`${e.ref.group}|${e.ref.kind}|${e.ref.namespace}|${e.ref.name}`, e.resourceVersion ?? '']))
    await env.cluster.kubectlOk(['patch', 'deployment/web', '-n', ns, '--subresource=status', '--type=merge', '-p', '{"status":{"observedGeneration":1}}'])
    expect(await detectDrift({ objects, resourceVersions }, { client: env.cluster.client, fieldManager })).toEqual([])
    expect(await detectDrift({ objects, resourceVersions }, { client: env.cluster.client })).toHaveLength(1)
  })
})

describe('diff with an inventory', () => {
  it('does not report orphans another inventory owns', async () => {
    const ns = await env.cluster.namespace('orphans')
    await applyAll([configMap(ns, 'theirs')], { client: env.cluster.client, fieldManager, inventory: { name: 'other', namespace: ns } })
    const report = await diff([], { client: env.cluster.client, fieldManager, inventory: { name: 'mine', namespace: ns }, previous: inventoryOf([configMap(ns, 'theirs')]) })
    expect(report.objects).toEqual([])
    expect((await diff([], { client: env.cluster.client, fieldManager, previous: createInventory([]) })).drifted).toBe(false)
  })
})
