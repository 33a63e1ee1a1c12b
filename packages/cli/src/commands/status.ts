import { outputFormat, parseCommandArgs, printResult, stringFlag, UsageError } from '../context.js'
import type { Command } from '../context.js'
import type { ReconcileRecord } from '@gitops-sdk/reconcile'
import { useColor } from '../terminal.js'
import { booleanFlag, inventoryFlag, kubeFlags, namespaceValue } from '../flags.js'
import type { FlagSpec } from '../flags.js'
import { connect } from './options.js'

const flags = {
  inventory: { type: 'string' },
  namespace: { type: 'string', short: 'n' },
  'all-namespaces': { type: 'boolean', short: 'A', default: false },
  ...kubeFlags,
} as const satisfies FlagSpec

interface Row {
  readonly namespace: string
  readonly name: string
  readonly record: ReconcileRecord | undefined
}

export const statusCommand: Command = {
  name: 'status',
  summary: 'show the last reconcile of inventories, like flux get kustomizations',
  help: `gitops status: show what the last reconcile recorded on an inventory (or on every inventory the
SDK manages when --inventory is left out): NAME, READY, MESSAGE, REVISION, LAST-APPLIED.

Usage:
  gitops status [--inventory NS/NAME | -n NS | -A] [--kubeconfig K] [--context C] [-o text|json|yaml]

Flags:
  --inventory NS/NAME   one inventory (default: all, in every namespace)
  -n, --namespace NS    the inventories of namespace NS (with --inventory NAME: that one)
  -A, --all-namespaces  the inventories of every namespace (the default without --inventory)
  --kubeconfig K        kubeconfig file (default $KUBECONFIG, then ~/.kube/config)
  --context C           kubeconfig context
  --as USER              act as this user (Impersonate-User), as kubectl --as
  --as-group GROUP       and as this group, repeatable (Impersonate-Group); needs --as
  -o, --output F        text (default), json or yaml

Exit 0 when every inventory shown is Ready, 1 when one is not, 2 on error.

Example:
  gitops status --inventory flux-system/prod
`,
  flags,
  async run({ io, argv, signal }) {
    const { values, positionals } = parseCommandArgs(argv, flags)
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0] ?? ''}`, { code: 'CLI_ARGUMENT_UNEXPECTED', details: { argument: positionals[0] } })
    const format = outputFormat(values.output)
    const namespace = namespaceValue(values)
    if (namespace !== undefined && booleanFlag(values, 'all-namespaces')) {
      throw new UsageError('-n/--namespace and -A/--all-namespaces exclude each other', { code: 'CLI_FLAG_INVALID', details: { flag: '--all-namespaces' } })
    }
    const inventory = inventoryFlag(stringFlag(values, 'inventory'), namespace)
    if (inventory !== undefined && booleanFlag(values, 'all-namespaces')) {
      throw new UsageError('--inventory names one inventory; -A/--all-namespaces lists them all', { code: 'CLI_FLAG_INVALID', details: { flag: '--all-namespaces' } })
    }
    const client = await connect(io, values, signal)
    const { MANAGED_BY, readRecord } = await import('@gitops-sdk/reconcile')
    let rows: Row[]
    if (inventory !== undefined) {
      const object = await client.get({ group: '', version: 'v1', kind: inventory.kind ?? 'ConfigMap', namespace: inventory.namespace, name: inventory.name }, { signal })
      if (object === undefined) throw new UsageError(`inventory ${inventory.namespace}/${inventory.name} not found`, { code: 'CLI_INVENTORY_NOT_FOUND', details: { inventory: `${inventory.namespace}/${inventory.name}` } })
      rows = [{ ...inventory, record: readRecord(object) }]
    } else {
      const list = await client.list({ group: '', version: 'v1', kind: 'ConfigMap', namespace, labelSelector: `${MANAGED_BY.key}=${MANAGED_BY.value}` }, { signal })
      rows = list.items.map((o) => ({ namespace: o.metadata.namespace ?? '', name: o.metadata.name, record: readRecord(o) }))
    }
    printResult(io, {
      format,
      data: rows.map((r) => ({ namespace: r.namespace, name: r.name, ...r.record })),
      text: () => table(rows, useColor(io)),
    })
    return rows.every((r) => r.record?.ready === 'True') ? 0 : 1
  },
}

function table(rows: readonly Row[], color: boolean): string {
  const header = ['NAMESPACE', 'NAME', 'READY', 'MESSAGE', 'REVISION', 'LAST-APPLIED']
  const cells = rows.map((r) => [
    r.namespace,
    r.name,
    r.record?.ready ?? 'Unknown',
    r.record === undefined ? 'no reconcile recorded' : `${r.record.reason}: ${r.record.message}`,
    // As flux get kustomizations: the revision applied last, not one that was only attempted.
    r.record?.lastAppliedRevision ?? '',
    r.record?.lastApplied ?? '',
  ])
  const widths = header.map((h, i) => Math.max(h.length, ...cells.map((c) => Math.min((c[i] ?? '').length, 80))))
  const line = (c: readonly string[], paint = false): string =>
    c
      .map((v, i) => {
        const text = (v.length > 80 ? `${v.slice(0, 77)}...` : v).padEnd(widths[i] ?? 0)
        if (!paint || i !== 2) return text
        return `\u001b[${v === 'True' ? '32' : v === 'False' ? '31' : '33'}m${text}\u001b[0m`
      })
      .join('   ')
      .trimEnd()
  return [line(header), ...cells.map((c) => line(c, color))].join('\n')
}
