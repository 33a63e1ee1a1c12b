// `gitops suspend|resume kustomization NAME`: spec.suspend as Flux's CLI sets it.
import { parseCommandArgs, UsageError } from '../context.js'
import type { Command } from '../context.js'
import { kubeFlags, namespaceValue } from '../flags.js'
import type { FlagSpec } from '../flags.js'
import { FLUX_NAMESPACE } from './get.js'
import { getFluxObject, KUSTOMIZATION } from './fluxObjects.js'
import { connect } from './options.js'

const flags = { namespace: { type: 'string', short: 'n' }, ...kubeFlags } as const satisfies FlagSpec

/** The field manager of the CLI's writes to Flux objects. */
export const CLI_FIELD_MANAGER = 'gitops-cli'

/** The annotation that asks Flux's controllers (and the SDK's) for a reconcile now. */
export const REQUESTED_AT = 'reconcile.fluxcd.io/requestedAt'

function suspendCommand(verb: 'suspend' | 'resume'): Command {
  return {
    name: verb,
    summary: `${verb} a Flux Kustomization (spec.suspend: ${verb === 'suspend' ? 'true' : 'false'}), as flux ${verb} does`,
    help: `gitops ${verb} kustomization NAME: set spec.suspend to ${verb === 'suspend' ? 'true: the controller stops reconciling it (nothing is\ndeleted)' : 'false and request a reconcile (reconcile.fluxcd.io/requestedAt)'}, with a server-side apply of that field only
(field manager ${CLI_FIELD_MANAGER}).

Usage:
  gitops ${verb} kustomization NAME [-n NS] [--kubeconfig K] [--context C]

Flags:
  -n, --namespace NS   the Kustomization's namespace (default flux-system)
`,
    flags,
    async run({ io, argv, signal }) {
      const { values, positionals } = parseCommandArgs(argv, flags)
      const [what, name, ...extra] = positionals
      if (what !== 'kustomization' && what !== 'ks') throw new UsageError(`gitops ${verb} kustomization NAME: ${what === undefined ? 'missing kind' : `cannot ${verb} ${what}`}`, { code: what === undefined ? 'CLI_ARGUMENT_MISSING' : 'CLI_ARGUMENT_UNEXPECTED' })
      if (name === undefined) throw new UsageError(`gitops ${verb} kustomization NAME: missing NAME`, { code: 'CLI_ARGUMENT_MISSING' })
      if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0] ?? ''}`, { code: 'CLI_ARGUMENT_UNEXPECTED', details: { argument: extra[0] } })
      const namespace = namespaceValue(values) ?? FLUX_NAMESPACE
      const client = await connect(io, values, signal)
      await getFluxObject({ client, kind: KUSTOMIZATION, namespace, name, signal })
      const metadata = verb === 'resume' ? { name, namespace, annotations: { [REQUESTED_AT]: new Date().toISOString() } } : { name, namespace }
      await client.apply(
        { apiVersion: `${KUSTOMIZATION.group}/${KUSTOMIZATION.version}`, kind: KUSTOMIZATION.kind, metadata, spec: { suspend: verb === 'suspend' } },
        { fieldManager: CLI_FIELD_MANAGER, force: true, signal },
      )
      io.stdout.write(`Kustomization/${namespace}/${name} ${verb === 'suspend' ? 'suspended' : 'resumed'}\n`)
      return 0
    },
  }
}

export const suspendKustomizationCommand: Command = suspendCommand('suspend')
export const resumeKustomizationCommand: Command = suspendCommand('resume')
