import { formatRef, isKubeObject, refOf, splitApiVersion } from '@gitops-sdk/core'
import type { KubeObject, ObjectRef } from '@gitops-sdk/core'
import type { FluxKind } from './crds.js'
import { FluxError } from './errors.js'
import type { GitRepository } from './gitRepository.js'
import type { Kustomization } from './kustomization.js'
import type { OCIRepository } from './ociRepository.js'
import { validateFluxObject } from './validate.js'

/** A Flux object the SDK supports. */
export type FluxObject = GitRepository | OCIRepository | Kustomization

/** What {@link readFluxObject} found in a manifest. */
export type FluxReadResult =
  | {
      /** A kind the SDK reads, validated. */
      readonly type: 'supported'
      /** The object, typed by its kind. */
      readonly object: FluxObject
    }
  | {
      /** A Flux kind or version the SDK does not read. */
      readonly type: 'unsupported'
      /** `Kind/namespace/name` of the object. */
      readonly ref: ObjectRef
      /** The object's `apiVersion`, e.g. `helm.toolkit.fluxcd.io/v2`. */
      readonly apiVersion: string
      /** Why the SDK does not handle it, e.g. `HelmRelease is not supported yet`. */
      readonly reason: string
    }

const supported: ReadonlyMap<string, FluxKind> = new Map([
  ['source.toolkit.fluxcd.io/v1/GitRepository', 'GitRepository'],
  ['source.toolkit.fluxcd.io/v1/OCIRepository', 'OCIRepository'],
  ['kustomize.toolkit.fluxcd.io/v1/Kustomization', 'Kustomization'],
])

/** Tells whether the object belongs to one of Flux's API groups (`*.toolkit.fluxcd.io`). */
export function isFluxObject(object: KubeObject): boolean {
  return splitApiVersion(object.apiVersion).group.endsWith('.toolkit.fluxcd.io')
}

/**
 * Reads a manifest of Flux's API: a supported kind is validated against its schema and returned
 * typed; another Flux kind (HelmRelease, Bucket, an older version) is a typed `unsupported` result,
 * so a fleet with HelmReleases is listed, not stopped. Returns `undefined` for objects outside
 * Flux's API groups.
 *
 * @throws `FLUX_OBJECT_INVALID` when a supported kind fails its schema; `details.issues` lists
 *   every problem by field.
 * @example
 * ```ts
 * const read = readFluxObject(object)
 * if (read?.type === 'supported' && read.object.kind === 'Kustomization') console.log(read.object.spec.path)
 * ```
 */
export function readFluxObject(object: KubeObject): FluxReadResult | undefined {
  if (!isKubeObject(object) || !isFluxObject(object)) return undefined
  const kind = supported.get(`${object.apiVersion}/${object.kind}`)
  if (kind === undefined) {
    return {
      type: 'unsupported',
      ref: refOf(object),
      apiVersion: object.apiVersion,
      reason: `${object.apiVersion} ${object.kind} is not supported; the SDK reads ${[...supported.keys()].map((k) => k.replace(/\/([^/]+)$/u, ' $1')).join(', ')}`,
    }
  }
  const issues = validateFluxObject(kind, object)
  if (issues.length > 0) {
    throw new FluxError({
      code: 'FLUX_OBJECT_INVALID',
      message: `${formatRef(refOf(object))}: ${issues.map((i) => i.message).join('; ')}`,
      details: { ref: refOf(object), issues: issues.map((i) => ({ field: i.field, message: i.message })) },
    })
  }
  return { type: 'supported', object: object as unknown as FluxObject }
}
