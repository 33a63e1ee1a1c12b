// The entries of a pack being received: each is read, inflated and hashed as its bytes arrive. A
// delta whose base is already in memory (an OFS_DELTA always points back into the pack, and
// pack-objects writes bases first) is applied at once, while the rest of the pack is still on the
// wire; the other deltas (REF_DELTA, or a base that did not fit the memory budget) wait for
// deferredDeltas.ts once the whole pack is in and its checksum holds.
//
// Everything per entry lives in flat number arrays and a few large slabs rather than in one small
// object per entry: ten thousand objects that all survive would otherwise be copied by every young
// generation collection. Objects are inflated and deltas applied straight into the slabs, behind
// room for the `type size\0` header their id is hashed over, so no buffer is made per entry.
import { hash } from 'node:crypto'
import { applyDeltaInto, DeltaError, deltaResultSize } from './delta.js'
import { packTypes } from './gitObjects.js'
import { InflateError } from './inflater.js'
import type { Inflater, Span } from './inflater.js'
import { CorruptPackError, PackTooLargeError } from './packErrors.js'
import { headerLength, OFS_DELTA, REF_DELTA, Slabs, writeHeader } from './packStorage.js'
import type { Room } from './packStorage.js'

// Pack type of a blob.
const BLOB = 3

/** Limits of a pack being received. */
export interface EntryLimits {
  /** Bytes of inflated objects (with their headers) to keep in memory. */
  readonly keepBytes: number
  /** Largest object, and largest sum of delta instructions held at once. */
  readonly maxObjectBytes: number
  /** Room for the pack before it grows. @defaultValue 8 MiB */
  readonly initialBytes?: number | undefined
}

/** The entries of one pack as it arrives. */
export class PackEntries {
  buf: Buffer
  received = 0
  /** Entries the pack declares; -1 until its header is in. */
  count = -1
  /** Where the next entry starts. */
  pos = 12
  readonly offsets: number[] = []
  readonly ends: number[] = []
  /** Pack type; a delta's is replaced by its base's once resolved. */
  readonly types: number[] = []
  /** Inflated size; a delta's is replaced by its result's once resolved. */
  readonly sizes: number[] = []
  /**
   * A kept blob's content SHA-256 (hex), recorded as the blob is resolved, from the same bytes its
   * id is checked on: the artifact digest needs it for every file, and hashing here, while the rest
   * of the pack is still on the wire, spares a lookup and a view per file after it. A string costs
   * about as much per blob as this class's other per-entry arrays together (some 90 bytes), so
   * only kept blobs get one: the keep budget bounds them, and a blob past it is read back and
   * hashed by the digest, as before. '' otherwise.
   */
  readonly sha256s: string[] = []
  /** OFS_DELTA: base offset; otherwise -1. */
  readonly bases: number[] = []
  /** Entry → base id, for REF_DELTA. */
  readonly refBases: Map<number, string> = new Map()
  /** 1 once an entry's object (and id) is known: at once for whole objects and deltas on kept bases. */
  resolved: Uint8Array = new Uint8Array(0)
  /** Where a kept object's bytes start (after its header); slab -1 when not kept. */
  readonly contentSlab: number[] = []
  readonly contentOffset: number[] = []
  /** Where a waiting delta's instructions are. */
  readonly deltaSlab: number[] = []
  readonly deltaOffset: number[] = []
  readonly content: Slabs = new Slabs()
  deltas: Slabs = new Slabs()
  /** Deltas waiting for their base. */
  waiting = 0
  oids: Buffer = Buffer.alloc(0)
  #retryAt = 0
  #scratch = new Uint8Array(64 * 1024)
  // One of each, reused for every entry: nothing is allocated per entry.
  readonly #room: Room = { target: this.#scratch, at: 0, header: 0, kept: false, type: 0, size: 0 }
  readonly #input: Span = { bytes: this.#scratch, start: 0, end: 0 }
  readonly #output: Span = { bytes: this.#scratch, start: 0, end: 0 }
  readonly #base: Span = { bytes: this.#scratch, start: 0, end: 0 }
  /** The entry being read: where it starts, its pack type, declared size, and base. */
  readonly #entry = { start: 0, type: 0, size: 0, base: -1, refBase: undefined as string | undefined }

  constructor(
    readonly inflater: Inflater,
    readonly limits: EntryLimits,
  ) {
    // Room for an 8 MiB pack before the first copy. Pages the pack does not reach are never
    // touched; growing 4 to 8 MiB by a copy touched 9 MiB of fresh memory for a 5 MiB pack, and a
    // first touch costs more than the copy (about 3.5 ms per MiB on the bench machine). Not more:
    // V8 counts the whole allocation as external memory for as long as the artifact holds the pack.
    this.buf = Buffer.allocUnsafeSlow(limits.initialBytes ?? 8 * 1024 * 1024)
  }

