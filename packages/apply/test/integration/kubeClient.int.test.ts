import { describe, expect, it } from 'vitest'
import { isGitOpsError } from '@gitops-sdk/core'
import { configMap, useCluster } from '../helpers/cluster.js'

const env = useCluster()

describe('createKubeClient', () => {
  it('applies, reads, lists and deletes through the real client', async () => {
    const { client } = env.cluster
    const ns = await env.cluster.namespace('client')
    const applied = await client.apply(configMap(ns, 'a', { x: '1' }), { fieldManager: 'test' })
    expect(applied.metadata.resourceVersion).toEqual(expect.any(String))
    expect(await client.get({ group: '', kind: 'ConfigMap', namespace: ns, name: 'a' })).toMatchObject({ data: { x: '1' } })
    await client.apply(configMap(ns, 'b'), { fieldManager: 'test' })
    const list = await client.list({ group: '', kind: 'ConfigMap', namespace: ns })
    expect(list.items.map((o) => o.metadata.name).sort()).toEqual(['a', 'b'])
    expect(list.items[0]).toMatchObject({ apiVersion: 'v1', kind: 'ConfigMap' })
    expect(await client.delete({ group: '', kind: 'ConfigMap', namespace: ns, name: 'a' })).toBe(true)
    expect(await client.delete({ group: '', kind: 'ConfigMap', namespace: ns, name: 'a' })).toBe(false)
    expect(await client.get({ group: '', kind: 'ConfigMap', namespace: ns, name: 'a' })).toBeUndefined()
  })

  it('does not persist a dry-run apply', async () => {
    const ns = await env.cluster.namespace('dry')
    const answer = await env.cluster.client.apply(configMap(ns, 'a'), { fieldManager: 'test', dryRun: true })
    expect(answer.metadata.name).toBe('a')
    expect(await env.cluster.client.get({ group: '', kind: 'ConfigMap', namespace: ns, name: 'a' })).toBeUndefined()
  })

  it('resolves preferred versions through discovery', async () => {
    expect(await env.cluster.client.resource({ group: 'apps', kind: 'Deployment' })).toMatchObject({ version: 'v1', plural: 'deployments', namespaced: true })
    expect(await env.cluster.client.resource({ group: 'example.com', kind: 'Widget' })).toBeUndefined()
  })

  it('names the object and the reason when the API refuses an apply', async () => {
    const ns = await env.cluster.namespace('bad')
    const bad = { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: ns }, spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'c' } }, spec: { containers: [] } } } }
    const err = await env.cluster.client.apply(bad, { fieldManager: 'test' }).catch((e: unknown) => e)
    expect(isGitOpsError(err, 'APPLY_INVALID')).toBe(true)
    expect((err as Error).message).toMatch(new RegExp(`^Deployment/${ns}/web: apply failed \\(Invalid\\)`))
  })

  it('reports every request with its verb, code, method and URL (without credentials)', async () => {
    const seen: { verb: string; code: number }[] = []
    const client = await env.cluster.newClient((r) => seen.push(r))
    await client.get({ group: '', kind: 'ConfigMap', namespace: 'default', name: 'missing' })
    expect(seen).toEqual([
      { verb: 'discovery', code: 200, dryRun: false, method: 'GET', url: expect.stringMatching(/^https?:\/\/127\.0\.0\.1:\d+\/api\/v1$/) as unknown },
      { verb: 'get', code: 404, dryRun: false, method: 'GET', url: expect.stringMatching(/^https?:\/\/127\.0\.0\.1:\d+\/api\/v1\/namespaces\/default\/configmaps\/missing$/) as unknown },
    ])
  })

  it('rejects with the signal reason when aborted', async () => {
    const reason = new Error('stop')
    const controller = new AbortController()
    controller.abort(reason)
    await expect(env.cluster.client.list({ group: '', kind: 'ConfigMap' }, { signal: controller.signal })).rejects.toBe(reason)
  })
})
