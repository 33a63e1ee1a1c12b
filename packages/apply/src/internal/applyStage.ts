// One stage of applyAll, after Flux's ApplyAll (fluxcd/pkg ssa/manager_apply.go): read the live
// objects, decide per object (skip by annotation, provably unchanged, or a server-side dry-run
// compared with the live object), and only when every object of the stage passed, write the
// changed ones. A dry-run failure anywhere in the stage writes nothing of it.
import { formatRef, isGitOpsError, refKey } from '@gitops-sdk/core'
import type { ChangeSetEntry, KubeObject, ObjectRef } from '@gitops-sdk/core'
import { exclusionReason, forceEnabled, ssaPolicy } from '../annotations.js'
import type { FieldOverride, ObservedApply } from '../applyHistory.js'
import { computeStatus } from '../computeStatus.js'
import type { ApplyFailure } from '../errors.js'
import { ApplyError, failureOf } from '../errors.js'
import type { KubeClient } from '../kubeClient.js'
import { diffObjects, sameObject } from './fieldDiff.js'
import type { LiveObjects } from './liveObjects.js'
import { fetchLive } from './liveObjects.js'
import { ownerOf } from './managedFields.js'
import { provablyUnchanged } from './noop.js'
import { omit } from './omit.js'
import { settleAll } from './pool.js'
import type { PreparedObject } from './prepare.js'
import { sleep } from './sleep.js'
import type { Takeover, TakeoverManager } from './takeover.js'
import { takeoverFor, writeTakeover } from './writeTakeover.js'

/** What a stage needs. */
export interface StageContext {
  readonly client: KubeClient
  readonly fieldManager: string
  readonly force: boolean
  readonly forceConflicts: boolean
  /** Managers whose fields are taken over before applying; undefined when conflicts fail instead. */
  readonly takeOver: readonly TakeoverManager[] | undefined
  readonly dryRun: boolean
  readonly alwaysDryRun: boolean
  readonly selector: string | undefined
  readonly concurrency: number
  readonly waitTimeout: number
  readonly signal: AbortSignal | undefined
  /** In a dry run: namespaces the apply would create, whose objects cannot be validated yet. */
  readonly newNamespaces: ReadonlySet<string>
  /** Called (and awaited) before the first object of the apply is written, or would be in a dry run. */
  readonly beforeFirstWrite: () => Promise<void>
  readonly onEntry: (entry: ChangeSetEntry) => void
  /** Whether the apply waits after this stage: then written objects answered Current are not in `waitFor`. */
  readonly waitsAfter?: boolean | undefined
}

/** What a stage did. */
export interface StageOutcome {
  /** One entry per object, in the stage's order. */
  readonly entries: ChangeSetEntry[]
  readonly failures: ApplyFailure[]
  readonly observed: ObservedApply[]
  /**
   * Objects to wait for before the next stage: written ones (where the stage `waitsAfter`, only
   * those whose answer was not Current), and unchanged ones not yet Current.
   */
  readonly waitFor: ObjectRef[]
}

type Plan =
  | { readonly kind: 'skip'; readonly reason: string; readonly resourceVersion?: string | undefined }
  | { readonly kind: 'unchanged'; readonly resourceVersion: string | undefined; readonly current: boolean }
  | { readonly kind: 'create'; readonly reason?: string | undefined }
  | {
      readonly kind: 'configure'
      readonly overrides: readonly FieldOverride[]
      readonly reason?: string | undefined
      readonly takeover?: Takeover | undefined
      /** The reason had the takeover been `takeover` (one recomputed after a race, or none). */
      readonly reasonWith?: ((takeover: Takeover | undefined) => string | undefined) | undefined
    }
  | { readonly kind: 'recreate'; readonly reason: string }

