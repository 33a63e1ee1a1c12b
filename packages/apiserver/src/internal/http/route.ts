// Routing (SPEC.md §6): a request path and method to the discovery document or the resource, scope,
// object, subresource and verb it addresses. Pure: it looks types up but changes nothing.
import { trimCharRun } from '@gitops-sdk/core'
import type { Cluster } from '../state/cluster.js'
import type { ResourceType } from '../state/registry.js'
import { groupResource } from '../verbs/writes.js'
import { methodNotAllowed, resourceNotFound } from '../../status.js'

/** The verbs of the Kubernetes API. */
export type Verb = 'get' | 'list' | 'watch' | 'create' | 'update' | 'patch' | 'delete' | 'deletecollection'

/** What a path addresses. */
export type Route =
  | { readonly kind: 'discovery'; readonly document: 'version' | 'api' | 'apis' | 'group' | 'resources' | 'health'; readonly group: string; readonly version: string }
  | { readonly kind: 'openapi'; readonly version: 2 | 3; readonly path: string | undefined }
  | ResourceRoute

/** A request for a resource. */
export interface ResourceRoute {
  readonly kind: 'resource'
  readonly type: ResourceType
  readonly verb: Verb
  /** The URL's namespace, or undefined for cluster scope and all-namespace lists. */
  readonly namespace: string | undefined
  readonly name: string | undefined
  readonly subresource: 'status' | 'finalize' | 'scale' | 'token' | undefined
}

const health = new Set(['/healthz', '/livez', '/readyz'])

function verbOf(method: string, hasName: boolean, watch: boolean): Verb | undefined {
  switch (method) {
    case 'GET':
      return hasName ? 'get' : watch ? 'watch' : 'list'
    case 'POST':
      return hasName ? undefined : 'create'
    case 'PUT':
      return hasName ? 'update' : undefined
    case 'PATCH':
      return hasName ? 'patch' : undefined
    case 'DELETE':
      return hasName ? 'delete' : 'deletecollection'
    default:
      return undefined
  }
}

/** Resolves a path; unknown paths are a 404, verbs a type does not serve a 405. */
export function route(cluster: Cluster, method: string, target: { pathname: string; watch: boolean }): Route {
  const { pathname, watch } = target
  const path = pathname.length > 1 ? trimCharRun(pathname, '/', 'end') : pathname
  if (path === '/version') return { kind: 'discovery', document: 'version', group: '', version: '' }
  if (health.has(path)) return { kind: 'discovery', document: 'health', group: '', version: '' }
  if (path === '/openapi/v2') return { kind: 'openapi', version: 2, path: undefined }
  if (path === '/openapi/v3') return { kind: 'openapi', version: 3, path: undefined }
  if (path.startsWith('/openapi/v3/')) return { kind: 'openapi', version: 3, path: path.slice('/openapi/v3/'.length) }
  const segments = path.split('/').slice(1).map(decodeURIComponent)
  let group: string
  let version: string
  let rest: string[]
  if (segments[0] === 'api') {
    if (segments.length === 1) return { kind: 'discovery', document: 'api', group: '', version: '' }
    group = ''
    version = segments[1] ?? ''
    rest = segments.slice(2)
  } else if (segments[0] === 'apis') {
    if (segments.length === 1) return { kind: 'discovery', document: 'apis', group: '', version: '' }
    group = segments[1] ?? ''
    if (segments.length === 2) return { kind: 'discovery', document: 'group', group, version: '' }
    version = segments[2] ?? ''
    rest = segments.slice(3)
  } else throw resourceNotFound()
  if (rest.length === 0) return { kind: 'discovery', document: 'resources', group, version }

  let namespace: string | undefined
  let plural: string
  let name: string | undefined
  let sub: string | undefined
  if (rest[0] === 'namespaces' && group === '' && (rest.length === 2 || (rest.length === 3 && (rest[2] === 'status' || rest[2] === 'finalize')))) {
    plural = 'namespaces'
    name = rest[1]
    sub = rest[2]
  } else if (rest[0] === 'namespaces' && rest.length >= 3) {
    namespace = rest[1]
    plural = rest[2] ?? ''
    name = rest[3]
    sub = rest[4]
    if (rest.length > 5) throw resourceNotFound()
  } else {
    plural = rest[0] ?? ''
    name = rest[1]
    sub = rest[2]
    if (rest.length > 3) throw resourceNotFound()
  }
  const type = cluster.findType(group, version, plural)
  if (type === undefined) throw resourceNotFound()
  if (namespace !== undefined && !type.namespaced) throw resourceNotFound()
  if (namespace === undefined && type.namespaced && name !== undefined) throw resourceNotFound()
  let subresource: ResourceRoute['subresource']
  if (sub !== undefined) {
    if (sub === 'status' && type.status) subresource = 'status'
    else if (sub === 'finalize' && type.finalize === true) subresource = 'finalize'
    else if (sub === 'scale' && type.scale !== undefined) subresource = 'scale'
    else if (sub === 'token' && type.group === '' && type.plural === 'serviceaccounts') subresource = 'token'
    else throw resourceNotFound()
  }
  // A TokenRequest is created on a named service account: POST with a name.
  const verb = subresource === 'token' && method === 'POST' ? 'create' : verbOf(method, name !== undefined, watch)
  const allowed = subresource === undefined ? type.verbs : subresource === 'finalize' ? ['update'] : subresource === 'token' ? ['create'] : ['get', 'patch', 'update']
  if (verb === undefined || !allowed.includes(verb) || (namespace === undefined && type.namespaced && verb === 'create' && subresource !== 'token')) {
    throw methodNotAllowed(groupResource(type), verb ?? method.toLowerCase())
  }
  return { kind: 'resource', type, verb, namespace, name, subresource }
}
