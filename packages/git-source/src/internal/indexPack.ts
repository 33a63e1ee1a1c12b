// A pack indexer on node:zlib and node:crypto, in place of isomorphic-git's JavaScript one (which
// buffers the whole pack, inflates with pako and dominates a clone's time). It reads the pack as it
// arrives, finds each entry's end by inflating it, hashes base objects at once, then resolves deltas
// depth-first from their bases as `git index-pack` does, so each object is inflated once or twice
// and never more. The result is the pack, its idx v2 file and the inflated objects that fit a budget.
import { createHash } from 'node:crypto'
import { crc32, deflateSync, inflateSync } from 'node:zlib'
import { applyDelta, DeltaError, slabAllocator } from './delta.js'
import { packTypes } from './gitObjects.js'
import type { GitObject, ObjectType } from './gitObjects.js'
import { writeIdx } from './packIdx.js'

/** A pack that is fully received, checked and indexed. */
export interface IndexedPack {
  readonly pack: Buffer
  readonly idx: Buffer
  readonly count: number
  /** Inflated objects kept in memory (all of them while they fit the budget), by hex id. */
  readonly objects: Map<string, GitObject>
}

/** Options of {@link indexPack}. */
export interface IndexPackOptions {
  /** Bases of REF_DELTA entries that are not in this pack (a pack built against our haves). */
  readonly external?: ((oid: string) => GitObject | undefined) | undefined
  /** Bytes of inflated objects to keep in {@link IndexedPack.objects}. */
  readonly keepBytes?: number | undefined
  /** Largest pack accepted, in bytes; more fails with {@link PackTooLargeError}. */
  readonly maxBytes?: number | undefined
  /** Called with bytes received and objects indexed so far. */
  readonly onProgress?: ((phase: 'receiving' | 'resolving', loaded: number, total: number | undefined) => void) | undefined
  readonly signal?: AbortSignal | undefined
}

/** The pack bytes are not a valid pack. */
export class CorruptPackError extends Error {
  override readonly name = 'CorruptPackError'
}

/** The pack grew past {@link IndexPackOptions.maxBytes}. */
export class PackTooLargeError extends Error {
  override readonly name = 'PackTooLargeError'
}

const OFS_DELTA = 6
const REF_DELTA = 7

function hashObject(type: ObjectType, data: Buffer): Buffer {
  return createHash('sha1').update(`${type} ${data.byteLength}\0`).update(data).digest()
}

/** Inflates the zlib stream at the start of `input`; `undefined` when the input ends too early. */
function inflateAt(input: Buffer, size: number): { data: Buffer; used: number } | undefined {
  try {
    const { buffer, engine } = inflateSync(input, {
      info: true,
      chunkSize: Math.max(64, size + 1),
      maxOutputLength: Math.max(64, size),
    }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } }
    return { data: buffer, used: engine.bytesWritten }
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'Z_BUF_ERROR') return undefined
    throw new CorruptPackError((err as Error).message)
  }
}

function inflateEntry(input: Buffer, size: number, offset: number): { data: Buffer; used: number } | undefined {
  try {
    return inflateAt(input, size)
  } catch (err) {
    throw new CorruptPackError(`entry at offset ${offset}: ${(err as Error).message}`)
  }
}

/**
 * Receives a pack from `chunks`, checks its trailing SHA-1, and indexes it.
 *
 * @throws CorruptPackError, PackTooLargeError, or `signal.reason`
 */
