import { createHash } from 'node:crypto'
import { createChangeSet, inventoryOf, markFailed, markReady, mergeChangeSets, refKey, refOf, stringifyObjects, systemClock } from '@gitops-sdk/core'
import type { ChangeSet, Clock, Condition, FileSystem, Inventory, KubeObject, ObjectRef } from '@gitops-sdk/core'
import { ReconcileError } from './errors.js'
import { boundedSignal } from './internal/boundedSignal.js'
import type { BoundedSignal } from './internal/boundedSignal.js'
import { changeSetOf, codeOf, describe } from './internal/stepFailure.js'
import type {
  AppliedState,
  ReconcileEvent,
  ReconcilePhase,
  ReconcileResult,
  ReconcileSpec,
  ReconcileState,
  ReconcileStatus,
  ReconcileSteps,
} from './types.js'

/** Options of {@link reconcile}. */
export interface ReconcileOptions {
  /** Cancels the reconcile; it then rejects with `signal.reason`. */
  readonly signal?: AbortSignal | undefined
  /** Receives an event at every phase boundary. */
  readonly onEvent?: ((event: ReconcileEvent) => void) | undefined
  /** @defaultValue the system clock */
  readonly clock?: Clock | undefined
  /** The state the previous reconcile of this spec returned; enables the no-change path. */
  readonly previous?: ReconcileState | undefined
}

/** Why a phase failed, as Flux's kustomize-controller names it. */
const FAILURE_REASON: Readonly<Record<ReconcilePhase, string>> = {
  fetch: 'ArtifactFailed',
  'decrypt-sources': 'DecryptionFailed',
  render: 'BuildFailed',
  decrypt: 'DecryptionFailed',
  // Flux substitutes inside its build, so a failed substitution is a failed build.
  substitute: 'BuildFailed',
  drift: 'DriftDetectionFailed',
  apply: 'ReconciliationFailed',
  prune: 'PruneFailed',
  inventory: 'ReconciliationFailed',
  wait: 'HealthCheckFailed',
}

class PhaseFailure extends Error {
  constructor(
    readonly phase: ReconcilePhase,
    readonly error: unknown,
  ) {
    super(error instanceof Error ? error.message : String(error))
  }
}

/**
 * Reconciles one spec once, like one run of a Flux Kustomization: fetch → decrypt sources →
 * render → decrypt objects → substitute → apply → prune → save inventory → wait. Prune never runs after a failed
 * apply. When the source is at the revision the previous reconcile applied, nothing is rendered or
 * applied unless `checkDrift` finds objects changed in the cluster, and then only those are
 * re-applied.
 *
 * A failing phase does not reject: the status says what failed (Ready=False with Flux's reason) and
 * what had already happened (the change set so far). Only an abort through `signal` rejects, with
 * `signal.reason`.
 *
 * @example
 * ```ts
 * const { status, state } = await reconcile({ name: 'prod', path: 'clusters/prod', prune: true }, steps)
 * console.log(status.conditions, formatSummary(status.changeSet))
 * await reconcile({ name: 'prod', path: 'clusters/prod', prune: true }, steps, { previous: state })
 * ```
 */
export async function reconcile(
  spec: ReconcileSpec,
  steps: ReconcileSteps,
  options: ReconcileOptions = {},
): Promise<ReconcileResult> {
  const run = new Run(spec, steps, options)
  return run.execute()
}

class Run {
  private readonly clock: Clock
  private readonly durations: Partial<Record<ReconcilePhase, number>> = {}
  private readonly previousStatus: ReconcileStatus | undefined
  private changeSet: ChangeSet = createChangeSet()
  private drifted: readonly ObjectRef[] = []
  private unverified: readonly ObjectRef[] = []
  private revision: string | undefined
  private buildDigest: string | undefined
  private inventory: Inventory | undefined
  private applied: AppliedState | undefined
  private readonly signal: AbortSignal
  /** The caller's signal bounded by the spec's timeout, released when the run ends (see boundedSignal). */
  private readonly bound: BoundedSignal
  private readonly deadline: AbortSignal
  private readonly deadlineAt: number

