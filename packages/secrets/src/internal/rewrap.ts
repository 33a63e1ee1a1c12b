// Re-wrapping a data key for a file's existing master keys (rotate) or for new ones (update keys).
import { SopsError } from '../errors.js'
import type { KeyProvider, MasterKeyEntry } from '../types.js'
import { wrapForAge } from './dataKey.js'
import type { KeyGroupData } from './metadata.js'
import { splitSecret } from './shamir.js'

export interface RewrapOptions {
  readonly keyProviders?: readonly KeyProvider[] | undefined
  readonly signal?: AbortSignal | undefined
  readonly source: string
}

/** Wraps `dataKey` for every entry of the given groups (age by recipient, others through their provider). */
export async function rewrapExisting(
  dataKey: Uint8Array,
  groups: readonly KeyGroupData[],
  options: RewrapOptions & { readonly threshold?: number | undefined },
): Promise<KeyGroupData[]> {
  const parts = groups.length > 1 ? splitSecret(dataKey, groups.length, options.threshold ?? groups.length) : [dataKey]
  const out: KeyGroupData[] = []
  for (const [i, group] of groups.entries()) {
    const part = parts[i] ?? dataKey
    const data = new Map<string, MasterKeyEntry[]>()
    for (const [type, entries] of group) {
      const wrapped: MasterKeyEntry[] = []
      for (const entry of entries) {
        options.signal?.throwIfAborted()
        if (type === 'age') {
          wrapped.push(await wrapForAge(part, entry.recipient ?? ''))
          continue
        }
        const provider = options.keyProviders?.find((p) => p.type === type && p.wrap !== undefined)
        if (provider?.wrap === undefined) {
          throw new SopsError({
            code: 'SOPS_KEY_PROVIDER_MISSING',
            message: `${options.source}: key group ${i + 1} has ${type} keys and no key provider can wrap them`,
            details: { source: options.source, type },
          })
        }
        wrapped.push(await provider.wrap(part, entry, { signal: options.signal }))
      }
      if (wrapped.length > 0) data.set(type, wrapped)
    }
    out.push(data)
  }
  return out
}