export async function indexPack(chunks: AsyncIterable<Uint8Array>, options: IndexPackOptions = {}): Promise<IndexedPack> {
  const { signal } = options
  const keepBytes = options.keepBytes ?? 64 * 1024 * 1024
  const maxBytes = options.maxBytes ?? Number.MAX_SAFE_INTEGER
  let buf = Buffer.allocUnsafe(1 << 20)
  let received = 0
  let count = -1
  // Per entry, in pack order.
  const offsets: number[] = []
  const ends: number[] = []
  const types: number[] = []
  const deltas: (Buffer | undefined)[] = []
  const bases: number[] = [] // OFS_DELTA: base offset; otherwise -1
  const refBases: (string | undefined)[] = []
  const oids: (Buffer | undefined)[] = []
  const objects = new Map<string, GitObject>()
  let kept = 0
  const keep = (oid: Buffer, type: ObjectType, data: Buffer): void => {
    if (kept + data.byteLength > keepBytes) return
    kept += data.byteLength
    objects.set(oid.toString('hex'), { type, data })
  }
  let pos = 12
  let retryAt = 0

  const parse = (final: boolean): void => {
    if (count < 0) {
      if (received < 12) return
      if (buf.toString('latin1', 0, 4) !== 'PACK') throw new CorruptPackError('missing PACK signature')
      const version = buf.readUInt32BE(4)
      if (version !== 2 && version !== 3) throw new CorruptPackError(`unsupported pack version ${version}`)
      count = buf.readUInt32BE(8)
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
      const inflated = inflateEntry(buf.subarray(p, limit), size, start)
      if (inflated === undefined) {
        if (final) throw new CorruptPackError(`entry at offset ${start}: truncated`)
        retryAt = received + Math.max(64 * 1024, received - start)
        return
      }
      if (inflated.data.byteLength !== size) {
        throw new CorruptPackError(`entry at offset ${start}: ${inflated.data.byteLength} bytes, header says ${size}`)
      }
      pos = p + inflated.used
      offsets.push(start)
      ends.push(pos)
      types.push(type)
      bases.push(base)
      refBases.push(refBase)
      if (type === OFS_DELTA || type === REF_DELTA) {
        deltas.push(inflated.data)
        oids.push(undefined)
      } else {
        const name = packTypes[type] as ObjectType
        const oid = hashObject(name, inflated.data)
        deltas.push(undefined)
        oids.push(oid)
        keep(oid, name, inflated.data)
      }
    }
  }

  for await (const chunk of chunks) {
    signal?.throwIfAborted()
    if (received + chunk.byteLength > buf.byteLength) {
      const next = Buffer.allocUnsafe(Math.max(buf.byteLength * 2, received + chunk.byteLength))
      buf.copy(next, 0, 0, received)
      buf = next
    }
    buf.set(chunk, received)
    received += chunk.byteLength
    if (received > maxBytes) throw new PackTooLargeError(`the pack is larger than ${maxBytes} bytes`)
    options.onProgress?.('receiving', received, undefined)
    parse(false)
  }
  signal?.throwIfAborted()
  if (received === 0) throw new CorruptPackError('empty response instead of a pack')
  parse(true)
  if (offsets.length !== count) throw new CorruptPackError(`pack ends after ${offsets.length} of ${count} objects`)
  if (received - pos !== 20) throw new CorruptPackError(`pack has ${received - pos - 20} unexpected trailing bytes`)
  const received_ = buf.subarray(0, received)
  const trailer = received_.subarray(received - 20)
  if (!createHash('sha1').update(received_.subarray(0, received - 20)).digest().equals(trailer)) {
    throw new CorruptPackError('pack checksum mismatch')
  }

  const thinBases = new Map<string, GitObject>()
  resolveDeltas()
  options.onProgress?.('resolving', count, count)
  const { pack, checksum } = thinBases.size === 0 ? { pack: received_, checksum: trailer } : fixThin()
  count = offsets.length

  // idx v2, entries sorted by id.
  const order = Array.from({ length: count }, (_, i) => i).sort((a, b) => (oids[a] as Buffer).compare(oids[b] as Buffer))
  const sortedOids = Buffer.allocUnsafe(count * 20)
  const crcs = new Uint32Array(count)
  const sortedOffsets = new Float64Array(count)
  order.forEach((entry, i) => {
    ;(oids[entry] as Buffer).copy(sortedOids, i * 20)
    crcs[i] = crc32(pack.subarray(offsets[entry], ends[entry]))
    sortedOffsets[i] = offsets[entry] as number
  })
  return { pack, idx: writeIdx({ oids: sortedOids, crcs, offsets: sortedOffsets }, checksum), count, objects }

  // A thin pack (sent against our haves) has deltas whose bases are in other packs. As
  // `git index-pack --fix-thin` does, append those bases as whole objects so the pack stands alone.
  function fixThin(): { pack: Buffer; checksum: Buffer } {
    const parts: Buffer[] = [received_.subarray(0, received - 20)]
    let offset = received - 20
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
      oids.push(Buffer.from(oid, 'hex'))
      offset += entry.byteLength
    }
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
      const ref = refBases[i]
      if (base >= 0) {
        if (!byOffset.has(base)) throw new CorruptPackError(`entry at offset ${offsets[i]}: delta base is not an entry`)
        const list = ofsChildren.get(base) ?? []
        list.push(i)
        ofsChildren.set(base, list)
        pending++
      } else if (ref !== undefined) {
        const list = refChildren.get(ref) ?? []
        list.push(i)
        refChildren.set(ref, list)
        pending++
      }
    }
    if (pending === 0) return
    const allocate = slabAllocator()
    const contentOf = (i: number): Buffer => {
      const oid = oids[i] as Buffer
      const cached = objects.get(oid.toString('hex'))
      if (cached !== undefined) return cached.data
      const start = offsets[i] as number
      let p = start
      let c = received_[p++] as number
      let size = c & 15
      let shift = 4
      while ((c & 0x80) !== 0) {
        c = received_[p++] as number
        size += (c & 0x7f) * 2 ** shift
        shift += 7
      }
      const inflated = inflateEntry(received_.subarray(p, ends[i]), size, start)
      if (inflated === undefined) throw new CorruptPackError(`entry at offset ${start}: truncated`)
      return inflated.data
    }
    // Depth-first from every object with a known id, so a base is in hand when its deltas apply.
    const stack: { index: number; type: ObjectType; data: Buffer }[] = []
    const visit = (index: number, type: ObjectType, data: Buffer | undefined): void => {
      const oid = oids[index] as Buffer
      const children = [...(ofsChildren.get(offsets[index] as number) ?? []), ...(refChildren.get(oid.toString('hex')) ?? [])]
      refChildren.delete(oid.toString('hex'))
      if (children.length === 0) return
      const base = data ?? contentOf(index)
      for (const child of children) stack.push({ index: child, type, data: base })
    }
    const drain = (): void => {
      for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
        let result: Buffer
        try {
          result = applyDelta(item.data, deltas[item.index] as Buffer, allocate)
        } catch (err) {
          if (err instanceof DeltaError) throw new CorruptPackError(`entry at offset ${offsets[item.index]}: ${err.message}`)
          throw err
        }
        deltas[item.index] = undefined
        const oid = hashObject(item.type, result)
        oids[item.index] = oid
        keep(oid, item.type, result)
        pending--
        visit(item.index, item.type, result)
      }
    }
    for (let i = 0; i < count; i++) {
      if ((types[i] as number) >= OFS_DELTA) continue
      visit(i, packTypes[types[i] as number] as ObjectType, undefined)
      drain()
      if (i % 1024 === 0) signal?.throwIfAborted()
    }
    for (const [ref, children] of refChildren) {
      const base = options.external?.(ref)
      if (base === undefined) continue
      thinBases.set(ref, base)
      for (const child of children) stack.push({ index: child, type: base.type, data: base.data })
      drain()
    }
    if (pending > 0) throw new CorruptPackError(`${pending} deltas have no base in the pack`)
  }
}
