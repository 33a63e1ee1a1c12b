// What decoding a JSON body into the Go types of the built-in kinds refuses, before any validation:
// kube-apiserver unmarshals into typed structs (sigs.k8s.io/json, a fork of encoding/json), so a
// label that is not a string, a ConfigMap value that is a number or Secret data that is not base64
// never reach validation. The messages are encoding/json's and encoding/base64's.
import { isKubeMap } from '@gitops-sdk/core'
import type { KubeMap, KubeObject, KubeValue } from '@gitops-sdk/core'
import { crdSchemaDecodeError } from './crdSchema/decode.js'
import type { DocumentText } from './crdSchema/decode.js'
import { jsonKind } from './jsonKind.js'

const isNewline = (c: string | undefined): boolean => c === '\n' || c === '\r'

/**
 * The byte offset `base64.StdEncoding.DecodeString` reports for `text` (`illegal base64 data at input
 * byte N`), or undefined when it decodes. Newlines are skipped and padding is required, as in Go.
 */
export function base64ErrorOffset(text: string): number | undefined {
  const n = text.length
  let si = 0
  for (;;) {
    let j = 0
    while (j < 4) {
      if (si === n) return j === 0 ? undefined : si - j
      const c = text[si] ?? ''
      si++
      if (isNewline(c)) continue
      if (/^[A-Za-z0-9+/]$/.test(c)) {
        j++
        continue
      }
      if (c !== '=' || j < 2) return si - 1
      if (j === 2) {
        while (si < n && isNewline(text[si])) si++
        if (si === n) return n
        if (text[si] !== '=') return si - 1
        si++
      }
      while (si < n && isNewline(text[si])) si++
      return si < n ? si : undefined
    }
  }
}

/** One decoding check: a map field whose values must all be strings (or base64 for bytes). */
interface MapField {
  readonly path: readonly string[]
  readonly goField: string
  readonly bytes: boolean
}

const metadataMaps: readonly MapField[] = [
  { path: ['metadata', 'labels'], goField: 'ObjectMeta.metadata.labels', bytes: false },
  { path: ['metadata', 'annotations'], goField: 'ObjectMeta.metadata.annotations', bytes: false },
]

const kindMaps: Readonly<Record<string, readonly MapField[]>> = {
  'v1/ConfigMap': [
    { path: ['data'], goField: 'ConfigMap.data', bytes: false },
    { path: ['binaryData'], goField: 'ConfigMap.binaryData', bytes: true },
  ],
  'v1/Secret': [
    { path: ['data'], goField: 'Secret.data', bytes: true },
    { path: ['stringData'], goField: 'Secret.stringData', bytes: false },
  ],
}

function at(object: KubeMap, path: readonly string[]): KubeValue | undefined {
  let current: KubeValue | undefined = object
  for (const part of path) {
    if (!isKubeMap(current) || !Object.hasOwn(current, part)) return undefined
    current = current[part]
  }
  return current
}

function mapError(value: KubeValue | undefined, field: MapField): string | undefined {
  if (value === undefined || value === null) return undefined
  const elementType = field.bytes ? '[]uint8' : 'string'
  if (!isKubeMap(value)) return `json: cannot unmarshal ${jsonKind(value)} into Go struct field ${field.goField} of type map[string]${elementType}`
  for (const entry of Object.values(value)) {
    if (entry === null) continue
    if (typeof entry !== 'string') return `json: cannot unmarshal ${jsonKind(entry)} into Go struct field ${field.goField} of type ${elementType}`
    if (field.bytes) {
      const offset = base64ErrorOffset(entry)
      if (offset !== undefined) return `illegal base64 data at input byte ${offset}`
    }
  }
  return undefined
}

/**
 * Why `object` (a built-in kind) cannot be decoded into its Go type, as encoding/json says it, or
 * undefined when it can. Only the string and byte maps the tests and demo write are checked, and the
 * fields of a CustomResourceDefinition's schemas (in the document order of `text`, the JSON text of
 * the body the object was parsed from, when there is one).
 */
export function typedDecodeError(object: KubeObject, text?: DocumentText): string | undefined {
  const map = object as unknown as KubeMap
  const fields = [...metadataMaps, ...(kindMaps[`${object.apiVersion}/${object.kind}`] ?? [])]
  for (const field of fields) {
    const error = mapError(at(map, field.path), field)
    if (error !== undefined) return error
  }
  // A CRD's metadata comes first in any body kube's clients send, so its errors are named first.
  if (object.apiVersion === 'apiextensions.k8s.io/v1' && object.kind === 'CustomResourceDefinition') return crdSchemaDecodeError(map, text)
  return undefined
}
