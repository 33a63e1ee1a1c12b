// Migration from client-side `kubectl apply` (apimachinery lastappliedmanager.go, lastappliedupdater.go):
// for the manager `kubectl`, conflicts on fields whose last-applied value is still live are forced,
// and the last-applied annotation, when present, follows server-side applies.
import type { KubeMap, KubeValue } from '@gitops-sdk/core'
import { compareObjects } from '../structured-merge-diff/compare.js'
import type { FieldSet } from '../structured-merge-diff/fieldSet.js'
import type { TypeRef } from '../structured-merge-diff/schema.js'
import { fieldSetOf, validate } from '../structured-merge-diff/typed.js'
import { marshalJson } from '@gitops-sdk/core/go'
import { isMap, withoutKey } from '../structured-merge-diff/value.js'

/** The annotation client-side apply keeps its last configuration in. */
export const lastAppliedAnnotation = 'kubectl.kubernetes.io/last-applied-configuration'

/** The manager name these rules apply to. */
export const kubectlManager = 'kubectl'

const maxAnnotationsBytes = 256 * 1024

function annotationsOf(object: KubeMap): KubeMap | undefined {
  const metadata = object.metadata
  return isMap(metadata) && isMap(metadata.annotations) ? metadata.annotations : undefined
}

function lastApplied(object: KubeMap): string | undefined {
  const value = annotationsOf(object)?.[lastAppliedAnnotation]
  return typeof value === 'string' && value !== '' ? value : undefined
}

/**
 * The fields whose last-applied value still equals the live one (conflicts on them may be forced),
 * or `undefined` when the live object has no usable annotation for `apiVersion`.
 */
export function allowedConflicts(live: KubeMap, apiVersion: string, type: TypeRef): FieldSet | undefined {
  const text = lastApplied(live)
  if (text === undefined) return undefined
  let applied: KubeValue
  try {
    applied = JSON.parse(text) as KubeValue
  } catch {
    return undefined
  }
  if (!isMap(applied) || applied.apiVersion !== apiVersion) return undefined
  if (validate(live, type, false).length > 0 || validate(applied, type, false).length > 0) return undefined
  const comparison = compareObjects(applied, live, type)
  return fieldSetOf(applied, type).difference(comparison.modified).difference(comparison.added).difference(comparison.removed)
}

/**
 * `object` with its last-applied annotation (only if it has one) set to the applied configuration,
 * as Go's JSON encoder writes it; dropped when annotations would exceed 256 KiB.
 */
export function withLastApplied(object: KubeMap, config: KubeMap): KubeMap {
  if (lastApplied(object) === undefined) return object
  const configMetadata = isMap(config.metadata) ? { ...config.metadata } : undefined
  const configAnnotations = configMetadata === undefined ? undefined : annotationsOf(config)
  if (configMetadata !== undefined && configAnnotations !== undefined) {
    configMetadata.annotations = withoutKey(configAnnotations, lastAppliedAnnotation)
  }
  const recorded = configMetadata === undefined ? config : { ...config, metadata: configMetadata }
  const annotations: KubeMap = { ...annotationsOf(object), [lastAppliedAnnotation]: `${marshalJson(recorded)}\n` }
  let size = 0
  for (const [key, value] of Object.entries(annotations)) size += Buffer.byteLength(key) + Buffer.byteLength(typeof value === 'string' ? value : '')
  const kept = size > maxAnnotationsBytes ? withoutKey(annotations, lastAppliedAnnotation) : annotations
  return { ...object, metadata: { ...(object.metadata as KubeMap), annotations: kept } }
}
