// Flux's post-build variables from the cluster: kustomize-controller's LoadVariables.
import type { KubeClient } from '@gitops-sdk/apply'
import { isKubeMap } from '@gitops-sdk/core'
import { ReconcileError } from './errors.js'

/** A ConfigMap or Secret, in the Kustomization's namespace, whose data are post-build variables (`postBuild.substituteFrom[]`). */
export interface SubstituteFromReference {
  /** Which kind holds the variables. */
  readonly kind: 'ConfigMap' | 'Secret'
  /** Its name. */
  readonly name: string
  /** Go on when it does not exist (any other error still fails). @defaultValue false */
  readonly optional?: boolean | undefined
}

/** Options of {@link loadVariables}. */
export interface LoadVariablesOptions {
  /** Client of the cluster holding the ConfigMaps and Secrets. */
  readonly client: KubeClient
  /** Namespace of the Kustomization: every reference is read there. */
  readonly namespace: string
  /** Inline variables (`postBuild.substitute`); they win over every `substituteFrom` source. */
  readonly substitute?: Readonly<Record<string, string>> | undefined
  /** Cancels the operation: it stops promptly and rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined
}

// The names envsubst accepts, as kustomize-controller checks them.
const NAME = /^[_a-zA-Z][_a-zA-Z0-9]*$/u

/**
 * Reads post-build variables as Flux's kustomize-controller does: each `substituteFrom` reference
 * in order (a later one wins), ConfigMap `data` as is and Secret `data` base64-decoded, newlines
 * removed from every value; then the inline `substitute` map, which wins over all of them. A
 * missing reference marked `optional` is skipped. Secret values are returned, never logged or put
 * in errors (errors name the object and the key only). The result has no prototype.
 *
 * @throws `RECONCILE_SUBSTITUTE_FROM_NOT_FOUND` for a missing reference that is not optional,
 *   `RECONCILE_SUBSTITUTE_FROM_FAILED` when reading one fails otherwise, `RECONCILE_VARIABLE_INVALID`
 *   for a key that is no variable name, each naming `Kind/namespace/name` (and the key). An abort
 *   rejects with `signal.reason`.
 * @example
 * ```ts
 * const variables = await loadVariables([{ kind: 'ConfigMap', name: 'cluster-vars' }], { client, namespace: 'flux-system', substitute: { env: 'prod' } })
 * ```
 */
export async function loadVariables(references: readonly SubstituteFromReference[], options: LoadVariablesOptions): Promise<Record<string, string>> {
  const { client, namespace, signal } = options
  const variables = Object.create(null) as Record<string, string>
  const set = (subject: string, key: string, value: string): void => {
    if (!NAME.test(key)) {
      throw new ReconcileError({
        code: 'RECONCILE_VARIABLE_INVALID',
        message: `${subject}: variable ${JSON.stringify(key)}: invalid name, must match '^[_[:alpha:]][_[:alpha:][:digit:]]*$'`,
        details: { object: subject, variable: key },
      })
    }
    variables[key] = value.replaceAll('\n', '')
  }
  for (const ref of references) {
    signal?.throwIfAborted()
    // The type says so, but the reference often comes from a manifest read at run time.
    const kind: string = ref.kind
    if (kind !== 'ConfigMap' && kind !== 'Secret') {
      throw new ReconcileError({
        code: 'RECONCILE_SUBSTITUTE_FROM_FAILED',
        message: `${kind}/${namespace}/${ref.name}: substituteFrom reads only ConfigMaps and Secrets`,
        details: { kind, namespace, name: ref.name },
      })
    }
    const subject = `${ref.kind}/${namespace}/${ref.name}`
    let object
    try {
      object = await client.get({ group: '', version: 'v1', kind: ref.kind, namespace, name: ref.name }, { signal })
    } catch (cause) {
      if (signal?.aborted === true) throw signal.reason
      throw new ReconcileError({
        code: 'RECONCILE_SUBSTITUTE_FROM_FAILED',
        message: `${subject}: substituteFrom cannot be read: ${cause instanceof Error ? cause.message.split('\n')[0] : String(cause)}`,
        details: { kind: ref.kind, namespace, name: ref.name },
        cause,
      })
    }
    if (object === undefined) {
      if (ref.optional === true) continue
      throw new ReconcileError({
        code: 'RECONCILE_SUBSTITUTE_FROM_NOT_FOUND',
        message: `${subject}: substituteFrom names it, and it does not exist (mark it optional to go on without it)`,
        details: { kind: ref.kind, namespace, name: ref.name },
      })
    }
    const data = object.data
    if (!isKubeMap(data)) continue
    for (const key of Object.keys(data)) {
      const value = data[key]
      if (typeof value !== 'string') continue
      set(subject, key, ref.kind === 'Secret' ? Buffer.from(value, 'base64').toString('utf8') : value)
    }
  }
  for (const key of Object.keys(options.substitute ?? {})) set('postBuild.substitute', key, (options.substitute ?? {})[key] ?? '')
  return variables
}
