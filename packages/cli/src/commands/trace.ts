// `gitops trace KIND NAME -n NS`: which Kustomization and which source revision manage an object,
// read from the labels kustomize-controller puts on what it applies.
import type { KubeObject } from '@gitops-sdk/core'
import { outputFormat, parseCommandArgs, printResult, UsageError } from '../context.js'
import type { Command } from '../context.js'
import { CliError } from '../errors.js'
import { kubeFlags, namespaceValue } from '../flags.js'
import type { FlagSpec } from '../flags.js'
import { getFluxObject, GIT_REPOSITORY, KUSTOMIZATION, readiness } from './fluxObjects.js'
import { connect } from './options.js'

const flags = { namespace: { type: 'string', short: 'n' }, ...kubeFlags } as const satisfies FlagSpec

const NAME_LABEL = 'kustomize.toolkit.fluxcd.io/name'
const NAMESPACE_LABEL = 'kustomize.toolkit.fluxcd.io/namespace'

export const traceCommand: Command = {
  name: 'trace',
  summary: 'which Kustomization and which source revision manage an object, as flux trace does',
  help: `gitops trace KIND NAME [-n NS]: find the Flux Kustomization that applied an object (its
kustomize.toolkit.fluxcd.io/name and /namespace labels) and the source it builds from, with their
revisions and Ready status. KIND is a kind or a plural the cluster serves, any case (Deployment,
deployment, deployments, configmap, ...).

Usage:
  gitops trace KIND NAME [-n NS] [--kubeconfig K] [--context C] [-o text|json|yaml]

Flags:
  -n, --namespace NS   the object's namespace (default default)

Exit 0 when the object is managed by a Kustomization, 2 when not or on error.

Example:
  gitops trace deployment web -n apps
`,
  flags,
  async run({ io, argv, signal }) {
    const { values, positionals } = parseCommandArgs(argv, flags)
    const [kindArg, name, ...extra] = positionals
    if (kindArg === undefined || name === undefined) throw new UsageError('gitops trace KIND NAME: missing KIND or NAME', { code: 'CLI_ARGUMENT_MISSING' })
    if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0] ?? ''}`, { code: 'CLI_ARGUMENT_UNEXPECTED', details: { argument: extra[0] } })
    const format = outputFormat(values.output)
    const client = await connect(io, values, signal)
    const wanted = kindArg.toLowerCase()
    const resource = (await client.resources({ signal })).find((r) => r.kind.toLowerCase() === wanted || r.plural === wanted)
    if (resource === undefined) throw new UsageError(`${kindArg}: the cluster serves no such kind`, { code: 'CLI_ARGUMENT_UNEXPECTED', details: { kind: kindArg } })
    const namespace = resource.namespaced ? (namespaceValue(values) ?? 'default') : ''
    const subject = `${resource.kind}/${namespace === '' ? '' : `${namespace}/`}${name}`
    const object = await client.get({ group: resource.group, version: resource.version, kind: resource.kind, namespace, name }, { signal })
    if (object === undefined) throw new CliError({ code: 'CLI_OBJECT_NOT_FOUND', message: `${subject}: not found`, details: { object: subject } })
    const ksName = object.metadata.labels?.[NAME_LABEL]
    const ksNamespace = object.metadata.labels?.[NAMESPACE_LABEL]
    if (ksName === undefined || ksNamespace === undefined) {
      throw new CliError({ code: 'CLI_OBJECT_NOT_MANAGED', message: `${subject}: not managed by a Flux Kustomization (no ${NAME_LABEL} and ${NAMESPACE_LABEL} labels)`, details: { object: subject } })
    }
    const k = await getFluxObject({ client, kind: KUSTOMIZATION, namespace: ksNamespace, name: ksName, signal })
    const ref = (k.spec as { sourceRef?: { kind?: string; name?: string; namespace?: string } } | undefined)?.sourceRef ?? {}
    const source = ref.kind === 'GitRepository' && ref.name !== undefined ? await getFluxObject({ client, kind: GIT_REPOSITORY, namespace: ref.namespace ?? ksNamespace, name: ref.name, signal }) : undefined
    const data = {
      object: subject,
      kustomization: { name: ksName, namespace: ksNamespace, path: pathOf(k), revision: str(k, 'lastAppliedRevision'), ...readiness(k) },
      source: source === undefined ? undefined : describeSource(source),
    }
    printResult(io, {
      format,
      data,
      text: () => {
        const lines = [
          `Object:         ${subject}`,
          'Status:         Managed by Flux',
          '---',
          `Kustomization:  ${ksName}`,
          `Namespace:      ${ksNamespace}`,
          `Path:           ${data.kustomization.path}`,
          `Revision:       ${data.kustomization.revision}`,
          `Status:         ${data.kustomization.ready === 'True' ? 'Ready' : 'Not ready'}: ${data.kustomization.message}`,
        ]
        if (data.source !== undefined) {
          lines.push('---', `GitRepository:  ${data.source.name}`, `Namespace:      ${data.source.namespace}`, `URL:            ${data.source.url}`)
          if (data.source.branch !== '') lines.push(`Branch:         ${data.source.branch}`)
          lines.push(`Revision:       ${data.source.revision}`, `Status:         ${data.source.ready === 'True' ? 'Ready' : 'Not ready'}: ${data.source.message}`)
        } else {
          lines.push('---', `Source:         ${ref.kind ?? ''}/${ref.name ?? ''} (not a GitRepository)`)
        }
        return lines.join('\n')
      },
    })
    return 0
  },
}

function str(object: KubeObject, field: string): string {
  const value = (object.status as Record<string, unknown> | undefined)?.[field]
  return typeof value === 'string' ? value : ''
}

function describeSource(source: KubeObject): { name: string; namespace: string; url: string; branch: string; revision: string; ready: string; message: string } {
  const spec = source.spec as { url?: unknown; ref?: { branch?: unknown } } | undefined
  const artifact = (source.status as { artifact?: { revision?: unknown } } | undefined)?.artifact
  // The URL is shown without credentials, should it carry any.
  const url = typeof spec?.url === 'string' ? spec.url.replace(/\/\/[^@/]*@/u, '//') : ''
  return {
    name: source.metadata.name,
    namespace: source.metadata.namespace ?? '',
    url,
    branch: typeof spec?.ref?.branch === 'string' ? spec.ref.branch : '',
    revision: typeof artifact?.revision === 'string' ? artifact.revision : '',
    ...readiness(source),
  }
}

function pathOf(k: KubeObject): string {
  const path = (k.spec as { path?: unknown } | undefined)?.path
  return typeof path === 'string' ? path : ''
}
