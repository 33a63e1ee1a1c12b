// `gitops get kustomizations` and `gitops get sources git`: Flux's objects as `flux get` lists them.
import type { KubeClient } from '@gitops-sdk/apply'
import type { KubeObject } from '@gitops-sdk/core'
import { booleanFlag, outputFormat, parseCommandArgs, printResult, UsageError } from '../context.js'
import type { Command } from '../context.js'
import { kubeFlags, namespaceValue } from '../flags.js'
import type { FlagSpec } from '../flags.js'
import { age, formatTable, GIT_REPOSITORY, KUSTOMIZATION, readiness, requireKind, shortRevision, suspended } from './fluxObjects.js'
import type { FluxKind } from './fluxObjects.js'
import { connect } from './options.js'

const flags = {
  namespace: { type: 'string', short: 'n' },
  'all-namespaces': { type: 'boolean', short: 'A', default: false },
  watch: { type: 'boolean', short: 'w', default: false },
  ...kubeFlags,
} as const satisfies FlagSpec

// How often --watch lists again (the SDK's client has no watch; a list is one bounded request).
const WATCH_INTERVAL_MS = 2000

/** The namespace of Flux's objects when none is given, as Flux's CLI has it. */
export const FLUX_NAMESPACE = 'flux-system'

function revisionOf(kind: FluxKind, object: KubeObject): string | undefined {
  const status = object.status as { lastAppliedRevision?: unknown; artifact?: { revision?: unknown } } | undefined
  const revision = kind === KUSTOMIZATION ? status?.lastAppliedRevision : status?.artifact?.revision
  return typeof revision === 'string' ? revision : undefined
}

function row(kind: FluxKind, object: KubeObject, all: boolean): string[] {
  const now = new Date()
  const { ready, message } = readiness(object)
  const cells = [object.metadata.name, shortRevision(revisionOf(kind, object)), suspended(object), ready, age(object, now), message]
  return all ? [object.metadata.namespace ?? '', ...cells] : cells
}

function dataOf(kind: FluxKind, object: KubeObject): Record<string, string> {
  const { ready, message } = readiness(object)
  return { namespace: object.metadata.namespace ?? '', name: object.metadata.name, revision: revisionOf(kind, object) ?? '', suspended: suspended(object), ready, message }
}

function kindOf(positionals: readonly string[]): { kind: FluxKind; name: string | undefined } {
  const [what, ...rest] = positionals
  if (what === 'kustomizations' || what === 'kustomization' || what === 'ks') {
    if (rest.length > 1) throw new UsageError(`unexpected argument ${rest[1] ?? ''}`, { code: 'CLI_ARGUMENT_UNEXPECTED', details: { argument: rest[1] } })
    return { kind: KUSTOMIZATION, name: rest[0] }
  }
  if (what === 'sources' && rest[0] === 'git') {
    if (rest.length > 2) throw new UsageError(`unexpected argument ${rest[2] ?? ''}`, { code: 'CLI_ARGUMENT_UNEXPECTED', details: { argument: rest[2] } })
    return { kind: GIT_REPOSITORY, name: rest[1] }
  }
  throw new UsageError(
    what === undefined ? 'missing what to get: gitops get kustomizations|sources git' : `cannot get ${positionals.join(' ')}: expected kustomizations or sources git`,
    { code: what === undefined ? 'CLI_ARGUMENT_MISSING' : 'CLI_ARGUMENT_UNEXPECTED' },
  )
}

async function list(client: KubeClient, query: { kind: FluxKind; namespace: string | undefined; name: string | undefined }, signal: AbortSignal): Promise<KubeObject[]> {
  const { kind, namespace, name } = query
  const { items } = await client.list({ group: kind.group, version: kind.version, kind: kind.kind, namespace, ...(name === undefined ? {} : { fieldSelector: `metadata.name=${name}` }) }, { signal })
  return [...items].sort((a, b) => (a.metadata.namespace ?? '').localeCompare(b.metadata.namespace ?? '') || a.metadata.name.localeCompare(b.metadata.name))
}

