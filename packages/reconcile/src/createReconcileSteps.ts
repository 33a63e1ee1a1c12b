// The concrete steps of a reconcile: `reconcile` composes steps without knowing how they are done;
// this file is where the domain packages meet (the "convenience entry" of the SDK).
import { overlayFs } from '@gitops-sdk/core'
import type { FileSystem } from '@gitops-sdk/core'
import { DEFAULT_FIELD_MANAGER, applyAll, createApplyHistory, detectDrift, loadInventory, prune, saveInventory, waitFor } from '@gitops-sdk/apply'
import type { ApplyHistory, ApplyProgress, InventoryRef, KubeClient } from '@gitops-sdk/apply'
import { fetchSource } from '@gitops-sdk/git-source'
import type { FetchProgress, GitAuth, GitRef } from '@gitops-sdk/git-source'
import { render } from '@gitops-sdk/render'
import type { SubstituteOptions } from '@gitops-sdk/render'
import { decryptGeneratorInputs, decryptManifests } from '@gitops-sdk/secrets'
import type { AgeIdentity } from '@gitops-sdk/secrets'
import type { ReconcileSteps } from './types.js'

/** Where a reconcile's files come from: a git repository, as Flux's GitRepository. */
export interface GitSourceSpec {
  /** Repository URL (`https://` or `http://`); credentials go in `auth`, never in the URL. */
  readonly url: string
  /** Branch, tag, semver range or commit. @defaultValue the remote's HEAD */
  readonly ref?: GitRef | undefined
  /** Basic or token credentials for the git server. */
  readonly auth?: GitAuth | undefined
  /** PEM certificates to trust for the git server. */
  readonly ca?: string | undefined
  /** Directory for incremental fetches across processes. @defaultValue no cache */
  readonly cacheDir?: string | undefined
  /** Extra `.sourceignore` rules. */
  readonly ignore?: string | undefined
}

/** Options of {@link createReconcileSteps}. */
export interface ReconcileStepsOptions {
  /** The git repository to reconcile from. */
  readonly source: GitSourceSpec
  /** Client of the target cluster (see `createKubeClient` in `@gitops-sdk/apply`). */
  readonly client: KubeClient
  /** Where the inventory is kept, and the ownership label of every applied object. */
  readonly inventory: InventoryRef
  /** @defaultValue `'gitops'` (apply's `DEFAULT_FIELD_MANAGER`, the same as the CLI's) */
  readonly fieldManager?: string | undefined
  /** age identities for SOPS-encrypted files and Secrets. @defaultValue none: encrypted files fail */
  readonly identities?: readonly AgeIdentity[] | undefined
  /** Flux post-build substitution. */
  readonly substitute?: SubstituteOptions | undefined
  /** Move every namespaced object into this namespace (multi-tenancy). */
  readonly targetNamespace?: string | undefined
  /** Re-create objects whose immutable fields changed. @defaultValue false */
  readonly force?: boolean | undefined
  /** Longest health wait, in milliseconds. @defaultValue 300,000 */
  readonly waitTimeout?: number | undefined
  /** Memory for reconcile-loop warnings across applies; pass the same one to every reconcile. */
  readonly history?: ApplyHistory | undefined
  /** Receives progress of the fetch and the apply. */
  readonly onProgress?: ((event: FetchProgress | ApplyProgress) => void) | undefined
  /** Receives warnings (kustomize deprecations, reconcile loops), one line each. */
  readonly onWarning?: ((message: string) => void) | undefined
}

/**
 * Wires the SDK's packages into the steps of {@link reconcile}: `fetchSource` (git-source),
 * `decryptGeneratorInputs` and `decryptManifests` (secrets), `render` with post-build substitution
 * and Flux's plain-directory mode (render), and `applyAll`, `prune`, `loadInventory`,
 * `saveInventory`, `waitFor` and `detectDrift` (apply).
 *
 * @example
 * ```ts
 * const client = await createKubeClient({ kubeconfig: '/path/to/kubeconfig' })
 * const steps = createReconcileSteps({ source: { url, ref: { branch: 'main' } }, client, inventory: { namespace: 'flux-system', name: 'prod' } })
 * const { status } = await reconcile({ name: 'prod', path: 'clusters/prod', prune: true, wait: true }, steps)
 * ```
 */
export function createReconcileSteps(options: ReconcileStepsOptions): ReconcileSteps {
  const { source, client, inventory } = options
  const fieldManager = options.fieldManager ?? DEFAULT_FIELD_MANAGER
  const history = options.history ?? createApplyHistory()
  const keys = { identities: options.identities ?? [] }
  const placement = { inventory, targetNamespace: options.targetNamespace }
  return {
    fetch: async ({ lastRevision, signal }) =>
      fetchSource(source.url, {
        ref: source.ref,
        auth: source.auth,
        ca: source.ca,
        cacheDir: source.cacheDir,
        ignore: source.ignore,
        lastRevision,
        // Without a last revision the reconciler holds no artifact (a first reconcile, or one after
        // a restart): the content is needed even when the cache dir already has that revision.
        force: lastRevision === undefined,
        signal,
        onProgress: options.onProgress,
      }),
    decryptSources: async (fs: FileSystem, { path, signal }) => {
      const plaintexts = await decryptGeneratorInputs(path, { fs, ...keys, signal })
      return plaintexts.size === 0 ? fs : overlayFs(fs, plaintexts)
    },
    render: (fs, { path, signal }) =>
      render(path, {
        fs,
        substitute: options.substitute,
        plainDirectories: true,
        loadRestrictions: 'none',
        onWarning: options.onWarning,
        signal,
      }),
    decryptObjects: (objects, { signal }) => decryptManifests(objects, { ...keys, signal }),
    loadInventory: async ({ signal }) => (await loadInventory(inventory, { client, signal }))?.inventory,
    apply: async (objects, { signal, allowEmpty }) => {
      const result = await applyAll(objects, {
        client,
        fieldManager,
        force: options.force,
        history,
        signal,
        onProgress: options.onProgress,
        ...placement,
        allowEmpty,
      })
      for (const warning of result.warnings) options.onWarning?.(warning.message)
      return result
    },
    prune: (previous, next, { signal, allowEmpty }) => prune(previous, next, { client, inventory, signal, allowEmpty }),
    saveInventory: (next, { revision, signal }) => saveInventory(next, { client, ref: inventory, revision, fieldManager, signal }),
    wait: async (refs, { signal, timeout }) => {
      await waitFor(refs, { client, timeout: Math.min(timeout, options.waitTimeout ?? timeout), signal })
    },
    checkDrift: (state, { signal }) => detectDrift(state, { client, fieldManager, signal, ...placement }),
  }
}

/**
 * `applyAll` and `prune` refuse an empty desired set over a non-empty stored inventory unless told
 * `allowEmpty` (newer versions of `@gitops-sdk/apply`); the reconcile has already decided, so its
 * decision is passed on, and only when it allows.
 */
