import type { KubeMap } from '@gitops-sdk/core'
import { SopsError } from './errors.js'
import { recoverDataKey } from './internal/dataKey.js'
import { isKubeMap } from '@gitops-sdk/core/light'
import { readMetadata } from './internal/metadata.js'
import { asMap, fromPlain, sortedKeys, toPlain } from './internal/plainTree.js'
import { decryptLoaded, fromMetadataNode } from './internal/sopsFile.js'
import { getEntry } from './internal/tree.js'
import type { MapNode } from './internal/tree.js'
import type { KeyOptions } from './types.js'

/** Options of {@link decryptObject}. */
export interface DecryptObjectOptions extends KeyOptions {
  /** What the tree is (a file path or `Kind/namespace/name`), named in errors. @defaultValue `'<object>'` */
  readonly source?: string | undefined
  /**
   * Check the MAC. Only a caller that has established the integrity of the encrypted values some
   * other way (or reports that it could not) turns it off: each value stays authenticated by
   * AES-GCM against its key path, but values may have been removed or plaintext fields changed.
   * @defaultValue true
   */
  readonly verifyMac?: boolean | undefined
  /** Cancels the operation: it stops promptly and rejects with the signal's reason. */
  readonly signal?: AbortSignal | undefined
}

function withoutSops(tree: MapNode): MapNode {
  return { kind: 'map', items: tree.items.filter((i) => i.kind !== 'entry' || i.key !== 'sops') }
}

/**
 * Decrypts a parsed sops document (a plain object holding a `sops` key, as `JSON.parse` or a YAML
 * parser gives it) and returns the plaintext tree without the metadata. The MAC is verified over
 * the values in the object's key order; when that fails, also in sorted key order (how Go
 * serialises a map), so trees that went through a sorting printer still verify.
 *
 * @throws the codes of {@link decrypt}.
 * @example
 * ```ts
 * const secret = await decryptObject(JSON.parse(await readFile('secret.enc.json', 'utf8')), { identities })
 * console.log(Object.keys(secret))
 * ```
 */
export async function decryptObject(tree: Readonly<Record<string, unknown>>, options: DecryptObjectOptions = {}): Promise<KubeMap> {
  if (!isKubeMap(tree)) throw new TypeError('decryptObject: tree must be an object')
  const source = options.source ?? '<object>'
  options.signal?.throwIfAborted()
  const root = asMap(fromPlain(tree, ''))
  const meta = getEntry(root, 'sops')
  if (meta?.kind !== 'map') {
    throw new SopsError({ code: 'SOPS_METADATA_NOT_FOUND', message: `${source}: no sops metadata`, details: { source } })
  }
  const metadata = readMetadata(meta, source)
  const dataKey = await recoverDataKey(metadata, options, source)
  const run = async (body: MapNode): Promise<KubeMap> => {
    const loaded = fromMetadataNode([withoutSops(body)], metadata, source)
    const { branches } = await decryptLoaded(loaded, { ...options, dataKey }, source)
    return toPlain(branches[0] ?? asMap({ kind: 'null' })) as KubeMap
  }
  try {
    return await run(asMap(fromPlain(tree, '')))
  } catch (err) {
    if (!(err instanceof SopsError) || err.code !== 'SOPS_MAC_MISMATCH') throw err
    try {
      return await run(asMap(sortedKeys(fromPlain(tree, ''))))
    } catch {
      throw err
    }
  }
}
