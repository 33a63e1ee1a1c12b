// What the diagnostic commands (get, suspend, resume, reconcile kustomization, tree, trace,
// events) share: the Flux kinds they read, as Flux's CLI reads them, and how rows are printed.
import type { KubeClient } from '@gitops-sdk/apply'
import type { KubeObject } from '@gitops-sdk/core'
import { CliError } from '../errors.js'

/** A Flux kind the diagnostic commands read. */
export interface FluxKind {
  readonly group: string
  readonly version: string
  readonly kind: string
  readonly plural: string
}

export const KUSTOMIZATION: FluxKind = { group: 'kustomize.toolkit.fluxcd.io', version: 'v1', kind: 'Kustomization', plural: 'kustomizations' }
export const GIT_REPOSITORY: FluxKind = { group: 'source.toolkit.fluxcd.io', version: 'v1', kind: 'GitRepository', plural: 'gitrepositories' }

/** Refuses a cluster that does not serve the kind (Flux's CRDs not installed), naming the resource. */
export async function requireKind(client: KubeClient, kind: FluxKind, signal: AbortSignal): Promise<void> {
  if ((await client.resource(kind, { signal })) !== undefined) return
  throw new CliError({
    code: 'CLI_FLUX_NOT_INSTALLED',
    message: `${kind.plural}.${kind.group}: the cluster serves no such resource; are Flux's CRDs installed (gitops install, flux install)?`,
    details: { resource: `${kind.plural}.${kind.group}` },
  })
}

/** Where a Flux object is read: the client, its kind, namespace and name, and the signal. */
export interface FluxObjectTarget {
  readonly client: KubeClient
  readonly kind: FluxKind
  readonly namespace: string
  readonly name: string
  readonly signal: AbortSignal
}

/** The object, or a CLI_OBJECT_NOT_FOUND naming `Kind/namespace/name`. */
export async function getFluxObject({ client, kind, namespace, name, signal }: FluxObjectTarget): Promise<KubeObject> {
  await requireKind(client, kind, signal)
  const object = await client.get({ group: kind.group, version: kind.version, kind: kind.kind, namespace, name }, { signal })
  if (object !== undefined) return object
  throw new CliError({ code: 'CLI_OBJECT_NOT_FOUND', message: `${kind.kind}/${namespace}/${name}: not found`, details: { object: `${kind.kind}/${namespace}/${name}` } })
}

interface ConditionLike {
  readonly type?: unknown
  readonly status?: unknown
  readonly message?: unknown
  readonly reason?: unknown
}

/** The object's condition of that type, if any. */
export function conditionOf(object: KubeObject, type: string): ConditionLike | undefined {
  const status = object.status as { conditions?: unknown } | undefined
  const conditions = Array.isArray(status?.conditions) ? (status.conditions as ConditionLike[]) : []
  return conditions.find((c) => c.type === type)
}

/** READY and MESSAGE as `flux get` prints them. */
export function readiness(object: KubeObject): { ready: string; message: string } {
  const ready = conditionOf(object, 'Ready')
  if (ready === undefined) return { ready: 'Unknown', message: 'waiting to be reconciled' }
  return { ready: typeof ready.status === 'string' ? ready.status : 'Unknown', message: typeof ready.message === 'string' ? ready.message.split('\n')[0] ?? '' : '' }
}

/** `main@sha1:0123456789abcdef…` as Flux's CLI shortens it: the hash to 8 characters. */
export function shortRevision(revision: string | undefined): string {
  if (revision === undefined) return ''
  return revision.replace(/((?:sha1|sha256):|^)([0-9a-f]{8})[0-9a-f]{32,}$/u, '$1$2')
}

/** `spec.suspend` as `True`/`False`. */
export function suspended(object: KubeObject): string {
  return (object.spec as { suspend?: unknown } | undefined)?.suspend === true ? 'True' : 'False'
}

/** kubectl's AGE: `45s`, `12m`, `3h`, `5d`, from the creation timestamp. */
export function age(object: KubeObject, now: Date): string {
  const stamp = object.metadata.creationTimestamp
  const created = typeof stamp === 'string' ? Date.parse(stamp) : Number.NaN
  if (Number.isNaN(created)) return '<unknown>'
  const seconds = Math.max(0, Math.floor((now.getTime() - created) / 1000))
  if (seconds < 120) return `${seconds}s`
  if (seconds < 7200) return `${Math.floor(seconds / 60)}m`
  if (seconds < 172_800) return `${Math.floor(seconds / 3600)}h`
  return `${Math.floor(seconds / 86_400)}d`
}

/** Columns padded as kubectl pads them (three spaces), the last one left as it is. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)))
  const line = (cells: readonly string[]): string => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0))).join('   ').trimEnd()
  return [line(header), ...rows.map(line)].join('\n')
}
