// The storage of the pack indexer: the slabs that hold inflated objects without one small Buffer
// per object, and object hashing into a flat array.
import { createHash, hash } from 'node:crypto'
import type { ObjectType } from './gitObjects.js'

export const OFS_DELTA = 6
export const REF_DELTA = 7
const slabSize = 1024 * 1024

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

let scratch = Buffer.allocUnsafeSlow(64 * 1024)

/** Writes the git object id of `object` (SHA-1 of `type size\0data`) into `target` at `at`. */
export function hashInto(target: Buffer, at: number, object: { type: ObjectType; data: Buffer }): void {
  const { type, data } = object
  // One-shot hashing of header and bytes copied together: a Hash object per entry (a native handle
  // the collector must finalise) cost more than the copy for the small objects of a repository.
  const room = data.byteLength + 32
  if (room > 16 * 1024 * 1024) {
    target.set(createHash('sha1').update(`${type} ${data.byteLength}\0`).update(data).digest(), at)
    return
  }
  if (scratch.byteLength < room) scratch = Buffer.allocUnsafeSlow(Math.max(room, scratch.byteLength * 2))
  const header = scratch.write(`${type} ${data.byteLength}\0`, 0, 'latin1')
  scratch.set(data, header)
  target.set(hash('sha1', scratch.subarray(0, header + data.byteLength), 'buffer'), at)
}