  constructor(
    private readonly spec: ReconcileSpec,
    private readonly steps: ReconcileSteps,
    private readonly options: ReconcileOptions,
  ) {
    this.clock = options.clock ?? systemClock
    this.previousStatus = options.previous?.status
    this.applied = options.previous?.applied
    this.inventory = options.previous?.status.inventory
    this.signal = options.signal ?? new AbortController().signal
    this.bound = boundedSignal(this.signal, spec.timeout ?? 300_000)
    this.deadline = this.bound.signal
    this.deadlineAt = performance.now() + (spec.timeout ?? 300_000)
  }

  async execute(): Promise<ReconcileResult> {
    try {
      return await this.run()
    } finally {
      this.bound.dispose()
    }
  }

  private async run(): Promise<ReconcileResult> {
    const { name } = this.spec
    if (this.spec.suspend === true) {
      this.emit({ type: 'skipped', name, reason: 'suspended' })
      return this.finish(this.previousStatus?.conditions ?? [])
    }
    try {
      await this.phases()
    } catch (err) {
      if (this.signal.aborted) throw this.signal.reason
      const failure = err instanceof PhaseFailure ? err : new PhaseFailure('apply', err)
      const timedOut = this.deadline.aborted
      const message = timedOut
        ? `${failure.phase} did not finish within the reconcile timeout of ${this.spec.timeout ?? 300_000} ms`
        : describe(failure.error)
      const conditions = markFailed(
        this.previousStatus?.conditions ?? [],
        { reason: FAILURE_REASON[failure.phase], message, stalled: failure.phase === 'render' && !timedOut },
        this.clock.now(),
      )
      return this.finish(conditions, { phase: failure.phase, message, code: codeOf(failure.error) })
    }
    const conditions = markReady(
      this.previousStatus?.conditions ?? [],
      { reason: 'ReconciliationSucceeded', message: `Applied revision: ${this.revision ?? 'unknown'}` },
      this.clock.now(),
    )
    return this.finish(conditions)
  }

  private async phases(): Promise<void> {
    const path = this.spec.path ?? '.'
    const lastRevision = this.applied?.revision
    let source = await this.phase('fetch', () => this.steps.fetch({ lastRevision, signal: this.deadline }))
    this.revision = source.revision
    if (source.unchanged === true) {
      const applied = this.applied
      if (applied !== undefined && applied.revision === source.revision) {
        await this.correctDrift(applied)
        return
      }
      // The fetcher knew the revision from elsewhere (a cache dir) but this process has nothing
      // applied from it: fetch the content after all.
      source = await this.phase('fetch', () => this.steps.fetch({ signal: this.deadline }))
      if (source.unchanged === true) {
        const message = `${this.spec.name}: the source answered unchanged at ${source.revision} without content`
        throw new PhaseFailure('fetch', new ReconcileError({ code: 'RECONCILE_SOURCE_NO_CONTENT', message, details: { name: this.spec.name, revision: source.revision } }))
      }
      this.revision = source.revision
    }
    const { decryptSources, decryptObjects, substitute } = this.steps
    let fs: FileSystem = source.fs
    if (decryptSources !== undefined) {
      const original = fs
      fs = await this.phase('decrypt-sources', () => decryptSources(original, { path, signal: this.deadline }))
    }
    const rendered = fs
    let objects = await this.phase('render', () => this.steps.render(rendered, { path, signal: this.deadline }))
    // Flux's order: build, decrypt each encrypted object, then substitute variables, so a variable
    // inside an encrypted value is filled in and a variable in a plaintext field of an encrypted
    // object cannot break its MAC.
    if (decryptObjects !== undefined) {
      const built = objects
      const decrypted = await this.phase('decrypt', () => decryptObjects(built, { signal: this.deadline, fs: rendered, path }))
      if (Array.isArray(decrypted)) {
        objects = decrypted
      } else {
        objects = decrypted.objects
        this.unverified = decrypted.unverified
        if (decrypted.unverified.length > 0) this.emit({ type: 'unverified-decryption', name: this.spec.name, refs: decrypted.unverified })
      }
    }
    if (substitute !== undefined) {
      const plain = objects
      objects = await this.phase('substitute', () => substitute(plain, { signal: this.deadline, fs: rendered }))
    }
    this.buildDigest = digestOf(objects)
    const loadInventory = this.steps.loadInventory
    const previousInventory =
      loadInventory === undefined
        ? this.inventory
        : await this.phase('inventory', () => loadInventory({ signal: this.deadline }))
    this.refuseEmptyRender(objects, previousInventory)
    const final = objects
    const applied = await this.phase('apply', () => this.steps.apply(final, { signal: this.deadline, allowEmpty: this.spec.allowEmpty === true }))
    this.changeSet = applied
    // The apply step knows where objects really went (default namespace, target namespace): prefer
    // the inventory it reports, if any.
    const next = applied.inventory ?? inventoryOf(objects)
    const prune = this.steps.prune
    if (this.spec.prune === true && prune !== undefined && previousInventory !== undefined) {
      const pruned = await this.phase('prune', () => prune(previousInventory, next, { signal: this.deadline, allowEmpty: this.spec.allowEmpty === true }))
      this.changeSet = mergeChangeSets(applied, pruned)
    }
    this.inventory = next
    const saveInventory = this.steps.saveInventory
    const revision = source.revision
    if (saveInventory !== undefined) {
      await this.phase('inventory', () => saveInventory(next, { revision, signal: this.deadline }))
    }
    this.applied = { revision, objects, resourceVersions: resourceVersionsOf(applied, new Map()) }
    await this.waitFor(next.entries)
  }