/** Applies one stage. */
export async function applyStage(items: readonly PreparedObject[], ctx: StageContext): Promise<StageOutcome> {
  const { client, signal } = ctx
  const unserved = await unservedKinds(items, ctx)
  const served = items.filter((p) => !unserved.has(kindKey(p)))
  const live = await fetchLive(
    served.map((p) => ({ ref: p.ref, version: p.version })),
    { client, selector: ctx.selector, concurrency: ctx.concurrency, signal },
  )
  // The checks before the first write (a GET and a dry-run of the inventory) start once an object
  // is known to be written, beside the other dry-runs; awaited below, before any write, as before.
  let early = false
  const planOne = async (p: PreparedObject): Promise<Plan> => {
    const result = await (unserved.has(kindKey(p)) ? unservedPlan(p, ctx) : plan(p, live, ctx))
    // A failure is reported by that await, if the stage gets so far.
    if (!early && writes(result)) {
      early = true
      ctx.beforeFirstWrite().catch(() => undefined)
    }
    return result
  }
  const planned = await settleAll(items, planOne, { limit: ctx.concurrency, signal })
  const failures: ApplyFailure[] = []
  planned.forEach((s, i) => {
    if (!s.ok) failures.push(failureOf((items[i] as PreparedObject).ref, s.error))
  })
  const entries: ChangeSetEntry[] = []
  const observed: ObservedApply[] = []
  const waitRefs: ObjectRef[] = []
  if (failures.length === 0 && planned.some((s) => s.ok && writes(s.value))) {
    await ctx.beforeFirstWrite()
  }
  if (failures.length > 0 || ctx.dryRun) {
    planned.forEach((s, i) => {
      const { ref } = items[i] as PreparedObject
      entries.push(s.ok ? dryEntry(ref, s.value, failures.length > 0) : failedEntry(ref, s.error))
    })
    entries.forEach(ctx.onEntry)
    return { entries, failures, observed, waitFor: waitRefs }
  }
  const plans = planned.map((s) => (s.ok ? s.value : undefined)) as Plan[]
  const written = await settleAll(items, (p, i) => write(p, plans[i] as Plan, ctx), { limit: ctx.concurrency, signal })
  written.forEach((s, i) => {
    const item = items[i] as PreparedObject
    const p = plans[i] as Plan
    const entry = s.ok ? s.value.entry : failedEntry(item.ref, s.error)
    if (!s.ok) failures.push(failureOf(item.ref, s.error))
    entries.push(entry)
    ctx.onEntry(entry)
    if (s.ok && p.kind !== 'skip') observed.push({ ref: item.ref, overrides: p.kind === 'configure' ? p.overrides : [] })
    // A written object whose answer is already Current (a Namespace, a ClusterRole) needs no poll
    // to tell it is: the same kstatus rule as for unchanged ones, on the state the write returned.
    const wrote = entry.action === 'created' || entry.action === 'configured'
    if (s.ok && ((wrote && !s.value.current) || (p.kind === 'unchanged' && !p.current))) waitRefs.push(item.ref)
  })
  return { entries, failures, observed, waitFor: waitRefs }
}

const writes = (planned: Plan): boolean => planned.kind === 'create' || planned.kind === 'configure' || planned.kind === 'recreate'

function kindKey(p: PreparedObject): string {
  return `${p.ref.group}|${p.version}|${p.ref.kind}`
}

/** Kinds still not served (their CRD is in this apply); in a real apply that is an error. */
async function unservedKinds(items: readonly PreparedObject[], ctx: StageContext): Promise<Set<string>> {
  const pending = new Map<string, PreparedObject>()
  for (const p of items) if (!p.served) pending.set(kindKey(p), p)
  const still = new Set<string>()
  for (const [key, p] of pending) {
    const resource = await ctx.client.resource({ group: p.ref.group, version: p.version, kind: p.ref.kind }, { signal: ctx.signal })
    if (resource === undefined) still.add(key)
  }
  return still
}

async function unservedPlan(p: PreparedObject, ctx: StageContext): Promise<Plan> {
  if (ctx.dryRun) return { kind: 'create', reason: 'not validated: its CustomResourceDefinition is not installed yet' }
  throw new ApplyError({
    code: 'APPLY_UNKNOWN_KIND',
    message: `${formatRef(p.ref)}: the server does not serve ${p.object.apiVersion} ${p.ref.kind} although its CustomResourceDefinition was applied`,
  })
}

