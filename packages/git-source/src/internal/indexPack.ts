// A pack indexer on node:zlib and node:crypto, in place of isomorphic-git's JavaScript one (which
// buffers the whole pack, inflates with pako and dominates a clone's time). It reads the pack as it
// arrives, finds each entry's end by inflating it, hashes base objects at once, then resolves deltas
// depth-first from their bases as `git index-pack` does, so each object is inflated once or twice
// and never more. The result is the pack, its idx v2 file and the inflated objects that fit a budget.
//
// Everything per entry lives in flat number arrays and a few large slabs rather than in one small
// object per entry: ten thousand objects that all survive would otherwise be copied by every young
// generation collection, which measured as the largest single cost of a fetch.
import { createHash } from 'node:crypto'
import { crc32, deflateSync } from 'node:zlib'
import { applyDelta, DeltaError } from './delta.js'
import { packTypes } from './gitObjects.js'
import type { GitObject, ObjectType } from './gitObjects.js'
import { createInflater, InflateError } from './inflater.js'
import type { Inflater } from './inflater.js'
import { writeIdx } from './packIdx.js'
import { CorruptPackError, PackTooLargeError } from './packErrors.js'
import { hashInto, OFS_DELTA, REF_DELTA, Slabs } from './packStorage.js'

export { CorruptPackError, PackTooLargeError } from './packErrors.js'

