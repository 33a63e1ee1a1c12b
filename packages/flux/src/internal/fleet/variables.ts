// Flux's post-build variables: substituteFrom ConfigMaps and Secrets in order (later ones win),
// then the inline `substitute` map, which wins over all of them.
import type { KubeObject } from '@gitops-sdk/core'
import { isKubeMap } from '@gitops-sdk/core'
import type { PostBuild } from '../../kustomization.js'

/** Objects the fleet renders, by `Kind/NS/NAME`, for substituteFrom. */
export type ObjectIndex = ReadonlyMap<string, KubeObject>

/** The variables of one Kustomization and the references that could not be resolved. */
export interface ResolvedVariables {
  readonly variables: Record<string, string>
  readonly unresolved: string[]
}

/** Reads the variables of `postBuild` for a Kustomization in `namespace`. */
export function resolveVariables(postBuild: PostBuild, namespace: string, index: ObjectIndex): ResolvedVariables {
  const variables: Record<string, string> = Object.create(null) as Record<string, string>
  const unresolved: string[] = []
  for (const ref of postBuild.substituteFrom ?? []) {
    const key = `${ref.kind}/${namespace}/${ref.name}`
    const object = index.get(key)
    if (object === undefined) {
      if (ref.optional !== true) unresolved.push(key)
      continue
    }
    const data = object.data
    if (isKubeMap(data)) {
      for (const [name, value] of Object.entries(data)) {
        if (typeof value !== 'string') continue
        variables[name] = ref.kind === 'Secret' ? Buffer.from(value, 'base64').toString('utf8') : value
      }
    }
    const stringData = object.stringData
    if (ref.kind === 'Secret' && isKubeMap(stringData)) {
      for (const [name, value] of Object.entries(stringData)) if (typeof value === 'string') variables[name] = value
    }
  }
  for (const [name, value] of Object.entries(postBuild.substitute ?? {})) variables[name] = value
  return { variables, unresolved }
}
