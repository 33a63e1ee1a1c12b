// A pack indexer on node:zlib and node:crypto, in place of isomorphic-git's JavaScript one (which
// buffers the whole pack, inflates with pako and dominates a clone's time). It reads the pack as it
// arrives, finds each entry's end by inflating it, hashes objects and applies deltas on bases in
// memory at once (packEntries.ts), resolves what is left once the pack's checksum holds
// (deferredDeltas.ts), and writes the idx. The result is the pack, its idx v2 file and the inflated
// objects that fit a budget.
import { createHash } from 'node:crypto'
import { crc32 } from 'node:zlib'
import { fixThin, resolveWaiting } from './deferredDeltas.js'
import { packTypes } from './gitObjects.js'
import type { GitObject, ObjectType } from './gitObjects.js'
import { createInflater } from './inflater.js'
import type { Inflater } from './inflater.js'
import { PackEntries } from './packEntries.js'
import { Slabs } from './packStorage.js'
import { writeIdx } from './packIdx.js'
import type { PackIdx } from './packIdx.js'
import { oidTable, tableIdx } from './oidTable.js'
import { CorruptPackError, PackTooLargeError } from './packErrors.js'

export { CorruptPackError, PackTooLargeError } from './packErrors.js'

/** A pack that is fully received, checked and indexed. */
export interface IndexedPack {
  readonly pack: Buffer
  /** The pack's idx v2 file, built on first use (a cache writes it; a fetch into memory need not). */
  readonly idx: Buffer
  /** Lookups by id, from a table built as the pack was indexed. */
  readonly index: PackIdx
  readonly count: number
  /** The inflated object that starts at `offset`, when it was kept in memory. */
  objectAt(offset: number): GitObject | undefined
  /**
   * The content SHA-256 and size of the blob whose 20-byte id is at `bytes[at..at+20)`, as
   * recorded when the blob was resolved (from the bytes its id was checked on); `undefined` when
   * this pack has no such blob or recorded none for it.
   */
  blobDigestAt(bytes: Uint8Array, at: number): BlobDigest | undefined
}

/** A blob's content SHA-256 (hex) and size in bytes. */
export interface BlobDigest {
  readonly sha256: string
  readonly size: number
}

/** Options of {@link indexPack}. */
export interface IndexPackOptions {
  /** Bases of REF_DELTA entries that are not in this pack (a thin pack sent against our haves). */
  readonly external?: ((oid: string) => GitObject | undefined) | undefined
  /** Bytes of inflated objects to keep in memory. @defaultValue 96 MiB */
  readonly keepBytes?: number | undefined
  /** Largest pack accepted, in bytes; more fails with {@link PackTooLargeError}. */
  readonly maxBytes?: number | undefined
  /**
   * Largest object accepted, in bytes, and largest sum of delta instructions held at once; more
   * fails with {@link PackTooLargeError} before the object is inflated (its size is read from the
   * entry header, or for a delta from the delta header), never after.
   */
  readonly maxObjectBytes?: number | undefined
  /** Room for the pack before it grows (tests make it small to exercise the growth). @defaultValue 8 MiB */
  readonly initialBytes?: number | undefined
  /** Reuse one zlib engine for every entry (see inflater.ts); false inflates each with inflateSync. @defaultValue true */
  readonly reuseEngine?: boolean | undefined
  /** Called with bytes received, then with objects resolved. */
  readonly onProgress?: ((phase: 'receiving' | 'resolving', loaded: number, total: number | undefined) => void) | undefined
  readonly signal?: AbortSignal | undefined
}

/**
 * Receives a pack from `chunks`, checks its trailing SHA-1, and indexes it.
 *
 * @throws CorruptPackError, PackTooLargeError, or `signal.reason`
 */
export async function indexPack(chunks: AsyncIterable<Uint8Array>, options: IndexPackOptions = {}): Promise<IndexedPack> {
  const inflater = createInflater(options.reuseEngine ?? true)
  try {
    return await indexWith(inflater, chunks, options)
  } finally {
    inflater.close()
  }
}

const sha1 = (data: Uint8Array): Buffer => createHash('sha1').update(data).digest()

