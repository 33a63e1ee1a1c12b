import type { ChangeSet, Condition, FileSystem, Inventory, KubeObject, ObjectRef, UnchangedSource } from '@gitops-sdk/core'
import type { DecryptedObjects } from '@gitops-sdk/secrets'

/** What one reconcile does: the settings of one Flux Kustomization. */
export interface ReconcileSpec {
  /** Name used in events, metrics and messages. */
  readonly name: string
  /** Path of the kustomization (or plain directory) inside the fetched artifact. @defaultValue `'.'` */
  readonly path?: string | undefined
  /** Delete objects of the previous inventory that this one no longer has. @defaultValue false */
  readonly prune?: boolean | undefined
  /** Wait until every applied object is healthy (kstatus Current). @defaultValue false */
  readonly wait?: boolean | undefined
  /**
   * Objects to wait for after every apply until healthy (Flux's `healthChecks`), whether or not
   * `wait` is set; with `wait` they are waited for besides the applied ones.
   */
  readonly healthChecks?: readonly ObjectRef[] | undefined
  /** Deadline of the whole reconcile in milliseconds. @defaultValue 300,000 */
  readonly timeout?: number | undefined
  /** Skip the reconcile and report Ready unchanged. @defaultValue false */
  readonly suspend?: boolean | undefined
  /**
   * Accept a render with no objects although the previous inventory has some (and then, with
   * `prune`, delete them all). Without it such a reconcile fails with `RECONCILE_EMPTY_RENDER` and
   * prunes nothing: an empty build is far more often a broken source than an intent.
   * @defaultValue false
   */
  readonly allowEmpty?: boolean | undefined
}

/** A fetched source: its revision and a file system over its files. */
export interface FetchedSource {
  /** Absent or `false`: tells this answer from an {@link UnchangedSource}. */
  readonly unchanged?: false | undefined
  /** Flux-style revision, e.g. `main@sha1:3f2a…`. */
  readonly revision: string
  /** Digest of the fetched content, e.g. `sha256:…`. */
  readonly digest?: string | undefined
  /** The fetched files. */
  readonly fs: FileSystem
}

/** Objects applied by a previous reconcile and the resourceVersions they had afterwards. */
export interface AppliedState {
  /** The revision the objects were rendered from. */
  readonly revision: string
  /** The objects as they were applied (after decryption: keep this in memory only). */
  readonly objects: readonly KubeObject[]
  /** refKey → resourceVersion after the apply. */
  readonly resourceVersions: ReadonlyMap<string, string>
}

/**
 * What the apply step resolves to: the change set, and optionally the inventory of what was
 * applied with namespaces as the cluster resolved them (`applyAll`'s result has both); that
 * inventory then becomes the new one, else it is computed from the rendered objects.
 */
export interface ApplyStepResult extends ChangeSet {
  /** Every applied object (unchanged and skipped ones too), namespaces resolved. */
  readonly inventory?: Inventory | undefined
}

/** What the apply and prune steps get besides their objects. */
export interface ApplyStepInput {
  /** Cancels the step (the caller's signal, or the reconcile's timeout). */
  readonly signal: AbortSignal
  /**
   * The spec's `allowEmpty`: `true` when an empty render may replace a non-empty inventory (the
   * reconcile has refused it otherwise, before this step). Pass it to `applyAll` and `prune`, which
   * guard the stored inventory the same way.
   */
  readonly allowEmpty: boolean
}

/**
 * The phases of a reconcile as functions, so that {@link reconcile} composes them without
 * depending on how they are done ({@link createReconcileSteps} wires `fetchSource`, the SOPS
 * decryption, `render`, `applyAll`, `prune`, `waitFor` and `detectDrift`). Optional steps are
 * skipped when absent. A failing apply or prune step that had already changed something says so by
 * rejecting with an `ApplyError` (what `applyAll` and `prune` throw) or a {@link ReconcileStepError},
 * whose `changeSet` then joins the status.
 */
