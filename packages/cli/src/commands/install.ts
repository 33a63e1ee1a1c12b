// `gitops install --export`: what a cluster needs to run `gitops controller`, as YAML on stdout
// (as `flux install --export` prints Flux's). Applying it is kubectl's job.
import { parseCommandArgs, stringFlag, UsageError } from '../context.js'
import type { Command } from '../context.js'
import { booleanFlag } from '../flags.js'
import type { FlagSpec } from '../flags.js'
import { version } from '../version.js'

const flags = {
  export: { type: 'boolean', default: false },
  namespace: { type: 'string', short: 'n' },
  image: { type: 'string' },
  replicas: { type: 'string' },
  'watch-label-selector': { type: 'string' },
} as const satisfies FlagSpec

export const installCommand: Command = {
  name: 'install',
  summary: "print the manifests that run the GitOps controller in a cluster (Flux's CRDs, RBAC, a Deployment)",
  // A getter: the default image names the version, read from package.json, which no other command
  // needs at start.
  get help() {
    return `gitops install: print what a cluster needs to run gitops controller: the CRDs of Flux's
GitRepository, OCIRepository and Kustomization, the namespace, a ServiceAccount, a ClusterRole and its
binding, the leader-election Role and binding, and a Deployment of two replicas with leader
election, probes on /healthz and /readyz, resource limits and a non-root, read-only container.

Usage:
  gitops install --export [-n NS] [--image IMAGE] [--replicas N] [--watch-label-selector S]

Flags:
  --export                  print the manifests as YAML (required: nothing is applied)
  -n, --namespace NS        namespace of the controller (default flux-system)
  --image IMAGE             the controller's image (default ghcr.io/gitops-sdk/gitops:${version()}),
                            built from the repository's Dockerfile
  --replicas N              replicas behind the Lease (default 2)
  --watch-label-selector S  install a shard (its own Lease)

Example:
  gitops install --export | kubectl apply --server-side -f -
`
  },
  flags,
  async run({ io, argv }) {
    const { values, positionals } = parseCommandArgs(argv, flags)
    if (positionals.length > 0) throw new UsageError(`unexpected argument ${positionals[0] ?? ''}`, { code: 'CLI_ARGUMENT_UNEXPECTED', details: { argument: positionals[0] } })
    if (!booleanFlag(values, 'export')) throw new UsageError('gitops install only prints manifests: pass --export and apply them with kubectl', { code: 'CLI_ARGUMENT_MISSING', details: { flag: '--export' } })
    const replicasText = stringFlag(values, 'replicas')
    if (replicasText !== undefined && !/^[1-9][0-9]{0,2}$/.test(replicasText)) throw new UsageError(`--replicas must be a whole number from 1 to 999, not ${replicasText}`, { code: 'CLI_FLAG_INVALID', details: { flag: '--replicas' } })
    const [{ installManifests }, { stringifyObjects }] = await Promise.all([import('@gitops-sdk/controller/gitops'), import('@gitops-sdk/core')])
    const objects = installManifests({
      namespace: stringFlag(values, 'namespace'),
      image: stringFlag(values, 'image') ?? `ghcr.io/gitops-sdk/gitops:${version()}`,
      replicas: replicasText === undefined ? undefined : Number(replicasText),
      watchLabelSelector: stringFlag(values, 'watch-label-selector'),
    })
    io.stdout.write(stringifyObjects(objects))
    return 0
  },
}
