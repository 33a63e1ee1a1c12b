// A Flux Kustomization v1 as the inputs of a reconcile: every field of its spec either maps to a
// reconcile option or is refused by name; none is silently ignored.
import type { InventoryRef, KubeClient } from '@gitops-sdk/apply'
import { isKubeMap } from '@gitops-sdk/core'
import type { ObjectRef } from '@gitops-sdk/core'
import { KUSTOMIZE_NAME_LABEL, KUSTOMIZE_NAMESPACE_LABEL, kustomizationTimings } from '@gitops-sdk/flux'
import type { DeletionPolicy, KubeConfigReference, Kustomization } from '@gitops-sdk/flux'
import { parseIdentities } from '@gitops-sdk/secrets'
import type { AgeIdentity } from '@gitops-sdk/secrets'
import type { GitSourceSpec, ReconcileStepsOptions } from './createReconcileSteps.js'
import { ReconcileError } from './errors.js'
import type { ReconcileSpec } from './types.js'

/** The source a Kustomization names, with its namespace resolved. */
export interface ResolvedSourceRef {
  /** `GitRepository`, `OCIRepository`, … */
  readonly kind: string
  /** The source's name. */
  readonly name: string
  /** The source's namespace (the Kustomization's own unless the ref names one). */
  readonly namespace: string
}

