import { createInventory, formatRef } from '@gitops-sdk/core'
import type { ChangeSetEntry, KubeObject } from '@gitops-sdk/core'
import type { ApplyHistory, ObservedApply } from './applyHistory.js'
import { DEFAULT_FIELD_MANAGER } from './fieldManager.js'
import { aggregateError, ApplyError, failureOf } from './errors.js'
import type { ApplyFailure } from './errors.js'
import type { KubeClient } from './kubeClient.js'
import { applyStage } from './internal/applyStage.js'
import { guardInventory } from './internal/inventoryGuard.js'
import type { StageContext } from './internal/applyStage.js'
import { ownershipSelector, prepareObjects, prepareSettings } from './internal/prepare.js'
import type { PreparedObject } from './internal/prepare.js'
import { compareForApply, isNamespace, STAGES } from './internal/stages.js'
import { takeoverManagers } from './internal/takeover.js'
import { knownValuesOf, unknownAnnotations } from './annotations.js'
import type { ApplyProgress, ApplyResult, ApplyWarning, PlacementOptions, UnknownAnnotationWarning } from './types.js'
import { waitFor } from './waitFor.js'

/** Options of {@link applyAll}. */
export interface ApplyOptions extends PlacementOptions {
  /** Client for the target cluster. */
  readonly client: KubeClient
  /** Owner of every applied field in `managedFields`. @defaultValue {@link DEFAULT_FIELD_MANAGER} (`'gitops'`) */
  readonly fieldManager?: string | undefined
  /**
   * Delete and re-create objects whose immutable fields changed (a Job's template, a Deployment's
   * selector), like Flux's `force`. Per object: the `gitops-sdk.io/force: enabled` annotation.
   * @defaultValue false
   */
  readonly force?: boolean | undefined
  /**
   * Who wins a field another manager owns. `'force'`, Flux's behaviour: Git's values win (the
   * apply is forced, after the takeover of kubectl's fields, see `takeOverManagers`). `'fail'`,
   * kubectl's behaviour: nothing is taken over and a conflict fails with `APPLY_FIELD_CONFLICT`
   * naming the object, the managers and the fields.
   * @defaultValue 'force'
   */
  readonly conflicts?: 'force' | 'fail' | undefined
  /**
   * The older spelling of `conflicts`, kept for existing callers: `false` is `conflicts: 'fail'`.
   * @defaultValue true
   */
  readonly forceConflicts?: boolean | undefined
  /**
   * Field managers whose fields are taken over before each apply, besides the ones Flux takes
   * over (`kubectl` and every `kubectl-*` manager, with Apply and Update operations, and
   * `before-first-apply`), by exact name, with either operation (Flux's `--override-manager`).
   * Taking over means the entries of those managers in `metadata.managedFields` become this field
   * manager's, by one JSON patch, so the forced apply then removes the fields they added that Git
   * lacks. Not for objects annotated `ssa: Merge`, nor with `conflicts: 'fail'`.
   * @defaultValue []
   */
  readonly takeOverManagers?: readonly string[] | undefined
  /** Validate everything with server-side dry-runs and report what would happen; write nothing. @defaultValue false */
  readonly dryRun?: boolean | undefined
  /** Requests in flight at once. @defaultValue 8 */
  readonly concurrency?: number | undefined
  /** Memory across calls that reports reconcile loops as warnings; see {@link createApplyHistory}. */
  readonly history?: ApplyHistory | undefined
  /** How long to wait for CRDs, Namespaces and classes before the next stage, in ms. @defaultValue 60,000 */
  readonly waitTimeout?: number | undefined
  /**
   * Dry-run every object, as Flux does, instead of skipping the dry-run for objects whose live
   * state provably equals what applying them gives. @defaultValue false
   */
  readonly alwaysDryRun?: boolean | undefined
  /**
   * Accept an empty `objects` although the stored `inventory` holds objects. Without it, such an
   * apply fails with `APPLY_EMPTY_DESIRED_SET` (an empty set usually means a failed render or an
   * empty pipe, and a prune after it would delete everything); pass the same to `prune`.
   * @defaultValue false
   */
  readonly allowEmpty?: boolean | undefined
  /**
   * Where the inventory named by `inventory` is kept. `'object'`: in that ConfigMap or Secret, as
   * `saveInventory` writes it; before the first write applyAll then proves it can be stored there
   * (`APPLY_INVENTORY_LOCATION_MISSING`) and, for an empty `objects`, that it holds nothing
   * (`APPLY_EMPTY_DESIRED_SET`). `'caller'`: `inventory` only labels the applied objects and the
   * caller keeps the inventory elsewhere (a Flux Kustomization's `.status.inventory`, which
   * exists as long as the Kustomization does) and guards an empty set against it; neither check
   * is made here, which saves a GET and a dry-run write per apply that writes.
   * @defaultValue 'object'
   */
  readonly inventoryStore?: 'object' | 'caller' | undefined
  /** Cancels the operation: it stops promptly and rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined
  /** Called as each object of each stage is applied. */
  readonly onProgress?: ((progress: ApplyProgress) => void) | undefined
}

