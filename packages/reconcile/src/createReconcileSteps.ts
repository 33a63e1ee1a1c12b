// The concrete steps of a reconcile: `reconcile` composes steps without knowing how they are done;
// this file is where the domain packages meet (the "convenience entry" of the SDK).
import { formatRef, isGitOpsError, overlayFs } from '@gitops-sdk/core'
import type { FileSystem, KubeObject } from '@gitops-sdk/core'
import { withGeneratedKustomization } from '@gitops-sdk/flux'
import type { KustomizationBuildSpec, KustomizationSpec } from '@gitops-sdk/flux'
import { DEFAULT_FIELD_MANAGER, applyAll, createApplyHistory, detectDrift, loadInventory, prune, saveInventory, waitFor } from '@gitops-sdk/apply'
import type { ApplyHistory, ApplyProgress, InventoryRef, KubeClient } from '@gitops-sdk/apply'
import { fetchSource } from '@gitops-sdk/git-source'
import type { FetchProgress, GitAuth, GitRef } from '@gitops-sdk/git-source'
import { RenderError, parseVariables, render, substituteVariables } from '@gitops-sdk/render'
import type { RenderHelmChart, SubstituteOptions } from '@gitops-sdk/render'
import { decryptGeneratorInputs, decryptRendered } from '@gitops-sdk/secrets'
import type { AgeIdentity, DecryptionIntegrity } from '@gitops-sdk/secrets'
import { loadVariables } from './loadVariables.js'
import type { SubstituteFromReference } from './loadVariables.js'
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

/** Flux's `postBuild` for {@link createReconcileSteps}: render's substitution settings plus `substituteFrom`. */
export interface PostBuildOptions extends SubstituteOptions {
  /** ConfigMaps and Secrets of the cluster whose data are variables (Flux's `postBuild.substituteFrom`). */
  readonly substituteFrom?: readonly SubstituteFromReference[] | undefined
  /** Namespace the `substituteFrom` objects are read in (the Kustomization's). @defaultValue the inventory's namespace */
  readonly namespace?: string | undefined
}

