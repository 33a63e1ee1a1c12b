// kustomize-controller's Kustomization work, through the reconcile package with Flux's semantics:
// the finalizer and `deletionPolicy`, `suspend`, the lockdown flags, `dependsOn`, the shared
// source artifact, the inventory in `.status.inventory`, `lastHandledReconcileAt`, Events.
import { SpanStatusCode } from '@opentelemetry/api'
import { createApplyHistory } from '@gitops-sdk/apply'
import type { ApplyHistory, KubeClient } from '@gitops-sdk/apply'
import { getCondition } from '@gitops-sdk/core'
import type { KubeMap, KubeObject } from '@gitops-sdk/core'
import { parseDuration } from '@gitops-sdk/flux'
import type { Kustomization } from '@gitops-sdk/flux'
import { kustomizationProgressing, kustomizationReconcile, kustomizationStatus, reconcile } from '@gitops-sdk/reconcile'
import type { ReconcileState } from '@gitops-sdk/reconcile'
import type { ReconcileContext, ReconcileResult } from '../createController.js'
import { addFinalizer, hasFinalizer } from '../finalizers.js'
import { FluxReason } from '../fluxReasons.js'
import { reconcileRequestedAt } from '../updateStatus.js'
import { finalizeKustomization } from './finalizeKustomization.js'
import { reconcileInputs } from './reconcileInputs.js'
import { inventoryOfStatus } from './inventoryOfStatus.js'
import { recordKustomizationEvents } from './kustomizationEvents.js'
import type { KustomizationReconcilerInput } from './kustomizationReconcilerInput.js'
import { kustomizationSteps } from './kustomizationSteps.js'
import { FLUX_FINALIZER, KUSTOMIZATION_RESOURCE } from './resources.js'
import { traceSteps } from './traceSteps.js'
import { statusInputs } from './statusInputs.js'
import { generationOf, isWritten, quietAfterApply, statusOf } from './quietAfterApply.js'
import type { SettledStatus } from './quietAfterApply.js'
import { writeFluxStatus } from './writeStatus.js'

