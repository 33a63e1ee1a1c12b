import { systemClock } from '@gitops-sdk/core'
import { describe, expect, it } from 'vitest'
import { Cluster } from '../state/cluster.js'
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

  it('encode the OpenAPI v2 document in protobuf field by field', () => {
    const bytes = Buffer.from(openApiV2Proto('v1.32.0'))
    expect(bytes.toString('hex')).toBe(
      `0a03${Buffer.from('2.0').toString('hex')}1215` + `0a0a${Buffer.from('Kubernetes').toString('hex')}1207${Buffer.from('v1.32.0').toString('hex')}` + '4200',
    )
  })
})
