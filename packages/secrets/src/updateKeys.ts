import { wrapKeyGroups } from './internal/dataKey.js'
import { writeMetadata } from './internal/metadata.js'
import { decryptLoaded, loadEncrypted, encryptedStoreFor, toBytes } from './internal/sopsFile.js'
import { groupsOf } from './encrypt.js'
import type { KeyGroup, KeyOptions, SopsFormat } from './types.js'

/** Options of {@link updateKeys}. */
export interface UpdateKeysOptions extends KeyOptions {
  /** The store of the file. */
  readonly format: SopsFormat
  /** The new age recipients of a single key group. */
  readonly recipients?: readonly string[] | undefined
  /** The new key groups instead of `recipients`. */
  readonly keyGroups?: readonly KeyGroup[] | undefined
  /** Key groups needed to decrypt. @defaultValue every group */
  readonly shamirThreshold?: number | undefined
  /** Where the input came from, named in errors. @defaultValue `'<input>'` */
  readonly source?: string | undefined
  /** Cancels the operation: it stops promptly and rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined
}

/**
 * Replaces the master keys of a sops file, as `sops updatekeys` does: the same data key is wrapped
 * for the new recipients (split anew with several key groups); values, `mac` and `lastmodified`
 * stay as they are. The file is decrypted first so that its MAC is verified.
 *
 * @throws the codes of {@link decrypt}, `SOPS_RECIPIENT_INVALID`, `SOPS_KEY_PROVIDER_MISSING`.
 * @example
 * ```ts
 * const updated = await updateKeys(text, { format: 'yaml', identities, recipients: [alice, bob] })
 * ```
 */
export async function updateKeys(encrypted: string | Uint8Array, options: UpdateKeysOptions): Promise<string> {
  const source = options.source ?? '<input>'
  const store = encryptedStoreFor(options.format, source)
  const groups = groupsOf(options, 'updateKeys')
  const bytes = toBytes(encrypted)
  const { dataKey } = await decryptLoaded(loadEncrypted(bytes, options.format, source), options, source)
  const keyGroups = await wrapKeyGroups(dataKey, groups, { threshold: options.shamirThreshold, keyProviders: options.keyProviders, signal: options.signal })
  const original = loadEncrypted(bytes, options.format, source)
  const metadata = {
    ...original.metadata,
    keyGroups,
    inKeyGroups: groups.length > 1,
    shamirThreshold: groups.length > 1 ? (options.shamirThreshold ?? groups.length) : undefined,
  }
  return new TextDecoder().decode(store.emit(store.insert(original.branches, writeMetadata(metadata))))
}