/** Options of {@link createReconcileSteps}. */
export interface ReconcileStepsOptions {
  /** The git repository to reconcile from. */
  readonly source: GitSourceSpec
  /** Client of the target cluster (see `createKubeClient` in `@gitops-sdk/apply`). */
  readonly client: KubeClient
  /**
   * Client of the cluster the Kustomization lives in, when it applies elsewhere (Flux's
   * `kubeConfig`) or as someone else (`serviceAccountName`): the inventory is kept there and
   * `substituteFrom` is read there, as kustomize-controller keeps its status and reads variables
   * with its own identity in its own cluster.
   * @defaultValue `client`
   */
  readonly homeClient?: KubeClient | undefined
  /** Where the inventory is kept, and the ownership label of every applied object. */
  readonly inventory: InventoryRef
  /**
   * `'caller'` when the caller replaces `loadInventory` and `saveInventory` with its own store (a
   * controller keeping it in a Kustomization's `.status.inventory`): `inventory` then only labels
   * the objects, and `applyAll` makes no check of the ConfigMap or Secret it names (see apply's
   * `inventoryStore`). @defaultValue 'object'
   */
  readonly inventoryStore?: 'object' | 'caller' | undefined
  /** @defaultValue `'gitops'` (apply's `DEFAULT_FIELD_MANAGER`, the same as the CLI's) */
  readonly fieldManager?: string | undefined
  /** age identities for SOPS-encrypted files and Secrets. @defaultValue none: encrypted files fail */
  readonly identities?: readonly AgeIdentity[] | undefined
  /**
   * Flux post-build substitution, done after the decryption as Flux does. Variables come from
   * `files` (read from the fetched source), then `substituteFrom` (read from the cluster, in
   * order, later ones win), then `variables`, which win over all (Flux's `postBuild.substitute`).
   * `strict` is Flux's StrictPostBuildSubstitutions: an unset variable without a default fails.
   */
  readonly substitute?: PostBuildOptions | undefined
  /**
   * A Flux Kustomization's build settings: the kustomization is generated as kustomize-controller
   * does (plain directories listed, `targetNamespace`, `namePrefix`, `nameSuffix`, `patches`,
   * `components`, `images` written in), and `commonMetadata` is set on every built object.
   */
  readonly build?: (KustomizationBuildSpec & Pick<KustomizationSpec, 'commonMetadata'>) | undefined
  /** How SOPS-encrypted objects are decrypted after the build. */
  readonly decryption?:
    | {
        /**
         * `lenient`: an encrypted object the build changed (namespace, labels, prefix) whose
         * values match no verified document of the source is decrypted without a MAC check and
         * reported in `status.unverifiedDecryptions` and through `onWarning`, as Flux decrypts it.
         * `strict`: it fails the reconcile with `SOPS_MAC_MISMATCH` naming it.
         * @defaultValue 'lenient'
         */
        readonly integrity?: DecryptionIntegrity | undefined
      }
    | undefined
  /** Move every namespaced object into this namespace (multi-tenancy). */
  readonly targetNamespace?: string | undefined
  /** Re-create objects whose immutable fields changed. @defaultValue false */
  readonly force?: boolean | undefined
  /**
   * Who wins a field another manager owns (`applyAll`'s option): `'force'`, Flux's, takes over
   * kubectl's fields and forces the apply so Git wins; `'fail'`, kubectl's, fails the apply with
   * `APPLY_FIELD_CONFLICT` naming the managers and fields.
   * @defaultValue 'force'
   */
  readonly conflicts?: 'force' | 'fail' | undefined
  /** Field managers whose fields are taken over besides kubectl's (Flux's `--override-manager`). @defaultValue none */
  readonly takeOverManagers?: readonly string[] | undefined
  /** Longest health wait, in milliseconds. @defaultValue 300,000 */
  readonly waitTimeout?: number | undefined
  /** Memory for reconcile-loop warnings across applies; pass the same one to every reconcile. */
  readonly history?: ApplyHistory | undefined
  /** Receives progress of the fetch and the apply. */
  readonly onProgress?: ((event: FetchProgress | ApplyProgress) => void) | undefined
  /** Receives warnings (kustomize deprecations, reconcile loops), one line each. */
  readonly onWarning?: ((message: string) => void) | undefined
  /**
   * Renders kustomize `helmCharts` entries (kustomize's `--enable-helm`); the cli passes
   * `@gitops-sdk/helm`'s renderer. Flux's kustomize-controller does not enable Helm, so without
   * it such a kustomization fails as it does in Flux. @defaultValue none
   */
  readonly renderHelmChart?: RenderHelmChart | undefined
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
  const home = options.homeClient ?? client
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
    render: async (fs, { path, signal }) => {
      const build = options.build
      // With a Kustomization's build settings, the kustomization is generated as
      // kustomize-controller generates it; else render's plain-directory mode does the same.
      const objects = await render(path, {
        fs: build === undefined ? fs : await withGeneratedKustomization(fs, path, build),
        plainDirectories: build === undefined,
        loadRestrictions: 'none',
        onWarning: options.onWarning,
        renderHelmChart: options.renderHelmChart,
        signal,
      })
      const common = build?.commonMetadata
      return common === undefined ? objects : objects.map((o) => withCommonMetadata(o, common))
    },
    decryptObjects: async (objects, { fs, signal }) => {
      const result = await decryptRendered(objects, { ...keys, fs, integrity: options.decryption?.integrity, signal })
      for (const ref of result.unverified) {
        options.onWarning?.(`${formatRef(ref)}: decrypted without a MAC check: the build changed it and no encrypted document of the source with its values verifies`)
      }
      return result
    },
    substitute: async (objects, { fs, signal }) => {
      const sub = options.substitute
      if (sub === undefined) return [...objects]
      const variables: Record<string, string> = Object.create(null) as Record<string, string>
      for (const file of sub.files ?? []) {
        signal.throwIfAborted()
        Object.assign(variables, parseVariables(await readVariablesFile(fs, file), file))
      }
      const from = sub.substituteFrom ?? []
      if (from.length > 0) Object.assign(variables, await loadVariables(from, { client: home, namespace: sub.namespace ?? inventory.namespace, signal }))
      Object.assign(variables, sub.variables ?? {})
      return substituteVariables(objects, { variables, strict: sub.strict })
    },
    loadInventory: async ({ signal }) => (await loadInventory(inventory, { client: home, signal }))?.inventory,
    apply: async (objects, { signal, allowEmpty }) => {
      const result = await applyAll(objects, {
        client,
        fieldManager,
        force: options.force,
        conflicts: options.conflicts,
        takeOverManagers: options.takeOverManagers,
        history,
        signal,
        onProgress: options.onProgress,
        ...placement,
        inventoryStore: options.inventoryStore,
        allowEmpty,
      })
      for (const warning of result.warnings) options.onWarning?.(warning.message)
      return result
    },
    prune: (previous, next, { signal, allowEmpty }) => prune(previous, next, { client, inventory, signal, allowEmpty }),
    saveInventory: (next, { revision, signal }) => saveInventory(next, { client: home, ref: inventory, revision, fieldManager, signal }),
    wait: async (refs, { signal, timeout }) => {
      await waitFor(refs, { client, timeout: Math.min(timeout, options.waitTimeout ?? timeout), signal })
    },
    checkDrift: (state, { signal }) => detectDrift(state, { client, fieldManager, signal, ...placement }),
  }
}

/** `commonMetadata` over an object's own labels and annotations, as Flux sets it. */
function withCommonMetadata(object: KubeObject, common: NonNullable<KustomizationSpec['commonMetadata']>): KubeObject {
  const metadata = { ...object.metadata }
  // Spread defines own properties, so a `__proto__` key stays a key.
  if (common.labels !== undefined) metadata.labels = { ...object.metadata.labels, ...common.labels }
  if (common.annotations !== undefined) metadata.annotations = { ...object.metadata.annotations, ...common.annotations }
  return { ...object, metadata }
}

async function readVariablesFile(fs: FileSystem, file: string): Promise<string> {
  try {
    return new TextDecoder().decode(await fs.readFile(file))
  } catch (err) {
    if (isGitOpsError(err, 'CORE_FS_NOT_FOUND', 'CORE_FS_NOT_A_FILE', 'CORE_FS_PATH_ESCAPES_ROOT')) {
      throw new RenderError({ code: 'RENDER_FILE_NOT_FOUND', message: `${file}: no such file of variables in the source`, details: { file, field: '' }, cause: err })
    }
    throw err
  }
}

/**
 * `applyAll` and `prune` refuse an empty desired set over a non-empty stored inventory unless told
 * `allowEmpty` (newer versions of `@gitops-sdk/apply`); the reconcile has already decided, so its
 * decision is passed on, and only when it allows.
 */
