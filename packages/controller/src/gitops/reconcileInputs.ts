// What a Kustomization's build depends on besides the source revision: its spec (through its
// generation), the ConfigMaps and Secrets of `postBuild.substituteFrom`, and the Secret of its
// decryption keys. While all of these and the revision are as they were at the last successful
// apply, building again would give the same objects, so the no-change path (drift check only) is
// enough; when any moved, the controller builds and applies again, as Flux's build every interval
// would have picked the change up.
import type { KubeObject } from '@gitops-sdk/core'
import type { Kustomization } from '@gitops-sdk/flux'
import type { ControllerClient } from '../controllerClient.js'
import type { ResourceType } from '../types.js'
import { SECRET_RESOURCE } from './resources.js'

const CONFIGMAP_RESOURCE: ResourceType = { group: '', version: 'v1', kind: 'ConfigMap', plural: 'configmaps', namespaced: true }

/**
 * A fingerprint of the build's inputs other than the source revision: the generation, and the
 * uid and resourceVersion of each `substituteFrom` object and of the decryption Secret (one GET
 * each; none for a Kustomization using neither). Their values never enter it.
 */
export async function reconcileInputs(k: Kustomization, input: { readonly client: ControllerClient; readonly signal: AbortSignal }): Promise<string> {
  const namespace = k.metadata.namespace ?? 'default'
  const parts: string[] = [`generation=${JSON.stringify(k.metadata.generation ?? null)}`]
  const version = async (resource: ResourceType, name: string): Promise<string> => {
    const found: KubeObject | undefined = await input.client.get(resource, { namespace, name }, { signal: input.signal })
    return found === undefined ? 'absent' : JSON.stringify([found.metadata.uid ?? null, found.metadata.resourceVersion ?? null])
  }
  for (const from of k.spec.postBuild?.substituteFrom ?? []) {
    const kind: string = from.kind
    const resource = kind === 'Secret' ? SECRET_RESOURCE : kind === 'ConfigMap' ? CONFIGMAP_RESOURCE : undefined
    // An unknown kind fails in the build itself, with its own error.
    parts.push(`${kind}/${from.name}=${resource === undefined ? 'unknown' : await version(resource, from.name)}`)
  }
  const secret = k.spec.decryption?.secretRef?.name
  if (secret !== undefined) parts.push(`decryption/${secret}=${await version(SECRET_RESOURCE, secret)}`)
  return parts.join(';')
}
