// A one-off reconcile of a local directory into a cluster, as a release script would do it:
// render (kustomization or plain manifests), decrypt SOPS Secrets, apply in stages, prune what
// left, remember the inventory, wait for health.
//   npx tsx examples/reconcile-directory.ts DIR NAMESPACE/NAME [KUBECONFIG]
import { readFile } from 'node:fs/promises'
import { parse, relative, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { applyAll, createKubeClient, loadInventory, prune, saveInventory, waitFor } from '@gitops-sdk/apply'
import { formatChangeSet, mergeChangeSets, nodeFs } from '@gitops-sdk/core'
import type { ChangeSet } from '@gitops-sdk/core'
import { render } from '@gitops-sdk/render'
import { decryptManifests, loadIdentitiesFromEnv, parseIdentities } from '@gitops-sdk/secrets'

export interface ReconcileDirectoryOptions {
  readonly dir: string
  readonly inventory: { readonly namespace: string; readonly name: string }
  readonly kubeconfig: string
  readonly ageKeyFile?: string | undefined
  readonly signal?: AbortSignal | undefined
}

export async function reconcileDirectory(options: ReconcileDirectoryOptions): Promise<ChangeSet> {
  const { inventory, signal } = options
  const client = await createKubeClient({ kubeconfig: options.kubeconfig, signal })
  const identities =
    options.ageKeyFile === undefined
      ? await loadIdentitiesFromEnv({ env: process.env })
      : await parseIdentities(await readFile(options.ageKeyFile, 'utf8'), { source: options.ageKeyFile })
  // The whole disk is the file system, so that overlays can reach their bases (`../../base`);
  // render still keeps every kustomization's own file loads inside its directory.
  const dir = resolve(options.dir)
  const root = parse(dir).root
  const rendered = await render(relative(root, dir), { fs: nodeFs(root), plainDirectories: true, signal })
  const objects = await decryptManifests(rendered, { identities, signal })
  const previous = await loadInventory(inventory, { client, signal })
  const applied = await applyAll(objects, { client, fieldManager: 'release-script', inventory, signal })
  const pruned = previous === undefined ? { entries: [] } : await prune(previous.inventory, applied.inventory, { client, inventory, signal })
  await saveInventory(applied.inventory, { client, ref: inventory, signal })
  await waitFor(applied.inventory.entries, { client, timeout: 120_000, signal })
  return mergeChangeSets(applied, pruned)
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const [dir, ref, kubeconfig = process.env.KUBECONFIG] = process.argv.slice(2)
  const [namespace, name] = (ref ?? '').split('/')
  if (dir === undefined || namespace === undefined || name === undefined || kubeconfig === undefined) {
    console.error('usage: reconcile-directory DIR NAMESPACE/NAME [KUBECONFIG]')
    process.exit(2)
  }
  console.log(formatChangeSet(await reconcileDirectory({ dir, inventory: { namespace, name }, kubeconfig })))
}
