// Loading a kubeconfig as kubectl does (client-go's clientcmd loading rules): a KUBECONFIG-style
// list of files merged, the first file to set a name winning, missing files skipped; or a given
// YAML text; or a @kubernetes/client-node KubeConfig the caller already built.
import { existsSync } from 'node:fs'
import { delimiter } from 'node:path'
import type * as ClientNode from '@kubernetes/client-node'
import type { KubeConfigLike } from '../kubeClient.js'


/** Where a kubeconfig comes from. */
export type KubeConfigSource =
  | { readonly type: 'files'; readonly paths: string }
  | { readonly type: 'yaml'; readonly text: string }
  | { readonly type: 'object'; readonly config: KubeConfigLike }

/**
 * A client-node KubeConfig of `mod` loaded from `source`, its current context set to `context`
 * when given. Throws a plain Error with the reason; the caller names the source.
 */
export function loadKubeConfig(mod: typeof ClientNode, source: KubeConfigSource): ClientNode.KubeConfig {
  const kc = new mod.KubeConfig()
  switch (source.type) {
    case 'yaml':
      kc.loadFromString(source.text)
      return kc
    case 'object':
      // Through its exported text, so that a KubeConfig of another client-node copy (or major)
      // works too; its file paths are already absolute.
      kc.loadFromString(source.config.exportConfig())
      return kc
    case 'files':
      mergeFiles(mod, kc, source.paths.split(delimiter).filter((p) => p !== ''))
      return kc
  }
}

/**
 * Merges kubeconfig files as kubectl merges a KUBECONFIG list: for clusters, users and contexts the
 * first file that defines a name wins; current-context comes from the first file that sets one; a
 * file that does not exist is skipped (only when none exists is that an error).
 */
function mergeFiles(mod: typeof ClientNode, kc: ClientNode.KubeConfig, paths: readonly string[]): void {
  if (paths.length === 0) throw new Error('no path')
  const present = paths.filter((path) => existsSync(path))
  if (present.length === 0) throw new Error(paths.length === 1 ? 'no such file' : `none of the ${paths.length} files exists`)
  let current: string | undefined
  const clusters: ClientNode.Cluster[] = []
  const users: ClientNode.User[] = []
  const contexts: ClientNode.Context[] = []
  for (const path of present) {
    const file = new mod.KubeConfig()
    // loadFromFile makes the file's relative paths (certificate-authority, …) absolute to its folder.
    file.loadFromFile(path)
    for (const c of file.clusters) if (!clusters.some((x) => x.name === c.name)) clusters.push(c)
    for (const u of file.users) if (!users.some((x) => x.name === u.name)) users.push(u)
    for (const c of file.contexts) if (!contexts.some((x) => x.name === c.name)) contexts.push(c)
    const named = file.getCurrentContext() as string | undefined
    if ((current === undefined || current === '') && named !== undefined && named !== '') current = named
  }
  kc.loadFromOptions({ clusters, users, contexts, currentContext: current ?? '' })
}
