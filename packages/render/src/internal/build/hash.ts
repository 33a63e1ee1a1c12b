// The 10-character name suffix of generated ConfigMaps and Secrets, computed exactly as
// kustomize's hasher does: sha256 of a JSON encoding (Go's encoding/json, keys sorted, HTML
// characters escaped) of kind, name, type and data, hex, first 10 characters with 0,1,3,a,e
// replaced by g,h,k,m,t.
import { createHash } from 'node:crypto'
import type { KubeMap } from '@gitops-sdk/core'
import type { Value } from '../yaml/values.js'
import { getField, isMap, nodeText } from '../yaml/values.js'

/** Go's json.Marshal of a plain value: sorted keys, `<>&` and U+2028/9 escaped. */
export function goJson(v: Value | undefined): string {
  if (v === undefined || v === null) return 'null'
  if (typeof v === 'string') return goString(v)
  if (typeof v === 'number') return goNumber(v)
  if (typeof v === 'bigint') return v.toString()
  if (typeof v === 'boolean') return v ? 'true' : 'false'
  if (Array.isArray(v)) return `[${v.map((x) => goJson(x)).join(',')}]`
  const keys = Object.keys(v).sort()
  return `{${keys.map((k) => `${goString(k)}:${goJson(v[k])}`).join(',')}}`
}

function goString(s: string): string {
  return JSON.stringify(s).replace(/[<>&\u2028\u2029]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`)
}

function goNumber(n: number): string {
  if (!Number.isFinite(n)) return 'null'
  const abs = Math.abs(n)
  if (abs !== 0 && (abs < 1e-6 || abs >= 1e21)) {
    const [mant = '', exp = '0'] = n.toExponential().split('e')
    const e = Number(exp)
    return `${mant}e${e < 0 ? '-' : '+'}${String(Math.abs(e)).padStart(2, '0')}`
  }
  return String(n)
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
