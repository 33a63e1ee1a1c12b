import type { KubeClient } from '@gitops-sdk/apply'
import type { ChangeSetEntry, Inventory, KubeObject } from '@gitops-sdk/core'
import { debug, printResult, progress } from '../context.js'
import type { CliIO, Command } from '../context.js'
import { endShortRunTuning } from '../applyTuning.js'
import { UsageError } from '../errors.js'
import {
  booleanFlag,
  clusterFlags,
  conflictsFlag,
  DEFAULT_FIELD_MANAGER,
  durationFlag,
  inputArgument,
  inventoryFlag,
  namespaceValue,
  outputFormat,
  parseCommandArgs,
  stringFlag,
  takeOverManagersFlag,
} from '../flags.js'
import type { FlagSpec, FlagValues, OutputFormat } from '../flags.js'
import { createProgress } from '../terminal.js'
import { connect, readObjects } from './options.js'

const flags = {
  ...clusterFlags,
  prune: { type: 'boolean', default: false },
  'allow-empty': { type: 'boolean', default: false },
  wait: { type: 'boolean', default: false },
  timeout: { type: 'string' },
  force: { type: 'boolean', default: false },
  conflicts: { type: 'string' },
  'take-over-manager': { type: 'string', multiple: true },
  'dry-run': { type: 'boolean', default: false },
  applyset: { type: 'boolean', default: false },
  'applyset-tooling': { type: 'string' },
} as const satisfies FlagSpec

/**
 * The `applyset.kubernetes.io/tooling` value of `--applyset`: `--applyset-tooling NAME/VERSION`,
 * else `gitops/<version>`. kubectl manages a set only when NAME is `kubectl`, so naming it hands the
 * set over to `kubectl apply --prune --applyset`.
 */
async function applySetTooling(values: FlagValues): Promise<string | undefined> {
  const tooling = stringFlag(values, 'applyset-tooling')
  if (!booleanFlag(values, 'applyset')) {
    if (tooling !== undefined) throw new UsageError('--applyset-tooling needs --applyset', { code: 'CLI_FLAG_INVALID', details: { flag: '--applyset-tooling' } })
    return undefined
  }
  if (tooling === undefined) return `gitops/v${(await import('../version.js')).version()}`
  // KEP-3659: the value is NAME/VERSION; kubectl compares NAME and refuses a parent without it.
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]*\/[A-Za-z0-9][A-Za-z0-9._+-]*$/.test(tooling)) {
    throw new UsageError(`--applyset-tooling must be NAME/VERSION (e.g. kubectl/v1.32.0), not ${JSON.stringify(tooling)}`, { code: 'CLI_FLAG_INVALID', details: { flag: '--applyset-tooling' } })
  }
  return tooling
}

function entryData(e: ChangeSetEntry): Record<string, string> {
  const data: Record<string, string> = { group: e.ref.group, kind: e.ref.kind, namespace: e.ref.namespace, name: e.ref.name, action: e.action }
  if (e.reason !== undefined) data.reason = e.reason
  if (e.reasonCode !== undefined) data.reasonCode = e.reasonCode
  if (e.resourceVersion !== undefined) data.resourceVersion = e.resourceVersion
  return data
}

/** The inventory to store when not pruning: the new set plus what is still there from before. */
function merged(previous: Inventory | undefined, next: Inventory, core: { createInventory: (entries: Inventory['entries']) => Inventory; refKey: (ref: Inventory['entries'][number]) => string }): Inventory {
  if (previous === undefined) return next
  // Nothing left the set (a re-apply): the merge, deduplicated with next's entries winning, is next
  // itself, already deduplicated and sorted.
  const keys = new Set(next.entries.map(core.refKey))
  if (previous.entries.every((e) => keys.has(core.refKey(e)))) return next
  return core.createInventory([...previous.entries, ...next.entries])
}