  /** Appends received bytes. */
  push(chunk: Uint8Array): void {
    if (this.received + chunk.byteLength > this.buf.byteLength) {
      const next = Buffer.allocUnsafeSlow(Math.max(this.buf.byteLength * 2, this.received + chunk.byteLength))
      next.set(this.buf.subarray(0, this.received))
      this.buf = next
    }
    this.buf.set(chunk, this.received)
    this.received += chunk.byteLength
  }

  tooLarge(what: string, size: number): PackTooLargeError {
    const limit = this.limits.maxObjectBytes
    return new PackTooLargeError(`${what} declares ${size} bytes, more than the limit of ${limit}`, { size, limit })
  }

  /** The bytes of entry `i` when kept in memory. */
  kept(i: number): Uint8Array | undefined {
    const slab = this.contentSlab[i] as number
    return slab < 0 ? undefined : this.content.view(slab, this.contentOffset[i] as number, this.sizes[i] as number)
  }

  /** As {@link PackEntries.kept}, as a Buffer: one view, made straight from the slab. */
  keptBuffer(i: number): Buffer | undefined {
    const slab = this.contentSlab[i] as number
    if (slab < 0) return undefined
    const view = this.content.views[slab] as Uint8Array
    return Buffer.from(view.buffer, view.byteOffset + (this.contentOffset[i] as number), this.sizes[i] as number)
  }

