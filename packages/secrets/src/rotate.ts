import { randomBytes } from 'node:crypto'
import type { Clock } from '@gitops-sdk/core/light'
import type { KeyGroupData, Metadata } from './internal/metadata.js'
import { rewrapExisting } from './internal/rewrap.js'
import { decryptLoaded, lastModified, loadEncrypted, sealBranches, encryptedStoreFor, toBytes } from './internal/sopsFile.js'
import type { KeyOptions, SopsFormat } from './types.js'

/** Options of {@link rotate}. */
export interface RotateOptions extends KeyOptions {
  /** The store of the file. */
  readonly format: SopsFormat
  /** age recipients to add to the first key group. */
  readonly addRecipients?: readonly string[] | undefined
  /** age recipients to remove from every key group. */
  readonly removeRecipients?: readonly string[] | undefined
  /** Where `lastmodified` comes from. @defaultValue the system clock */
  readonly clock?: Pick<Clock, 'now'> | undefined
  /** Where the input came from, named in errors. @defaultValue `'<input>'` */
  readonly source?: string | undefined
  /** Cancels the operation: it stops promptly and rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined
}

function editGroups(groups: readonly KeyGroupData[], add: readonly string[], remove: readonly string[]): KeyGroupData[] {
  const drop = new Set(remove.map((r) => r.trim()))
  return groups.map((group, i) => {
    const next = new Map(group)
    const age = (group.get('age') ?? []).filter((e) => !drop.has(e.recipient ?? ''))
    if (i === 0) for (const r of add) if (!age.some((e) => e.recipient === r.trim())) age.push({ recipient: r.trim() })
    if (age.length > 0) next.set('age', age)
    else next.delete('age')
    return next
  })
}

/**
 * Rotates the data key of a sops file, as `sops rotate` does: decrypts it (MAC verified),
 * optionally adds or removes age recipients, then re-encrypts every value under a new data key
 * wrapped for all master keys, with a new `lastmodified` and MAC. Comments and the rule are kept.
 *
 * @throws the codes of {@link decrypt}, `SOPS_RECIPIENT_INVALID`, `SOPS_KEY_PROVIDER_MISSING`
 * (non-age keys without a provider that can wrap).
 * @example
 * ```ts
 * const rotated = await rotate(await readFile('secret.enc.yaml'), { format: 'yaml', identities })
 * ```
 */
export async function rotate(encrypted: string | Uint8Array, options: RotateOptions): Promise<string> {
  const source = options.source ?? '<input>'
  const store = encryptedStoreFor(options.format, source)
  const loaded = loadEncrypted(toBytes(encrypted), options.format, source)
  const { branches } = await decryptLoaded(loaded, { ...options, raw: options.format === 'binary' }, source)
  const groups = editGroups(loaded.metadata.keyGroups, options.addRecipients ?? [], options.removeRecipients ?? [])
  if (groups.some((g) => g.size === 0)) throw new TypeError(`rotate: ${source}: removing those recipients would leave a key group empty`)
  const dataKey = randomBytes(32)
  const keyGroups = await rewrapExisting(dataKey, groups, { ...options, source, threshold: loaded.metadata.shamirThreshold })
  const metadata: Metadata = {
    ...loaded.metadata,
    keyGroups,
    lastModified: lastModified((options.clock ?? { now: () => new Date() }).now()),
  }
  return new TextDecoder().decode(store.emit(sealBranches(branches, metadata, { dataKey, store, source })))
}
