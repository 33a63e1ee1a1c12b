// The 10-character name suffix of generated ConfigMaps and Secrets, computed exactly as
// kustomize's hasher does: sha256 of a JSON encoding (Go's encoding/json, keys sorted, HTML
// characters escaped) of kind, name, type and data, hex, first 10 characters with 0,1,3,a,e
// replaced by g,h,k,m,t.
import { createHash } from 'node:crypto'
import type { KubeMap } from '@gitops-sdk/core'
import { marshalJson } from '@gitops-sdk/core/go'
import { stepError } from './fail.js'
import type { Value } from '../yaml/values.js'
import { getField, isMap, nodeText } from '../yaml/values.js'

/** Go's json.Marshal of a plain value: sorted keys, `<>&` and U+2028/9 escaped (core's rule). */
export function goJson(v: Value | undefined): string {
  try {
    return marshalJson(v ?? null)
  } catch (err) {
    // encoding/json refuses NaN and infinities, and so does kustomize's hasher.
    if (err instanceof RangeError) throw stepError('RENDER_TRANSFORM_FAILED', `json: unsupported value: ${err.message}`)
    throw err
  }
}

function nodeValue(obj: KubeMap, path: string): Value {
  const v = getField(obj, path)
  if (v === undefined) return ''
  if (isMap(v) || Array.isArray(v)) return v
  return nodeText(v)
}

/** kustomize's encode: the first 10 hex digits with a few letters swapped. */
export function encodeHash(hex: string): string {
  const map: Readonly<Record<string, string>> = { '0': 'g', '1': 'h', '3': 'k', a: 'm', e: 't' }
  return Array.from(hex.slice(0, 10), (c) => map[c] ?? c).join('')
}

/** The hash suffix of a ConfigMap or Secret (or of any other object, kustomize's default). */
export function hashOf(obj: KubeMap): string {
  const kind = nodeText(getField(obj, 'kind'))
  // kustomize looks the name up as one field literally called "metadata/name", which never
  // exists: the name takes no part in the hash.
  const name = ''
  let encoded: string
  if (kind === 'ConfigMap') {
    const m: KubeMap = { kind: 'ConfigMap', name, data: nodeValue(obj, 'data') }
    const bd = getField(obj, 'binaryData')
    if (isMap(bd)) m.binaryData = bd
    encoded = goJson(m)
  } else if (kind === 'Secret') {
    const m: KubeMap = { kind: 'Secret', type: nodeValue(obj, 'type'), name, data: nodeValue(obj, 'data') }
    const sd = getField(obj, 'stringData')
    if (isMap(sd)) m.stringData = sd
    encoded = goJson(m)
  } else {
    encoded = goJson(obj)
  }
  return encodeHash(createHash('sha256').update(encoded).digest('hex'))
}