  /**
   * An empty build of a source whose inventory has objects is far more often a broken source (an
   * emptied directory, a failed generator) than an intent: applied, it would store an empty
   * inventory and, with prune, delete everything. Refused unless the spec allows it, as kubectl
   * refuses "no objects passed to apply".
   */
  private refuseEmptyRender(objects: readonly KubeObject[], previous: Inventory | undefined): void {
    if (objects.length > 0 || this.spec.allowEmpty === true || previous === undefined || previous.entries.length === 0) return
    const { name } = this.spec
    const path = this.spec.path ?? '.'
    throw new PhaseFailure(
      'render',
      new ReconcileError({
        code: 'RECONCILE_EMPTY_RENDER',
        message: `${name}: ${path} rendered no objects while the inventory holds ${previous.entries.length}; refusing to apply and prune (set allowEmpty to accept)`,
        details: { name, path, inventoryEntries: previous.entries.length },
      }),
    )
  }

  /** The no-change path: only objects someone changed in the cluster are applied again. */
  private async correctDrift(applied: AppliedState): Promise<void> {
    const name = this.spec.name
    const checkDrift = this.steps.checkDrift
    this.buildDigest = this.previousStatus?.buildDigest
    if (checkDrift === undefined) {
      this.emit({ type: 'skipped', name, reason: 'unchanged' })
      return
    }
    const drifted = await this.phase('drift', () => checkDrift(applied, { signal: this.deadline }))
    if (drifted.length === 0) {
      this.emit({ type: 'skipped', name, reason: 'unchanged' })
      return
    }
    this.drifted = drifted
    this.emit({ type: 'drift', name, refs: drifted })
    const objects = applied.objects.filter((o) => drifted.some((ref) => sameObject(o, ref)))
    this.changeSet = await this.phase('apply', () => this.steps.apply(objects, { signal: this.deadline, allowEmpty: false }))
    this.applied = { ...applied, resourceVersions: resourceVersionsOf(this.changeSet, applied.resourceVersions) }
    await this.waitFor(drifted)
  }

