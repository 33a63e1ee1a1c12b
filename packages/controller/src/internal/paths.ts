import { formatRef } from '@gitops-sdk/core'
import type { ObjectKey, ResourceType } from '../types.js'

/** `/api/v1` or `/apis/group/version`. */
export function groupVersionPath(resource: ResourceType): string {
  return resource.group === '' ? `/api/${resource.version}` : `/apis/${resource.group}/${resource.version}`
}

/** The collection URL, in a namespace or across all. */
export function collectionPath(resource: ResourceType, namespace: string | undefined): string {
  const ns = resource.namespaced && namespace !== undefined && namespace !== '' ? `/namespaces/${encodeURIComponent(namespace)}` : ''
  return `${groupVersionPath(resource)}${ns}/${resource.plural}`
}

/** One object's URL, optionally a subresource. */
export function objectPath(resource: ResourceType, key: ObjectKey, subresource?: string): string {
  return `${collectionPath(resource, key.namespace)}/${encodeURIComponent(key.name)}${subresource === undefined ? '' : `/${subresource}`}`
}

/** `Kind/namespace/name`, the subject of messages. */
export function subjectOf(resource: ResourceType, key: ObjectKey): string {
  return formatRef({ group: resource.group, kind: resource.kind, namespace: resource.namespaced ? key.namespace : '', name: key.name })
}

/** `Kind` or `Kind in namespace ns`, the subject of list and watch messages. */
export function collectionSubject(resource: ResourceType, namespace: string | undefined): string {
  return namespace === undefined || namespace === '' ? resource.kind : `${resource.kind} in namespace ${namespace}`
}
