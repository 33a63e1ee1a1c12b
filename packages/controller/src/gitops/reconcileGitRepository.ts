// source-controller's GitRepository work: fetch on every interval (a no-change fetch when the ref
// did not move), the artifact in `.status.artifact`, Ready and ArtifactInStorage as Flux writes
// them, Events with Flux's reasons.
import { getCondition, isKubeMap, removeCondition, setCondition } from '@gitops-sdk/core'
import type { Condition, ConditionInit, KubeMap, KubeObject } from '@gitops-sdk/core'
import { parseDuration } from '@gitops-sdk/flux'
import type { GitRepository, GitRepositoryStatus } from '@gitops-sdk/flux'
import type { ReconcileContext, ReconcileResult } from '../createController.js'
import { addFinalizer, hasFinalizer, removeFinalizer } from '../finalizers.js'
import { FluxReason } from '../fluxReasons.js'
import { reconcileRequestedAt } from '../updateStatus.js'
import { FLUX_FINALIZER, GITREPOSITORY_RESOURCE } from './resources.js'
import type { SourceStore, StoredArtifact } from './sourceStore.js'
import { writeFluxStatus } from './writeStatus.js'

/** What the GitRepository reconcile needs. */
export interface GitRepositoryReconcilerInput {
  readonly sources: SourceStore
  /** Host of the artifact URLs in `.status.artifact.url` (source-controller's `--storage-adv-addr`). */
  readonly storageAddress: string
  /** Told when a GitRepository has a new revision, to enqueue the Kustomizations reading it. */
  readonly onNewRevision: (key: string) => void
  readonly fieldManager?: string | undefined
  readonly now: () => Date
}

/** The reconcile function of GitRepositories. */
export function gitRepositoryReconciler(input: GitRepositoryReconcilerInput): (context: ReconcileContext) => Promise<ReconcileResult> {
  return async (context) => {
    const { key, signal, client, recorder } = context
    let object: KubeObject | undefined = context.object
    if (object === undefined) {
      input.sources.forget(key)
      return undefined
    }
    if (typeof object.metadata.deletionTimestamp === 'string') {
      input.sources.forget(key)
      await removeFinalizer(GITREPOSITORY_RESOURCE, object, { finalizer: FLUX_FINALIZER, client, signal })
      return undefined
    }
    if (!hasFinalizer(object, FLUX_FINALIZER)) object = await addFinalizer(GITREPOSITORY_RESOURCE, object, { finalizer: FLUX_FINALIZER, client, signal })
    const repository = object as unknown as GitRepository
    if (repository.spec.suspend === true) {
      context.log.info('Reconciliation is suspended for this object')
      return undefined
    }
    const interval = parseDuration(repository.spec.interval)
    const requestedAt = reconcileRequestedAt(object)
    const ref = { namespace: context.namespace, name: context.name }
    try {
      const { artifact, changed } = await context.phase('fetch', () => input.sources.fetch(repository, signal))
      context.span.setAttribute('gitops.revision', artifact.revision)
      const message = `stored artifact for revision '${artifact.revision}'`
      await writeFluxStatus(GITREPOSITORY_RESOURCE, ref, {
        client,
        signal,
        fieldManager: input.fieldManager,
        compute: (live) => {
          const previous = statusOf(live)
          let conditions = conditionsOf(previous)
          conditions = removeCondition(removeCondition(removeCondition(conditions, 'FetchFailed'), 'Reconciling'), 'Stalled')
          conditions = set(conditions, { type: 'Ready', status: 'True', reason: FluxReason.Succeeded, message }, input.now())
          conditions = set(conditions, { type: 'ArtifactInStorage', status: 'True', reason: FluxReason.Succeeded, message }, input.now())
          return {
            ...(previous as KubeMap),
            observedGeneration: live.metadata.generation ?? 1,
            conditions: conditions as unknown as KubeMap[],
            artifact: artifactStatus(artifact, { namespace: context.namespace, name: context.name, address: input.storageAddress }) as unknown as KubeMap,
            ...(requestedAt === undefined ? {} : { lastHandledReconcileAt: requestedAt }),
          }
        },
      })
      if (changed) {
        await recorder.record(object, { type: 'Normal', reason: FluxReason.NewArtifact, message: `stored artifact with ${artifact.files} files from '${artifact.revision}'`, annotations: { 'source.toolkit.fluxcd.io/revision': artifact.revision } }, { signal })
        input.onNewRevision(key)
      }
      return { requeueAfter: interval }
    } catch (error) {
      if (signal.aborted) throw error
      const message = error instanceof Error ? error.message : String(error)
      await writeFluxStatus(GITREPOSITORY_RESOURCE, ref, {
        client,
        signal,
        fieldManager: input.fieldManager,
        compute: (live) => {
          const previous = statusOf(live)
          let conditions = conditionsOf(previous)
          conditions = set(conditions, { type: 'FetchFailed', status: 'True', reason: FluxReason.GitOperationFailed, message }, input.now())
          conditions = set(conditions, { type: 'Ready', status: 'False', reason: FluxReason.GitOperationFailed, message }, input.now())
          return { ...(previous as KubeMap), conditions: conditions as unknown as KubeMap[], ...(requestedAt === undefined ? {} : { lastHandledReconcileAt: requestedAt }) }
        },
      })
      await recorder.record(object, { type: 'Warning', reason: FluxReason.GitOperationFailed, message }, { signal })
      throw error
    }
  }
}

function statusOf(object: KubeObject): GitRepositoryStatus {
  return (isKubeMap(object.status) ? object.status : {})
}

function conditionsOf(status: GitRepositoryStatus): Condition[] {
  return [...(status.conditions ?? [])]
}

function set(conditions: Condition[], init: ConditionInit, at: Date): Condition[] {
  const previous = getCondition(conditions, init.type)
  // An unchanged condition keeps its time, so that a no-change fetch writes nothing.
  if (previous !== undefined && previous.status === init.status && previous.reason === init.reason && previous.message === init.message) return conditions
  return setCondition(conditions, init, at)
}

/** `.status.artifact` as source-controller writes it; the path and URL name the commit's archive. */
function artifactStatus(artifact: StoredArtifact, where: { readonly namespace: string; readonly name: string; readonly address: string }): NonNullable<GitRepositoryStatus['artifact']> {
  const path = `gitrepository/${where.namespace}/${where.name}/${artifact.commit}.tar.gz`
  return {
    digest: artifact.digest,
    lastUpdateTime: artifact.lastUpdateTime,
    path,
    revision: artifact.revision,
    size: artifact.size,
    url: `http://${where.address}/${path}`,
  }
}