export interface ReconcileSteps {
  /** Fetches the source; answers `{ unchanged: true }` when it is still at `lastRevision`. */
  readonly fetch: (input: { readonly lastRevision?: string | undefined; readonly signal: AbortSignal }) => Promise<FetchedSource | UnchangedSource>
  /** Decrypts the generator inputs under `path` in memory, returning a file system that shows them. */
  readonly decryptSources?: (fs: FileSystem, input: { readonly path: string; readonly signal: AbortSignal }) => Promise<FileSystem>
  /**
   * Builds the objects at `path`. Post-build substitution belongs in `substitute`, which runs after
   * `decryptObjects` as in Flux; a render step that substitutes itself still works, in the old order.
   */
  readonly render: (fs: FileSystem, input: { readonly path: string; readonly signal: AbortSignal }) => Promise<KubeObject[]>
  /**
   * Decrypts SOPS-encrypted objects among the rendered ones. `fs` is the source they were built
   * from (after `decryptSources`), to check encrypted documents as written. It may resolve to the
   * objects, or to a {@link DecryptedObjects} that also tells how their integrity was established.
   */
  readonly decryptObjects?: (
    objects: readonly KubeObject[],
    input: { readonly signal: AbortSignal; readonly fs: FileSystem; readonly path: string },
  ) => Promise<KubeObject[] | DecryptedObjects>
  /** Flux's post-build substitution, after the decryption (`postBuild`); `fs` is the source. */
  readonly substitute?: (objects: readonly KubeObject[], input: { readonly signal: AbortSignal; readonly fs: FileSystem }) => Promise<KubeObject[]>
  /** Reads the inventory of the previous reconcile, if any. */
  readonly loadInventory?: (input: { readonly signal: AbortSignal }) => Promise<Inventory | undefined>
  /**
   * Applies the objects. When any apply fails it rejects with an `ApplyError` or a
   * {@link ReconcileStepError} whose `changeSet` says what had already happened.
   */
  readonly apply: (objects: readonly KubeObject[], input: ApplyStepInput) => Promise<ApplyStepResult>
  /** Deletes what `previous` has and `next` lacks; fails like `apply`. */
  readonly prune?: (previous: Inventory, next: Inventory, input: ApplyStepInput) => Promise<ChangeSet>
  /** Stores the new inventory together with the revision it came from. */
  readonly saveInventory?: (inventory: Inventory, input: { readonly revision: string; readonly signal: AbortSignal }) => Promise<void>
  /** Waits until the objects are healthy; rejects with the ones that are not. */
  readonly wait?: (
    refs: readonly ObjectRef[],
    input: {
      readonly signal: AbortSignal
      /** Milliseconds left before the reconcile's deadline, less a margin to report in: the wait's own timeout should not exceed it. */
      readonly timeout: number
    },
  ) => Promise<void>
  /**
   * Tells which previously applied objects were changed or deleted in the cluster since (drift).
   * Called when the source is unchanged; an empty answer means nothing needs to be done.
   */
  readonly checkDrift?: (state: AppliedState, input: { readonly signal: AbortSignal }) => Promise<readonly ObjectRef[]>
}

/** The phases a reconcile goes through, in order. */
export type ReconcilePhase =
  | 'fetch'
  | 'decrypt-sources'
  | 'render'
  | 'decrypt'
  | 'substitute'
  | 'drift'
  | 'apply'
  | 'prune'
  | 'inventory'
  | 'wait'

