// Discovery documents (SPEC.md §4): /api, /apis, /apis/{group}, the resource lists and /version.
import { createHash } from 'node:crypto'
import type { KubeMap } from '@gitops-sdk/core'
import type { Cluster } from '../state/cluster.js'
import { isEstablished } from '../rules/crd.js'
import type { ResourceType } from '../state/registry.js'
import { crdType } from '../state/registry.js'
import { text } from '../state/objects.js'

/** Whether discovery lists a type: built-ins always, custom resources once their CRD is established. */
export function isDiscoverable(cluster: Cluster, type: ResourceType): boolean {
  if (type.crd === undefined) return true
  const crd = cluster.store.get(crdType, '', type.crd.name)
  return crd !== undefined && isEstablished(crd)
}

function servedTypes(cluster: Cluster): ResourceType[] {
  return [...cluster.types.values()].filter((t) => isDiscoverable(cluster, t))
}

/** Groups in registration order: built-ins as in SPEC.md Appendix A, then CRD groups as established. */
function groups(cluster: Cluster): Map<string, string[]> {
  const out = new Map<string, string[]>()
  const types = servedTypes(cluster)
  const order = [...new Set(types.filter((t) => t.crd === undefined).map((t) => t.group)), ...cluster.customGroups]
  for (const group of order) {
    if (group === '') continue
    const versions = [...new Set(types.filter((t) => t.group === group).map((t) => t.version))]
    if (versions.length > 0) out.set(group, versions)
  }
  return out
}

function groupJson(name: string, versions: string[]): KubeMap {
  const list = versions.map((v) => ({ groupVersion: `${name}/${v}`, version: v }))
  return { name, versions: list, preferredVersion: list[0] ?? {} }
}

/** `GET /api`. */
export function apiVersions(port: number): KubeMap {
  return { kind: 'APIVersions', versions: ['v1'], serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress: `127.0.0.1:${port}` }] }
}

/** `GET /apis`. */
export function apiGroupList(cluster: Cluster): KubeMap {
  return { kind: 'APIGroupList', groups: [...groups(cluster)].map(([name, versions]) => groupJson(name, versions)) }
}

/** `GET /apis/{group}`, or undefined for an unknown group. */
export function apiGroup(cluster: Cluster, group: string): KubeMap | undefined {
  const versions = groups(cluster).get(group)
  return versions === undefined ? undefined : { kind: 'APIGroup', apiVersion: 'v1', ...groupJson(group, versions) }
}

function storageVersionHash(type: ResourceType): string {
  return createHash('sha256').update(`${type.group}/${type.version}/${type.kind}`).digest().subarray(0, 8).toString('base64')
}

function resourceEntries(type: ResourceType): KubeMap[] {
  const main: KubeMap = { name: type.plural, singularName: type.singular, namespaced: type.namespaced, kind: type.kind, verbs: [...type.verbs] }
  if (type.shortNames.length > 0) main.shortNames = [...type.shortNames]
  if (type.categories.length > 0) main.categories = [...type.categories]
  main.storageVersionHash = storageVersionHash(type)
  const sub = (name: string, extra: KubeMap = {}): KubeMap => ({
    name: `${type.plural}/${name}`,
    singularName: '',
    namespaced: type.namespaced,
    ...extra,
    kind: typeof extra.kind === 'string' ? extra.kind : type.kind,
    verbs: name === 'finalize' ? ['update'] : ['get', 'patch', 'update'],
  })
  const subs: KubeMap[] = []
  if (type.finalize === true) subs.push(sub('finalize'))
  if (type.scale !== undefined) subs.push(sub('scale', { group: 'autoscaling', version: 'v1', kind: 'Scale' }))
  if (type.status) subs.push(sub('status'))
  if (type.crd !== undefined) subs.sort((a, b) => (text(a.name).endsWith('/status') ? -1 : text(b.name).endsWith('/status') ? 1 : 0))
  return [main, ...subs]
}

