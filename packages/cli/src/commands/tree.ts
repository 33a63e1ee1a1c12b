// `gitops tree kustomization NAME`: a Kustomization's inventory as a tree, nested Kustomizations expanded.
import type { KubeClient } from '@gitops-sdk/apply'
import { outputFormat, parseCommandArgs, printResult, UsageError } from '../context.js'
import type { Command } from '../context.js'
import { kubeFlags, namespaceValue } from '../flags.js'
import type { FlagSpec } from '../flags.js'
import { FLUX_NAMESPACE } from './get.js'
import { getFluxObject, KUSTOMIZATION } from './fluxObjects.js'
import { connect } from './options.js'

const flags = { namespace: { type: 'string', short: 'n' }, ...kubeFlags } as const satisfies FlagSpec

/** One node of the tree: an object of an inventory and, for a Kustomization, its own. */
interface Node {
  readonly ref: string
  readonly children: readonly Node[]
}

// Nesting deeper than this is a cycle (a Kustomization listing itself) or a fleet no one reads.
const MAX_DEPTH = 20

async function expand(client: KubeClient, at: { namespace: string; name: string; depth: number; seen: Set<string> }, signal: AbortSignal): Promise<Node[]> {
  const { parseInventoryId } = await import('@gitops-sdk/flux')
  const k = await getFluxObject({ client, kind: KUSTOMIZATION, namespace: at.namespace, name: at.name, signal })
  const entries = (k.status as { inventory?: { entries?: { id?: unknown }[] } } | undefined)?.inventory?.entries ?? []
  const out: Node[] = []
  for (const entry of entries) {
    if (typeof entry.id !== 'string') continue
    const ref = parseInventoryId(entry.id)
    const shown = `${ref.kind}/${ref.namespace === '' ? '' : `${ref.namespace}/`}${ref.name}`
    const nested = ref.group === KUSTOMIZATION.group && ref.kind === KUSTOMIZATION.kind && at.depth < MAX_DEPTH && !at.seen.has(shown)
    at.seen.add(shown)
    const children = nested ? await expand(client, { namespace: ref.namespace, name: ref.name, depth: at.depth + 1, seen: at.seen }, signal).catch(() => []) : []
    out.push({ ref: shown, children })
  }
  return out
}

function draw(nodes: readonly Node[], prefix: string): string[] {
  return nodes.flatMap((n, i) => {
    const last = i === nodes.length - 1
    return [`${prefix}${last ? '└── ' : '├── '}${n.ref}`, ...draw(n.children, `${prefix}${last ? '    ' : '│   '}`)]
  })
}

export const treeCommand: Command = {
  name: 'tree',
  summary: "print a Kustomization's inventory as a tree, nested Kustomizations expanded, as flux tree does",
  help: `gitops tree kustomization NAME [-n NS]: the objects of a Flux Kustomization's status.inventory as a
tree; a Kustomization among them is expanded with its own inventory.

Usage:
  gitops tree kustomization NAME [-n NS] [--kubeconfig K] [--context C] [-o text|json|yaml]

Flags:
  -n, --namespace NS   the Kustomization's namespace (default flux-system)
`,
  flags,
  async run({ io, argv, signal }) {
    const { values, positionals } = parseCommandArgs(argv, flags)
    const [what, name, ...extra] = positionals
    if (what !== 'kustomization' && what !== 'ks') throw new UsageError(`gitops tree kustomization NAME: ${what === undefined ? 'missing kind' : `cannot draw ${what}`}`, { code: what === undefined ? 'CLI_ARGUMENT_MISSING' : 'CLI_ARGUMENT_UNEXPECTED' })
    if (name === undefined) throw new UsageError('gitops tree kustomization NAME: missing NAME', { code: 'CLI_ARGUMENT_MISSING' })
    if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0] ?? ''}`, { code: 'CLI_ARGUMENT_UNEXPECTED', details: { argument: extra[0] } })
    const namespace = namespaceValue(values) ?? FLUX_NAMESPACE
    const client = await connect(io, values, signal)
    const root = `Kustomization/${namespace}/${name}`
    const children = await expand(client, { namespace, name, depth: 0, seen: new Set([root]) }, signal)
    printResult(io, { format: outputFormat(values.output), data: { ref: root, children }, text: () => [root, ...draw(children, '')].join('\n') })
    return 0
  },
}