/** What a reconcile reports while it runs. */
export type ReconcileEvent =
  | {
      /** A phase begins. */
      readonly type: 'phase-started'
      /** The spec's name. */
      readonly name: string
      /** The phase. */
      readonly phase: ReconcilePhase
    }
  | {
      /** A phase ended well. */
      readonly type: 'phase-finished'
      /** The spec's name. */
      readonly name: string
      /** The phase. */
      readonly phase: ReconcilePhase
      /** How long the phase took, in milliseconds. */
      readonly durationMs: number
    }
  | {
      /** A phase failed; the run ends with Ready=False. */
      readonly type: 'phase-failed'
      /** The spec's name. */
      readonly name: string
      /** The phase. */
      readonly phase: ReconcilePhase
      /** How long the phase took, in milliseconds. */
      readonly durationMs: number
      /** What failed (a typed error where the SDK has one). */
      readonly error: unknown
    }
  | {
      /** The run was skipped. */
      readonly type: 'skipped'
      /** The spec's name. */
      readonly name: string
      /** Why: `suspended` (the spec says so) or `unchanged` (same source revision, nothing drifted). */
      readonly reason: 'suspended' | 'unchanged'
    }
  | {
      /** Objects changed in the cluster since the last apply. */
      readonly type: 'drift'
      /** The spec's name. */
      readonly name: string
      /** The objects concerned. */
      readonly refs: readonly ObjectRef[]
    }
  | {
      /** Objects decrypted without a SOPS MAC check. */
      readonly type: 'unverified-decryption'
      /** The spec's name. */
      readonly name: string
      /** The objects concerned. */
      readonly refs: readonly ObjectRef[]
    }
  | {
      /** The run ended. */
      readonly type: 'finished'
      /** The spec's name. */
      readonly name: string
      /** The run's status. */
      readonly status: ReconcileStatus
    }

/** The outcome of one reconcile, in the shape of a Flux Kustomization's status. */
export interface ReconcileStatus {
  /** The spec's name. */
  readonly name: string
  /** Ready, Reconciling, Stalled, with Flux's reasons (`ReconciliationSucceeded`, `ArtifactFailed`, `BuildFailed`, …). */
  readonly conditions: readonly Condition[]
  /** The revision last applied successfully. */
  readonly lastAppliedRevision?: string | undefined
  /** The revision this reconcile tried. */
  readonly lastAttemptedRevision?: string | undefined
  /** Everything applied and pruned in this reconcile (empty when nothing had to be done). */
  readonly changeSet: ChangeSet
  /** The inventory after this reconcile. */
  readonly inventory?: Inventory | undefined
  /** sha256 over the rendered objects, in Flux's `sha256:<hex>` form. */
  readonly buildDigest?: string | undefined
  /**
   * Encrypted objects decrypted without a MAC check: the build changed them and no document of the
   * source with their encrypted values verified (lenient decryption integrity). A warning, not a
   * failure; empty when the decrypt step does not report integrity.
   */
  readonly unverifiedDecryptions?: readonly ObjectRef[] | undefined
  /** Objects that had drifted in the cluster and were corrected. */
  readonly drifted: readonly ObjectRef[]
  /** Milliseconds spent per phase. */
  readonly durations: Readonly<Partial<Record<ReconcilePhase, number>>>
  /** When the reconcile finished, RFC 3339. */
  readonly finishedAt: string
  /** What failed, when Ready is False: the phase, a one-line message, and the error's code if it had one. */
  readonly failure?: {
    /** The phase that failed. */
    readonly phase: ReconcilePhase
    /** One line, naming its subject. */
    readonly message: string
    /** The typed error's code, when the failure was one (e.g. `SOPS_MAC_MISMATCH`). */
    readonly code?: string | undefined
  } | undefined
}

/** Status plus what the next reconcile of the same spec needs to take the no-change path. */
export interface ReconcileResult {
  /** What this reconcile did and how it ended. */
  readonly status: ReconcileStatus
  /** Pass as `previous` to the next call. */
  readonly state: ReconcileState
}

/** Memory carried from one reconcile to the next (not meant to be persisted). */
export interface ReconcileState {
  /** The status of the last reconcile. */
  readonly status: ReconcileStatus
  /** What the last successful reconcile applied: the no-change path compares the cluster with it. */
  readonly applied?: AppliedState | undefined
}