export const applyCommand: Command = {
  name: 'apply',
  summary: 'apply objects with server-side apply, prune what left, wait for health',
  help: `gitops apply: apply objects to a cluster the way Flux's kustomize-controller does: server-side apply
in stages (CRDs and Namespaces first), unchanged objects left alone, the inventory stored in a
ConfigMap NAME in namespace NS, objects that left the set pruned with --prune.

Usage:
  gitops apply DIR|FILE|- --inventory NS/NAME [--conflicts=force|fail] [flags]

Flags:
  --inventory NS/NAME    ConfigMap holding the inventory; objects are labelled as owned by it (required)
  --prune                delete objects of the previous inventory that are no longer in the set
  --wait                 wait until every applied object is healthy (kstatus Current)
  --timeout D            how long to wait for health, CRDs and Namespaces (default 5m)
  --conflicts=force      (default) Git wins a field another manager owns, as Flux: the fields
                         kubectl holds (kubectl edit, scale, patch, client-side apply...) and
                         before-first-apply's are taken over and the apply is forced, so a
                         \`kubectl scale\` or \`kubectl edit\` is undone; objects annotated
                         kustomize.toolkit.fluxcd.io/ssa: Merge keep other managers' fields
  --conflicts=fail       kubectl's behaviour: nothing taken over; a field another manager owns
                         fails with APPLY_FIELD_CONFLICT naming the object, managers and fields
  --take-over-manager M  also take over the fields of field manager M (exact name, repeatable;
                         Flux's --override-manager)
  --force                delete and re-create objects whose immutable fields changed (Flux's
                         spec.force; per object: the kustomize.toolkit.fluxcd.io/force: enabled
                         annotation)
  --allow-empty          accept an empty set of objects over a non-empty inventory (with --prune it
                         deletes them all); refused otherwise, as when a \`kustomize build |\` pipe
                         failed (APPLY_EMPTY_DESIRED_SET)
  --applyset             also make the inventory ConfigMap an ApplySet parent (KEP-3659), as
                         \`kubectl apply --prune --applyset=configmaps/NAME\` writes it: the
                         applyset.kubernetes.io/id label and the tooling, contains-group-kinds and
                         additional-namespaces annotations, and every applied object labelled
                         applyset.kubernetes.io/part-of; kubectl and other tools see the set
  --applyset-tooling T   the parent's tooling, NAME/VERSION (default gitops/<version>); kubectl
                         prunes only sets whose tooling NAME is kubectl
  --dry-run[=server]     validate with server-side dry-runs and report; change nothing
  --dry-run=client       read and check the objects locally and list them; contact no cluster
  -n, --namespace NS     namespace of objects that name none, and of --inventory NAME
  --field-manager M      field manager of the applied fields (default ${DEFAULT_FIELD_MANAGER})
  --kubeconfig K         kubeconfig file (default $KUBECONFIG, then ~/.kube/config)
  --context C            kubeconfig context (default: its current context)
  --as USER               act as this user (Impersonate-User), as kubectl --as
  --as-group GROUP        and as this group, repeatable (Impersonate-Group); needs --as
  -o, --output F         text (default), json or yaml

Flux's per-object annotations (or labels) are honoured: kustomize.toolkit.fluxcd.io/ssa (Override,
Merge, IfNotPresent, Ignore), /prune: disabled, /reconcile: disabled, /force: enabled; skipped
objects are printed \`skipped\` with why. Unknown values are ignored as Flux ignores them, with a
warning on stderr.

DIR is rendered first (a kustomization, or a plain directory of manifests). Without --prune, objects
that left the set stay in the inventory, so a later --prune removes them. Prints one line per
object; exit 0 when everything applied, 2 on any failure (with what happened so far).

Example:
  gitops apply clusters/prod --inventory flux-system/prod --prune --wait --timeout 2m
  kustomize build . | gitops apply - --inventory apps/web --dry-run
  gitops apply app.yaml --inventory apps/web --conflicts=fail
`,
  flags,
  async run({ io, argv, signal }) {
    const parsed = parseCommandArgs(argv, flags)
    const { values, positionals } = parsed
    const format = outputFormat(values.output)
    const input = inputArgument(positionals, 'apply')
    const namespace = namespaceValue(values)
    const inventory = inventoryFlag(stringFlag(values, 'inventory'), namespace)
    if (inventory === undefined) throw new UsageError('gitops apply needs --inventory NS/NAME', { code: 'CLI_ARGUMENT_MISSING', details: { flag: '--inventory' } })
    const timeout = durationFlag(stringFlag(values, 'timeout'), 300_000)
    const dryRunMode = parsed.dryRun ?? 'none'
    const dryRun = dryRunMode !== 'none'
    const prune = booleanFlag(values, 'prune')
    const allowEmpty = booleanFlag(values, 'allow-empty')
    const fieldManager = stringFlag(values, 'field-manager') ?? DEFAULT_FIELD_MANAGER
    const conflicts = conflictsFlag(stringFlag(values, 'conflicts'))
    const takeOverManagers = takeOverManagersFlag(values)
    const tooling = await applySetTooling(values)
    const objects = await readObjects(io, input, signal)
    // A large set gets V8's default optimising back (applyTuning.ts), once its size is known.
    const untune = (): void => {
      const untuned = endShortRunTuning(objects.length)
      if (untuned !== undefined) debug(io, 'V8 tuning', { flags: untuned })
    }
    if (dryRunMode === 'client') {
      // No request follows, but a large set still gets the default budget back.
      untune()
      return clientDryRun(io, format, objects)
    }
    const client = await connect(io, values, signal)
    const sdk = await import('@gitops-sdk/apply')
    const { createInventory, formatChangeSet, formatRef, formatSummary, refKey, summarizeChangeSet } = await import('@gitops-sdk/core')
    // The command's modules are loaded now.
    untune()
    const entries: ChangeSetEntry[] = []
    const report = (error?: unknown): void => {
      const changeSet = { entries }
      printResult(io, {
        format,
        data: { entries: entries.map(entryData), summary: summarizeChangeSet(changeSet), dryRun, ...(dryRun ? { dryRunMode } : {}), ...(error === undefined ? {} : { failed: true }) },
        text: () => (entries.length === 0 ? formatSummary(changeSet) : `${formatChangeSet(changeSet)}\n${formatSummary(changeSet)}`),
      })
    }
    try {
      progress(io, `gitops apply: ${objects.length} object${objects.length === 1 ? '' : 's'}${dryRun ? ' (dry run)' : ''}`)
      debug(io, 'loading inventory', { inventory: `${inventory.namespace}/${inventory.name}` })
      // The objects' kinds are looked up (discovery, cached by the client) while the inventory is
      // read, rather than one round trip after it when applyAll looks them up.
      const [previous] = await Promise.all([sdk.loadInventory(inventory, { client, signal }), lookUpKinds(client, objects, signal)])
      // On a terminal a bar follows the stages and objects; plain output keeps its few lines.
      const bar = io.stderr.isTTY === true ? createProgress(io) : undefined
      let done = 0
      const result = await sdk
        .applyAll(objects, {
          client,
          fieldManager,
          // --force is Flux's: re-create on an immutable change. Who wins a field is --conflicts,
          // Git by default, as in Flux and as `gitops reconcile` does.
          force: booleanFlag(values, 'force'),
          conflicts,
          takeOverManagers,
          dryRun,
          inventory,
          applySet: tooling !== undefined,
          // An empty set over a non-empty inventory is refused (APPLY_EMPTY_DESIRED_SET), as
          // kubectl refuses "no objects passed to apply": most often a failed \`kustomize build |\`.
          allowEmpty,
          defaultNamespace: namespace,
          waitTimeout: timeout,
          // As many requests in flight as the client keeps streams (connections over HTTP/1.1):
          // a first apply sends a dry-run and an apply per object, and at 16 in flight rather than
          // applyAll's 8 both this process and the API server spend less CPU per request (more
          // frames per read and write) and wait less on each other.
          concurrency: APPLY_CONCURRENCY,
          signal,
          onProgress: (event) => {
            if (event.type === 'object') debug(io, 'applied', { object: formatRef(event.entry.ref), action: event.entry.action, dryRun })
            else if (event.type === 'stage') debug(io, 'applying stage', { stage: event.stage, objects: event.objects })
            if (event.type === 'object') bar?.update('applying', ++done, objects.length)
            else if (event.type === 'stage') bar?.update(`applying ${event.stage}`, done, objects.length)
          },
        })
        .finally(() => bar?.end())
      entries.push(...result.entries)
      for (const warning of result.warnings) progress(io, `gitops apply: warning: ${warning.message}`)
      let next = result.inventory
      if (prune && previous !== undefined) {
        const pruned = await sdk.prune(previous.inventory, result.inventory, {
          client,
          inventory,
          dryRun,
          allowEmpty,
          signal,
          onProgress: (entry) => debug(io, 'pruned', { object: formatRef(entry.ref), action: entry.action, reason: entry.reason, dryRun }),
        })
        entries.push(...pruned.entries)
      } else {
        next = merged(previous?.inventory, result.inventory, { createInventory, refKey })
      }
      if (!dryRun) {
        debug(io, 'saving inventory', { inventory: `${inventory.namespace}/${inventory.name}`, objects: next.entries.length })
        await sdk.saveInventory(next, { client, ref: inventory, fieldManager, applySet: tooling !== undefined, tooling, signal })
      }
      if (booleanFlag(values, 'wait') && !dryRun) {
        const refs = result.entries.filter((e) => e.action !== 'skipped').map((e) => e.ref)
        progress(io, `gitops apply: waiting for ${refs.length} object${refs.length === 1 ? '' : 's'} to become ready`)
        await sdk.waitFor(refs, { client, timeout, signal })
      }
    } catch (err) {
      if (err instanceof sdk.ApplyError && err.changeSet !== undefined) entries.push(...err.changeSet.entries)
      report(err)
      throw err
    } finally {
      // Every request has ended here: the HTTP/2 session closes at once (a GOAWAY), not when the
      // process exits.
      client.close?.()
    }
    report()
    return 0
  },
}

