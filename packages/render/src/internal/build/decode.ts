// Decodes plain YAML values into typed configuration the way kustomize does (YAML → JSON →
// encoding/json with DisallowUnknownFields): field names match case-insensitively, null leaves
// the zero value, wrong types and (when strict) unknown fields are errors.
import type { KubeValue } from '@gitops-sdk/core'
import { formatFloat } from '@gitops-sdk/core/go'
import { stepError } from './fail.js'
import { isMap } from '../yaml/values.js'

export type Shape =
  | 'string'
  | 'bool'
  | 'int'
  | 'strings'
  | 'stringMap'
  | 'boolMap'
  | 'any'
  | { readonly object: Readonly<Record<string, Shape>> }
  | { readonly array: Shape }

export interface DecodeOptions {
  /** Refuse fields the shape does not know. */
  readonly strict: boolean
  /**
   * Take numbers and booleans in string fields as their text, as sigs.k8s.io/yaml does when it
   * decodes a builtin plugin's configuration (kustomization files are decoded without it).
   */
  readonly scalarsAsStrings?: boolean | undefined
}

const INT64_MIN = -(2n ** 63n)
const UINT64_MAX = 2n ** 64n - 1n

/**
 * A number or boolean as sigs.k8s.io/yaml writes it into a string field after kustomize's JSON
 * round trip: integers (and floats JSON writes without a fraction) in decimal, other floats with
 * strconv.FormatFloat(f, 'g', -1, 32), booleans as `true`/`false`. Undefined for anything else.
 */
function scalarText(value: KubeValue): string | undefined {
  if (typeof value === 'boolean') return value ? 'true' : 'false'
  if (typeof value === 'bigint') return value >= INT64_MIN && value <= UINT64_MAX ? value.toString() : formatFloat(Number(value), 'g', 32)
  if (typeof value !== 'number') return undefined
  if (Number.isInteger(value) && Math.abs(value) < 1e21) {
    const big = BigInt(value)
    if (big >= INT64_MIN && big <= UINT64_MAX) return big.toString()
  }
  const text = formatFloat(value, 'g', 32)
  return text === '+Inf' ? '.inf' : text === '-Inf' ? '-.inf' : text === 'NaN' ? '.nan' : text
}

/** Decodes `value` as `shape`; `path` names the field in error messages. */
export function decode(value: KubeValue | undefined, shape: Shape, options: DecodeOptions & { readonly path?: string }): unknown {
  const path = options.path ?? ''
  if (value === undefined || value === null) return undefined
  if (typeof shape === 'string') return decodeLeaf(value, shape, { path, asStrings: options.scalarsAsStrings === true })
  if ('array' in shape) {
    if (!Array.isArray(value)) throw typeError(path, 'a list', value)
    return value.map((v, i) => decode(v, shape.array, { ...options, path: `${path}[${i}]` }) ?? zeroOf(shape.array))
  }
  if (!isMap(value)) throw typeError(path, 'a mapping', value)
  const out: Record<string, unknown> = {}
  const fields = Object.keys(shape.object)
  for (const key of Object.keys(value)) {
    const name = fields.find((f) => f === key) ?? fields.find((f) => f.toLowerCase() === key.toLowerCase())
    if (name === undefined) {
      if (options.strict) throw stepError('RENDER_KUSTOMIZATION_INVALID', `unknown field "${join(path, key)}"`)
      continue
    }
    const decoded = decode(value[key], shape.object[name] as Shape, { ...options, path: join(path, name) })
    if (decoded !== undefined) out[name] = decoded
  }
  return out
}

function join(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`
}

function zeroOf(shape: Shape): unknown {
  if (shape === 'string') return ''
  if (shape === 'bool') return false
  if (shape === 'int') return 0
  return undefined
}

function decodeLeaf(value: KubeValue, shape: Exclude<Shape, object>, at: { readonly path: string; readonly asStrings: boolean }): unknown {
  const { path, asStrings } = at
  const text = (v: KubeValue): KubeValue => (asStrings && typeof v !== 'string' ? (scalarText(v) ?? v) : v)
  switch (shape) {
    case 'any':
      return value
    case 'string':
      value = text(value)
      if (typeof value !== 'string') throw typeError(path, 'a string', value)
      return value
    case 'bool':
      if (typeof value !== 'boolean') throw typeError(path, 'a boolean', value)
      return value
    case 'int':
      if (typeof value === 'bigint') return Number(value)
      if (typeof value !== 'number' || !Number.isInteger(value)) throw typeError(path, 'an integer', value)
      return value
    case 'strings':
      if (!Array.isArray(value)) throw typeError(path, 'a list of strings', value)
      return value.map((v0, i) => {
        if (v0 === null) return ''
        const v = text(v0)
        if (typeof v !== 'string') throw typeError(`${path}[${i}]`, 'a string', v)
        return v
      })
    case 'stringMap':
    case 'boolMap': {
      if (!isMap(value)) throw typeError(path, 'a mapping', value)
      const out = new Map<string, string | boolean>()
      for (const [k, v0] of Object.entries(value)) {
        const v = shape === 'stringMap' ? text(v0) : v0
        if (v === null) {
          out.set(k, shape === 'stringMap' ? '' : false)
          continue
        }
        if (shape === 'stringMap' && typeof v !== 'string') throw typeError(`${path}.${k}`, 'a string', v)
        if (shape === 'boolMap' && typeof v !== 'boolean') throw typeError(`${path}.${k}`, 'a boolean', v)
        out.set(k, v as string | boolean)
      }
      return out
    }
  }
}

function typeError(path: string, want: string, got: KubeValue): Error {
  const what = Array.isArray(got) ? 'a list' : isMap(got) ? 'a mapping' : typeof got === 'string' ? 'a string' : typeof got === 'boolean' ? 'a boolean' : 'a number'
  return stepError('RENDER_KUSTOMIZATION_INVALID', `field ${path === '' ? '(root)' : path} must be ${want}, not ${what}`)
}
