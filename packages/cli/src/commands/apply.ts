import { stat } from 'node:fs/promises'
import { resolve } from 'node:path'
import type { InventoryRef, KubeClient } from '@gitops-sdk/apply'
import type { ChangeSetEntry, Inventory, KubeObject } from '@gitops-sdk/core'
import { booleanFlag, outputFormat, parseCommandArgs, printResult, progress, stringFlag, UsageError } from '../context.js'
import type { CliIO, Command, FlagValues } from '../context.js'
import { kubeconfigPath } from './options.js'
import { createProgress } from '../terminal.js'

/** The field manager of `gitops apply` and `gitops diff` unless `--field-manager` says otherwise. */
export const DEFAULT_FIELD_MANAGER = 'gitops'

/** Flags shared by `gitops apply` and `gitops diff`. */
export const clusterFlags = {
  inventory: { type: 'string' },
  'field-manager': { type: 'string' },
  kubeconfig: { type: 'string' },
  context: { type: 'string' },
} as const

/** Parses `--inventory NS/NAME`. */
export function inventoryFlag(value: string | undefined): InventoryRef | undefined {
  if (value === undefined) return undefined
  const match = /^([a-z0-9]([-a-z0-9]*[a-z0-9])?)\/([a-z0-9]([-.a-z0-9]*[a-z0-9])?)$/.exec(value)
  if (match?.[1] === undefined || match[3] === undefined) throw new UsageError(`--inventory must be NAMESPACE/NAME, not ${value}`)
  return { namespace: match[1], name: match[3] }
}

/** Parses a Go-style duration (`90s`, `5m`, `1h30m`) into milliseconds. */
export function durationFlag(value: string | undefined, fallback: number): number {
  if (value === undefined) return fallback
  const units: Record<string, number> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000 }
  let total = 0
  let rest = value
  while (rest !== '') {
    const match = /^(\d+(?:\.\d+)?)(ms|s|m|h)/.exec(rest)
    if (match?.[1] === undefined || match[2] === undefined) throw new UsageError(`--timeout must be a duration such as 90s, 5m or 1h30m, not ${value}`)
    total += Number(match[1]) * (units[match[2]] ?? 0)
    rest = rest.slice(match[0].length)
  }
  if (value === '' || total <= 0) throw new UsageError(`--timeout must be a positive duration, not ${value}`)
  return total
}

/** Connects to the cluster of `--kubeconfig` (else `KUBECONFIG`, else `~/.kube/config`) and `--context`. */
export async function connect(io: CliIO, values: FlagValues, signal: AbortSignal): Promise<KubeClient> {
  const { createKubeClient } = await import('@gitops-sdk/apply')
  return createKubeClient({ kubeconfig: kubeconfigPath(io, values), context: stringFlag(values, 'context'), signal })
}

/**
 * Reads the objects of `DIR|FILE|-`: a directory is rendered like `kustomize build` (a kustomization
 * or a plain directory of manifests), a file or stdin parsed as YAML.
 */
export async function readObjects(io: CliIO, input: string, signal: AbortSignal): Promise<KubeObject[]> {
  const { parseObjects } = await import('@gitops-sdk/core')
  if (input === '-') {
    let text = ''
    const decoder = new TextDecoder()
    for await (const chunk of io.stdin ?? process.stdin) text += typeof chunk === 'string' ? chunk : decoder.decode(chunk as Uint8Array, { stream: true })
    return parseObjects(text + decoder.decode(), { source: 'stdin' })
  }
  const path = resolve(io.cwd ?? process.cwd(), input)
  const info = await stat(path).catch(() => undefined)
  if (info === undefined) throw new UsageError(`${input}: no such file or directory`)
  if (!info.isDirectory()) {
    const { readFile } = await import('node:fs/promises')
    return parseObjects(await readFile(path, { encoding: 'utf8', signal }), { source: input })
  }
  const { renderDirectory } = await import('../renderDirectory.js')
  return renderDirectory(path, { plainDirectories: true, signal }, io.cwd)
}

/** Exactly one positional argument: DIR, FILE or -. */
export function inputArgument(positionals: readonly string[], command: string): string {
  const [input, ...extra] = positionals
  if (input === undefined) throw new UsageError(`gitops ${command} needs DIR, FILE or - (stdin)`)
  if (extra.length > 0) throw new UsageError(`gitops ${command} takes one DIR, FILE or -, not ${positionals.length}`)
  return input
}

function entryData(e: ChangeSetEntry): Record<string, string> {
  const data: Record<string, string> = { group: e.ref.group, kind: e.ref.kind, namespace: e.ref.namespace, name: e.ref.name, action: e.action }
  if (e.reason !== undefined) data.reason = e.reason
  if (e.resourceVersion !== undefined) data.resourceVersion = e.resourceVersion
  return data
}

/** The inventory to store when not pruning: the new set plus what is still there from before. */
function merged(previous: Inventory | undefined, next: Inventory, create: (entries: Inventory['entries']) => Inventory): Inventory {
  return previous === undefined ? next : create([...previous.entries, ...next.entries])
}

