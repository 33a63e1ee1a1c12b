// Decodes plain YAML values into typed configuration the way kustomize does (YAML → JSON →
// encoding/json with DisallowUnknownFields): field names match case-insensitively, null leaves
// the zero value, wrong types and (when strict) unknown fields are errors.
import type { KubeValue } from '@gitops-sdk/core'
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
}

/** Decodes `value` as `shape`; `path` names the field in error messages. */
export function decode(value: KubeValue | undefined, shape: Shape, options: DecodeOptions & { readonly path?: string }): unknown {
  const path = options.path ?? ''
  if (value === undefined || value === null) return undefined
  if (typeof shape === 'string') return decodeLeaf(value, shape, path)
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

function decodeLeaf(value: KubeValue, shape: Exclude<Shape, object>, path: string): unknown {
  switch (shape) {
    case 'any':
      return value
    case 'string':
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
      return value.map((v, i) => {
        if (v === null) return ''
        if (typeof v !== 'string') throw typeError(`${path}[${i}]`, 'a string', v)
        return v
      })
    case 'stringMap':
    case 'boolMap': {
      if (!isMap(value)) throw typeError(path, 'a mapping', value)
      const out = new Map<string, string | boolean>()
      for (const [k, v] of Object.entries(value)) {
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
