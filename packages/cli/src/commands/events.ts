// `gitops events [--for Kind/NAME]`: the Kubernetes Events of Flux's objects, as flux events lists them.
import type { KubeObject } from '@gitops-sdk/core'
import { booleanFlag, outputFormat, parseCommandArgs, printResult, stringFlag, UsageError } from '../context.js'
import type { Command } from '../context.js'
import { kubeFlags, namespaceValue } from '../flags.js'
import type { FlagSpec } from '../flags.js'
import { formatTable } from './fluxObjects.js'
import { FLUX_NAMESPACE } from './get.js'
import { connect } from './options.js'

const flags = {
  for: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  'all-namespaces': { type: 'boolean', short: 'A', default: false },
  ...kubeFlags,
} as const satisfies FlagSpec

function field(event: KubeObject, name: string): string {
  const value = (event as unknown as Record<string, unknown>)[name]
  return typeof value === 'string' ? value : ''
}

function involved(event: KubeObject): { kind: string; name: string } {
  const o = (event as unknown as { involvedObject?: { kind?: unknown; name?: unknown } }).involvedObject
  return { kind: typeof o?.kind === 'string' ? o.kind : '', name: typeof o?.name === 'string' ? o.name : '' }
}

function lastSeen(event: KubeObject): string {
  const created = event.metadata.creationTimestamp
  return field(event, 'lastTimestamp') || field(event, 'eventTime') || (typeof created === 'string' ? created : '')
}

export const eventsCommand: Command = {
  name: 'events',
  summary: "list the Kubernetes Events of Flux's objects, as flux events does",
  help: `gitops events: the core/v1 Events of a namespace, oldest first: LAST SEEN, TYPE, REASON, OBJECT,
MESSAGE; --for narrows them to one object.

Usage:
  gitops events [--for Kind/NAME] [-n NS | -A] [--kubeconfig K] [--context C] [-o text|json|yaml]

Flags:
  --for Kind/NAME       only the events of that object (e.g. Kustomization/apps)
  -n, --namespace NS    the namespace (default flux-system)
  -A, --all-namespaces  every namespace
`,
  flags,
  async run({ io, argv, signal }) {
    const { values, positionals } = parseCommandArgs(argv, flags)
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0] ?? ''}`, { code: 'CLI_ARGUMENT_UNEXPECTED', details: { argument: positionals[0] } })
    const forValue = stringFlag(values, 'for')
    const target = forValue === undefined ? undefined : /^([A-Za-z][A-Za-z0-9]*)\/([a-z0-9][-a-z0-9.]*)$/u.exec(forValue)
    if (forValue !== undefined && target === null) throw new UsageError(`--for ${forValue}: expected Kind/NAME`, { code: 'CLI_FLAG_INVALID', details: { flag: '--for' } })
    const all = booleanFlag(values, 'all-namespaces')
    const ns = namespaceValue(values)
    if (ns !== undefined && all) throw new UsageError('-n/--namespace and -A/--all-namespaces exclude each other', { code: 'CLI_FLAG_INVALID', details: { flag: '--all-namespaces' } })
    const client = await connect(io, values, signal)
    const fieldSelector = target == null ? undefined : `involvedObject.kind=${target[1] ?? ''},involvedObject.name=${target[2] ?? ''}`
    const { items } = await client.list({ group: '', version: 'v1', kind: 'Event', namespace: all ? undefined : (ns ?? FLUX_NAMESPACE), fieldSelector }, { signal })
    const events = items
      .filter((e) => target == null || (involved(e).kind.toLowerCase() === (target[1] ?? '').toLowerCase() && involved(e).name === target[2]))
      .sort((a, b) => lastSeen(a).localeCompare(lastSeen(b)))
    const rows = events.map((e) => [lastSeen(e), field(e, 'type'), field(e, 'reason'), `${involved(e).kind}/${involved(e).name}`, field(e, 'message').split('\n')[0] ?? ''])
    printResult(io, {
      format: outputFormat(values.output),
      data: events.map((e, i) => ({ namespace: e.metadata.namespace ?? '', lastSeen: rows[i]?.[0], type: rows[i]?.[1], reason: rows[i]?.[2], object: rows[i]?.[3], message: rows[i]?.[4] })),
      text: () => (rows.length === 0 ? 'no events found' : formatTable(['LAST SEEN', 'TYPE', 'REASON', 'OBJECT', 'MESSAGE'], rows)),
    })
    return 0
  },
}
