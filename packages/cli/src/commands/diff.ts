import { printResult } from '../context.js'
import type { Command } from '../context.js'
import { clusterFlags, conflictsFlag, DEFAULT_FIELD_MANAGER, inputArgument, inventoryFlag, namespaceValue, outputFormat, parseCommandArgs, stringFlag, takeOverManagersFlag } from '../flags.js'
import type { FlagSpec } from '../flags.js'
import { useColor } from '../terminal.js'
import { connect, readObjects } from './options.js'

const diffFlags = {
  ...clusterFlags,
  conflicts: { type: 'string' },
  'take-over-manager': { type: 'string', multiple: true },
} as const satisfies FlagSpec

export const diffCommand: Command = {
  name: 'diff',
  summary: 'show how the cluster differs from the objects, and who changed it',
  help: `gitops diff: compare objects with the cluster through server-side dry-runs, like flux diff and
kubectl diff --server-side. Each drifted field shows the live and the desired value and the field
manager that owns the live value (kubectl-edit, an HPA, …). Secret values are masked. With
--inventory, objects of the stored inventory that are no longer in the set are listed as orphaned.

Usage:
  gitops diff DIR|FILE|- [--inventory NS/NAME] [flags]

Flags:
  --inventory NS/NAME    the inventory of gitops apply: compare as it applies, and list orphans
  --field-manager M      field manager gitops apply uses (default ${DEFAULT_FIELD_MANAGER})
  --conflicts=force|fail as gitops apply: with force (the default) the fields kubectl added that Git
                         lacks are drift (the apply takes them over and removes them)
  --take-over-manager M  as gitops apply: also take over field manager M (repeatable)
  --kubeconfig K         kubeconfig file (default $KUBECONFIG, then ~/.kube/config)
  --context C            kubeconfig context (default: its current context)
  --as USER               act as this user (Impersonate-User), as kubectl --as
  --as-group GROUP        and as this group, repeatable (Impersonate-Group); needs --as
  -n, --namespace NS     namespace of objects that name none, and of --inventory NAME
  -o, --output F         text (a coloured unified diff on terminals), json or yaml

Exit codes: 0 nothing drifted, 1 something drifted, missing or orphaned, 2 error.

Example:
  gitops diff clusters/prod --inventory flux-system/prod
  gitops diff app.yaml -o json | jq '.objects[] | select(.status == "drifted")'
`,
  flags: diffFlags,
  async run({ io, argv, signal }) {
    const { values, positionals } = parseCommandArgs(argv, diffFlags)
    const format = outputFormat(values.output)
    const input = inputArgument(positionals, 'diff')
    const namespace = namespaceValue(values)
    const inventory = inventoryFlag(stringFlag(values, 'inventory'), namespace)
    const objects = await readObjects(io, input, signal)
    const client = await connect(io, values, signal)
    const { diff, formatDiff, loadInventory } = await import('@gitops-sdk/apply')
    const previous = inventory === undefined ? undefined : await loadInventory(inventory, { client, signal })
    const fieldManager = stringFlag(values, 'field-manager') ?? DEFAULT_FIELD_MANAGER
    const conflicts = conflictsFlag(stringFlag(values, 'conflicts'))
    const takeOverManagers = takeOverManagersFlag(values)
    const report = await diff(objects, { client, fieldManager, conflicts, takeOverManagers, inventory, previous: previous?.inventory, defaultNamespace: namespace, signal })
    const color = useColor(io)
    printResult(io, { format, data: report, text: () => formatDiff(report, { color }) })
    if (report.objects.some((o) => o.status === 'failed')) {
      const failed = report.objects.filter((o) => o.status === 'failed').length
      throw new Error(`${failed} object${failed === 1 ? '' : 's'} could not be compared (see above)`)
    }
    return report.drifted ? 1 : 0
  },
}
