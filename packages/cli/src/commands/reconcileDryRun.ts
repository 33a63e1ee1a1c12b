// `gitops reconcile --dry-run=server|client`, as `gitops apply --dry-run` does: the source is fetched,
// decrypted and rendered as a reconcile would; then `server` applies with dryRun=All and prints the
// change set, `client` lists the rendered objects and contacts no cluster. Neither prunes, writes the
// inventory or records a status.
import type { KubeClient } from '@gitops-sdk/apply'
import type { KubeObject } from '@gitops-sdk/core'
import type { ReconcileSteps } from '@gitops-sdk/reconcile'
import { debug, EXIT_OK, printResult } from '../context.js'
import type { CliIO } from '../context.js'
import { UsageError } from '../errors.js'
import type { OutputFormat } from '../flags.js'

/** What a dry-run reconcile needs besides its steps. */
export interface DryRunReconcile {
  readonly mode: 'server' | 'client'
  readonly path: string
  readonly format: OutputFormat
  /** The client of a server dry run; a client dry run has none. */
  readonly client?: KubeClient | undefined
  readonly apply: { readonly fieldManager: string; readonly inventory: { readonly namespace: string; readonly name: string }; readonly targetNamespace?: string | undefined; readonly force: boolean; readonly conflicts: 'force' | 'fail'; readonly takeOverManagers: readonly string[] }
  readonly signal: AbortSignal
}

/** A client for the steps of a client dry run, none of which reaches the cluster. */
export const offlineClient: KubeClient = new Proxy({} as KubeClient, {
  get(_target, property) {
    throw new UsageError(`--dry-run=client contacts no cluster (the reconcile asked the client for ${String(property)})`, { code: 'CLI_FLAG_INVALID', details: { flag: '--dry-run' } })
  },
})

/** Fetches, decrypts and renders, then dry-runs the apply (`server`) or lists the objects (`client`). */
export async function dryRunReconcile(io: CliIO, steps: ReconcileSteps, run: DryRunReconcile): Promise<number> {
  const { signal, path } = run
  const source = await steps.fetch({ signal })
  if (source.unchanged === true) throw new Error(`the source answered unchanged at ${source.revision} without content`)
  debug(io, 'dry run: fetched', { revision: source.revision })
  const fs = steps.decryptSources === undefined ? source.fs : await steps.decryptSources(source.fs, { path, signal })
  // The reconcile's order (Flux's): build, decrypt each encrypted object, then substitute.
  let objects: KubeObject[] = await steps.render(fs, { path, signal })
  if (steps.decryptObjects !== undefined) {
    const decrypted = await steps.decryptObjects(objects, { signal, fs, path })
    objects = Array.isArray(decrypted) ? decrypted : decrypted.objects
  }
  if (steps.substitute !== undefined) objects = await steps.substitute(objects, { signal, fs })
  debug(io, 'dry run: rendered', { path, objects: objects.length })
  const { formatChangeSet, formatRef, formatSummary, refOf, summarizeChangeSet } = await import('@gitops-sdk/core')
  if (run.mode === 'client' || run.client === undefined) {
    const refs = objects.map((o) => refOf(o))
    printResult(io, {
      format: run.format,
      data: { revision: source.revision, objects: refs.map((r) => ({ group: r.group, kind: r.kind, namespace: r.namespace, name: r.name })), dryRun: true, dryRunMode: 'client' },
      text: () => [...refs.map((r) => `${formatRef(r)} (client dry run)`), `${refs.length} object${refs.length === 1 ? '' : 's'} at ${source.revision}, nothing sent`].join('\n'),
    })
    return EXIT_OK
  }
  const { applyAll } = await import('@gitops-sdk/apply')
  const result = await applyAll(objects, {
    client: run.client,
    fieldManager: run.apply.fieldManager,
    // Labelled as the real apply would label them, so the dry run validates exactly that.
    inventory: run.apply.inventory,
    targetNamespace: run.apply.targetNamespace,
    force: run.apply.force,
    conflicts: run.apply.conflicts,
    takeOverManagers: run.apply.takeOverManagers,
    dryRun: true,
    // An empty render is reported as such; nothing is pruned, so nothing can be lost.
    allowEmpty: true,
    signal,
    onProgress: (event) => {
      if (event.type === 'object') debug(io, 'applied', { object: formatRef(event.entry.ref), action: event.entry.action, dryRun: true })
    },
  })
  const changeSet = { entries: result.entries }
  printResult(io, {
    format: run.format,
    data: {
      revision: source.revision,
      entries: result.entries.map((e) => ({ group: e.ref.group, kind: e.ref.kind, namespace: e.ref.namespace, name: e.ref.name, action: e.action, ...(e.reason === undefined ? {} : { reason: e.reason }) })),
      summary: summarizeChangeSet(changeSet),
      dryRun: true,
      dryRunMode: 'server',
    },
    text: () => `${result.entries.length === 0 ? '' : `${formatChangeSet(changeSet)}\n`}${formatSummary(changeSet)} (server dry run of ${source.revision}; nothing pruned, inventory and status not written)`,
  })
  return EXIT_OK
}
