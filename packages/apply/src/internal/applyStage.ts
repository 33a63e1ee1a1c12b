// One stage of applyAll, after Flux's ApplyAll (fluxcd/pkg ssa/manager_apply.go): read the live
// objects, decide per object (skip by annotation, provably unchanged, or a server-side dry-run
// compared with the live object), and only when every object of the stage passed, write the
// changed ones. A dry-run failure anywhere in the stage writes nothing of it.
//
// Objects in a namespace this apply created in an earlier stage cannot exist yet: they are created
// without a dry-run (one request each, as kubectl sends, instead of two), before any other object
// of the stage is written, and a failure among them writes nothing else of the stage.
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
import { settleAll } from './pool.js'
import type { Settled } from './pool.js'
import type { PreparedObject } from './prepare.js'
import { sleep } from './sleep.js'
import { planTakeover } from './takeover.js'
import type { Takeover, TakeoverManager } from './takeover.js'
import { validateReplacement } from './validateReplacement.js'

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
}

/** What a stage did. */
export interface StageOutcome {
  /** One entry per object, in the stage's order. */
  readonly entries: ChangeSetEntry[]
  readonly failures: ApplyFailure[]
  readonly observed: ObservedApply[]
  /** Objects to wait for before the next stage: written ones, and unchanged ones not yet Current. */
  readonly waitFor: ObjectRef[]
}

type Plan =
  | { readonly kind: 'skip'; readonly reason: string; readonly resourceVersion?: string | undefined }
  | { readonly kind: 'unchanged'; readonly resourceVersion: string | undefined; readonly current: boolean }
  | { readonly kind: 'create'; readonly reason?: string | undefined; readonly unvalidated?: boolean | undefined }
  | { readonly kind: 'configure'; readonly overrides: readonly FieldOverride[]; readonly reason?: string | undefined; readonly takeover?: Takeover | undefined }
  | { readonly kind: 'recreate'; readonly reason: string }

/** Applies one stage. */
export async function applyStage(items: readonly PreparedObject[], ctx: StageContext): Promise<StageOutcome> {
  const { client, signal } = ctx
  const unserved = await unservedKinds(items, ctx)
  const served = items.filter((p) => !unserved.has(kindKey(p)))
  const live = await fetchLive(
    served.filter((p) => !knownAbsent(p, ctx)).map((p) => ({ ref: p.ref, version: p.version })),
    { client, selector: ctx.selector, concurrency: ctx.concurrency, signal },
  )
  const planned = await settleAll(items, (p) => (unserved.has(kindKey(p)) ? unservedPlan(p, ctx) : knownAbsent(p, ctx) ? absentPlan(p) : plan(p, live, ctx)), {
    limit: ctx.concurrency,
    signal,
  })
  const failures: ApplyFailure[] = []
  planned.forEach((s, i) => {
    if (!s.ok) failures.push(failureOf((items[i] as PreparedObject).ref, s.error))
  })
  const entries: ChangeSetEntry[] = []
  const observed: ObservedApply[] = []
  const waitRefs: ObjectRef[] = []
  if (failures.length === 0 && planned.some((s) => s.ok && (s.value.kind === 'create' || s.value.kind === 'configure' || s.value.kind === 'recreate'))) {
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
  const written = await writeInOrder(items, plans, ctx)
  written.forEach((s, i) => {
    const item = items[i] as PreparedObject
    const p = plans[i] as Plan
    const entry = s.ok ? s.value : failedEntry(item.ref, s.error)
    if (!s.ok) failures.push(failureOf(item.ref, s.error))
    entries.push(entry)
    ctx.onEntry(entry)
    if (s.ok && p.kind !== 'skip') observed.push({ ref: item.ref, overrides: p.kind === 'configure' ? p.overrides : [] })
    if (s.ok && (entry.action === 'created' || entry.action === 'configured' || (p.kind === 'unchanged' && !p.current))) waitRefs.push(item.ref)
  })
  return { entries, failures, observed, waitFor: waitRefs }
}

/**
 * Writes the objects created without a dry-run first, then, only if every one of them was
 * accepted, the rest of the stage; otherwise the rest is reported not applied.
 */
async function writeInOrder(items: readonly PreparedObject[], plans: readonly Plan[], ctx: StageContext): Promise<Settled<ChangeSetEntry>[]> {
  const out = new Array<Settled<ChangeSetEntry>>(items.length)
  const unvalidated: number[] = []
  const others: number[] = []
  plans.forEach((p, i) => (p.kind === 'create' && p.unvalidated === true ? unvalidated : others).push(i))
  const run = async (indices: readonly number[]): Promise<void> => {
    const settled = await settleAll(indices, (i) => write(items[i] as PreparedObject, plans[i] as Plan, ctx), { limit: ctx.concurrency, signal: ctx.signal })
    settled.forEach((s, k) => (out[indices[k] as number] = s))
  }
  await run(unvalidated)
  if (unvalidated.every((i) => out[i]?.ok === true)) await run(others)
  else for (const i of others) out[i] = { ok: true, value: dryEntry((items[i] as PreparedObject).ref, plans[i] as Plan, true) }
  return out
}

/**
 * Whether the object cannot exist yet: it is namespaced and its namespace was created by this
 * apply, in an earlier stage. Not in a dry run, nor when every object is to be dry-run.
 */
function knownAbsent(p: PreparedObject, ctx: StageContext): boolean {
  return !ctx.dryRun && !ctx.alwaysDryRun && p.ref.namespace !== '' && ctx.newNamespaces.has(p.ref.namespace)
}

/** The plan of an object that cannot exist yet: created, unless Git says to leave it alone. */
async function absentPlan(p: PreparedObject): Promise<Plan> {
  // As in plan(): `reconcile: disabled` or `ssa: Ignore` in Git means never created.
  const excluded = exclusionReason(p.object)
  if (excluded !== undefined) return { kind: 'skip', reason: excluded }
  return { kind: 'create', unvalidated: true }
}

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
  // As Flux's cleanup exclusions: `ssa: Merge` (in Git or live) keeps other managers' fields.
  const takeoverOf = (existing: KubeObject): Takeover | undefined =>
    ctx.takeOver === undefined || client.patch === undefined || policy === 'Merge' || ssaPolicy(existing) === 'Merge'
      ? undefined
      : planTakeover(existing, { desired: p.object, fieldManager: ctx.fieldManager, managers: ctx.takeOver })
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
    return { kind: 'configure', overrides: [], reason: joinReasons(['not labelled for this inventory yet', takeoverReason(takeover)]), takeover }
  }
  if (takeover === undefined && sameObject(current, result)) return { kind: 'unchanged', resourceVersion: rvOf(current), current: computeStatus(current).status === 'Current' }
  const changes = diffObjects(current, result)
  const overrides: FieldOverride[] = []
  for (const c of changes) {
    const owner = c.liveSegments === undefined ? undefined : ownerOf(current, c.liveSegments)
    if (owner !== undefined && owner !== ctx.fieldManager) overrides.push({ path: c.path, manager: owner })
  }
  return { kind: 'configure', overrides, reason: joinReasons([takeoverReason(takeover), summarize(changes.map((c) => c.path))]), takeover }
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

