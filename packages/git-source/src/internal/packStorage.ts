// The storage of the pack indexer: zlib inflation of one entry with a known size, the slabs that hold
// inflated objects without one small Buffer per object, and object hashing into a flat array.
import { createHash } from 'node:crypto'
import { inflateSync } from 'node:zlib'
import type { ObjectType } from './gitObjects.js'
import { CorruptPackError } from './packErrors.js'

export const OFS_DELTA = 6
export const REF_DELTA = 7
const slabSize = 1024 * 1024

/** Inflates the zlib stream at the start of `input`; `undefined` when the input ends too early. */
export function inflateAt(input: Buffer, size: number): { data: Buffer; used: number } | undefined {
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

export function inflateEntry(input: Buffer, size: number, offset: number): { data: Buffer; used: number } | undefined {
  try {
    return inflateAt(input, size)
  } catch (err) {
    throw new CorruptPackError(`entry at offset ${offset}: ${(err as Error).message}`)
  }
}

/** Bytes copied into large slabs; an entry is a slab number, an offset and a length. */
export class Slabs {
  readonly buffers: Buffer[] = []
  #current = -1
  #used = slabSize
  bytes = 0

  /** Room for `size` bytes: the slab number, the offset, and a view to write into. */
  allocate(size: number): { slab: number; offset: number; view: Buffer } {
    this.bytes += size
    if (size > slabSize / 4) {
      // A large object gets a slab of its own; the current slab keeps filling afterwards.
      const own = Buffer.allocUnsafeSlow(size)
      this.buffers.push(own)
      return { slab: this.buffers.length - 1, offset: 0, view: own }
    }
    if (this.#used + size > slabSize) {
      this.buffers.push(Buffer.allocUnsafeSlow(slabSize))
      this.#current = this.buffers.length - 1
      this.#used = 0
    }
    const offset = this.#used
    this.#used += (size + 7) & ~7
    return { slab: this.#current, offset, view: (this.buffers[this.#current] as Buffer).subarray(offset, offset + size) }
  }
}

export function hashInto(target: Buffer, at: number, object: { type: ObjectType; data: Buffer }): void {
  // TypedArray#set: Buffer#copy costs more per call than the bytes it moves here.
  target.set(createHash('sha1').update(`${object.type} ${object.data.byteLength}\0`).update(object.data).digest(), at)
}
