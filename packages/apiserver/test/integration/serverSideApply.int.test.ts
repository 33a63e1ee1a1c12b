// Server-side apply through the wire (SPEC.md §10 and SPEC.md §16): the worked example of 10.10 as a golden
// test over HTTP, the acceptance scenarios through client-node, and kubectl apply --server-side with
// two managers, --force-conflicts, get -o yaml and diff --server-side. Runs once the SSA engine is
// wired into src/internal/fieldManager.ts.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startApiServer } from '../../src/index.js'
import type { ApiServer } from '../../src/index.js'
import { clientFor, hasKubectl, kubectlFor, needsKubectl, raw, uniqueName } from '../helpers/kube.js'
import type { Client, Kubectl, Manifest, RawResponse } from '../helpers/kube.js'

let server: ApiServer
let api: Client
let kubectl: Kubectl
beforeAll(async () => {
  server = await startApiServer({ clock: { now: () => new Date('2026-05-01T10:00:00Z'), sleep: () => Promise.resolve() } })
  api = clientFor(server)
  kubectl = kubectlFor(server)
})
afterAll(async () => {
  kubectl.dispose()
  await server.stop()
})

async function namespace(prefix: string): Promise<string> {
  const name = uniqueName(prefix)
  await api.create({ apiVersion: 'v1', kind: 'Namespace', metadata: { name } })
  return name
}

function apply(path: string, body: unknown, query: string): Promise<RawResponse> {
  return raw(server, { method: 'PATCH', path: `${path}?${query}`, body: JSON.stringify(body), contentType: 'application/apply-patch+yaml' })
}

interface Entry {
  manager: string
  operation: string
  apiVersion: string
  time?: string
  fieldsType: string
  fieldsV1: unknown
  subresource?: string
}

const entries = (object: Record<string, unknown>): Entry[] => ((object.metadata as { managedFields?: Entry[] }).managedFields ?? [])
const rvOf = (object: Record<string, unknown>): string => String((object.metadata as { resourceVersion?: string }).resourceVersion)