async function indexWith(inflater: Inflater, chunks: AsyncIterable<Uint8Array>, options: IndexPackOptions): Promise<IndexedPack> {
  const { signal } = options
  const maxBytes = options.maxBytes ?? Number.MAX_SAFE_INTEGER
  const entries = new PackEntries(inflater, {
    keepBytes: options.keepBytes ?? 96 * 1024 * 1024,
    // A header's declared size is checked before inflating: the inflater is then bounded by it
    // (it stops one byte past the declared size), so no entry costs more than the limit.
    maxObjectBytes: options.maxObjectBytes ?? Number.MAX_SAFE_INTEGER,
    initialBytes: options.initialBytes,
  })
  for await (const chunk of chunks) {
    signal?.throwIfAborted()
    entries.push(chunk)
    const { received } = entries
    if (received > maxBytes) throw new PackTooLargeError(`the pack is larger than ${maxBytes} bytes`, { size: received, limit: maxBytes })
    options.onProgress?.('receiving', received, undefined)
    entries.parse(false)
  }
  signal?.throwIfAborted()
  const { received } = entries
  if (received === 0) throw new CorruptPackError('empty response instead of a pack')
  entries.parse(true)
  const { count, offsets } = entries
  if (offsets.length !== count) throw new CorruptPackError(`pack ends after ${offsets.length} of ${count} objects`)
  if (received - entries.pos !== 20) throw new CorruptPackError(`pack has ${received - entries.pos - 20} unexpected trailing bytes`)
  const whole = entries.buf.subarray(0, received)
  const trailer = whole.subarray(received - 20)
  if (!sha1(whole.subarray(0, received - 20)).equals(trailer)) throw new CorruptPackError('pack checksum mismatch')

  const thinBases = resolveWaiting(entries, options.external, signal)
  entries.deltas = new Slabs()
  options.onProgress?.('resolving', count, count)
  const { pack, checksum } = thinBases.size === 0 ? { pack: whole, checksum: trailer } : fixThin(entries, whole, thinBases)
  const total = offsets.length
  const { oids, types, sha256s, sizes } = entries

  const table = oidTable(oids, total)
  const index = tableIdx(table, { oids, offsets, packChecksum: checksum })
  let idx: Buffer | undefined
  return {
    pack,
    get idx() {
      return (idx ??= idxFile(entries, pack, checksum))
    },
    index,
    count: total,
    objectAt(offset) {
      const i = entries.indexAt(offset)
      const data = i < 0 ? undefined : entries.keptBuffer(i)
      return data === undefined ? undefined : { type: packTypes[types[i] as number] as ObjectType, data }
    },
    blobDigestAt(bytes, at) {
      const i = table.entryAt(bytes, at)
      const sha256 = i < 0 ? undefined : sha256s[i]
      return sha256 === undefined || sha256 === '' ? undefined : { sha256, size: sizes[i] as number }
    },
  }
}

// The idx v2 file: entries sorted by id, ordered first on their leading six bytes as a number,
// with the CRC-32 of every entry's bytes in the pack.
function idxFile(entries: PackEntries, pack: Buffer, checksum: Buffer): Buffer {
  const { oids, offsets, ends } = entries
  const total = offsets.length
  const keys = new Float64Array(total)
  for (let i = 0; i < total; i++) keys[i] = oids.readUIntBE(i * 20, 6)
  const order = Array.from({ length: total }, (_, i) => i).sort(
    (a, b) => (keys[a] as number) - (keys[b] as number) || oids.compare(oids, b * 20, b * 20 + 20, a * 20, a * 20 + 20),
  )
  const sortedOids = Buffer.allocUnsafe(total * 20)
  const crcs = new Uint32Array(total)
  const sortedOffsets = new Float64Array(total)
  const packBytes = new Uint8Array(pack.buffer, pack.byteOffset, pack.byteLength)
  for (let i = 0; i < total; i++) {
    const entry = order[i] as number
    oids.copy(sortedOids, i * 20, entry * 20, entry * 20 + 20)
    crcs[i] = crc32(packBytes.subarray(offsets[entry], ends[entry]))
    sortedOffsets[i] = offsets[entry] as number
  }
  return writeIdx({ oids: sortedOids, crcs, offsets: sortedOffsets }, checksum)
}
