// The keys of ConfigMap and Secret data, validated as pkg/apis/core/validation does (ValidateConfigMap,
// ValidateSecret with apimachinery's IsConfigMapKey): a key is `[-._a-zA-Z0-9]+`, at most 253
// characters, not `.` or `..` and not starting with `..`; a ConfigMap key may not be in both `data` and
// `binaryData`; the data of either kind may not exceed 1 MiB.
import { isKubeMap } from '@gitops-sdk/core'
import type { KubeObject } from '@gitops-sdk/core'
import type { FieldError } from '../../status.js'

const MAX_DATA_BYTES = 1024 * 1024

/** apimachinery's RegexError text with its examples. */
const keyFormatError =
  "a valid config key must consist of alphanumeric characters, '-', '_' or '.' (e.g. 'key.name',  or 'KEY_NAME',  or 'key-name', regex used for validation is '[-._a-zA-Z0-9]+')"

/** What IsConfigMapKey says about `key`. */
export function configMapKeyErrors(key: string): string[] {
  const errors: string[] = []
  if (key.length > 253) errors.push('must be no more than 253 characters')
  if (!/^[-._a-zA-Z0-9]+$/.test(key)) errors.push(keyFormatError)
  if (key === '.') errors.push("must not be '.'")
  else if (key === '..') errors.push("must not be '..'")
  else if (key.startsWith('..')) errors.push("must not start with '..'")
  return errors
}

function keysOf(value: unknown): string[] {
  return isKubeMap(value) ? Object.keys(value) : []
}

function size(value: unknown, bytes: boolean): number {
  if (!isKubeMap(value)) return 0
  let total = 0
  for (const v of Object.values(value)) if (typeof v === 'string') total += bytes ? Buffer.from(v, 'base64').length : Buffer.byteLength(v)
  return total
}

/** Field errors of a ConfigMap's data and binaryData keys and size. */
export function validateConfigMapData(object: KubeObject): FieldError[] {
  const errors: FieldError[] = []
  const data = keysOf(object.data)
  const binary = keysOf(object.binaryData)
  for (const key of data) {
    for (const detail of configMapKeyErrors(key)) errors.push({ type: 'Invalid', field: `data[${key}]`, value: key, detail })
    if (binary.includes(key)) errors.push({ type: 'Invalid', field: `data[${key}]`, value: key, detail: 'duplicate of key present in binaryData' })
  }
  for (const key of binary) {
    for (const detail of configMapKeyErrors(key)) errors.push({ type: 'Invalid', field: `binaryData[${key}]`, value: key, detail })
    if (data.includes(key)) errors.push({ type: 'Invalid', field: `binaryData[${key}]`, value: key, detail: 'duplicate of key present in data' })
  }
  if (size(object.data, false) + size(object.binaryData, true) > MAX_DATA_BYTES) {
    errors.push({ type: 'TooLong', field: '', detail: `may not be more than ${MAX_DATA_BYTES} bytes` })
  }
  return errors
}

/** Field errors of a Secret's data keys and size (stringData is already merged into data). */
export function validateSecretData(object: KubeObject): FieldError[] {
  const errors: FieldError[] = []
  for (const key of keysOf(object.data)) {
    for (const detail of configMapKeyErrors(key)) errors.push({ type: 'Invalid', field: `data[${key}]`, value: key, detail })
  }
  if (size(object.data, true) > MAX_DATA_BYTES) errors.push({ type: 'TooLong', field: 'data', detail: `may not be more than ${MAX_DATA_BYTES} bytes` })
  return errors
}
