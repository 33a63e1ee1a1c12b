import { systemClock } from '@gitops-sdk/core'
import { describe, expect, it } from 'vitest'
import { Cluster } from '../state/cluster.js'
import { aggregatedDiscovery, aggregatedVersionOf, apiGroupList, apiResourceList, versionInfo } from './discovery.js'

const cluster = new Cluster({
  clock: systemClock, seed: 1, gitVersion: 'v1.32.0', establishDelayMs: 0, watchHistory: 10, bookmarkIntervalMs: 0, controllers: 'none', readyDelayMs: 0, daemonSetNodes: 1,
})

describe('discovery', () => {
  it('lists built-in groups in SPEC.md Appendix A order, without apiVersion', () => {
    const list = apiGroupList(cluster)
    expect(Object.keys(list)).toEqual(['kind', 'groups'])
    expect((list.groups as { name: string }[]).map((g) => g.name)).toEqual([
      'apps', 'autoscaling', 'batch', 'coordination.k8s.io', 'networking.k8s.io', 'policy', 'rbac.authorization.k8s.io', 'storage.k8s.io', 'scheduling.k8s.io', 'admissionregistration.k8s.io', 'apiextensions.k8s.io', 'authentication.k8s.io', 'authorization.k8s.io',
    ])
  })

  it('sorts resources by name so a resource precedes its subresources', () => {
    const apps = apiResourceList(cluster, 'apps', 'v1')
    const resources = apps?.resources as { name: string; kind: string; verbs: string[]; storageVersionHash?: string; group?: string }[]
    expect(resources.map((r) => r.name).slice(0, 6)).toEqual(['controllerrevisions', 'daemonsets', 'daemonsets/status', 'deployments', 'deployments/scale', 'deployments/status'])
    const deployments = resources.find((r) => r.name === 'deployments')
    expect(deployments).toEqual({
      name: 'deployments', singularName: 'deployment', namespaced: true, kind: 'Deployment',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'], shortNames: ['deploy'], categories: ['all'], storageVersionHash: '8aSe+NMegvE=',
    })
    expect(resources.find((r) => r.name === 'deployments/scale')).toMatchObject({ group: 'autoscaling', version: 'v1', kind: 'Scale', verbs: ['get', 'patch', 'update'] })
    const core = apiResourceList(cluster, '', 'v1')
    expect(core?.apiVersion).toBeUndefined()
    expect((core?.resources as { name: string; verbs: string[] }[]).find((r) => r.name === 'namespaces')?.verbs).not.toContain('deletecollection')
  })

  it('aggregates every group version in one document when asked for APIGroupDiscoveryList', () => {
    expect(aggregatedVersionOf('application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json')).toBe('v2')
    expect(aggregatedVersionOf('application/json, application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList')).toBeUndefined()
    const apis = aggregatedDiscovery(cluster, { core: false, version: 'v2' })
    const apps = (apis.items as { metadata: { name: string }; versions: { version: string; resources: Record<string, unknown>[] }[] }[]).find((g) => g.metadata.name === 'apps')
    expect(apps?.versions[0]?.resources.find((r) => r.resource === 'deployments')).toEqual({
      resource: 'deployments',
      responseKind: { group: 'apps', version: 'v1', kind: 'Deployment' },
      scope: 'Namespaced',
      singularResource: 'deployment',
      verbs: ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'],
      shortNames: ['deploy'],
      categories: ['all'],
      subresources: [
        { subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] },
        { subresource: 'status', responseKind: { group: 'apps', version: 'v1', kind: 'Deployment' }, verbs: ['get', 'patch', 'update'] },
      ],
    })
    const core = aggregatedDiscovery(cluster, { core: true, version: 'v2beta1' })
    expect(core).toMatchObject({ kind: 'APIGroupDiscoveryList', apiVersion: 'apidiscovery.k8s.io/v2beta1', items: [{ metadata: { creationTimestamp: null }, versions: [{ version: 'v1', freshness: 'Current' }] }] })
  })

  it('reports the version it is told', () => {
    expect(versionInfo('v1.32.0')).toMatchObject({ major: '1', minor: '32', gitVersion: 'v1.32.0', platform: 'linux/amd64' })
  })
})