/** A pack that is fully received, checked and indexed. */
export interface IndexedPack {
  readonly pack: Buffer
  readonly idx: Buffer
  readonly count: number
  /** The inflated object that starts at `offset`, when it was kept in memory. */
  objectAt(offset: number): GitObject | undefined
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

async function indexWith(inflater: Inflater, chunks: AsyncIterable<Uint8Array>, options: IndexPackOptions): Promise<IndexedPack> {
  const { signal } = options
  const keepBytes = options.keepBytes ?? 96 * 1024 * 1024
  const maxBytes = options.maxBytes ?? Number.MAX_SAFE_INTEGER
  const maxObjectBytes = options.maxObjectBytes ?? Number.MAX_SAFE_INTEGER
  // A header's declared size is checked before inflating: the inflater is then bounded by it
  // (the inflater stops one byte past the declared size), so no entry costs more than the limit.
  const tooLarge = (what: string, size: number): PackTooLargeError =>
    new PackTooLargeError(`${what} declares ${size} bytes, more than the limit of ${maxObjectBytes}`, { size, limit: maxObjectBytes })
  let buf = Buffer.allocUnsafeSlow(1 << 22)
  let received = 0
  let count = -1
  // Per entry, in pack order: flat arrays of numbers.
  const offsets: number[] = []
  const ends: number[] = []
  const types: number[] = [] // pack type; a delta's is replaced by its base's once resolved
  const sizes: number[] = []
  const bases: number[] = [] // OFS_DELTA: base offset; otherwise -1
  const refBases = new Map<number, string>() // entry → base id, for REF_DELTA
  const contentSlab: number[] = [] // -1 when not kept
  const contentOffset: number[] = []
  const deltaSlab: number[] = []
  const deltaOffset: number[] = []
  const content = new Slabs()
  let deltaBytes = new Slabs()
  let oids = Buffer.alloc(0)
  let pos = 12
  let retryAt = 0

  // The entry whose zlib stream starts `input`: its bytes (valid until the next inflation) and the
  // stream's length; `undefined` when the input ends too early.
  const inflateEntry = (input: Buffer, size: number, start: number): { data: Buffer; used: number } | undefined => {
    try {
      return inflater.inflate(input, size)
    } catch (err) {
      if (err instanceof InflateError) throw new CorruptPackError(`entry at offset ${start}: ${err.message}`)
      throw err
    }
  }
  // Copies an inflated object into the content slabs while they are within the budget.
  const keep = (i: number, data: Buffer): void => {
    if (content.bytes + data.byteLength > keepBytes) {
      contentSlab[i] = -1
      return
    }
    const { slab, offset, view } = content.allocate(data.byteLength)
    view.set(data)
    contentSlab[i] = slab
    contentOffset[i] = offset
  }
  const kept = (i: number): Buffer | undefined => {
    const slab = contentSlab[i] as number
    if (slab < 0) return undefined
    const offset = contentOffset[i] as number
    return (content.buffers[slab] as Buffer).subarray(offset, offset + (sizes[i] as number))
  }

  const parse = (final: boolean): void => {
    if (count < 0) {
      if (received < 12) return
      if (buf.toString('latin1', 0, 4) !== 'PACK') throw new CorruptPackError('missing PACK signature')
      const version = buf.readUInt32BE(4)
      if (version !== 2 && version !== 3) throw new CorruptPackError(`unsupported pack version ${version}`)
      count = buf.readUInt32BE(8)
      oids = Buffer.alloc(count * 20)
    }
    const limit = final ? received : received - 20
    while (offsets.length < count && pos < limit && (final || received >= retryAt)) {
      const start = pos
      let p = pos
      let c = buf[p++] as number
      const type = (c >> 4) & 7
      let size = c & 15
      let shift = 4
      while ((c & 0x80) !== 0) {
        if (p >= limit) return
        c = buf[p++] as number
        size += (c & 0x7f) * 2 ** shift
        shift += 7
      }
      let base = -1
      let refBase: string | undefined
      if (type === OFS_DELTA) {
        if (p >= limit) return
        c = buf[p++] as number
        let rel = c & 0x7f
        while ((c & 0x80) !== 0) {
          if (p >= limit) return
          c = buf[p++] as number
          rel = (rel + 1) * 128 + (c & 0x7f)
        }
        base = start - rel
        if (base < 12 || base >= start) throw new CorruptPackError(`entry at offset ${start}: delta base outside the pack`)
      } else if (type === REF_DELTA) {
        if (p + 20 > limit) return
        refBase = buf.toString('hex', p, p + 20)
        p += 20
      } else if (packTypes[type] === undefined) {
        throw new CorruptPackError(`entry at offset ${start}: unknown type ${type}`)
      }
      if (size > maxObjectBytes) throw tooLarge(`the entry at offset ${start}`, size)
      if ((type === OFS_DELTA || type === REF_DELTA) && deltaBytes.bytes + size > maxObjectBytes) {
        throw tooLarge(`the deltas up to offset ${start}`, deltaBytes.bytes + size)
      }
      const inflated = inflateEntry(buf.subarray(p, limit), size, start)
      if (inflated === undefined) {
        if (final) throw new CorruptPackError(`entry at offset ${start}: truncated`)
        retryAt = received + Math.max(64 * 1024, received - start)
        return
      }
      const i = offsets.length
      pos = p + inflated.used
      offsets.push(start)
      ends.push(pos)
      types.push(type)
      sizes.push(size)
      bases.push(base)
      if (refBase !== undefined) refBases.set(i, refBase)
      if (type === OFS_DELTA || type === REF_DELTA) {
        const { slab, offset, view } = deltaBytes.allocate(size)
        view.set(inflated.data)
        deltaSlab.push(slab)
        deltaOffset.push(offset)
        contentSlab.push(-1)
        contentOffset.push(0)
      } else {
        deltaSlab.push(-1)
        deltaOffset.push(0)
        contentSlab.push(-1)
        contentOffset.push(0)
        hashInto(oids, i * 20, { type: packTypes[type] as ObjectType, data: inflated.data })
        keep(i, inflated.data)
      }
    }
  }

  for await (const chunk of chunks) {
    signal?.throwIfAborted()
    if (received + chunk.byteLength > buf.byteLength) {
      const next = Buffer.allocUnsafeSlow(Math.max(buf.byteLength * 2, received + chunk.byteLength))
      next.set(buf.subarray(0, received))
      buf = next
    }
    buf.set(chunk, received)
    received += chunk.byteLength
    if (received > maxBytes) throw new PackTooLargeError(`the pack is larger than ${maxBytes} bytes`, { size: received, limit: maxBytes })
    options.onProgress?.('receiving', received, undefined)
    parse(false)
  }
  signal?.throwIfAborted()
  if (received === 0) throw new CorruptPackError('empty response instead of a pack')
  parse(true)
  if (offsets.length !== count) throw new CorruptPackError(`pack ends after ${offsets.length} of ${count} objects`)
  if (received - pos !== 20) throw new CorruptPackError(`pack has ${received - pos - 20} unexpected trailing bytes`)
  const whole = buf.subarray(0, received)
  const trailer = whole.subarray(received - 20)
  if (!createHash('sha1').update(whole.subarray(0, received - 20)).digest().equals(trailer)) {
    throw new CorruptPackError('pack checksum mismatch')
  }

  const thinBases = new Map<string, GitObject>()
  resolveDeltas()
  deltaBytes = new Slabs()
  options.onProgress?.('resolving', count, count)
  const { pack, checksum } = thinBases.size === 0 ? { pack: whole, checksum: trailer } : fixThin()
  const total = offsets.length

  // idx v2: entries sorted by id, ordered first on their leading six bytes as a number.
  const keys = Array.from({ length: total }, (_, i) => oids.readUIntBE(i * 20, 6))
  const order = Array.from({ length: total }, (_, i) => i).sort(
    (a, b) => (keys[a] as number) - (keys[b] as number) || oids.compare(oids, b * 20, b * 20 + 20, a * 20, a * 20 + 20),
  )
  const sortedOids = Buffer.allocUnsafe(total * 20)
  const crcs = new Uint32Array(total)
  const sortedOffsets = new Float64Array(total)
  order.forEach((entry, i) => {
    sortedOids.set(oids.subarray(entry * 20, entry * 20 + 20), i * 20)
    crcs[i] = crc32(pack.subarray(offsets[entry], ends[entry]))
    sortedOffsets[i] = offsets[entry] as number
  })
  const byOffset = new Map<number, number>()
  offsets.forEach((offset, i) => byOffset.set(offset, i))
  return {
    pack,
    idx: writeIdx({ oids: sortedOids, crcs, offsets: sortedOffsets }, checksum),
    count: total,
    objectAt(offset) {
      const i = byOffset.get(offset)
      if (i === undefined) return undefined
      const data = kept(i)
      return data === undefined ? undefined : { type: packTypes[types[i] as number] as ObjectType, data }
    },
  }

  // A thin pack has deltas whose bases are in other packs. As `git index-pack --fix-thin` does,
  // append those bases as whole objects so that the pack stands alone.
  function fixThin(): { pack: Buffer; checksum: Buffer } {
    const parts: Buffer[] = [whole.subarray(0, received - 20)]
    let offset = received - 20
    const extra = Buffer.alloc(thinBases.size * 20)
    let n = 0
    for (const [oid, base] of thinBases) {
      const typeNo = packTypes.indexOf(base.type)
      const header: number[] = []
      let size = base.data.byteLength
      let c = (typeNo << 4) | (size & 15)
      size = Math.floor(size / 16)
      while (size > 0) {
        header.push(c | 0x80)
        c = size & 0x7f
        size = Math.floor(size / 128)
      }
      header.push(c)
      const entry = Buffer.concat([Buffer.from(header), deflateSync(base.data)])
      parts.push(entry)
      offsets.push(offset)
      ends.push(offset + entry.byteLength)
      types.push(typeNo)
      sizes.push(base.data.byteLength)
      contentSlab.push(-1)
      contentOffset.push(0)
      Buffer.from(oid, 'hex').copy(extra, n++ * 20)
      offset += entry.byteLength
    }
    oids = Buffer.concat([oids, extra])
    const body = Buffer.concat(parts)
    body.writeUInt32BE(offsets.length, 8)
    const checksum = createHash('sha1').update(body).digest()
    return { pack: Buffer.concat([body, checksum]), checksum }
  }

  function resolveDeltas(): void {
    const byOffset = new Map<number, number>()
    offsets.forEach((offset, i) => byOffset.set(offset, i))
    const ofsChildren = new Map<number, number[]>()
    const refChildren = new Map<string, number[]>()
    let pending = 0
    for (let i = 0; i < count; i++) {
      const base = bases[i] as number
      const ref = refBases.get(i)
      if (base >= 0) {
        const baseIndex = byOffset.get(base)
        if (baseIndex === undefined) throw new CorruptPackError(`entry at offset ${offsets[i]}: delta base is not an entry`)
        const list = ofsChildren.get(baseIndex) ?? []
        list.push(i)
        ofsChildren.set(baseIndex, list)
        pending++
      } else if (ref !== undefined) {
        const list = refChildren.get(ref) ?? []
        list.push(i)
        refChildren.set(ref, list)
        pending++
      }
    }
    if (pending === 0) return
    const deltaOf = (i: number): Buffer => {
      const offset = deltaOffset[i] as number
      return (deltaBytes.buffers[deltaSlab[i] as number] as Buffer).subarray(offset, offset + (sizes[i] as number))
    }
    const reinflate = (i: number): Buffer => {
      const start = offsets[i] as number
      let p = start
      let c = whole[p++] as number
      while ((c & 0x80) !== 0) c = whole[p++] as number
      const inflated = inflateEntry(whole.subarray(p, ends[i]), sizes[i] as number, start)
      if (inflated === undefined) throw new CorruptPackError(`entry at offset ${start}: truncated`)
      // A copy: the inflater's bytes are overwritten by its next call, and this base outlives it.
      return Buffer.from(inflated.data)
    }
    // Depth-first from every object with a known id, so a base is in hand when its deltas apply.
    const stack: { index: number; type: ObjectType; base: Buffer }[] = []
    const visit = (index: number, type: ObjectType, data: Buffer | undefined): void => {
      let children = ofsChildren.get(index)
      // Ids as text only while REF_DELTA entries wait for a base (thin packs, old servers).
      if (refChildren.size > 0) {
        const id = oids.toString('hex', index * 20, index * 20 + 20)
        const byRef = refChildren.get(id)
        if (byRef !== undefined) {
          refChildren.delete(id)
          children = children === undefined ? byRef : [...children, ...byRef]
        }
      }
      if (children === undefined) return
      const base = data ?? kept(index) ?? reinflate(index)
      for (const child of children) stack.push({ index: child, type, base })
    }
    // The result is written straight into the content slabs while they are within the budget.
    let resolving = -1
    let placedSlab = -1
    let placedOffset = 0
    const allocate = (size: number): Buffer => {
      if (size > maxObjectBytes) throw tooLarge(`the delta at offset ${offsets[resolving]}`, size)
      if (content.bytes + size > keepBytes) return Buffer.allocUnsafe(size)
      const room = content.allocate(size)
      placedSlab = room.slab
      placedOffset = room.offset
      return room.view
    }
    const drain = (): void => {
      for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
        const { index, type } = item
        resolving = index
        placedSlab = -1
        placedOffset = 0
        let result: Buffer
        try {
          result = applyDelta(item.base, deltaOf(index), allocate)
        } catch (err) {
          if (err instanceof DeltaError) throw new CorruptPackError(`entry at offset ${offsets[index]}: ${err.message}`)
          throw err
        }
        types[index] = packTypes.indexOf(type)
        sizes[index] = result.byteLength
        contentSlab[index] = placedSlab
        contentOffset[index] = placedOffset
        hashInto(oids, index * 20, { type, data: result })
        pending--
        visit(index, type, result)
      }
    }
    for (let i = 0; i < count; i++) {
      // Deltas are reached from their bases (their type is rewritten once resolved).
      if ((bases[i] as number) >= 0 || refBases.has(i)) continue
      visit(i, packTypes[types[i] as number] as ObjectType, undefined)
      drain()
      if (i % 1024 === 0) signal?.throwIfAborted()
    }
    for (const [ref, children] of refChildren) {
      const base = options.external?.(ref)
      if (base === undefined) continue
      thinBases.set(ref, base)
      for (const child of children) stack.push({ index: child, type: base.type, base: base.data })
      drain()
    }
    if (pending > 0) throw new CorruptPackError(`${pending} deltas have no base in the pack`)
    if (pending < 0) throw new Error(`internal error: ${-pending} deltas resolved twice`)
  }
}
