// Scalars of sops' YAML store: go-yaml v3's resolution (core's) turned into the typed values sops
// holds, and Go strings of bytes that may not be UTF-8.
import { resolveScalar } from '@gitops-sdk/core/yaml'
import type { ResolvedScalar } from '@gitops-sdk/core/yaml'
import type { Scalar } from '../tree.js'

const strictDecoder = new TextDecoder('utf-8', { fatal: true })

/** A Go string of arbitrary bytes: text when it is valid UTF-8, otherwise the bytes themselves. */
export function goString(bytes: Uint8Array): Scalar {
  try {
    return { kind: 'str', value: strictDecoder.decode(bytes) }
  } catch {
    return { kind: 'bytes', value: bytes }
  }
}

/**
 * A resolved scalar as sops holds it. `!!binary` becomes a Go string holding the decoded bytes, so
 * sops encrypts it as type `str` and prints it back as a plain string (or as `!!binary` again when
 * the bytes are not UTF-8).
 */
export function sopsScalar(r: ResolvedScalar): Scalar {
  switch (r.tag) {
    case '!!null':
      return { kind: 'null' }
    case '!!bool':
      return { kind: 'bool', value: r.value }
    case '!!int':
      return { kind: 'int', value: r.value }
    case '!!float':
      return { kind: 'float', value: r.value }
    case '!!timestamp':
      return { kind: 'time', value: r.value }
    case '!!str':
      return { kind: 'str', value: r.value }
    case '!!binary':
      return goString(r.value)
  }
}

/** The typed value go-yaml v3 gives a plain (untagged) scalar. */
export function resolvePlain(text: string): Scalar {
  return sopsScalar(resolveScalar(text))
}