async function plan(p: PreparedObject, live: LiveObjects, ctx: StageContext): Promise<Plan> {
  const { client, signal } = ctx
  const key = refKey(p.ref)
  let current: KubeObject | null | undefined = live.get(key)
  const readLive = async (): Promise<KubeObject | null> => {
    if (current === undefined) current = (await client.get({ ...p.ref, version: p.version }, { signal })) ?? null
    return current
  }
  const policy = ssaPolicy(p.object)
  const rvOf = (o: KubeObject | null | undefined): string | undefined => o?.metadata.resourceVersion as string | undefined
  // As Flux's exclusion selector: `reconcile: disabled` or `ssa: Ignore`, on the object in Git
  // (then it is never created either) or on the live one.
  const excluded = exclusionReason(p.object) ?? (current === undefined || current === null ? undefined : exclusionReason(current))
  if (excluded !== undefined) return { kind: 'skip', reason: excluded, resourceVersion: rvOf(current) }
  if (policy === 'IfNotPresent' && (await readLive()) !== null) {
    return { kind: 'skip', reason: 'it exists and its ssa annotation is IfNotPresent', resourceVersion: rvOf(current) }
  }
  const takeoverOf = (existing: KubeObject): Takeover | undefined => takeoverFor(p, existing, ctx)
  let takeover = current === undefined || current === null ? undefined : takeoverOf(current)
  if (!ctx.alwaysDryRun && takeover === undefined && current !== undefined && current !== null && provablyUnchanged(p.object, current, ctx.fieldManager)) {
    return { kind: 'unchanged', resourceVersion: rvOf(current), current: computeStatus(current).status === 'Current' }
  }
  let result: KubeObject
  try {
    result = await client.apply(p.object, { fieldManager: ctx.fieldManager, force: ctx.forceConflicts, dryRun: true, signal })
  } catch (err) {
    if (ctx.dryRun && isGitOpsError(err, 'APPLY_NOT_FOUND') && ctx.newNamespaces.has(p.ref.namespace)) {
      return { kind: 'create', reason: 'not validated: its namespace is created by this apply' }
    }
    // A live object without our labels was not read yet: if it says to be left alone, it is
    // skipped whatever its dry-run said, as Flux checks before it dry-runs.
    if (current === undefined && isGitOpsError(err)) {
      const existing = await readLive()
      const why = existing === null ? undefined : exclusionReason(existing)
      if (why !== undefined) return { kind: 'skip', reason: why, resourceVersion: rvOf(existing) }
    }
    if (isGitOpsError(err, 'APPLY_IMMUTABLE_FIELD')) {
      const existing = await readLive()
      if (existing !== null && (ctx.force || forceEnabled(p.object) || forceEnabled(existing))) {
        const fields = (err.details.fields as string[] | undefined) ?? []
        await validateReplacement(p, ctx, fields)
        return { kind: 'recreate', reason: `re-created: immutable field${fields.length === 1 ? '' : 's'} ${fields.join(', ') || '(unnamed)'} changed` }
      }
    }
    throw err
  }
  const rv = result.metadata.resourceVersion
  if (current === null || typeof rv !== 'string' || rv === '') return { kind: 'create' }
  if (current === undefined) {
    // It exists without this inventory's labels: read it (one GET, only for objects being
    // adopted) to honour its annotations and take over its fields like any other.
    const existing = await readLive()
    if (existing === null) return { kind: 'create' }
    const why = exclusionReason(existing)
    if (why !== undefined) return { kind: 'skip', reason: why, resourceVersion: rvOf(existing) }
    takeover = takeoverOf(existing)
    const reasonWith = (t: Takeover | undefined): string | undefined => joinReasons(['not labelled for this inventory yet', takeoverReason(t)])
    return { kind: 'configure', overrides: [], reason: reasonWith(takeover), takeover, reasonWith }
  }
  if (takeover === undefined && sameObject(current, result)) return { kind: 'unchanged', resourceVersion: rvOf(current), current: computeStatus(current).status === 'Current' }
  const changes = diffObjects(current, result)
  const overrides: FieldOverride[] = []
  for (const c of changes) {
    const owner = c.liveSegments === undefined ? undefined : ownerOf(current, c.liveSegments)
    if (owner !== undefined && owner !== ctx.fieldManager) overrides.push({ path: c.path, manager: owner })
  }
  const summary = summarize(changes.map((c) => c.path))
  const reasonWith = (t: Takeover | undefined): string | undefined => joinReasons([takeoverReason(t), summary])
  return { kind: 'configure', overrides, reason: reasonWith(takeover), takeover, reasonWith }
}

