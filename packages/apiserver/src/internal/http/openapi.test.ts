import { systemClock } from '@gitops-sdk/core'
import { describe, expect, it } from 'vitest'
import { Cluster } from '../state/cluster.js'
import type { ResourceType } from '../state/registry.js'
import { openApiDocument, openApiIndex, openApiV2Proto } from './openapi.js'

const cluster = new Cluster({
  clock: systemClock, seed: 1, gitVersion: 'v1.32.0', establishDelayMs: 0, watchHistory: 10, bookmarkIntervalMs: 0, controllers: 'none', readyDelayMs: 0, daemonSetNodes: 1,
})

interface Operation {
  operationId: string
  parameters?: { name: string; in: string }[]
  requestBody?: { content: Record<string, unknown> }
  'x-kubernetes-group-version-kind': { group: string; version: string; kind: string }
}

function document(path: string): { paths: Record<string, Record<string, Operation>> } {
  const text = openApiDocument(cluster, path)
  if (text === undefined) throw new Error(`no document at ${path}`)
  return JSON.parse(text) as { paths: Record<string, Record<string, Operation>> }
}

describe('OpenAPI documents', () => {
  it('index every built-in group version under a URL that changes with the document', () => {
    const paths = openApiIndex(cluster).paths as Record<string, { serverRelativeURL: string }>
    expect(Object.keys(paths)).toEqual(expect.arrayContaining(['api/v1', 'apis/apps/v1', 'apis/apiextensions.k8s.io/v1']))
    expect(paths['apis/apps/v1']?.serverRelativeURL).toMatch(/^\/openapi\/v3\/apis\/apps\/v1\?hash=[0-9A-F]{128}$/)
    expect(openApiDocument(cluster, 'apis/example.org/v1')).toBeUndefined()
  })

  it('give each kind a PATCH that takes fieldValidation, as kubectl looks for before leaving validation to the server', () => {
    const patch = document('apis/apps/v1').paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}']?.patch
    expect(patch?.operationId).toBe('patchAppsV1NamespacedDeployment')
    expect(patch?.['x-kubernetes-group-version-kind']).toEqual({ group: 'apps', version: 'v1', kind: 'Deployment' })
    expect(patch?.parameters?.map((p) => `${p.in}:${p.name}`)).toEqual(['query:dryRun', 'query:fieldManager', 'query:fieldValidation', 'query:force'])
    expect(Object.keys(patch?.requestBody?.content ?? {})).toContain('application/strategic-merge-patch+json')
    const core = document('api/v1').paths
    expect(core['/api/v1/namespaces/{name}']?.patch?.['x-kubernetes-group-version-kind']).toEqual({ group: '', version: 'v1', kind: 'Namespace' })
    expect(core['/api/v1/configmaps']?.get?.operationId).toBe('listCoreV1ConfigMapForAllNamespaces')
    const scale = document('apis/apps/v1').paths['/apis/apps/v1/namespaces/{namespace}/deployments/{name}/scale']?.patch
    expect(scale?.['x-kubernetes-group-version-kind']).toEqual({ group: 'autoscaling', version: 'v1', kind: 'Scale' })
  })

  it("carry each kind's component schema with kubectl's merge keys and the served group version kind", () => {
    const schemas = (JSON.parse(openApiDocument(cluster, 'apis/apps/v1') ?? '{}') as { components: { schemas: Record<string, Record<string, unknown>> } }).components.schemas
    expect(schemas['io.k8s.api.apps.v1.Deployment']?.['x-kubernetes-group-version-kind']).toEqual([{ group: 'apps', kind: 'Deployment', version: 'v1' }])
    const podSpec = schemas['io.k8s.api.core.v1.PodSpec'] as { properties: Record<string, Record<string, unknown>> }
    expect(podSpec.properties.containers).toMatchObject({
      type: 'array',
      items: { allOf: [{ $ref: '#/components/schemas/io.k8s.api.core.v1.Container' }] },
      'x-kubernetes-patch-merge-key': 'name',
      'x-kubernetes-patch-strategy': 'merge',
    })
    expect(podSpec.properties.volumes?.['x-kubernetes-patch-strategy']).toBe('merge,retainKeys')
    // Every reference resolves inside the document.
    const refs = [...JSON.stringify(schemas).matchAll(/"#\/components\/schemas\/([^"]+)"/g)].map((m) => m[1] ?? '')
    expect(refs.filter((r) => !(r in schemas))).toEqual([])
    const hpa = JSON.parse(openApiDocument(cluster, 'apis/autoscaling/v2') ?? '{}') as { components: { schemas: Record<string, unknown> } }
    expect(Object.keys(hpa.components.schemas)).toContain('io.k8s.api.autoscaling.v2.HorizontalPodAutoscaler')
  })

  it("serve a CRD's schema under its reversed group, rebuilt (new hash) when the CRD changes, with hostile keys kept as data", () => {
    const local = new Cluster({ ...cluster.settings })
    const widget = (schema: Record<string, unknown>): ResourceType => ({
      group: 'example.org', version: 'v1', kind: 'Widget', listKind: 'WidgetList', plural: 'widgets', singular: 'widget', namespaced: true,
      shortNames: [], categories: [], verbs: ['get', 'list', 'patch'], status: false, generation: true,
      crd: { name: 'widgets.example.org', schema: schema as never, selectableFields: [], served: true, storage: true },
    })
    const hostile = JSON.parse('{"type":"object","properties":{"__proto__":{"type":"string","description":"evil"},"spec":{"type":"object","description":"The spec."}}}') as Record<string, unknown>
    local.types.set('example.org/widgets', widget(hostile))
    const first = openApiIndex(local).paths as Record<string, { serverRelativeURL: string }>
    const doc = JSON.parse(openApiDocument(local, 'apis/example.org/v1') ?? '{}') as { components: { schemas: Record<string, { properties?: Record<string, unknown> }> } }
    const root = doc.components.schemas['org.example.v1.Widget']
    expect(Object.keys(root?.properties ?? {})).toEqual(['__proto__', 'apiVersion', 'kind', 'metadata', 'spec'])
    expect(({} as Record<string, unknown>).description).toBeUndefined()
    expect(doc.components.schemas['org.example.v1.WidgetList']).toBeDefined()
    expect(doc.components.schemas['io.k8s.apimachinery.pkg.apis.meta.v1.ObjectMeta']).toBeDefined()
    local.types.set('example.org/widgets', widget({ type: 'object', properties: { spec: { type: 'string' } } }))
    const second = openApiIndex(local).paths as Record<string, { serverRelativeURL: string }>
    expect(second['apis/example.org/v1']?.serverRelativeURL).not.toBe(first['apis/example.org/v1']?.serverRelativeURL)
    expect(second['apis/apps/v1']?.serverRelativeURL).toBe(first['apis/apps/v1']?.serverRelativeURL)
    local.types.delete('example.org/widgets')
    expect(openApiDocument(local, 'apis/example.org/v1')).toBeUndefined()
  })

  it('encode the OpenAPI v2 document in protobuf field by field', () => {
    const bytes = Buffer.from(openApiV2Proto('v1.32.0'))
    expect(bytes.toString('hex')).toBe(
      `0a03${Buffer.from('2.0').toString('hex')}1215` + `0a0a${Buffer.from('Kubernetes').toString('hex')}1207${Buffer.from('v1.32.0').toString('hex')}` + '4200',
    )
  })
})
