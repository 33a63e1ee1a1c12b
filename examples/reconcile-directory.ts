// A one-off reconcile of a local directory into a cluster, as a release script would do it:
// render (kustomization or plain manifests), decrypt SOPS Secrets, apply in stages, prune what
// left, remember the inventory, wait for health. The phases are `reconcile`'s, with steps of our
// own for a source on disk, so the script gets its safety for free: no prune after a failed apply,
// and an empty build never empties the cluster.
//   npx tsx examples/reconcile-directory.ts DIR NAMESPACE/NAME [KUBECONFIG]
import { readFile } from 'node:fs/promises'
import { parse, relative, resolve } from 'node:path'
import { pathToFileURL } from 'node:url'
import { applyAll, createKubeClient, loadInventory, prune, saveInventory, waitFor } from '@gitops-sdk/apply'
import { formatChangeSet, nodeFs } from '@gitops-sdk/core'
import type { ChangeSet } from '@gitops-sdk/core'
import { reconcile, reconcileFailure } from '@gitops-sdk/reconcile'
import type { ReconcileSteps } from '@gitops-sdk/reconcile'
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
  const steps: ReconcileSteps = {
    fetch: async () => ({ revision: `dir:${dir}`, fs: nodeFs(root) }),
    render: (fs, { path, signal }) => render(path, { fs, plainDirectories: true, signal }),
    decryptObjects: (objects, { signal }) => decryptManifests(objects, { identities, signal }),
    loadInventory: async ({ signal }) => (await loadInventory(inventory, { client, signal }))?.inventory,
    apply: (objects, { signal }) => applyAll(objects, { client, fieldManager: 'release-script', inventory, signal }),
    prune: (previous, next, { signal }) => prune(previous, next, { client, inventory, signal }),
    saveInventory: (next, { revision, signal }) => saveInventory(next, { client, ref: inventory, revision, signal }),
    wait: async (refs, { signal, timeout }) => {
      await waitFor(refs, { client, timeout, signal })
    },
  }
  const spec = { name: inventory.name, path: relative(root, dir), prune: true, wait: true, timeout: 180_000 }
  const { status } = await reconcile(spec, steps, { signal })
  const failure = reconcileFailure(status)
  if (failure !== undefined) throw failure
  return status.changeSet
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