/** The reconcile function of Kustomizations, with its memory of the last reconcile of each. */
export function kustomizationReconciler(input: KustomizationReconcilerInput): (context: ReconcileContext) => Promise<ReconcileResult> {
  const states = new Map<string, ReconcileState>()
  // Per Kustomization, so that apply's reconcile-loop warnings compare one apply with the next.
  const histories = new Map<string, ApplyHistory>()
  // Per Kustomization, the build inputs (besides the revision) of its last successful apply.
  const appliedInputs = new Map<string, string>()
  // Per Kustomization, the inputs of its last status computation that equalled the cached status.
  const settled = new Map<string, SettledStatus>()
  /**
   * The no-change interval of a Kustomization whose last reconcile was one too, with the same
   * object (spec, annotations and status by identity): Flux's fetch (is the source's artifact still
   * the applied revision?), the build inputs' fingerprint and a drift check, without the generic
   * reconcile. When all three find nothing the full reconcile would end as that last one did: Ready
   * as it is, nothing applied, the status as cached (so nothing written), no event. Anything else
   * (undefined) goes the full way, which corrects drift, rebuilds or reports.
   */
  // The quiet path's first interval after an applying reconcile takes, besides the proof above,
  // the Kustomization exactly as this controller's own status write left it (see quietAfterApply).
  const quietInterval = async (context: ReconcileContext, k: Kustomization, interval: number): Promise<number | undefined> => {
    const { key, client, signal } = context
    const state = states.get(key)
    const applied = state?.applied
    const artifact = input.sources.get(`${k.spec.sourceRef.namespace ?? context.namespace}/${k.spec.sourceRef.name}`)
    if (applied === undefined || artifact === undefined || artifact.revision !== applied.revision || input.driftUnchanged === undefined) return undefined
    input.onRevisionSeen?.(key, artifact.revision)
    context.span.setAttribute('gitops.revision', artifact.revision)
    let inputs: string
    try {
      inputs = await reconcileInputs(k, { client, signal })
    } catch (error) {
      if (signal.aborted) throw error
      return undefined
    }
    if (appliedInputs.get(key) !== inputs) return undefined
    if (!input.driftUnchanged(applied, { inventory: { namespace: context.namespace, name: context.name }, targetNamespace: k.spec.targetNamespace })) return undefined
    context.log.debug('no-change interval: source unchanged, nothing drifted')
    input.onReady(key)
    return interval
  }
  return async (context) => {
    const { key, signal, client, recorder, log } = context
    let object = context.object
    if (object === undefined) {
      states.delete(key)
      histories.delete(key)
      appliedInputs.delete(key)
      settled.delete(key)
      input.onRevisionSeen?.(key, undefined)
      return undefined
    }
    const ref = { namespace: context.namespace, name: context.name }
    const clientFor = async (k: Kustomization): Promise<KubeClient> => {
      const serviceAccountName = k.spec.serviceAccountName ?? (k.spec.kubeConfig === undefined ? input.defaultServiceAccount : undefined)
      if ((serviceAccountName === undefined && k.spec.kubeConfig === undefined) || input.clientFactory === undefined) return input.kubeClient
      return input.clientFactory({ namespace: context.namespace, serviceAccountName, kubeConfig: k.spec.kubeConfig, signal })
    }
    if (typeof object.metadata.deletionTimestamp === 'string') {
      states.delete(key)
      appliedInputs.delete(key)
      settled.delete(key)
      if (!hasFinalizer(object, FLUX_FINALIZER)) return undefined
      const k = object as unknown as Kustomization
      await finalizeKustomization(k, { client, kubeClient: await clientFor(k), recorder, signal, log })
      return undefined
    }
    if (!hasFinalizer(object, FLUX_FINALIZER)) object = await addFinalizer(KUSTOMIZATION_RESOURCE, object, { finalizer: FLUX_FINALIZER, client, signal })
    let k = object as unknown as Kustomization
    if (k.spec.suspend === true) {
      log.info('Reconciliation is suspended for this object')
      return undefined
    }
    if (input.defaultServiceAccount !== undefined && k.spec.serviceAccountName === undefined && k.spec.kubeConfig === undefined) {
      k = { ...k, spec: { ...k.spec, serviceAccountName: input.defaultServiceAccount } }
    }
    const requestedAt = reconcileRequestedAt(object)
    const generation = object.metadata.generation
    const previous = statusOf(object)
    // `live` is the cached object when nothing was written since it was read: a status left as it
    // was then costs no request at all (a conflict still re-reads).
    const write = (compute: (live: KubeObject) => KubeMap, live?: KubeObject): Promise<KubeObject | undefined> =>
      writeFluxStatus(KUSTOMIZATION_RESOURCE, ref, { client, signal, fieldManager: input.statusFieldManager, compute, live })
    const fail = async (reason: string, message: string, retryAfter: number): Promise<ReconcileResult> => {
      context.span.setStatus({ code: SpanStatusCode.ERROR, message })
      await write((live) => {
        const status = kustomizationStatus(
          { name: context.name, conditions: [{ type: 'Ready', status: 'False', reason, message, lastTransitionTime: input.now().toISOString() }], changeSet: { entries: [] }, drifted: [], durations: {}, finishedAt: input.now().toISOString() },
          { previous: statusOf(live), requestedAt },
        )
        return status as unknown as KubeMap
      })
      await recorder.record(object, { type: 'Warning', reason, message }, { signal })
      return { requeueAfter: retryAfter }
    }
    const sourceNamespace = k.spec.sourceRef.namespace ?? context.namespace
    const retryInterval = durationOr(k.spec.retryInterval ?? k.spec.interval)
    if (input.noCrossNamespaceRefs && sourceNamespace !== context.namespace) {
      return fail('AccessDenied', `can't access '${k.spec.sourceRef.kind}/${sourceNamespace}/${k.spec.sourceRef.name}', cross-namespace references have been blocked`, retryInterval)
    }
    const notReady = (k.spec.dependsOn ?? [])
      .map((d) => `${d.namespace ?? context.namespace}/${d.name}`)
      .filter((dep) => !dependencyReady(input.kustomization(dep)))
    if (notReady.length > 0) {
      const message = `Dependencies do not meet ready condition (${notReady.join(', ')}), retrying in ${Math.round(input.requeueDependency / 1000)}s`
      await write((live) => kustomizationStatus(emptyStatus(context.name, input.now()), { previous: statusOf(live), dependenciesNotReady: notReady, requestedAt }) as unknown as KubeMap)
      log.info(message)
      await recorder.record(object, { type: 'Normal', reason: FluxReason.DependencyNotReady, message }, { signal })
      return { requeueAfter: input.requeueDependency }
    }
    const quiet = settled.get(key)
    if (quiet?.interval !== undefined && object === context.object && (quiet.object === context.object || (quiet.object === undefined && isWritten(object, quiet.written)))) {
      const interval = await quietInterval(context, k, quiet.interval)
      if (interval !== undefined) {
        // From now on the cached object itself is the one the quiet path expects.
        if (quiet.object !== object) settled.set(key, { ...quiet, status: object.status, object, written: undefined })
        return { requeueAfter: interval }
      }
    }
    let mapped
    try {
      mapped = await kustomizationReconcile(k, {
        client: input.kubeClient,
        clientFactory: input.clientFactory === undefined ? undefined : async (request) => input.clientFactory?.({ ...request, signal }) ?? input.kubeClient,
        resolveSource: async () => ({ url: '' }),
        inventory: { namespace: context.namespace, name: context.name },
        signal,
      })
    } catch (error) {
      if (signal.aborted) throw error
      return fail(FluxReason.ReconciliationFailed, messageOf(error), retryInterval)
    }
    const sourceKey = `${sourceNamespace}/${k.spec.sourceRef.name}`
    let artifact = input.sources.get(sourceKey)
    if (artifact === undefined) {
      const repository = await input.gitRepository(sourceKey, signal)
      if (repository === undefined) return fail(FluxReason.ArtifactFailed, `Source '${k.spec.sourceRef.kind}/${sourceKey}' not found`, retryInterval)
      if (repository.spec.suspend !== true) {
        try {
          artifact = (await input.sources.fetch(repository, signal)).artifact
        } catch (error) {
          if (signal.aborted) throw error
          return fail(FluxReason.ArtifactFailed, `Source artifact not found, retrying in ${Math.round(retryInterval / 1000)}s: ${messageOf(error)}`, retryInterval)
        }
      }
      if (artifact === undefined) return fail(FluxReason.ArtifactFailed, `Source '${k.spec.sourceRef.kind}/${sourceKey}' is suspended and has no artifact`, retryInterval)
    }
    const current = artifact
    input.onRevisionSeen?.(key, current.revision)
    let inputs: string | undefined
    try {
      inputs = await reconcileInputs(k, { client, signal })
    } catch (error) {
      if (signal.aborted) throw error
      // Unknown inputs: build again; the build reads them itself and fails with Flux's reason.
      inputs = undefined
    }
    let state = states.get(key)
    // Built from other inputs (spec, substituteFrom values, decryption keys) than the last apply:
    // forget what was applied, so that the reconcile builds and applies again instead of only
    // checking drift; the status and inventory carry over.
    if (state !== undefined && (inputs === undefined || appliedInputs.get(key) !== inputs)) state = { status: state.status }
    const routine = state?.applied !== undefined && previous.lastAppliedRevision === current.revision && previous.observedGeneration === generation && requestedAt === previous.lastHandledReconcileAt
    let progressing: KubeObject | undefined
    if (!routine) {
      progressing = await write((live) => kustomizationProgressing(statusOf(live), { revision: current.revision, timeout: mapped.spec.timeout, now: input.now() }) as unknown as KubeMap)
    }
    let history = histories.get(key)
    if (history === undefined) histories.set(key, (history = createApplyHistory()))
    const { steps, driftFromCache } = kustomizationSteps(mapped, {
      artifact: current,
      // The object the Progressing write answered holds the inventory as last written (only this
      // reconcile writes this Kustomization's status), so it is not read again.
      loadInventory: async () => inventoryOfStatus(statusOf(progressing ?? (await client.get(KUSTOMIZATION_RESOURCE, ref, { signal })) ?? object)),
      kubeClient: input.kubeClient,
      fieldManager: input.fieldManager,
      history,
      onWarning: (message) => log.warn(message),
      driftClient: input.driftClient,
      driftUnchanged: input.driftUnchanged,
    })
    const started = performance.now()
    context.span.setAttribute('gitops.revision', current.revision)
    const result = await reconcile(mapped.spec, traceSteps(steps, context.phase), { signal, previous: state })
    states.set(key, result.state)
    if (result.state.applied !== undefined && result.status.failure === undefined && inputs !== undefined) appliedInputs.set(key, inputs)
    else appliedInputs.delete(key)
    const healthChecked = mapped.spec.wait === true || (mapped.spec.healthChecks ?? []).length > 0
    const compute = (live: KubeObject): KubeMap =>
      kustomizationStatus(result.status, { previous: statusOf(live), generation: generationOf(live), requestedAt, healthChecked }) as unknown as KubeMap
    if (!routine) {
      settled.delete(key)
      const written = await write(compute)
      // The first no-change interval after this apply may be quiet when it is provably the one the
      // full path would run: see quietAfterApply for what must hold.
      const primed = quietAfterApply(written, {
        object,
        status: result.status,
        revision: current.revision,
        requestedAt,
        interval: mapped.interval,
        healthChecked,
        driftProven: driftFromCache,
        applied: result.state.applied !== undefined && appliedInputs.has(key),
      })
      if (primed !== undefined && result.state.applied !== undefined) {
        settled.set(key, primed)
        input.driftWatch?.(result.state.applied)
      }
    } else {
      // The status is a pure function of the cached status, the inventory and these inputs: when
      // all three are those that last gave the cached status back, it would be given back again,
      // and neither computing nor comparing it is needed (most of a no-change reconcile otherwise).
      const inputs = statusInputs(result.status, { generation: generationOf(object), requestedAt, healthChecked })
      const known = settled.get(key)
      // A no-change reconcile of the cached object that found nothing drifted and left its status
      // as it was: the next one with the same object may take the quiet path (see quietInterval).
      const quiet =
        object === context.object &&
        driftFromCache &&
        (mapped.spec.healthChecks ?? []).length === 0 &&
        result.status.failure === undefined &&
        result.status.drifted.length === 0 &&
        result.status.changeSet.entries.length === 0 &&
        getCondition(result.status.conditions, 'Ready')?.status === 'True'
      const next = { status: object.status, inventory: result.status.inventory, inputs, object: context.object, interval: quiet ? mapped.interval : undefined }
      if (known === undefined || known.status !== object.status || known.inventory !== result.status.inventory || known.inputs !== inputs) {
        const written = await write(compute, object)
        if (written === object) settled.set(key, next)
        else settled.delete(key)
      } else if (known.object !== next.object || known.interval !== next.interval) {
        settled.set(key, next)
      }
    }
    const ready = getCondition(result.status.conditions, 'Ready')
    if (ready?.status === 'False') context.span.setStatus({ code: SpanStatusCode.ERROR, message: ready.message })
    const isReady = await recordKustomizationEvents(object, { status: result.status, previous, revision: current.revision, started, interval: k.spec.interval }, { recorder, signal })
    if (isReady) {
      input.onReady(key)
      return { requeueAfter: mapped.interval }
    }
    return { requeueAfter: mapped.retryInterval }
  }
}

function emptyStatus(name: string, now: Date): Parameters<typeof kustomizationStatus>[0] {
  return { name, conditions: [], changeSet: { entries: [] }, drifted: [], durations: {}, finishedAt: now.toISOString() }
}

/** Ready at the generation and revision it last attempted: what kustomize-controller asks of a dependency. */
function dependencyReady(object: KubeObject | undefined): boolean {
  if (object === undefined) return false
  const status = statusOf(object)
  const ready = getCondition(status.conditions ?? [], 'Ready')
  return ready?.status === 'True' && status.observedGeneration === object.metadata.generation && status.lastAppliedRevision === status.lastAttemptedRevision
}

function durationOr(text: string): number {
  try {
    return parseDuration(text)
  } catch {
    return 60_000
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
