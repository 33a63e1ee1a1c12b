// How sops turns a typed scalar into the bytes it hashes and encrypts, and back (FORMAT.md §3).
import { formatFloat, formatRfc3339Nano, parseBool, parseFloat64, parseInt64, parseRfc3339 } from '@gitops-sdk/core/go'
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
      return encoder.encode(formatFloat(scalar.value, 'f'))
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
      // strconv.Atoi, as sops reads an int back.
      const v = parseInt64(decoder.decode(bytes), 10)
      return v === undefined ? undefined : { kind: 'int', value: v }
    }
    case 'float': {
      // strconv.ParseFloat: a range error (`1e400`) fails as in sops.
      const v = parseFloat64(decoder.decode(bytes))
      return v === undefined ? undefined : { kind: 'float', value: v }
    }
    case 'bool': {
      const v = parseBool(decoder.decode(bytes))
      return v === undefined ? undefined : { kind: 'bool', value: v }
    }
    case 'time': {
      const t = parseRfc3339(decoder.decode(bytes))
      return t === undefined ? undefined : { kind: 'time', value: formatRfc3339Nano(t) }
    }
    default:
      return undefined
  }
}