/** What a takeover does, for the change set's reason. */
function takeoverReason(takeover: Takeover | undefined): string | undefined {
  if (takeover === undefined) return undefined
  const parts: string[] = []
  if (takeover.managers.length > 0) parts.push(`takes over the fields of ${takeover.managers.join(', ')}`)
  if (takeover.removed.length > 0) parts.push(`removes ${takeover.removed.join(', ')}`)
  return parts.join(', ')
}

function joinReasons(reasons: readonly (string | undefined)[]): string | undefined {
  const present = reasons.filter((r): r is string => r !== undefined && r !== '')
  return present.length === 0 ? undefined : present.join('; ')
}

/**
 * Before an object is deleted to be re-created, proves the server would accept its replacement:
 * a dry-run create of it under a generated name (a dry-run create under its own name fails only
 * because the live object exists, and a dry-run delete does not free the name for it). Errors
 * about the name alone are not held against it (the live object already carries that name, and
 * some kinds, like CRDs, must be named after their content). Anything else means the delete
 * would be followed by a failed create: refuse before deleting.
 */
async function validateReplacement(p: PreparedObject, ctx: StageContext, fields: readonly string[]): Promise<void> {
  const { metadata } = p.object
  // A create refuses a resourceVersion (an object copied from `kubectl get` may carry one).
  const probe: KubeObject = { ...p.object, metadata: { ...omit(metadata, ['resourceVersion', 'uid']), name: '', generateName: `${metadata.name}-` } }
  try {
    await ctx.client.create(probe, { fieldManager: ctx.fieldManager, dryRun: true, signal: ctx.signal })
  } catch (err) {
    if (ctx.signal?.aborted === true) throw ctx.signal.reason
    if (!isGitOpsError(err) || err.code === 'APPLY_UNREACHABLE' || err.code === 'APPLY_REQUEST_TIMEOUT' || err.code === 'APPLY_RESPONSE_TOO_LARGE') throw err
    const causes = Array.isArray(err.details.causes) ? (err.details.causes as { field?: unknown }[]) : []
    const onlyName = causes.length > 0 && causes.every((c) => typeof c.field === 'string' && /^metadata\.(generateName|name)$/.test(c.field))
    if (onlyName) return
    const why = err.message.includes('): ') ? err.message.slice(err.message.indexOf('): ') + 3) : err.message
    throw new ApplyError({
      code: 'APPLY_RECREATE_INVALID',
      message: `${formatRef(p.ref)}: not re-created: immutable field${fields.length === 1 ? '' : 's'} ${fields.join(', ') || '(unnamed)'} changed, and the server would refuse the replacement (${why}); the live object was left in place`,
      details: { fields: [...fields] },
      cause: err,
    })
  }
}

function summarize(paths: readonly string[]): string | undefined {
  if (paths.length === 0) return undefined
  const shown = paths.slice(0, 3).join(', ')
  return `changed ${shown}${paths.length > 3 ? ` and ${paths.length - 3} more` : ''}`
}