function summarize(paths: readonly string[]): string | undefined {
  if (paths.length === 0) return undefined
  const shown = paths.slice(0, 3).join(', ')
  return `changed ${shown}${paths.length > 3 ? ` and ${paths.length - 3} more` : ''}`
}

async function write(p: PreparedObject, planned: Plan, ctx: StageContext): Promise<ChangeSetEntry> {
  const { client, signal } = ctx
  const { ref } = p
  switch (planned.kind) {
    case 'skip':
    case 'unchanged':
      return untouchedEntry(ref, planned)
    case 'create':
    case 'configure': {
      // The takeover is written only now, after every object of the stage passed its dry-run.
      if (planned.kind === 'configure' && planned.takeover !== undefined && client.patch !== undefined) {
        await takeOver(p, planned.takeover, ctx)
      }
      const applied = await client.apply(p.object, { fieldManager: ctx.fieldManager, force: ctx.forceConflicts, signal })
      // Created without a dry-run, in a namespace created moments ago: if something else made it
      // in between (a controller's default ServiceAccount), its entries in managedFields tell.
      const existed = planned.kind === 'create' && planned.unvalidated === true && managedByOthers(applied, ctx.fieldManager)
      return { ref, action: planned.kind === 'create' && !existed ? 'created' : 'configured', reason: planned.reason, resourceVersion: applied.metadata.resourceVersion as string | undefined }
    }
    case 'recreate': {
      await client.delete({ ...ref, version: p.version }, { propagationPolicy: 'Background', signal })
      await waitGone(p, ctx)
      const applied = await client.apply(p.object, { fieldManager: ctx.fieldManager, force: ctx.forceConflicts, signal })
      return { ref, action: 'created', reason: planned.reason, resourceVersion: applied.metadata.resourceVersion as string | undefined }
    }
  }
}

/** Writes a takeover; a live object changed since it was read fails the patch's resourceVersion test. */
async function takeOver(p: PreparedObject, takeover: Takeover, ctx: StageContext): Promise<void> {
  try {
    await ctx.client.patch?.({ ...p.ref, version: p.version }, takeover.patch, { fieldManager: ctx.fieldManager, signal: ctx.signal })
  } catch (err) {
    if (ctx.signal?.aborted === true) throw ctx.signal.reason
    if (isGitOpsError(err, 'APPLY_INVALID') && err.message.includes('/metadata/resourceVersion')) {
      throw new ApplyError({
        code: 'APPLY_API_ERROR',
        message: `${formatRef(p.ref)}: changed in the cluster while the fields of ${takeover.managers.join(', ') || 'other managers'} were being taken over; it was not applied (apply again)`,
        details: { managers: [...takeover.managers] },
        cause: err,
      })
    }
    throw err
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

/** Whether another field manager than `fieldManager` holds fields of the object. */
function managedByOthers(object: KubeObject, fieldManager: string): boolean {
  const entries = object.metadata.managedFields
  return Array.isArray(entries) && entries.some((e: unknown) => typeof e === 'object' && e !== null && (e as { manager?: unknown }).manager !== fieldManager)
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