/** `GET /api/v1` or `/apis/{group}/{version}`, or undefined when nothing is served there. */
export function apiResourceList(cluster: Cluster, group: string, version: string): KubeMap | undefined {
  const types = servedTypes(cluster).filter((t) => t.group === group && t.version === version)
  if (types.length === 0) return undefined
  let resources: KubeMap[]
  if (types.some((t) => t.crd === undefined)) {
    resources = types.flatMap(resourceEntries).sort((a, b) => (text(a.name) < text(b.name) ? -1 : text(a.name) > text(b.name) ? 1 : 0))
  } else {
    resources = types.flatMap(resourceEntries)
  }
  const groupVersion = group === '' ? version : `${group}/${version}`
  const list: KubeMap = { kind: 'APIResourceList' }
  if (group !== '') list.apiVersion = 'v1'
  list.groupVersion = groupVersion
  list.resources = resources
  return list
}

/** `GET /version`. */
export function versionInfo(gitVersion: string): KubeMap {
  const m = /^v?(\d+)\.(\d+)/.exec(gitVersion)
  return {
    major: m?.[1] ?? '1',
    minor: m?.[2] ?? '32',
    gitVersion,
    gitCommit: createHash('sha1').update(gitVersion).digest('hex'),
    gitTreeState: 'clean',
    buildDate: '2024-12-11T18:04:48Z',
    goVersion: 'go1.23.3',
    compiler: 'gc',
    platform: 'linux/amd64',
  }
}

/** The aggregated discovery version an Accept header asks for (`as=APIGroupDiscoveryList`), if any. */
export function aggregatedVersionOf(accept: string | undefined): 'v2' | 'v2beta1' | undefined {
  for (const part of (accept ?? '').split(',')) {
    const [media = '', ...params] = part.split(';').map((s) => s.trim())
    if (media !== 'application/json') continue
    const p = new Map(params.map((kv) => [kv.split('=')[0] ?? '', kv.split('=')[1] ?? '']))
    if (!p.has('as')) return undefined // plain JSON first: the client prefers the unaggregated documents
    if (p.get('as') !== 'APIGroupDiscoveryList' || p.get('g') !== 'apidiscovery.k8s.io') continue
    const v = p.get('v')
    if (v === 'v2' || v === 'v2beta1') return v
  }
  return undefined
}

function discoveryResource(type: ResourceType): KubeMap {
  const responseKind = { group: type.group, version: type.version, kind: type.kind }
  const out: KubeMap = { resource: type.plural, responseKind, scope: type.namespaced ? 'Namespaced' : 'Cluster', singularResource: type.singular, verbs: [...type.verbs] }
  if (type.shortNames.length > 0) out.shortNames = [...type.shortNames]
  if (type.categories.length > 0) out.categories = [...type.categories]
  const subresources: KubeMap[] = []
  if (type.finalize === true) subresources.push({ subresource: 'finalize', responseKind, verbs: ['update'] })
  if (type.scale !== undefined) subresources.push({ subresource: 'scale', responseKind: { group: 'autoscaling', version: 'v1', kind: 'Scale' }, verbs: ['get', 'patch', 'update'] })
  if (type.status) subresources.push({ subresource: 'status', responseKind, verbs: ['get', 'patch', 'update'] })
  if (subresources.length > 0) out.subresources = subresources
  return out
}

/**
 * Aggregated discovery (apidiscovery.k8s.io `APIGroupDiscoveryList`): `/api` holds the core group,
 * `/apis` every other group with each version's resources, so a client discovers in one request.
 */
export function aggregatedDiscovery(cluster: Cluster, request: { readonly core: boolean; readonly version: 'v2' | 'v2beta1' }): KubeMap {
  const types = servedTypes(cluster)
  const entries: [string, string[]][] = request.core ? [['', ['v1']]] : [...groups(cluster)]
  const items = entries.map(([group, versions]) => ({
    metadata: group === '' ? { creationTimestamp: null } : { name: group, creationTimestamp: null },
    versions: versions.map((version) => ({
      version,
      resources: types
        .filter((t) => t.group === group && t.version === version)
        .map(discoveryResource)
        .sort((a, b) => (text(a.resource) < text(b.resource) ? -1 : 1)),
      freshness: 'Current',
    })),
  }))
  return { kind: 'APIGroupDiscoveryList', apiVersion: `apidiscovery.k8s.io/${request.version}`, metadata: {}, items }
}