  private async waitFor(applied: readonly ObjectRef[]): Promise<void> {
    const wait = this.steps.wait
    const refs = healthRefs(this.spec.wait === true ? applied : [], this.spec.healthChecks ?? [])
    if (wait !== undefined && refs.length > 0) {
      // The wait gets the time left, less a margin, so that its own timeout (which names the objects
      // that are not ready) fires before the reconcile's deadline (which cannot).
      const left = this.deadlineAt - performance.now()
      const timeout = Math.max(0, Math.floor(left - Math.min(1000, left * 0.1)))
      await this.phase('wait', () => wait(refs, { signal: this.deadline, timeout }))
    }
  }

  private async phase<T>(phase: ReconcilePhase, work: () => Promise<T>): Promise<T> {
    const name = this.spec.name
    this.signal.throwIfAborted()
    // Events are built only for a listener: a no-change reconcile runs several phases.
    const listening = this.options.onEvent !== undefined
    if (listening) this.emit({ type: 'phase-started', name, phase })
    const started = performance.now()
    try {
      const result = await work()
      const durationMs = performance.now() - started
      this.durations[phase] = (this.durations[phase] ?? 0) + durationMs
      if (listening) this.emit({ type: 'phase-finished', name, phase, durationMs })
      return result
    } catch (error) {
      const durationMs = performance.now() - started
      this.durations[phase] = (this.durations[phase] ?? 0) + durationMs
      if (listening) this.emit({ type: 'phase-failed', name, phase, durationMs, error })
      const changeSet = changeSetOf(error)
      if (changeSet !== undefined) this.changeSet = mergeChangeSets(this.changeSet, changeSet)
      throw new PhaseFailure(phase, error)
    }
  }

  private finish(conditions: readonly Condition[], failure?: ReconcileStatus['failure']): ReconcileResult {
    const succeeded = failure === undefined && this.spec.suspend !== true
    const status: ReconcileStatus = {
      name: this.spec.name,
      conditions,
      lastAppliedRevision: succeeded ? this.revision : this.previousStatus?.lastAppliedRevision,
      lastAttemptedRevision: this.revision ?? this.previousStatus?.lastAttemptedRevision,
      changeSet: this.changeSet,
      inventory: this.inventory,
      buildDigest: this.buildDigest,
      unverifiedDecryptions: this.unverified,
      drifted: this.drifted,
      durations: { ...this.durations },
      finishedAt: this.clock.now().toISOString(),
      failure,
    }
    this.emit({ type: 'finished', name: this.spec.name, status })
    return { status, state: { status, applied: succeeded ? this.applied : this.options.previous?.applied } }
  }

  private emit(event: ReconcileEvent): void {
    this.options.onEvent?.(event)
  }
}

/** The objects to wait for: the applied ones (with `wait`) and the explicit health checks, each once. */
function healthRefs(applied: readonly ObjectRef[], checks: readonly ObjectRef[]): ObjectRef[] {
  const out: ObjectRef[] = [...applied]
  const seen = new Set(applied.map(refKey))
  for (const ref of checks) {
    if (seen.has(refKey(ref))) continue
    seen.add(refKey(ref))
    out.push({ group: ref.group, kind: ref.kind, namespace: ref.namespace, name: ref.name })
  }
  return out
}

/** `sha256:<hex>` over the objects as kustomize prints them: equal builds give equal digests. */
function digestOf(objects: readonly KubeObject[]): string {
  return `sha256:${createHash('sha256').update(stringifyObjects(objects)).digest('hex')}`
}

/**
 * Whether a rendered object is the one a (server-resolved) ref names: an object written without a
 * namespace lands in a default or target namespace, so its namespace matches any.
 */
function sameObject(object: KubeObject, ref: ObjectRef): boolean {
  const own = refOf(object)
  return own.group === ref.group && own.kind === ref.kind && own.name === ref.name && (own.namespace === '' || own.namespace === ref.namespace)
}

function resourceVersionsOf(changeSet: ChangeSet, base: ReadonlyMap<string, string>): Map<string, string> {
  const out = new Map(base)
  for (const e of changeSet.entries) if (e.resourceVersion !== undefined) out.set(refKey(e.ref), e.resourceVersion)
  return out
}
