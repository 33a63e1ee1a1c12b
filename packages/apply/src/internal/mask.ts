// Secret values never leave a diff in clear: each becomes `***` with a short keyed hash, so a
// reader sees that a value changed (the hashes differ) without learning it. The key is random per
// diff unless the caller fixes it, so hashes cannot be looked up in a dictionary across reports.
import { createHmac, randomBytes } from 'node:crypto'
import { isKubeMap, splitApiVersion } from '@gitops-sdk/core'
import type { KubeObject, KubeValue } from '@gitops-sdk/core'

const LAST_APPLIED = 'kubectl.kubernetes.io/last-applied-configuration'

/** Masks one value: `*** (h:0a1b2c3d4e5f)`. */
export function maskValue(value: KubeValue, key: string): string {
  const text = typeof value === 'string' ? value : JSON.stringify(typeof value === 'bigint' ? value.toString() : value)
  return `*** (h:${createHmac('sha256', key).update(text).digest('hex').slice(0, 12)})`
}

/** A fresh random masking key. */
export function maskKey(): string {
  return randomBytes(16).toString('hex')
}

/** Whether the object is a Secret. */
export function isSecret(object: KubeObject): boolean {
  return object.kind === 'Secret' && splitApiVersion(object.apiVersion).group === ''
}

/**
 * A copy of a Secret with every `data` and `stringData` value masked, and kubectl's
 * last-applied-configuration annotation (which holds the data too); other objects unchanged.
 */
export function maskSecret(object: KubeObject, key: string): KubeObject {
  if (!isSecret(object)) return object
  const copy: KubeObject = { ...object, metadata: { ...object.metadata } }
  for (const field of ['data', 'stringData'] as const) {
    const values = object[field]
    if (isKubeMap(values)) copy[field] = Object.fromEntries(Object.entries(values).map(([k, v]) => [k, maskValue(v, key)]))
  }
  const annotations = object.metadata.annotations
  if (annotations?.[LAST_APPLIED] !== undefined) copy.metadata.annotations = { ...annotations, [LAST_APPLIED]: maskValue(annotations[LAST_APPLIED], key) }
  return copy
}