export const getCommand: Command = {
  name: 'get',
  summary: "list Flux Kustomizations and GitRepositories with their status, as flux get does",
  help: `gitops get: list Flux's objects with their status, as \`flux get\` does: the same objects, so it also
works against a cluster that runs Flux itself.

Usage:
  gitops get kustomizations [NAME] [-n NS | -A] [--watch] [-o text|json|yaml]
  gitops get sources git [NAME] [-n NS | -A] [--watch] [-o text|json|yaml]

Columns: NAME, REVISION (lastAppliedRevision of a Kustomization, the artifact's revision of a
GitRepository, the hash shortened to 8 characters), SUSPENDED, READY, AGE, MESSAGE (the Ready
condition's); with -A, NAMESPACE first.

Flags:
  -n, --namespace NS     the namespace (default flux-system)
  -A, --all-namespaces   every namespace
  -w, --watch            after the list, print a row each time an object changes (listing every
                         ${WATCH_INTERVAL_MS / 1000} s) until interrupted
  --kubeconfig K         kubeconfig file (default $KUBECONFIG, then ~/.kube/config)
  --context C            kubeconfig context
  -o, --output F         text (default), json or yaml

Exit 0 when every object listed is Ready, 1 when one is not, 2 on error.

Examples:
  gitops get kustomizations -A
  gitops get sources git -n flux-system
`,
  flags,
  async run({ io, argv, signal }) {
    const { values, positionals } = parseCommandArgs(argv, flags)
    const { kind, name } = kindOf(positionals)
    const format = outputFormat(values.output)
    const all = booleanFlag(values, 'all-namespaces')
    const ns = namespaceValue(values)
    if (ns !== undefined && all) throw new UsageError('-n/--namespace and -A/--all-namespaces exclude each other', { code: 'CLI_FLAG_INVALID', details: { flag: '--all-namespaces' } })
    const watch = booleanFlag(values, 'watch')
    if (watch && format !== 'text') throw new UsageError('--watch prints rows of text; it takes no -o', { code: 'CLI_FLAG_INVALID', details: { flag: '--watch' } })
    const namespace = all ? undefined : (ns ?? FLUX_NAMESPACE)
    const client = await connect(io, values, signal)
    await requireKind(client, kind, signal)
    const header = all ? ['NAMESPACE', 'NAME', 'REVISION', 'SUSPENDED', 'READY', 'AGE', 'MESSAGE'] : ['NAME', 'REVISION', 'SUSPENDED', 'READY', 'AGE', 'MESSAGE']
    const objects = await list(client, { kind, namespace, name }, signal)
    if (objects.length === 0 && name !== undefined) throw new UsageError(`${kind.kind}/${namespace ?? '*'}/${name}: not found`, { code: 'CLI_OBJECT_NOT_FOUND', details: { object: `${kind.kind}/${namespace ?? '*'}/${name}` } })
    printResult(io, {
      format,
      data: objects.map((o) => dataOf(kind, o)),
      text: () => (objects.length === 0 ? `no ${kind.kind} objects found in ${namespace ?? 'any'} namespace` : formatTable(header, objects.map((o) => row(kind, o, all)))),
    })
    if (!watch) return objects.every((o) => readiness(o).ready === 'True') ? 0 : 1
    const seen = new Map(objects.map((o) => [`${o.metadata.namespace ?? ''}/${o.metadata.name}`, o.metadata.resourceVersion]))
    while (!signal.aborted) {
      const aborted = await new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), WATCH_INTERVAL_MS)
        signal.addEventListener('abort', () => (clearTimeout(timer), resolve(true)), { once: true })
      })
      if (aborted) break
      for (const o of await list(client, { kind, namespace, name }, signal).catch(() => [] as KubeObject[])) {
        const key = `${o.metadata.namespace ?? ''}/${o.metadata.name}`
        if (seen.get(key) === o.metadata.resourceVersion) continue
        seen.set(key, o.metadata.resourceVersion)
        io.stdout.write(`${formatTable(header, [row(kind, o, all)]).split('\n')[1] ?? ''}\n`)
      }
    }
    return 0
  },
}