/**
 * Applies objects with server-side apply in stages, like Flux's ResourceManager: CRDs, Namespaces
 * and ClusterRoles first, then a wait until the CRDs are Established and the Namespaces exist; then
 * `*Class` kinds; then everything else in Flux's kind order; admission webhooks last. Within a stage
 * objects go `concurrency` at a time. Objects whose apply would change nothing are reported
 * `unchanged` and not written (their resourceVersion stays). Per-object annotations (or labels,
 * SDK or Flux spelling) are honoured as kustomize-controller honours them: `reconcile: disabled`
 * and `ssa: Ignore` objects are skipped, `ssa: IfNotPresent` ones are skipped when they exist,
 * `force: enabled` ones are re-created on an immutable change. By default Git wins every field,
 * as in Flux: before applying, the fields kubectl (any `kubectl*` manager), `before-first-apply`
 * and `takeOverManagers` hold are taken over (one JSON patch of `metadata.managedFields`, except
 * for `ssa: Merge` objects), then the apply is forced. Unknown annotation values are ignored, as
 * in Flux, and reported as `unknown-annotation` warnings.
 *
 * Before anything is written, every kind is looked up and every namespace settled; then each
 * stage is dry-run in full before any of it is written, so a bad object stops the apply before it
 * causes damage in its stage.
 *
 * @throws an {@link ApplyError} carrying the change set so far and every failure:
 * `APPLY_INVALID`, `APPLY_IMMUTABLE_FIELD` (without `force`), `APPLY_FIELD_CONFLICT` (with
 * `conflicts: 'fail'`), `APPLY_UNKNOWN_KIND`, `APPLY_NAMESPACE_MISSING`,
 * `APPLY_CLUSTER_SCOPED_FORBIDDEN`, `APPLY_DUPLICATE_OBJECT`, `APPLY_FORBIDDEN`,
 * `APPLY_WAIT_TIMEOUT` (a stage's CRDs never became Established), `APPLY_UNREACHABLE`,
 * `APPLY_REQUEST_TIMEOUT`, `APPLY_RECREATE_INVALID` (with `force`, the replacement of an object
 * would not be accepted: it is not deleted). With `inventory`, before anything is written:
 * `APPLY_INVENTORY_LOCATION_MISSING` (the inventory's namespace does not exist, so it could never
 * be stored and the applied objects would be orphans) and `APPLY_EMPTY_DESIRED_SET` (`objects` is
 * empty, the stored inventory is not, and `allowEmpty` is not set). An abort
 * rejects with `signal.reason`.
 * @example
 * ```ts
 * const result = await applyAll(objects, { client, fieldManager: 'gitops', inventory: { name: 'prod', namespace: 'flux-system' } })
 * console.log(formatChangeSet(result))
 * ```
 */
