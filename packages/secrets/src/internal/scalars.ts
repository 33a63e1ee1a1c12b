import { formatFloatF, formatTimeNano, parseGoBool, parseGoFloat, parseGoInt, parseRfc3339 } from './goFormat.js'
import type { Scalar } from './tree.js'

const encoder = new TextEncoder()
const decoder = new TextDecoder()
const strictDecoder = new TextDecoder('utf-8', { fatal: true })

/** The sops `type` tag written for a scalar when it is encrypted. */
export type ValueType = 'str' | 'int' | 'float' | 'bool' | 'time' | 'bytes' | 'comment'

/**
 * The bytes sops hashes into the MAC and encrypts for a scalar (sops `ToBytes`): strings as their
 * bytes, ints in decimal, floats as Go `'f', -1`, bools as `True`/`False`, times as RFC 3339 nano.
 */
export function scalarBytes(scalar: Exclude<Scalar, { kind: 'null' }>): Uint8Array {
  switch (scalar.kind) {
    case 'str':
      return encoder.encode(scalar.value)
    case 'bytes':
      return scalar.value
    case 'int':
      return encoder.encode(scalar.value.toString())
    case 'float':
      return encoder.encode(formatFloatF(scalar.value))
    case 'bool':
      return encoder.encode(scalar.value ? 'True' : 'False')
    case 'time':
      return encoder.encode(scalar.value)
  }
}

/** The `type` tag sops writes for a scalar (`bytes` are written as `str`, as sops does for the binary store). */
export function scalarType(scalar: Exclude<Scalar, { kind: 'null' }>): ValueType {
  return scalar.kind === 'bytes' ? 'str' : scalar.kind
}

/** A `str` plaintext: a Go string holds any bytes, so one that is not UTF-8 stays bytes (and hashes as such). */
function strOf(bytes: Uint8Array): Scalar {
  try {
    return { kind: 'str', value: strictDecoder.decode(bytes) }
  } catch {
    return { kind: 'bytes', value: bytes }
  }
}

/**
 * Decodes decrypted plaintext of the given type (sops `Cipher.Decrypt`). `raw` keeps a `str` as
 * bytes (the binary store). Undefined when the text is not valid for its type.
 */
export function decodePlaintext(type: string, bytes: Uint8Array, raw: boolean): Scalar | undefined {
  switch (type) {
    case 'str':
      return raw ? { kind: 'bytes', value: bytes } : strOf(bytes)
    case 'bytes':
      return { kind: 'bytes', value: bytes }
    case 'int': {
      const v = parseGoInt(decoder.decode(bytes))
      return v === undefined ? undefined : { kind: 'int', value: v }
    }
    case 'float': {
      const v = parseGoFloat(decoder.decode(bytes))
      return v === undefined ? undefined : { kind: 'float', value: v }
    }
    case 'bool': {
      const v = parseGoBool(decoder.decode(bytes))
      return v === undefined ? undefined : { kind: 'bool', value: v }
    }
    case 'time': {
      const t = parseRfc3339(decoder.decode(bytes))
      return t === undefined ? undefined : { kind: 'time', value: formatTimeNano(t) }
    }
    default:
      return undefined
  }
}