  /** The entry that starts at `offset`, or -1. */
  indexAt(offset: number): number {
    const { offsets } = this
    let lo = 0
    let hi = offsets.length - 1
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      const at = offsets[mid] as number
      if (at === offset) return mid
      if (at < offset) lo = mid + 1
      else hi = mid - 1
    }
    return -1
  }

  /** A scratch buffer of at least `size` bytes. */
  scratch(size: number): Uint8Array {
    if (this.#scratch.byteLength < size) this.#scratch = new Uint8Array(Math.max(size, this.#scratch.byteLength * 2))
    return this.#scratch
  }

  /**
   * Room for an object of pack type `type` and `size` bytes behind its header, in the content slabs
   * while they are within the budget, else in `spare(bytes)`. The room is reused by the next call.
   */
  roomFor(type: number, size: number, spare: (size: number) => Uint8Array): Room {
    const room = this.#room
    const header = headerLength(type, size)
    // One byte more than declared: the inflater needs it to tell a longer stream from an exact one.
    const need = header + size + 1
    room.kept = this.content.bytes + header + size <= this.limits.keepBytes
    room.target = room.kept ? this.content.room(need) : spare(need)
    room.at = room.kept ? this.content.offset + header : header
    room.header = header
    room.type = type
    room.size = size
    return room
  }

  /** Hashes the object written into `room` as entry `i`'s, into `oids`, and records where it is kept. */
  finish(i: number, room: Room): void {
    const { target, at, header, type, size } = room
    writeHeader(room)
    // The id comes back as a 20-character latin1 ('binary') string rather than a Buffer: a string lives in the
    // heap, where a Buffer per object is ten thousand small backing stores for the collector to free.
    this.oids.write(hash('sha1', target.subarray(at - header, at + size), 'binary'), i * 20, 20, 'latin1')
    if (type === BLOB && room.kept) this.sha256s[i] = hash('sha256', target.subarray(at, at + size), 'hex')
    this.types[i] = type
    this.sizes[i] = size
    this.resolved[i] = 1
    if (room.kept) {
      this.content.take(header + size)
      this.contentSlab[i] = this.content.slab
      this.contentOffset[i] = at
    } else {
      this.contentSlab[i] = -1
    }
  }

  // Inflates the current entry's stream, from `p` up to `limit`, into `target` from `at`.
  #inflate(from: { p: number; limit: number }, target: Uint8Array, at: number): number | undefined {
    const input = this.#input
    input.bytes = this.buf
    input.start = from.p
    input.end = from.limit
    const output = this.#output
    output.bytes = target
    output.start = at
    output.end = at + this.#entry.size
    try {
      return this.inflater.inflateInto(input, output)
    } catch (err) {
      if (err instanceof InflateError) throw new CorruptPackError(`entry at offset ${this.#entry.start}: ${err.message}`)
      throw err
    }
  }

  /** Reads the entries that are whole in what was received; `final` once the pack is all in. */
  parse(final: boolean): void {
    const { buf, received } = this
    if (this.count < 0) {
      if (received < 12) return
      if (buf.toString('latin1', 0, 4) !== 'PACK') throw new CorruptPackError('missing PACK signature')
      const version = buf.readUInt32BE(4)
      if (version !== 2 && version !== 3) throw new CorruptPackError(`unsupported pack version ${version}`)
      this.count = buf.readUInt32BE(8)
      // The count comes from the remote (up to 2^32 - 1): the tables grow with the entries read,
      // up to it, so that a header alone allocates nothing large.
      this.#grow(Math.min(this.count, 4096))
    }
    const { count, offsets, limits } = this
    const limit = final ? received : received - 20
    while (offsets.length < count && this.pos < limit && (final || received >= this.#retryAt)) {
      const start = this.pos
      let p = start
      let c = buf[p++] as number
      const type = (c >> 4) & 7
      let size = c & 15
      let scale = 16
      while ((c & 0x80) !== 0) {
        if (p >= limit) return
        c = buf[p++] as number
        size += (c & 0x7f) * scale
        scale *= 128
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
      if (size > limits.maxObjectBytes) throw this.tooLarge(`the entry at offset ${start}`, size)
      const delta = type === OFS_DELTA || type === REF_DELTA
      if (delta && this.deltas.bytes + size > limits.maxObjectBytes) throw this.tooLarge(`the deltas up to offset ${start}`, this.deltas.bytes + size)
      const i = offsets.length
      const entry = this.#entry
      entry.start = start
      entry.type = type
      entry.size = size
      entry.base = base
      entry.refBase = refBase
      const span = { p, limit }
      let used: number | undefined
      if (delta) {
        const instructions = this.scratch(size + 1)
        used = this.#inflate(span, instructions, 0)
        if (used !== undefined) {
          this.#record(p + used)
          this.#delta(i, instructions)
        }
      } else {
        const room = this.roomFor(type, size, (n) => this.scratch(n))
        used = this.#inflate(span, room.target, room.at)
        if (used !== undefined) {
          this.#record(p + used)
          this.finish(i, room)
        }
      }
      if (used === undefined) {
        if (final) throw new CorruptPackError(`entry at offset ${start}: truncated`)
        this.#retryAt = received + Math.max(64 * 1024, received - start)
        return
      }
      this.pos = p + used
    }
  }

  // Room in the id and flag tables for `n` entries (at most the count).
  #grow(n: number): void {
    const oids = Buffer.alloc(n * 20)
    oids.set(this.oids)
    this.oids = oids
    const resolved = new Uint8Array(n)
    resolved.set(this.resolved)
    this.resolved = resolved
  }

  #record(end: number): void {
    const { start, type, size, base, refBase } = this.#entry
    if (this.offsets.length === this.resolved.length) this.#grow(Math.min(this.count, this.offsets.length * 2))
    if (refBase !== undefined) this.refBases.set(this.offsets.length, refBase)
    this.offsets.push(start)
    this.ends.push(end)
    this.types.push(type)
    this.sizes.push(size)
    this.sha256s.push('')
    this.bases.push(base)
    this.contentSlab.push(-1)
    this.contentOffset.push(0)
    this.deltaSlab.push(-1)
    this.deltaOffset.push(0)
  }

  // Applies the delta entry `i` (its instructions in `instructions`, as long as the entry declares)
  // when its base is kept, else keeps the instructions for later.
  #delta(i: number, instructions: Uint8Array): void {
    const { start, size } = this.#entry
    const baseOffset = this.bases[i] as number
    const b = baseOffset < 0 ? -1 : this.indexAt(baseOffset)
    if (baseOffset >= 0 && b < 0) throw new CorruptPackError(`entry at offset ${start}: delta base is not an entry`)
    // The base as a span of its slab, not a view: a delta whose result lands in the same slab then
    // copies within it (see applyDeltaInto).
    const baseSlab = b < 0 || this.resolved[b] !== 1 ? -1 : (this.contentSlab[b] as number)
    if (baseSlab >= 0) {
      const base = this.#base
      base.bytes = this.content.views[baseSlab] as Uint8Array
      base.start = this.contentOffset[b] as number
      base.end = base.start + (this.sizes[b] as number)
      const input = this.#input
      input.bytes = instructions
      input.start = 0
      input.end = size
      let resultSize: number
      try {
        resultSize = deltaResultSize(instructions, 0, size)
      } catch (err) {
        if (err instanceof DeltaError) throw new CorruptPackError(`entry at offset ${start}: ${err.message}`)
        throw err
      }
      if (resultSize > this.limits.maxObjectBytes) throw this.tooLarge(`the delta at offset ${start}`, resultSize)
      const room = this.roomFor(this.types[b] as number, resultSize, () => instructions)
      if (room.kept) {
        try {
          applyDeltaInto(base, input, { bytes: room.target, start: room.at })
        } catch (err) {
          if (err instanceof DeltaError) throw new CorruptPackError(`entry at offset ${start}: ${err.message}`)
          throw err
        }
        this.finish(i, room)
        return
      }
    }
    const target = this.deltas.room(size)
    target.set(instructions.subarray(0, size), this.deltas.offset)
    this.deltas.take(size)
    this.deltaSlab[i] = this.deltas.slab
    this.deltaOffset[i] = this.deltas.offset
    this.waiting++
  }
}