/** What writing one object did, and whether the state its write returned is kstatus Current. */
async function write(p: PreparedObject, planned: Plan, ctx: StageContext): Promise<{ readonly entry: ChangeSetEntry; readonly current: boolean }> {
  const { client, signal } = ctx
  const { ref } = p
  // (Only where the apply waits: kstatus of every written object elsewhere would be for nothing.)
  const isCurrent = (applied: KubeObject): boolean => ctx.waitsAfter === true && computeStatus(applied).status === 'Current'
  switch (planned.kind) {
    case 'skip':
    case 'unchanged':
      return { entry: untouchedEntry(ref, planned), current: false }
    case 'create':
    case 'configure': {
      // The takeover is written only now, after every object of the stage passed its dry-run.
      let reason = planned.reason
      if (planned.kind === 'configure' && planned.takeover !== undefined && client.patch !== undefined) {
        const done = await writeTakeover(p, planned.takeover, ctx)
        // Recomputed after a race: the change set says what was taken over.
        if (done !== planned.takeover && planned.reasonWith !== undefined) reason = planned.reasonWith(done)
      }
      const applied = await client.apply(p.object, { fieldManager: ctx.fieldManager, force: ctx.forceConflicts, signal })
      return { entry: { ref, action: planned.kind === 'create' ? 'created' : 'configured', reason, resourceVersion: applied.metadata.resourceVersion as string | undefined }, current: isCurrent(applied) }
    }
    case 'recreate': {
      await client.delete({ ...ref, version: p.version }, { propagationPolicy: 'Background', signal })
      await waitGone(p, ctx)
      const applied = await client.apply(p.object, { fieldManager: ctx.fieldManager, force: ctx.forceConflicts, signal })
      return { entry: { ref, action: 'created', reason: planned.reason, resourceVersion: applied.metadata.resourceVersion as string | undefined }, current: isCurrent(applied) }
    }
  }
}

/** Polls until the object is gone (finalizers may hold it), for at most the stage wait timeout. */
async function waitGone(p: PreparedObject, ctx: StageContext): Promise<void> {
  const started = Date.now()
  for (let pause = 50; ; pause = Math.min(pause * 2, 1_000)) {
    if ((await ctx.client.get({ ...p.ref, version: p.version }, { signal: ctx.signal })) === undefined) return
    if (Date.now() - started > ctx.waitTimeout) {
      throw new ApplyError({
        code: 'APPLY_WAIT_TIMEOUT',
        message: `${formatRef(p.ref)}: deleted to re-create it, but it was still there after ${ctx.waitTimeout} ms (finalizers?)`,
      })
    }
    await sleep(pause, ctx.signal)
  }
}

function dryEntry(ref: ObjectRef, planned: Plan, stageFailed: boolean): ChangeSetEntry {
  if (stageFailed && (planned.kind === 'create' || planned.kind === 'configure' || planned.kind === 'recreate')) {
    return { ref, action: 'skipped', reason: 'not applied: another object of its stage failed' }
  }
  switch (planned.kind) {
    case 'skip':
    case 'unchanged':
      return untouchedEntry(ref, planned)
    case 'create':
      return { ref, action: 'created', reason: planned.reason === undefined ? 'dry run' : `dry run, ${planned.reason}` }
    case 'configure':
      return { ref, action: 'configured', reason: planned.reason === undefined ? 'dry run' : `dry run, ${planned.reason}` }
    case 'recreate':
      return { ref, action: 'configured', reason: `dry run, would be ${planned.reason}` }
  }
}

/** The entry of an object that is not written: skipped or unchanged. */
function untouchedEntry(ref: ObjectRef, planned: Extract<Plan, { kind: 'skip' | 'unchanged' }>): ChangeSetEntry {
  return planned.kind === 'skip'
    ? { ref, action: 'skipped', reason: planned.reason, resourceVersion: planned.resourceVersion }
    : { ref, action: 'unchanged', resourceVersion: planned.resourceVersion }
}

function failedEntry(ref: ObjectRef, error: unknown): ChangeSetEntry {
  const { message } = failureOf(ref, error)
  const prefix = `${formatRef(ref)}: `
  return { ref, action: 'failed', reason: message.startsWith(prefix) ? message.slice(prefix.length) : message }
}
