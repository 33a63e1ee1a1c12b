// Field-manager takeover as kustomize-controller does it, against changes made by real kubectl:
// Git wins every field, also the ones a human added, unless the object says `ssa: Merge`.
import { describe, expect, it } from 'vitest'
import type { KubeObject } from '@gitops-sdk/core'
import { applyAll, ApplyError, diff } from '../../src/index.js'
import { configMap, deployment, hasKubectl, useCluster } from '../helpers/cluster.js'

const env = useCluster()
const fieldManager = 'gitops'
const dep = (ns: string, name: string): { group: string; kind: string; namespace: string; name: string } => ({ group: 'apps', kind: 'Deployment', namespace: ns, name })

function managers(object: KubeObject | undefined): string[] {
  const list = Array.isArray(object?.metadata.managedFields) ? (object.metadata.managedFields as { manager?: string; subresource?: string }[]) : []
  return list.map((e) => `${e.manager ?? ''}${e.subresource === undefined || e.subresource === '' ? '' : `/${e.subresource}`}`).sort()
}

describe.skipIf(!hasKubectl)('takeover of kubectl fields', () => {
  it('puts back what kubectl edit, label and patch changed and removes what they added; the next apply is unchanged', async (ctx) => {
    if (!env.ownership) ctx.skip()
    const ns = await env.cluster.namespace('edit')
    const client = env.cluster.client
    const git = deployment(ns, 'web')
    await applyAll([git], { client, fieldManager })
    await env.cluster.kubectlOk(['-n', ns, 'edit', 'deployment/web'], undefined, { KUBE_EDITOR: 'sed -i s/nginx:1.27/nginx:by-hand/' })
    await env.cluster.kubectlOk(['-n', ns, 'label', 'deployment/web', 'added=by-hand'])
    await env.cluster.kubectlOk(['-n', ns, 'patch', 'deployment/web', '-p', '{"metadata":{"annotations":{"note":"by-hand"}}}'])
    expect(managers(await client.get(dep(ns, 'web')))).toEqual(['gitops', 'kubectl-edit', 'kubectl-label', 'kubectl-patch'])
    const result = await applyAll([git], { client, fieldManager })
    expect(result.entries[0]).toMatchObject({ action: 'configured', reason: expect.stringMatching(/^takes over the fields of kubectl-edit, kubectl-label, kubectl-patch; changed /) as unknown })
    const after = await client.get(dep(ns, 'web'))
    expect(after?.metadata.labels?.added).toBeUndefined()
    expect(after?.metadata.annotations?.note).toBeUndefined()
    expect(after?.spec).toMatchObject({ template: { spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } } })
    expect(managers(after)).toEqual(['gitops'])
    expect((await applyAll([git], { client, fieldManager })).entries[0]).toMatchObject({ action: 'unchanged' })
  })

  it("takes over a client-side kubectl apply and removes kubectl's last-applied annotation", async (ctx) => {
    if (!env.ownership) ctx.skip()
    const ns = await env.cluster.namespace('csa')
    const client = env.cluster.client
    await env.cluster.kubectlOk(['apply', '--validate=false', '-f', '-'], JSON.stringify(configMap(ns, 'cfg', { key: 'by-hand', extra: 'x' })))
    const result = await applyAll([configMap(ns, 'cfg', { key: 'git' })], { client, fieldManager })
    expect(result.entries[0]).toMatchObject({ action: 'configured', reason: expect.stringContaining('takes over the fields of kubectl-client-side-apply, removes kubectl.kubernetes.io/last-applied-configuration') as unknown })
    const after = await client.get({ group: '', kind: 'ConfigMap', namespace: ns, name: 'cfg' })
    expect(after?.data).toEqual({ key: 'git' })
    expect(after?.metadata.annotations?.['kubectl.kubernetes.io/last-applied-configuration']).toBeUndefined()
    expect(managers(after)).toEqual(['gitops'])
  })

  it('kubectl apply --server-side with another manager: kept unless listed in takeOverManagers', async (ctx) => {
    if (!env.ownership) ctx.skip()
    const ns = await env.cluster.namespace('listed')
    const client = env.cluster.client
    await applyAll([configMap(ns, 'cfg', { key: 'git' })], { client, fieldManager })
    await env.cluster.kubectlApply([configMap(ns, 'cfg', { other: 'theirs' })], 'x')
    expect((await applyAll([configMap(ns, 'cfg', { key: 'git' })], { client, fieldManager })).entries[0]).toMatchObject({ action: 'unchanged' })
    expect((await client.get({ group: '', kind: 'ConfigMap', namespace: ns, name: 'cfg' }))?.data).toEqual({ key: 'git', other: 'theirs' })
    const result = await applyAll([configMap(ns, 'cfg', { key: 'git' })], { client, fieldManager, takeOverManagers: ['x'] })
    expect(result.entries[0]).toMatchObject({ action: 'configured', reason: expect.stringMatching(/^takes over the fields of x/) as unknown })
    expect((await client.get({ group: '', kind: 'ConfigMap', namespace: ns, name: 'cfg' }))?.data).toEqual({ key: 'git' })
  })

  it('ssa: Merge keeps what kubectl added (no takeover), while Git still wins the fields it sets', async (ctx) => {
    if (!env.ownership) ctx.skip()
    const ns = await env.cluster.namespace('merge')
    const client = env.cluster.client
    const git: KubeObject = { ...configMap(ns, 'cfg', { key: 'git' }), metadata: { name: 'cfg', namespace: ns, annotations: { 'kustomize.toolkit.fluxcd.io/ssa': 'Merge' } } }
    await applyAll([git], { client, fieldManager })
    await env.cluster.kubectlOk(['-n', ns, 'patch', 'configmap/cfg', '-p', '{"data":{"key":"by-hand","added":"by-hand"}}'])
    const result = await applyAll([git], { client, fieldManager })
    expect(result.entries[0]).toMatchObject({ action: 'configured', reason: 'changed .data.key' })
    const after = await client.get({ group: '', kind: 'ConfigMap', namespace: ns, name: 'cfg' })
    expect(after?.data).toEqual({ key: 'git', added: 'by-hand' })
    expect(managers(after)).toEqual(['gitops', 'kubectl-patch'])
  })

  it('kubectl scale is corrected by default; with conflicts: fail it is APPLY_FIELD_CONFLICT naming manager and field, nothing changed', async (ctx) => {
    if (!env.ownership) ctx.skip()
    const ns = await env.cluster.namespace('scale')
    const client = env.cluster.client
    await applyAll([deployment(ns, 'web', { replicas: 2 })], { client, fieldManager })
    await env.cluster.kubectlOk(['-n', ns, 'scale', 'deployment/web', '--replicas=5'])
    const before = await client.get(dep(ns, 'web'))
    const err = await applyAll([deployment(ns, 'web', { replicas: 2 })], { client, fieldManager, conflicts: 'fail' }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(ApplyError)
    expect(err).toMatchObject({ code: 'APPLY_FIELD_CONFLICT', message: `Deployment/${ns}/web: dry-run apply failed (Conflict): field owned by another manager: .spec.replicas (kubectl)` })
    expect((err as ApplyError).failures[0]).toMatchObject({ fields: ['.spec.replicas'], managers: ['kubectl'] })
    expect((await client.get(dep(ns, 'web')))?.metadata.resourceVersion).toBe(before?.metadata.resourceVersion)
    const result = await applyAll([deployment(ns, 'web', { replicas: 2 })], { client, fieldManager })
    expect(result.entries[0]).toMatchObject({ action: 'configured', reason: 'changed .spec.replicas' })
    expect((await client.get(dep(ns, 'web')))?.spec).toMatchObject({ replicas: 2 })
  })

  it('writes no takeover in a dry run, nor when another object of the stage fails its dry-run', async (ctx) => {
    if (!env.ownership) ctx.skip()
    const ns = await env.cluster.namespace('nodamage')
    const client = env.cluster.client
    await applyAll([configMap(ns, 'cfg', { key: 'git' })], { client, fieldManager })
    await env.cluster.kubectlOk(['-n', ns, 'label', 'configmap/cfg', 'added=by-hand'])
    const before = await client.get({ group: '', kind: 'ConfigMap', namespace: ns, name: 'cfg' })
    const dry = await applyAll([configMap(ns, 'cfg', { key: 'git' })], { client, fieldManager, dryRun: true })
    expect(dry.entries[0]).toMatchObject({ action: 'configured', reason: 'dry run, takes over the fields of kubectl-label' })
    const bad: KubeObject = { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'Not_A_Name', namespace: ns }, data: {} }
    const err = await applyAll([configMap(ns, 'cfg', { key: 'git' }), bad], { client, fieldManager }).catch((e: unknown) => e)
    expect(err).toMatchObject({ code: 'APPLY_INVALID' })
    const after = await client.get({ group: '', kind: 'ConfigMap', namespace: ns, name: 'cfg' })
    expect(after?.metadata.resourceVersion).toBe(before?.metadata.resourceVersion)
    expect(managers(after)).toEqual(['gitops', 'kubectl-label'])
  })

  it('removes a list item kubectl added (an env var, a second container port), as diff announced', async (ctx) => {
    if (!env.ownership) ctx.skip()
    const ns = await env.cluster.namespace('list')
    const client = env.cluster.client
    const git = deployment(ns, 'web')
    await applyAll([git], { client, fieldManager })
    await env.cluster.kubectlOk(['-n', ns, 'patch', 'deployment/web', '-p', '{"spec":{"template":{"spec":{"containers":[{"name":"app","env":[{"name":"DEBUG","value":"1"}],"ports":[{"containerPort":9090}]}]}}}}'])
    const report = await diff([git], { client, fieldManager })
    expect(report.objects[0]?.status).toBe('drifted')
    expect(report.objects[0]?.fields.map((f) => [f.path, f.manager])).toEqual([
      ['.spec.template.spec.containers[name="app"].env[name="DEBUG"]', 'kubectl-patch'],
      ['.spec.template.spec.containers[name="app"].ports[containerPort=9090,protocol="TCP"]', 'kubectl-patch'],
    ])
    await applyAll([git], { client, fieldManager })
    const after = await client.get(dep(ns, 'web'))
    expect(after?.spec).toMatchObject({ template: { spec: { containers: [{ name: 'app', ports: [{ containerPort: 80, protocol: 'TCP' }] }] } } })
    const container = ((after?.spec as { template: { spec: { containers: Record<string, unknown>[] } } }).template.spec.containers)[0]
    expect(container?.env).toBeUndefined()
    expect((container?.ports as unknown[]).length).toBe(1)
    expect((await diff([git], { client, fieldManager })).drifted).toBe(false)
  })
})