export const applyCommand: Command = {
  name: 'apply',
  summary: 'apply objects with server-side apply, prune what left, wait for health',
  help: `gitops apply: apply objects to a cluster the way Flux's kustomize-controller does: server-side apply
in stages (CRDs and Namespaces first), unchanged objects left alone, the inventory stored in a
ConfigMap NAME in namespace NS, objects that left the set pruned with --prune.

Usage:
  gitops apply DIR|FILE|- --inventory NS/NAME [flags]

Flags:
  --inventory NS/NAME    ConfigMap holding the inventory; objects are labelled as owned by it (required)
  --prune                delete objects of the previous inventory that are no longer in the set
  --wait                 wait until every applied object is healthy (kstatus Current)
  --timeout D            how long to wait for health, CRDs and Namespaces (default 5m)
  --force                take fields other field managers own (kubectl's --force-conflicts) and
                         delete and re-create objects whose immutable fields changed
  --dry-run              validate with server-side dry-runs and report; change nothing
  --field-manager M      field manager of the applied fields (default ${DEFAULT_FIELD_MANAGER})
  --kubeconfig K         kubeconfig file (default $KUBECONFIG, then ~/.kube/config)
  --context C            kubeconfig context (default: its current context)
  -o, --output F         text (default) or json

DIR is rendered first (a kustomization, or a plain directory of manifests). Without --prune, objects
that left the set stay in the inventory, so a later --prune removes them. Prints one line per
object; exit 0 when everything applied, 2 on any failure (with what happened so far).

Example:
  gitops apply clusters/prod --inventory flux-system/prod --prune --wait --timeout 2m
  kustomize build . | gitops apply - --inventory apps/web --dry-run
`,
  async run({ io, argv, signal }) {
    const { values, positionals } = parseCommandArgs(argv, {
      ...clusterFlags,
      prune: { type: 'boolean', default: false },
      wait: { type: 'boolean', default: false },
      timeout: { type: 'string' },
      force: { type: 'boolean', default: false },
      'dry-run': { type: 'boolean', default: false },
    })
    const format = outputFormat(values.output)
    if (format === 'yaml') throw new UsageError('--output must be text or json')
    const input = inputArgument(positionals, 'apply')
    const inventory = inventoryFlag(stringFlag(values, 'inventory'))
    if (inventory === undefined) throw new UsageError('gitops apply needs --inventory NS/NAME')
    const timeout = durationFlag(stringFlag(values, 'timeout'), 300_000)
    const dryRun = booleanFlag(values, 'dry-run')
    const fieldManager = stringFlag(values, 'field-manager') ?? DEFAULT_FIELD_MANAGER
    const objects = await readObjects(io, input, signal)
    const client = await connect(io, values, signal)
    const sdk = await import('@gitops-sdk/apply')
    const { createInventory, formatChangeSet, formatSummary, summarizeChangeSet } = await import('@gitops-sdk/core')
    const entries: ChangeSetEntry[] = []
    const report = (error?: unknown): void => {
      const changeSet = { entries }
      printResult(io, {
        format,
        data: { entries: entries.map(entryData), summary: summarizeChangeSet(changeSet), dryRun, ...(error === undefined ? {} : { failed: true }) },
        text: () => (entries.length === 0 ? formatSummary(changeSet) : `${formatChangeSet(changeSet)}\n${formatSummary(changeSet)}`),
      })
    }
    try {
      progress(io, `gitops apply: ${objects.length} object${objects.length === 1 ? '' : 's'}${dryRun ? ' (dry run)' : ''}`)
      const previous = await sdk.loadInventory(inventory, { client, signal })
      // On a terminal a bar follows the stages and objects; plain output keeps its few lines.
      const bar = io.stderr.isTTY === true ? createProgress(io) : undefined
      let done = 0
      const result = await sdk
        .applyAll(objects, {
          client,
          fieldManager,
          force: booleanFlag(values, 'force'),
          // As kubectl apply --server-side: fields another manager owns are taken with --force
          // only; without it such an apply fails with APPLY_FIELD_CONFLICT naming them.
          forceConflicts: booleanFlag(values, 'force'),
          dryRun,
          inventory,
          waitTimeout: timeout,
          signal,
          onProgress: (event) => {
            if (event.type === 'object') bar?.update('applying', ++done, objects.length)
            else if (event.type === 'stage') bar?.update(`applying ${event.stage}`, done, objects.length)
          },
        })
        .finally(() => bar?.end())
      entries.push(...result.entries)
      let next = result.inventory
      if (booleanFlag(values, 'prune') && previous !== undefined) {
        const pruned = await sdk.prune(previous.inventory, result.inventory, { client, inventory, dryRun, signal })
        entries.push(...pruned.entries)
      } else {
        next = merged(previous?.inventory, result.inventory, (e) => createInventory(e))
      }
      if (!dryRun) await sdk.saveInventory(next, { client, ref: inventory, fieldManager, signal })
      if (booleanFlag(values, 'wait') && !dryRun) {
        const refs = result.entries.filter((e) => e.action !== 'skipped').map((e) => e.ref)
        progress(io, `gitops apply: waiting for ${refs.length} object${refs.length === 1 ? '' : 's'} to become ready`)
        await sdk.waitFor(refs, { client, timeout, signal })
      }
    } catch (err) {
      if (err instanceof sdk.ApplyError && err.changeSet !== undefined) entries.push(...err.changeSet.entries)
      report(err)
      throw err
    }
    report()
    return 0
  },
}