export async function applyAll(objects: readonly KubeObject[], options: ApplyOptions): Promise<ApplyResult> {
  checkOptions(objects, options)
  const { client, signal } = options
  const fieldManager = options.fieldManager ?? DEFAULT_FIELD_MANAGER
  signal?.throwIfAborted()
  const concurrency = options.concurrency ?? 8
  const emit = options.onProgress ?? ((): void => undefined)
  const { prepared, failures } = await prepareObjects(objects, prepareSettings(options, concurrency))
  if (failures.length > 0) {
    const failed = new Set(failures.map((f) => formatRef(f.ref)))
    const entries: ChangeSetEntry[] = [
      ...failures.map((f): ChangeSetEntry => ({ ref: f.ref, action: 'failed', reason: reasonOf(f) })),
      ...prepared.filter((p) => !failed.has(formatRef(p.ref))).map((p): ChangeSetEntry => ({ ref: p.ref, action: 'skipped', reason: 'not applied: other objects of the set are invalid' })),
    ]
    throw aggregateError('apply', failures, { entries })
  }
  // An inventory the caller stores is only a label here: nothing to prove about its location.
  const inventory = options.inventoryStore === 'caller' ? undefined : options.inventory
  const guard = {
    client,
    fieldManager,
    objects: prepared.length,
    namespaces: new Set(prepared.filter((p) => isNamespace(p.ref)).map((p) => p.ref.name)),
    allowEmpty: options.allowEmpty ?? false,
    signal,
  }
  if (inventory !== undefined && prepared.length === 0) await guardInventory(inventory, guard)
  // The inventory's location is checked once, before the first write: a re-apply that writes
  // nothing pays no request for it.
  let guarded: Promise<void> | undefined
  const beforeFirstWrite = (): Promise<void> => (guarded ??= inventory === undefined ? Promise.resolve() : guardInventory(inventory, guard))
  const newNamespaces = new Set<string>()
  const ctx: StageContext = {
    client,
    fieldManager,
    force: options.force ?? false,
    forceConflicts: conflictsOf(options) === 'force',
    takeOver: conflictsOf(options) === 'force' ? takeoverManagers(fieldManager, options.takeOverManagers ?? []) : undefined,
    dryRun: options.dryRun ?? false,
    alwaysDryRun: options.alwaysDryRun ?? false,
    selector: options.inventory === undefined ? undefined : ownershipSelector(options.inventory),
    concurrency,
    waitTimeout: options.waitTimeout ?? 60_000,
    signal,
    newNamespaces,
    beforeFirstWrite,
    onEntry: (entry) => emit({ type: 'object', entry }),
  }
  const entries: ChangeSetEntry[] = []
  const observed: ObservedApply[] = []
  const stages = STAGES.map((stage) => ({ stage, items: prepared.filter((p) => p.stage === stage).sort((a, b) => compareForApply(a.ref, b.ref)) }))
  for (const [i, { stage, items }] of stages.entries()) {
    if (items.length === 0) continue
    emit({ type: 'stage', stage, objects: items.length })
    const later = stages.slice(i + 1).flatMap((s) => s.items)
    // Definitions and classes are waited for when a later stage uses them.
    const waits = (stage === 'definitions' || stage === 'classes') && later.length > 0
    const outcome = await applyStage(items, waits ? { ...ctx, waitsAfter: true } : ctx)
    entries.push(...outcome.entries)
    observed.push(...outcome.observed)
    for (const e of outcome.entries) if (isNamespace(e.ref) && e.action === 'created') newNamespaces.add(e.ref.name)
    if (outcome.failures.length > 0) throw aggregateError('apply', outcome.failures, { entries: [...entries, ...notApplied(later)] })
    if (waits && !ctx.dryRun && outcome.waitFor.length > 0) {
      emit({ type: 'wait', stage, refs: outcome.waitFor })
      try {
        await waitFor(outcome.waitFor, { client, timeout: ctx.waitTimeout, interval: 1_000, concurrency, signal })
      } catch (err) {
        if (signal?.aborted === true) throw signal.reason
        const waitFailures: readonly ApplyFailure[] = err instanceof ApplyError && err.failures.length > 0 ? err.failures : outcome.waitFor.map((ref) => failureOf(ref, err))
        throw aggregateError('apply', waitFailures, { entries: [...entries, ...notApplied(later)] })
      }
    }
  }
  const warnings: ApplyWarning[] = [...unknownAnnotationWarnings(prepared), ...(options.history?.observe(fieldManager, observed) ?? [])]
  for (const warning of warnings) emit({ type: 'warning', warning })
  return { entries, warnings, inventory: createInventory(prepared.map((p) => ({ ...p.ref, version: p.version }))) }
}

