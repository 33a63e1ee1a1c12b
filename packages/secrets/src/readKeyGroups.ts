import { loadEncrypted, toBytes } from './internal/sopsFile.js'
import type { KeyGroup, MasterKeyEntry, SopsFormat } from './types.js'

/** Options of {@link readKeyGroups}. */
export interface ReadKeyGroupsOptions {
  /** The store of the file. */
  readonly format: SopsFormat
  /** Where the input came from, named in errors. @defaultValue `'<input>'` */
  readonly source?: string | undefined
}

/** How each master key type names its key, as the `.sops.yaml` field that would name it. */
function keyName(list: string, entry: MasterKeyEntry): string {
  switch (list) {
    case 'pgp':
      return entry.fp ?? ''
    case 'kms':
      return entry.arn ?? ''
    case 'gcp_kms':
      return entry.resource_id ?? ''
    case 'hckms':
      return entry.key_id ?? ''
    case 'azure_kv':
      return `${entry.vault_url ?? ''}/keys/${entry.name ?? ''}/${entry.version ?? ''}`
    case 'hc_vault':
      return `${entry.vault_address ?? ''}/v1/${entry.engine_path ?? ''}/keys/${entry.key_name ?? ''}`
    default:
      return Object.entries(entry)
        .filter(([k]) => k !== 'enc' && k !== 'created_at')
        .map(([k, v]) => `${k}=${v}`)
        .join(',')
  }
}

/**
 * Lists the master keys of a sops file without decrypting it: per key group, the age recipients and
 * the other keys by metadata list (`pgp` fingerprints, `kms` ARNs, …), in the shape
 * {@link encrypt} and {@link updateKeys} take, so that a caller can show what `updateKeys` would
 * change (as `sops updatekeys` does before it asks).
 *
 * @throws `SOPS_METADATA_NOT_FOUND`, `SOPS_METADATA_INVALID`, `SOPS_INPUT_INVALID`.
 * @example
 * ```ts
 * const [group] = readKeyGroups(await readFile('db.enc.yaml'), { format: 'yaml' })
 * console.log(group?.age) // ['age1…']
 * ```
 */
export function readKeyGroups(encrypted: string | Uint8Array, options: ReadKeyGroupsOptions): KeyGroup[] {
  const source = options.source ?? '<input>'
  const { metadata } = loadEncrypted(toBytes(encrypted), options.format, source)
  return metadata.keyGroups.map((group) => {
    const age: string[] = []
    const other: Record<string, string[]> = Object.create(null) as Record<string, string[]>
    for (const [list, entries] of group) {
      if (list === 'age') age.push(...entries.map((e) => e.recipient ?? ''))
      else other[list] = entries.map((e) => keyName(list, e))
    }
    return Object.keys(other).length === 0 ? { age } : { age, other: { ...other } }
  })
}
