// The shared sops conformance vectors (../shared/conformance/sops): their index and keys.
import { readFileSync } from 'node:fs'
import { join } from 'node:path'
import { parseIdentities } from '../../src/parseIdentities.js'
import type { AgeIdentity, SopsFormat } from '../../src/types.js'
import { sharedPath } from '../../../../testing/sharedDir.js'

export interface TypedLeaf {
  readonly path: (string | number)[]
  readonly type: string
  readonly value: unknown
}

export interface Vector {
  readonly id: string
  readonly file: string
  readonly format: SopsFormat
  readonly key_files: string[]
  readonly key_file_passphrase?: string
  readonly expect: 'success' | 'failure'
  readonly error_class?: string
  readonly expected?: { data: unknown; typed_leaves: TypedLeaf[]; text: string | null; mac: string }
}

export const vectorsDir: string | undefined = ((): string | undefined => {
  const dir = sharedPath('conformance/sops')
  return dir === undefined ? undefined : join(dir, 'vectors')
})()

export function loadVectors(): Vector[] {
  if (vectorsDir === undefined) return []
  return (JSON.parse(readFileSync(join(vectorsDir, 'index.json'), 'utf8')) as { vectors: Vector[] }).vectors
}

export function vectorBytes(file: string): Uint8Array {
  return new Uint8Array(readFileSync(join(vectorsDir ?? '', file)))
}

export async function vectorIdentities(v: Pick<Vector, 'key_files' | 'key_file_passphrase'>): Promise<AgeIdentity[]> {
  const out: AgeIdentity[] = []
  for (const f of v.key_files) {
    out.push(...(await parseIdentities(readFileSync(join(vectorsDir ?? '', f), 'utf8'), { source: f, passphrase: v.key_file_passphrase })))
  }
  return out
}

/** The error class names of index.json, as the codes this package throws. */
export const ERROR_CODES: Record<string, string> = {
  'no-matching-key': 'SOPS_NO_MATCHING_KEY',
  'shamir-threshold-not-met': 'SOPS_SHAMIR_THRESHOLD_NOT_MET',
  'value-auth-failed': 'SOPS_VALUE_AUTH_FAILED',
  'bad-value-format': 'SOPS_BAD_VALUE_FORMAT',
  'mac-mismatch': 'SOPS_MAC_MISMATCH',
  'mac-undecryptable': 'SOPS_MAC_UNDECRYPTABLE',
  'metadata-invalid': 'SOPS_METADATA_INVALID',
  'metadata-not-found': 'SOPS_METADATA_NOT_FOUND',
}