/** Options of {@link kustomizationReconcile}. */
export interface KustomizationReconcileOptions {
  /** Client of the cluster the Kustomization lives in (and, without `clientFactory`, applies to). */
  readonly client: KubeClient
  /** Turns `spec.sourceRef` into a git source (e.g. from the GitRepository object); `undefined` when unknown. */
  readonly resolveSource: (ref: ResolvedSourceRef, input: { readonly signal?: AbortSignal | undefined }) => Promise<GitSourceSpec | undefined>
  /**
   * Makes the client that applies, for `spec.serviceAccountName` (impersonation) and
   * `spec.kubeConfig` (a remote cluster). Without it, a Kustomization using either is refused.
   */
  readonly clientFactory?:
    | ((input: { readonly namespace: string; readonly serviceAccountName?: string | undefined; readonly kubeConfig?: KubeConfigReference | undefined }) => Promise<KubeClient>)
    | undefined
  /** age identities besides those of `spec.decryption.secretRef`. */
  readonly identities?: readonly AgeIdentity[] | undefined
  /** Where the inventory is kept. @defaultValue the Kustomization's namespace and name */
  readonly inventory?: InventoryRef | undefined
  /** Cancels the mapping (source resolution); it rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined
}

/** What {@link kustomizationReconcile} gives: the inputs of `reconcile` and what is the caller's to schedule. */
export interface KustomizationReconcile {
  /** Pass to `reconcile`. */
  readonly spec: ReconcileSpec
  /** Pass to `createReconcileSteps`. */
  readonly steps: ReconcileStepsOptions
  /** `spec.interval` in milliseconds. */
  readonly interval: number
  /** `spec.retryInterval` (else the interval) in milliseconds. */
  readonly retryInterval: number
  /** `spec.dependsOn` as `namespace/name`: ordering them is the caller's. */
  readonly dependsOn: readonly string[]
  /** `spec.deletionPolicy`: what to do with the applied objects when the Kustomization is deleted. */
  readonly deletionPolicy: DeletionPolicy
}

// Keys of a decryption Secret that Flux reads for key services the SDK does not have.
const UNSUPPORTED_KEY = /(\.asc|^sops\.(vault-token|aws-kms|azure-kv|gcp-kms))$/u

function unsupported(k: Kustomization, field: string, why: string): ReconcileError {
  const subject = `Kustomization/${k.metadata.namespace ?? 'default'}/${k.metadata.name}`
  return new ReconcileError({
    code: 'RECONCILE_KUSTOMIZATION_UNSUPPORTED',
    message: `${subject}: ${field}: ${why}`,
    details: { kustomization: subject, field },
  })
}

/**
 * Maps every field of a Flux Kustomization v1 to the inputs of a reconcile: `sourceRef` (through
 * `resolveSource`), `path`, `interval`, `retryInterval`, `timeout`, `prune`, `wait`,
 * `healthChecks`, `force`, `targetNamespace`, `namePrefix`, `nameSuffix`, `patches`, `images`,
 * `components`, `commonMetadata`, `postBuild` (substitute, substituteFrom in the Kustomization's
 * namespace), `decryption` (provider sops; the age keys of `secretRef`, read from the cluster),
 * `dependsOn` and `deletionPolicy` (reported: the caller orders and deletes), `suspend`,
 * `serviceAccountName` and `kubeConfig` (through `clientFactory`). A field the SDK cannot honour is
 * refused by name, never ignored.
 *
 * @throws `RECONCILE_KUSTOMIZATION_UNSUPPORTED` naming the field (`spec.healthCheckExprs`,
 *   `spec.serviceAccountName` without a client factory, a decryption provider other than sops, a
 *   PGP or KMS key in the decryption Secret, …); `RECONCILE_SOURCE_NOT_FOUND` when `resolveSource`
 *   knows no such source; `RECONCILE_DECRYPTION_SECRET_INVALID` when the decryption Secret is
 *   missing or holds no usable key; `FLUX_DURATION_INVALID` for a bad duration.
 * @example
 * ```ts
 * const mapped = await kustomizationReconcile(k, { client, resolveSource: async () => ({ url }) })
 * const { status } = await reconcile(mapped.spec, createReconcileSteps(mapped.steps))
 * ```
 */
export async function kustomizationReconcile(k: Kustomization, options: KustomizationReconcileOptions): Promise<KustomizationReconcile> {
  const { signal } = options
  signal?.throwIfAborted()
  const spec = k.spec
  const namespace = k.metadata.namespace ?? 'default'
  refuseUnsupported(k)
  if ((spec.serviceAccountName !== undefined || spec.kubeConfig !== undefined) && options.clientFactory === undefined) {
    throw unsupported(k, spec.kubeConfig !== undefined ? 'spec.kubeConfig' : 'spec.serviceAccountName', 'needs a client factory (option clientFactory) to act as another identity or on another cluster')
  }
  const timings = kustomizationTimings(k)
  const sourceRef = { kind: spec.sourceRef.kind, name: spec.sourceRef.name, namespace: spec.sourceRef.namespace ?? namespace }
  const source = await options.resolveSource(sourceRef, { signal })
  if (source === undefined) {
    throw new ReconcileError({
      code: 'RECONCILE_SOURCE_NOT_FOUND',
      message: `${sourceRef.kind}/${sourceRef.namespace}/${sourceRef.name}: no such source for Kustomization/${namespace}/${k.metadata.name}`,
      details: { ...sourceRef, kustomization: `${namespace}/${k.metadata.name}` },
    })
  }
  const client =
    options.clientFactory !== undefined && (spec.serviceAccountName !== undefined || spec.kubeConfig !== undefined)
      ? await options.clientFactory({ namespace, serviceAccountName: spec.serviceAccountName, kubeConfig: spec.kubeConfig })
      : options.client
  const identities = [...(options.identities ?? []), ...(await decryptionIdentities(k, options))]
  const healthChecks: ObjectRef[] = (spec.healthChecks ?? []).map((h) => {
    const apiVersion = h.apiVersion ?? ''
    const group = apiVersion.includes('/') ? apiVersion.slice(0, apiVersion.indexOf('/')) : ''
    return { group, kind: h.kind, namespace: h.namespace ?? namespace, name: h.name }
  })
  const postBuild = spec.postBuild
  const build = {
    targetNamespace: spec.targetNamespace,
    namePrefix: spec.namePrefix,
    nameSuffix: spec.nameSuffix,
    patches: spec.patches,
    images: spec.images,
    components: spec.components,
    // kustomize-controller labels every object it applies with the Kustomization's name and
    // namespace (over the object's own labels, as commonMetadata): `flux trace` and prune read them.
    commonMetadata: {
      labels: { ...spec.commonMetadata?.labels, [KUSTOMIZE_NAME_LABEL]: k.metadata.name, [KUSTOMIZE_NAMESPACE_LABEL]: namespace },
      ...(spec.commonMetadata?.annotations === undefined ? {} : { annotations: spec.commonMetadata.annotations }),
    },
  }
  return {
    spec: {
      name: k.metadata.name,
      path: spec.path === undefined || spec.path === '' ? '.' : spec.path,
      prune: spec.prune,
      wait: spec.wait === true,
      healthChecks,
      timeout: timings.timeout,
      suspend: spec.suspend === true,
    },
    steps: {
      source,
      client,
      homeClient: options.client,
      inventory: options.inventory ?? { namespace, name: k.metadata.name },
      identities,
      targetNamespace: spec.targetNamespace,
      force: spec.force === true,
      build,
      substitute:
        postBuild === undefined
          ? undefined
          : { variables: postBuild.substitute, substituteFrom: postBuild.substituteFrom, namespace },
    },
    interval: timings.interval,
    retryInterval: timings.retryInterval,
    dependsOn: (spec.dependsOn ?? []).map((d) => `${d.namespace ?? namespace}/${d.name}`),
    deletionPolicy: spec.deletionPolicy ?? 'MirrorPrune',
  }
}

/** Fields of the spec the SDK has no machinery for: refused rather than ignored. */
function refuseUnsupported(k: Kustomization): void {
  const spec = k.spec
  if ((spec.healthCheckExprs ?? []).length > 0) throw unsupported(k, 'spec.healthCheckExprs', 'CEL health expressions are not supported')
  if (spec.ignoreMissingComponents === true) throw unsupported(k, 'spec.ignoreMissingComponents', 'missing components cannot be skipped')
  if ((spec.buildMetadata ?? []).length > 0) throw unsupported(k, 'spec.buildMetadata', 'build metadata annotations are not supported')
  if ((spec.ignore ?? []).length > 0) throw unsupported(k, 'spec.ignore', 'ignore rules for drift are not supported')
  if (spec.postBuild?.substituteStrategy !== undefined) throw unsupported(k, 'spec.postBuild.substituteStrategy', 'only the default substitution strategy is supported')
  if ((spec.dependsOn ?? []).some((d) => d.readyExpr !== undefined)) {
    throw unsupported(k, 'spec.dependsOn[].readyExpr', 'CEL readiness expressions are not supported')
  }
  const decryption = spec.decryption
  if (decryption !== undefined) {
    const provider: string = decryption.provider
    if (provider !== 'sops') throw unsupported(k, 'spec.decryption.provider', `provider ${JSON.stringify(provider)} is not supported (only sops)`)
    if (decryption.serviceAccountName !== undefined) throw unsupported(k, 'spec.decryption.serviceAccountName', 'KMS access through a service account is not supported (give age keys in secretRef)')
  }
  const sourceKind: string = spec.sourceRef.kind
  if (sourceKind !== 'GitRepository') throw unsupported(k, 'spec.sourceRef.kind', `${sourceKind} sources are not supported (GitRepository only)`)
}

/** The age keys of `spec.decryption.secretRef` (`*.agekey` entries), read from the Kustomization's namespace. */
async function decryptionIdentities(k: Kustomization, options: KustomizationReconcileOptions): Promise<AgeIdentity[]> {
  const ref = k.spec.decryption?.secretRef
  if (ref === undefined) return []
  const namespace = k.metadata.namespace ?? 'default'
  const subject = `Secret/${namespace}/${ref.name}`
  const invalid = (why: string, cause?: unknown): ReconcileError =>
    new ReconcileError({ code: 'RECONCILE_DECRYPTION_SECRET_INVALID', message: `${subject}: ${why}`, details: { secret: subject, field: 'spec.decryption.secretRef' }, cause })
  const secret = await options.client.get({ group: '', version: 'v1', kind: 'Secret', namespace, name: ref.name }, { signal: options.signal })
  if (secret === undefined) throw invalid('the decryption Secret does not exist')
  const data = isKubeMap(secret.data) ? secret.data : {}
  const identities: AgeIdentity[] = []
  for (const key of Object.keys(data)) {
    const value = data[key]
    if (typeof value !== 'string') continue
    if (UNSUPPORTED_KEY.test(key)) throw unsupported(k, 'spec.decryption.secretRef', `key ${JSON.stringify(key)} of ${subject} is for a key service the SDK does not support (age keys only)`)
    if (!key.endsWith('.agekey')) continue
    try {
      identities.push(...(await parseIdentities(Buffer.from(value, 'base64').toString('utf8'))))
    } catch (cause) {
      // The key material never reaches the message: only the Secret and the key name.
      throw invalid(`key ${JSON.stringify(key)} holds no valid age identity`, cause instanceof Error ? new Error(cause.name) : undefined)
    }
  }
  if (identities.length === 0) throw invalid('the decryption Secret holds no *.agekey entry')
  return identities
}