describe('server-side apply', () => {
  it('follows the worked example of SPEC.md §10.10 byte for byte', async () => {
    const ns = await namespace('worked')
    const path = `/api/v1/namespaces/${ns}/configmaps/app`
    const cm = (data: Record<string, string>): unknown => ({ apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'app', namespace: ns }, data })
    const time = '2026-05-01T10:00:00Z'

    const step1 = await apply(path, cm({ a: '1', b: '2' }), 'fieldManager=sdk')
    expect(step1.status).toBe(201)
    expect(entries(step1.json())).toEqual([{ manager: 'sdk', operation: 'Apply', apiVersion: 'v1', time, fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {}, 'f:b': {} } } }])

    const step2 = await raw(server, { method: 'PATCH', path: `${path}?fieldManager=kubectl-edit`, body: '{"data":{"b":"3"}}', contentType: 'application/merge-patch+json' })
    expect(step2.status).toBe(200)
    expect(entries(step2.json())).toEqual([
      { manager: 'sdk', operation: 'Apply', apiVersion: 'v1', time, fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {} } } },
      { manager: 'kubectl-edit', operation: 'Update', apiVersion: 'v1', time, fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:b': {} } } },
    ])

    const step3 = await apply(path, cm({ a: '1', b: '2' }), 'fieldManager=sdk')
    expect(step3.status).toBe(409)
    expect(step3.json()).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Apply failed with 1 conflict: conflict with "kubectl-edit" using v1: .data.b',
      reason: 'Conflict',
      details: { causes: [{ reason: 'FieldManagerConflict', message: 'conflict with "kubectl-edit" using v1', field: '.data.b' }] },
      code: 409,
    })

    const step4 = await apply(path, cm({ a: '1' }), 'fieldManager=sdk')
    expect(step4.status).toBe(200)
    expect(rvOf(step4.json())).toBe(rvOf(step2.json()))
    expect(step4.json().data).toEqual({ a: '1', b: '3' })

    const step5 = await apply(path, cm({ a: '1', b: '2' }), 'fieldManager=sdk&force=true')
    expect(step5.json().data).toEqual({ a: '1', b: '2' })
    expect(entries(step5.json())).toEqual([{ manager: 'sdk', operation: 'Apply', apiVersion: 'v1', time, fieldsType: 'FieldsV1', fieldsV1: { 'f:data': { 'f:a': {}, 'f:b': {} } } }])

    const step6 = await apply(path, cm({ b: '2' }), 'fieldManager=sdk')
    expect(step6.json().data).toEqual({ b: '2' })
  })

  it('re-applies as a no-op, prunes what a manager stops applying, and dry-runs without storing', async () => {
    const ns = await namespace('accept')
    const deployment = (containers: unknown[], labels: Record<string, string> = { app: 'web', tier: 'front' }): Manifest => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: ns, labels },
      spec: { selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers } } },
    })
    const two = [{ name: 'web', image: 'nginx:1' }, { name: 'sidecar', image: 'busybox' }]
    const created = await api.patch(deployment(two), { type: 'application/apply-patch+yaml', fieldManager: 'sdk' })
    expect((created.spec as { replicas: number }).replicas).toBe(1)
    const again = await api.patch(deployment(two), { type: 'application/apply-patch+yaml', fieldManager: 'sdk' })
    expect(again.metadata.resourceVersion).toBe(created.metadata.resourceVersion)
    expect(again.metadata.managedFields).toEqual(created.metadata.managedFields)
    const pruned = await api.patch(deployment([two[0]], { app: 'web' }), { type: 'application/apply-patch+yaml', fieldManager: 'sdk' })
    expect(pruned.metadata.labels).toEqual({ app: 'web' })
    expect(((pruned.spec as { template: { spec: { containers: { name: string }[] } } }).template.spec.containers).map((c) => c.name)).toEqual(['web'])
    expect(pruned.metadata.generation).toBe(2)
    const dry = await api.patch(deployment([{ name: 'web', image: 'nginx:2' }], { app: 'web' }), { type: 'application/apply-patch+yaml', fieldManager: 'sdk', dryRun: 'All' })
    expect(JSON.stringify(dry.spec)).toContain('nginx:2')
    const live = await api.read(deployment([]))
    expect(JSON.stringify(live.spec)).toContain('nginx:1')
    expect(live.metadata.resourceVersion).toBe(pruned.metadata.resourceVersion)
    // Raw: client-node's serializer would drop the unknown field before sending.
    const unknown = await apply(`/apis/apps/v1/namespaces/${ns}/deployments/web`, { ...deployment(two), spec: { foo: 1 } }, 'fieldManager=sdk')
    expect(unknown.status).toBe(500)
    expect(unknown.json().message).toBe(`failed to create typed patch object (${ns}/web; apps/v1, Kind=Deployment): .spec.foo: field not declared in schema`)
    const noManager = await raw(server, { method: 'PATCH', path: `/apis/apps/v1/namespaces/${ns}/deployments/web`, body: '{}', contentType: 'application/apply-patch+yaml' })
    expect(noManager.json().message).toBe('PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch')
  })

  it('records writes through /status and /scale with their subresource, and names it in conflicts', async () => {
    const ns = await namespace('subresources')
    const path = `/apis/apps/v1/namespaces/${ns}/deployments/web`
    const time = '2026-05-01T10:00:00Z'
    const deployment = (replicas: number): unknown => ({
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: ns },
      spec: { replicas, selector: { matchLabels: { app: 'web' } }, template: { metadata: { labels: { app: 'web' } }, spec: { containers: [{ name: 'web', image: 'nginx' }] } } },
    })
    expect((await apply(path, deployment(2), 'fieldManager=sdk')).status).toBe(201)
    const merge = (subpath: string, body: unknown, manager: string): Promise<RawResponse> =>
      raw(server, { method: 'PATCH', path: `${path}/${subpath}?fieldManager=${manager}`, body: JSON.stringify(body), contentType: 'application/merge-patch+json' })

    expect((await merge('status', { status: { replicas: 2, observedGeneration: 1 } }, 'controller')).status).toBe(200)
    const read = await raw(server, { method: 'GET', path })
    const put = await raw(server, { method: 'PUT', path: `${path}/status?fieldManager=kubelet`, body: JSON.stringify({ ...read.json(), status: { replicas: 2, observedGeneration: 1, readyReplicas: 2 } }), contentType: 'application/json' })
    expect(put.status).toBe(200)
    const scaleBody = (await raw(server, { method: 'GET', path: `${path}/scale` })).json()
    const scaled = await raw(server, { method: 'PUT', path: `${path}/scale?fieldManager=hpa`, body: JSON.stringify({ ...scaleBody, spec: { replicas: 3 } }), contentType: 'application/json' })
    expect([scaled.status, scaled.json().spec]).toEqual([200, { replicas: 3 }])
    expect((await merge('scale', { spec: { replicas: 4 } }, 'kubectl')).status).toBe(200)

    const live = (await raw(server, { method: 'GET', path })).json()
    // (The first status writer also owns `f:status` itself: this server stores no empty status.)
    expect(entries(live).map((e) => [e.manager, e.operation, e.apiVersion, e.subresource ?? '', Object.keys(e.fieldsV1 as object)])).toEqual([
      ['sdk', 'Apply', 'apps/v1', '', ['f:spec']],
      ['controller', 'Update', 'apps/v1', 'status', ['f:status']],
      ['kubectl', 'Update', 'apps/v1', 'scale', ['f:spec']],
      ['kubelet', 'Update', 'apps/v1', 'status', ['f:status']],
    ])
    const [, controller, kubectlScale, kubelet] = entries(live)
    expect(controller?.fieldsV1).toMatchObject({ 'f:status': { 'f:observedGeneration': {}, 'f:replicas': {} } })
    expect(kubectlScale).toEqual({ manager: 'kubectl', operation: 'Update', apiVersion: 'apps/v1', time, fieldsType: 'FieldsV1', fieldsV1: { 'f:spec': { 'f:replicas': {} } }, subresource: 'scale' })
    expect(kubelet?.fieldsV1).toEqual({ 'f:status': { 'f:readyReplicas': {} } })
    expect(JSON.stringify(entries(live)[0]?.fieldsV1)).not.toContain('f:replicas')

    const conflict = await apply(path, deployment(2), 'fieldManager=sdk')
    expect([conflict.status, conflict.json().message]).toEqual([409, 'Apply failed with 1 conflict: conflict with "kubectl" with subresource "scale" using apps/v1: .spec.replicas'])
    const statusConflict = await apply(`${path}/status`, { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'web', namespace: ns }, status: { readyReplicas: 1 } }, 'fieldManager=sdk')
    expect([statusConflict.status, statusConflict.json().message]).toEqual([
      409,
      'Apply failed with 1 conflict: conflict with "kubelet" with subresource "status" using apps/v1: .status.readyReplicas',
    ])
  })

  it.skipIf(!hasKubectl)(needsKubectl('conflicts between two kubectl managers, forced with --force-conflicts, and diffs'), async () => {
    const ns = await namespace('kubectl-ssa')
    const manifest = (replicas: number): string => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ${ns}}
spec:
  replicas: ${replicas}
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: nginx}]}
`
    const first = await kubectl(['apply', '--server-side', '--validate=false', '--field-manager=alice', '-f', '-'], manifest(2))
    expect(first.stdout).toBe('deployment.apps/web serverside-applied\n')
    const second = await kubectl(['apply', '--server-side', '--validate=false', '--field-manager=bob', '-f', '-'], manifest(3))
    expect(second.code).not.toBe(0)
    expect(second.stderr).toContain('Apply failed with 1 conflict: conflict with "alice": .spec.replicas')
    const diff = await kubectl(['diff', '--server-side', '--force-conflicts', '--field-manager=bob', '-f', '-'], manifest(3))
    expect(diff.code).toBe(1)
    expect(diff.stdout).toMatch(/^- {2}replicas: 2$/m)
    expect(diff.stdout).toMatch(/^\+ {2}replicas: 3$/m)
    const forced = await kubectl(['apply', '--server-side', '--validate=false', '--field-manager=bob', '--force-conflicts', '-f', '-'], manifest(3))
    expect(forced.code).toBe(0)
    const yaml = await kubectl(['get', 'deployment', 'web', '-n', ns, '-o', 'yaml', '--show-managed-fields'])
    expect(yaml.stdout).toContain('  - apiVersion: apps/v1\n    fieldsType: FieldsV1\n')
    expect(yaml.stdout).toContain('    manager: bob\n    operation: Apply\n')
    expect(yaml.stdout).toContain('  replicas: 3\n')
    const managers = JSON.parse((await kubectl(['get', 'deployment', 'web', '-n', ns, '-o', 'jsonpath={.metadata.managedFields}'])).stdout) as Entry[]
    const alice = managers.find((m) => m.manager === 'alice')
    expect(JSON.stringify(alice?.fieldsV1)).not.toContain('f:replicas')
    expect(JSON.stringify(managers.find((m) => m.manager === 'bob')?.fieldsV1)).toContain('"f:replicas":{}')
  })

  it.skipIf(!hasKubectl)(needsKubectl('serves client-side kubectl apply through strategic merge patch'), async () => {
    const ns = await namespace('csa')
    const manifest = (image: string): string => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: ${ns}}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec: {containers: [{name: web, image: ${image}, env: [{name: A, value: "1"}]}]}
`
    expect((await kubectl(['apply', '--validate=false', '-f', '-'], manifest('nginx:1'))).stdout).toBe('deployment.apps/web created\n')
    const changed = await kubectl(['apply', '--validate=false', '-f', '-'], manifest('nginx:2'))
    expect(changed.stdout).toBe('deployment.apps/web configured\n')
    const containers = JSON.parse((await kubectl(['get', 'deployment', 'web', '-n', ns, '-o', 'jsonpath={.spec.template.spec.containers}'])).stdout) as { image: string; env: unknown }[]
    expect(containers).toHaveLength(1)
    expect(containers[0]).toMatchObject({ image: 'nginx:2', env: [{ name: 'A', value: '1' }] })
  })
})
