// The storage of the pack indexer: the slabs that hold inflated objects without one small Buffer
// per object, and the `type size\0` headers object ids are hashed over.
import type { ObjectType } from './gitObjects.js'

export const OFS_DELTA = 6
export const REF_DELTA = 7
const slabSize = 1024 * 1024

/**
 * Bytes copied into large slabs; an entry is a slab number, an offset and a length. Room is asked
 * for first ({@link Slabs.room}) and taken once filled ({@link Slabs.take}), so that an entry whose
 * stream is not all there yet is written again into the same room when more of the pack arrives.
 */
export class Slabs {
  readonly buffers: Buffer[] = []
  /** Plain Uint8Array views of `buffers`: their subarrays cost less than a Buffer's. */
  readonly views: Uint8Array[] = []
  /** The slab and offset of the last room given. */
  slab = -1
  offset = 0
  bytes = 0
  #current = -1
  #used = slabSize
  #own: Buffer | undefined

  /** Room for `size` bytes, in `slab` at `offset`: valid until the next call. */
  room(size: number): Uint8Array {
    if (size > slabSize / 4) {
      // A large object gets a slab of its own; the current slab keeps filling afterwards.
      if (this.#own === undefined || this.#own.byteLength < size) this.#own = Buffer.allocUnsafeSlow(size)
      this.slab = this.buffers.length
      this.offset = 0
      return this.#own
    }
    if (this.#used + size > slabSize) {
      const fresh = Buffer.allocUnsafeSlow(slabSize)
      this.buffers.push(fresh)
      this.views.push(new Uint8Array(fresh.buffer, fresh.byteOffset, fresh.byteLength))
      this.#current = this.buffers.length - 1
      this.#used = 0
    }
    this.slab = this.#current
    this.offset = this.#used
    return this.views[this.#current] as Uint8Array
  }

  /** Takes `size` bytes of the last room given (`size` at most what was asked). */
  take(size: number): void {
    this.bytes += size
    if (this.slab === this.buffers.length) {
      const own = this.#own as Buffer
      this.#own = undefined
      this.buffers.push(own)
      this.views.push(new Uint8Array(own.buffer, own.byteOffset, own.byteLength))
      return
    }
    this.#used += (size + 7) & ~7
  }

  /** The bytes at `slab`, `offset`. */
  view(slab: number, offset: number, size: number): Uint8Array {
    return (this.views[slab] as Uint8Array).subarray(offset, offset + size)
  }
}

const typeBytes: readonly (readonly number[])[] = ['', 'commit', 'tree', 'blob', 'tag'].map((t) => [...Buffer.from(t, 'latin1')])

/** Length of the header `type size\0` git hashes before an object's bytes. */
export function headerLength(type: number, size: number): number {
  let digits = 1
  for (let n = size; n >= 10; n = Math.floor(n / 10)) digits++
  return (typeBytes[type] as readonly number[]).length + digits + 2
}

/**
 * Where one object's bytes go: `target[at..at+size)`, behind `header` bytes of room for its header
 * `type size\0` (pack type number `type`); `kept` when in the content slabs.
 */
export interface Room {
  target: Uint8Array
  at: number
  header: number
  kept: boolean
  type: number
  size: number
}

/** Writes the header `type size\0` of `room`'s object into the room before its bytes. */
export function writeHeader(room: Room): void {
  const { target, type } = room
  let p = room.at - 1
  target[p--] = 0
  let n = room.size
  do {
    target[p--] = 0x30 + (n % 10)
    n = Math.floor(n / 10)
  } while (n > 0)
  target[p--] = 0x20
  const name = typeBytes[type] as readonly number[]
  for (let i = name.length - 1; i >= 0; i--) target[p--] = name[i] as number
}

/** Pack type numbers of object type names. */
export function typeNumber(type: ObjectType): number {
  return type === 'commit' ? 1 : type === 'tree' ? 2 : type === 'blob' ? 3 : 4
}
