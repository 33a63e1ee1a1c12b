import { isKubeMap } from '@gitops-sdk/core'
import type { JSONSchemaProps } from './jsonSchema.js'
import { fluxSchema } from './crds.js'
import type { FluxKind } from './crds.js'
import { parseDuration } from './duration.js'
import type { Kustomization, KustomizationSourceReference } from './kustomization.js'

function applyDefaults(value: unknown, schema: JSONSchemaProps): void {
  if (Array.isArray(value)) {
    const items = schema.items
    if (items !== undefined) for (const item of value) applyDefaults(item, items)
    return
  }
  if (!isKubeMap(value) || schema.properties === undefined) return
  for (const [key, child] of Object.entries(schema.properties)) {
    if (!Object.prototype.hasOwnProperty.call(value, key) && child.default !== undefined) {
      Object.defineProperty(value, key, { value: structuredClone(child.default), enumerable: true, writable: true, configurable: true })
    }
    if (Object.prototype.hasOwnProperty.call(value, key)) applyDefaults(value[key], child)
  }
}

/**
 * A copy of `object` with the defaults its CRD declares filled into `spec`, as the API server
 * fills them on create (`force: false`, a source's `timeout: 60s`, `verify.mode: HEAD`, …). Status is
 * left as it is.
 *
 * @example
 * ```ts
 * withFluxDefaults('GitRepository', repo).spec.timeout // '60s' unless set
 * ```
 */
export function withFluxDefaults<T>(kind: FluxKind, object: T): T {
  const copy = structuredClone(object)
  const spec = fluxSchema(kind).properties?.spec
  if (isKubeMap(copy) && spec !== undefined && isKubeMap(copy.spec)) applyDefaults(copy.spec, spec)
  return copy
}

/** The timing of a Kustomization in milliseconds, with Flux's fallbacks. */
export interface KustomizationTimings {
  /** `spec.interval`: how often the Kustomization is reconciled. */
  readonly interval: number
  /** `spec.retryInterval`, else the interval. */
  readonly retryInterval: number
  /** `spec.timeout`, else the interval. */
  readonly timeout: number
}

/**
 * Reads `interval`, `retryInterval` and `timeout` as kustomize-controller does: the last two fall
 * back to the interval.
 *
 * @throws `FLUX_DURATION_INVALID` when a value is not a Go duration.
 */
export function kustomizationTimings(kustomization: Kustomization): KustomizationTimings {
  const { interval, retryInterval, timeout } = kustomization.spec
  const every = parseDuration(interval)
  return {
    interval: every,
    retryInterval: retryInterval === undefined ? every : parseDuration(retryInterval),
    timeout: timeout === undefined ? every : parseDuration(timeout),
  }
}

/** The source of a Kustomization with its namespace filled in (the Kustomization's own by default). */
export function kustomizationSourceRef(kustomization: Kustomization): Required<Pick<KustomizationSourceReference, 'kind' | 'name' | 'namespace'>> {
  const { kind, name, namespace } = kustomization.spec.sourceRef
  return { kind, name, namespace: namespace ?? kustomization.metadata.namespace ?? 'default' }
}