/**
 * Looks up each kind of `objects` in the client's discovery, so that its cache holds them; a
 * failure is left for applyAll's own look-up to report, with the object it concerns.
 */
async function lookUpKinds(client: KubeClient, objects: readonly KubeObject[], signal: AbortSignal): Promise<void> {
  const kinds = new Map<string, { group: string; version: string; kind: string }>()
  for (const o of objects) {
    if (typeof o.apiVersion !== 'string' || typeof o.kind !== 'string') continue
    const slash = o.apiVersion.indexOf('/')
    kinds.set(`${o.apiVersion}|${o.kind}`, { group: slash < 0 ? '' : o.apiVersion.slice(0, slash), version: slash < 0 ? o.apiVersion : o.apiVersion.slice(slash + 1), kind: o.kind })
  }
  await Promise.all([...kinds.values()].map((target) => client.resource(target, { signal }).catch(() => undefined)))
}

/** Requests `gitops apply` keeps in flight: createKubeClient's default `maxConnections`. */
const APPLY_CONCURRENCY = 16

/** `--dry-run=client`: the objects as read, checked locally and listed; nothing is sent. */
// Without the cluster's discovery it cannot tell namespaced kinds from cluster-scoped ones, so
// objects are listed with the namespace they name.
async function clientDryRun(io: CliIO, format: OutputFormat, objects: readonly KubeObject[]): Promise<number> {
  const { formatRef, refOf } = await import('@gitops-sdk/core')
  const refs = objects.map((o) => refOf(o))
  printResult(io, {
    format,
    data: { objects: refs.map((r) => ({ group: r.group, kind: r.kind, namespace: r.namespace, name: r.name })), dryRun: true, dryRunMode: 'client' },
    text: () => [...refs.map((r) => `${formatRef(r)} (client dry run)`), `${refs.length} object${refs.length === 1 ? '' : 's'}, nothing sent`].join('\n'),
  })
  return 0
}

