// The keys each Secret type requires, as core's ValidateSecret of Kubernetes 1.32 checks them, with
// Go's encoding/json messages for docker config contents that are not a JSON object. The contents are
// never quoted: kube-apiserver prints `<secret contents redacted>` in their place.
import type { KubeObject } from '@gitops-sdk/core'
import { isKubeMap } from '@gitops-sdk/core'
import { getOwn, hasOwn } from '../../../ssa/ownKeys.js'
import type { FieldError } from '../../../status.js'

const REDACTED = '<secret contents redacted>'

/** Go's quoteChar for a character in a syntax error. */
function quoteChar(c: string): string {
  if (c === "'") return "'\\''"
  if (c === '"') return `'"'`
  const quoted = JSON.stringify(c)
  return `'${quoted.slice(1, -1)}'`
}

/** The error Go's json.Unmarshal gives for `text` into a map[string]interface{}, or undefined. */
export function goJsonObjectError(text: string): string | undefined {
  const trimmed = text.trim()
  if (trimmed === '') return 'unexpected end of JSON input'
  const first = trimmed[0] ?? ''
  if (!/[[{"\-0-9tfn]/.test(first)) return `invalid character ${quoteChar(first)} looking for beginning of value`
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (err) {
    const message = err instanceof Error ? err.message : ''
    if (/end of JSON input|Unterminated/i.test(message)) return 'unexpected end of JSON input'
    const at = /position (\d+)/.exec(message)
    const token = /Unexpected token '(.)'/u.exec(message)
    const c = at !== null ? (text[Number(at[1])] ?? first) : token !== null ? (token[1] ?? first) : first
    return `invalid character ${quoteChar(c)} looking for beginning of value`
  }
  if (value === null || (typeof value === 'object' && !Array.isArray(value))) return undefined
  const kind = Array.isArray(value) ? 'array' : typeof value === 'boolean' ? 'bool' : typeof value
  return `json: cannot unmarshal ${kind} into Go value of type map[string]interface {}`
}

const decoded = (object: KubeObject, key: string): string => {
  const data = isKubeMap(object.data) ? object.data : {}
  const value = getOwn(data, key)
  return typeof value === 'string' ? Buffer.from(value, 'base64').toString('utf8') : ''
}

/** Field errors of a Secret's type-specific required keys. */
export function secretTypeErrors(object: KubeObject): FieldError[] {
  const errors: FieldError[] = []
  const data = isKubeMap(object.data) ? object.data : {}
  const has = (key: string): boolean => hasOwn(data, key)
  const annotations = isKubeMap(object.metadata.annotations) ? object.metadata.annotations : {}
  const dockerConfig = (key: string): void => {
    if (!has(key)) {
      errors.push({ type: 'Required', field: `data[${key}]` })
      return
    }
    const problem = goJsonObjectError(decoded(object, key))
    if (problem !== undefined) errors.push({ type: 'Invalid', field: `data[${key}]`, value: REDACTED, detail: problem })
  }
  switch (typeof object.type === 'string' ? object.type : '') {
    case 'kubernetes.io/service-account-token': {
      const name = getOwn(annotations, 'kubernetes.io/service-account.name')
      if (typeof name !== 'string' || name === '') errors.push({ type: 'Required', field: 'metadata.annotations[kubernetes.io/service-account.name]' })
      break
    }
    case 'kubernetes.io/dockercfg':
      dockerConfig('.dockercfg')
      break
    case 'kubernetes.io/dockerconfigjson':
      dockerConfig('.dockerconfigjson')
      break
    case 'kubernetes.io/basic-auth':
      if (!has('username') && !has('password')) {
        errors.push({ type: 'Required', field: 'data[username]' }, { type: 'Required', field: 'data[password]' })
      }
      break
    case 'kubernetes.io/ssh-auth':
      if (decoded(object, 'ssh-privatekey') === '') errors.push({ type: 'Required', field: 'data[ssh-privatekey]' })
      break
    case 'kubernetes.io/tls':
      if (!has('tls.crt')) errors.push({ type: 'Required', field: 'data[tls.crt]' })
      if (!has('tls.key')) errors.push({ type: 'Required', field: 'data[tls.key]' })
      break
    default:
      break
  }
  return errors
}