/** Who wins a conflicting field, from `conflicts` or the older `forceConflicts`. */
function conflictsOf(options: ApplyOptions): 'force' | 'fail' {
  if (options.conflicts !== undefined) return options.conflicts
  return options.forceConflicts === false ? 'fail' : 'force'
}

/** One warning per annotation value that Flux (and so the SDK) does not know and ignores. */
function unknownAnnotationWarnings(prepared: readonly PreparedObject[]): UnknownAnnotationWarning[] {
  return prepared.flatMap((p) =>
    unknownAnnotations(p.object).map((a): UnknownAnnotationWarning => ({
      type: 'unknown-annotation',
      ref: p.ref,
      key: a.key,
      value: a.value,
      message: `${formatRef(p.ref)}: unknown value ${JSON.stringify(a.value)} of ${a.in === 'labels' ? 'label' : 'annotation'} ${a.key} ignored, as Flux ignores it (${knownValuesOf(a.key)})`,
    })),
  )
}

function notApplied(items: readonly PreparedObject[]): ChangeSetEntry[] {
  return items.map((p) => ({ ref: p.ref, action: 'skipped', reason: 'not applied: an earlier stage failed' }))
}

function reasonOf(failure: ApplyFailure): string {
  const prefix = `${formatRef(failure.ref)}: `
  return failure.message.startsWith(prefix) ? failure.message.slice(prefix.length) : failure.message
}

function checkOptions(objects: readonly KubeObject[], options: ApplyOptions): void {
  if (!Array.isArray(objects)) throw new TypeError('applyAll: objects must be an array')
  if (typeof options !== 'object' || typeof options.client !== 'object') throw new TypeError('applyAll: options.client is required')
  const manager = options.fieldManager ?? DEFAULT_FIELD_MANAGER
  if (typeof manager !== 'string' || manager === '' || manager.length > 128) {
    throw new TypeError('applyAll: options.fieldManager must be a non-empty string of at most 128 characters')
  }
  if (options.concurrency !== undefined && (!Number.isInteger(options.concurrency) || options.concurrency < 1)) {
    throw new TypeError('applyAll: options.concurrency must be a positive integer')
  }
  if (options.applySet === true && options.inventory === undefined) throw new TypeError('applyAll: options.applySet needs options.inventory')
  if (options.targetNamespace === '') throw new TypeError('applyAll: options.targetNamespace must not be empty')
  if (options.inventoryStore !== undefined && !(['object', 'caller'] as readonly unknown[]).includes(options.inventoryStore)) throw new TypeError("applyAll: options.inventoryStore must be 'object' or 'caller'")
  if (options.conflicts !== undefined && !(['force', 'fail'] as readonly unknown[]).includes(options.conflicts)) throw new TypeError("applyAll: options.conflicts must be 'force' or 'fail'")
  if (options.conflicts !== undefined && options.forceConflicts !== undefined && (options.conflicts === 'force') !== options.forceConflicts) {
    throw new TypeError('applyAll: options.conflicts and options.forceConflicts disagree; pass only conflicts')
  }
  const extra = options.takeOverManagers
  if (extra !== undefined && (!Array.isArray(extra) || extra.some((m) => typeof m !== 'string' || m === '' || m.length > 128))) {
    throw new TypeError('applyAll: options.takeOverManagers must be an array of non-empty field manager names of at most 128 characters')
  }
}
