// `gitops reconcile kustomization NAME [--with-source]`: ask the controller for a reconcile now
// (reconcile.fluxcd.io/requestedAt) and wait, bounded, until it says it handled it.
import type { KubeClient } from '@gitops-sdk/apply'
import type { KubeObject } from '@gitops-sdk/core'
import { booleanFlag, parseCommandArgs, stringFlag, UsageError } from '../context.js'
import type { CommandContext } from '../context.js'
import { CliError } from '../errors.js'
import { durationFlag, kubeFlags, namespaceValue } from '../flags.js'
import type { FlagSpec } from '../flags.js'
import { FLUX_NAMESPACE } from './get.js'
import { getFluxObject, GIT_REPOSITORY, KUSTOMIZATION, readiness } from './fluxObjects.js'
import type { FluxKind } from './fluxObjects.js'
import { connect } from './options.js'
import { CLI_FIELD_MANAGER, REQUESTED_AT } from './suspend.js'

const flags = {
  namespace: { type: 'string', short: 'n' },
  'with-source': { type: 'boolean', default: false },
  timeout: { type: 'string' },
  ...kubeFlags,
} as const satisfies FlagSpec

const POLL_MS = 500

/** Help of the sub-form, appended to `gitops reconcile --help`. */

interface Requested {
  readonly client: KubeClient
  readonly kind: FluxKind
  readonly object: KubeObject
  readonly at: string
  readonly deadline: number
  readonly signal: AbortSignal
}

async function request({ client, kind, object, at, signal }: Requested): Promise<void> {
  const metadata = { name: object.metadata.name, namespace: object.metadata.namespace ?? '', annotations: { [REQUESTED_AT]: at } }
  await client.apply({ apiVersion: `${kind.group}/${kind.version}`, kind: kind.kind, metadata }, { fieldManager: CLI_FIELD_MANAGER, force: true, signal })
}

async function handled({ client, kind, object, at, deadline, signal }: Requested): Promise<KubeObject> {
  const subject = `${kind.kind}/${object.metadata.namespace ?? ''}/${object.metadata.name}`
  for (;;) {
    const now = await getFluxObject({ client, kind, namespace: object.metadata.namespace ?? '', name: object.metadata.name, signal })
    if ((now.status as { lastHandledReconcileAt?: unknown } | undefined)?.lastHandledReconcileAt === at) return now
    if (Date.now() >= deadline) {
      throw new CliError({ code: 'CLI_RECONCILE_TIMEOUT', message: `${subject}: the reconcile requested at ${at} was not handled in time (is a controller running?)`, details: { object: subject, requestedAt: at } })
    }
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(resolve, POLL_MS)
      signal.addEventListener('abort', () => (clearTimeout(timer), reject(signal.reason as Error)), { once: true })
    })
  }
}

/** Runs `gitops reconcile kustomization NAME`. */
export async function reconcileKustomization({ io, argv, signal }: CommandContext): Promise<number> {
  const { values, positionals } = parseCommandArgs(argv, flags)
  const [, name, ...extra] = positionals
  if (name === undefined) throw new UsageError('gitops reconcile kustomization NAME: missing NAME', { code: 'CLI_ARGUMENT_MISSING' })
  if (extra.length > 0) throw new UsageError(`unexpected argument ${extra[0] ?? ''}`, { code: 'CLI_ARGUMENT_UNEXPECTED', details: { argument: extra[0] } })
  const namespace = namespaceValue(values) ?? FLUX_NAMESPACE
  const deadline = Date.now() + durationFlag(stringFlag(values, 'timeout'), 5 * 60_000)
  const client = await connect(io, values, signal)
  const k = await getFluxObject({ client, kind: KUSTOMIZATION, namespace, name, signal })
  if ((k.spec as { suspend?: unknown } | undefined)?.suspend === true) {
    throw new CliError({ code: 'CLI_FLAG_INVALID', message: `Kustomization/${namespace}/${name}: suspended; resume it first (gitops resume kustomization ${name})`, details: { object: `Kustomization/${namespace}/${name}` } })
  }
  if (booleanFlag(values, 'with-source')) {
    const ref = (k.spec as { sourceRef?: { kind?: unknown; name?: unknown; namespace?: unknown } } | undefined)?.sourceRef
    if (ref?.kind === 'GitRepository' && typeof ref.name === 'string') {
      const source = await getFluxObject({ client, kind: GIT_REPOSITORY, namespace: typeof ref.namespace === 'string' ? ref.namespace : namespace, name: ref.name, signal })
      const at = new Date().toISOString()
      io.stderr.write(`► annotating GitRepository ${ref.name} in ${source.metadata.namespace ?? namespace} namespace\n`)
      const requested = { client, kind: GIT_REPOSITORY, object: source, at, deadline, signal }
      await request(requested)
      await handled(requested)
    }
  }
  const at = new Date().toISOString()
  io.stderr.write(`► annotating Kustomization ${name} in ${namespace} namespace\n◎ waiting for Kustomization reconciliation\n`)
  const requested = { client, kind: KUSTOMIZATION, object: k, at, deadline, signal }
  await request(requested)
  const done = await handled(requested)
  const { ready, message } = readiness(done)
  const revision = (done.status as { lastAppliedRevision?: unknown } | undefined)?.lastAppliedRevision
  if (ready === 'True') {
    io.stdout.write(`✔ applied revision ${typeof revision === 'string' ? revision : ''}\n`)
    return 0
  }
  io.stdout.write(`✗ ${message}\n`)
  return 1
}
