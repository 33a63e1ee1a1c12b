// Pack index version 2 (gitformat-pack(5)): the file native git, isomorphic-git and we all read to
// find an object in a pack by its id.
import { createHash } from 'node:crypto'

const magic = Buffer.from([0xff, 0x74, 0x4f, 0x63, 0, 0, 0, 2])

/** Builds an idx v2 file from entries sorted by object id. */
export function writeIdx(sorted: { oids: Buffer; crcs: Uint32Array; offsets: Float64Array }, packChecksum: Buffer): Buffer {
  const count = sorted.crcs.length
  const large: number[] = []
  for (let i = 0; i < count; i++) if ((sorted.offsets[i] as number) >= 0x80000000) large.push(i)
  const size = 8 + 1024 + count * 28 + large.length * 8 + 40
  const out = Buffer.alloc(size)
  magic.copy(out, 0)
  let pos = 8
  let index = 0
  for (let byte = 0; byte < 256; byte++) {
    while (index < count && (sorted.oids[index * 20] as number) <= byte) index++
    out.writeUInt32BE(index, pos)
    pos += 4
  }
  sorted.oids.copy(out, pos)
  pos += count * 20
  for (let i = 0; i < count; i++, pos += 4) out.writeUInt32BE(sorted.crcs[i] as number, pos)
  let largeIndex = 0
  for (let i = 0; i < count; i++, pos += 4) {
    const offset = sorted.offsets[i] as number
    out.writeUInt32BE(offset >= 0x80000000 ? (0x80000000 | largeIndex++) >>> 0 : offset, pos)
  }
  for (const i of large) {
    out.writeBigUInt64BE(BigInt(sorted.offsets[i] as number), pos)
    pos += 8
  }
  packChecksum.copy(out, pos)
  pos += 20
  createHash('sha1').update(out.subarray(0, pos)).digest().copy(out, pos)
  return out
}

/** A parsed idx v2 file: lookups by object id. */
export interface PackIdx {
  readonly count: number
  /** The pack's trailing checksum as the idx records it. */
  readonly packChecksum: Buffer
  /** Offset of `oid` (20 bytes) in the pack, or -1. */
  find(oid: Buffer): number
  /** Offset of the id at `bytes[at..at+20)` (e.g. inside a tree entry) in the pack, or -1. */
  findAt(bytes: Uint8Array, at: number): number
  /** Every object id in the index, as 20-byte slices, sorted. */
  oids(): Buffer[]
}

/** Thrown for an idx file that is not valid. */
export class IdxFormatError extends Error {
  override readonly name = 'IdxFormatError'
}

/** Reads an idx v2 file, checking its magic, size and trailing checksum. */
export function readIdx(idx: Buffer): PackIdx {
  if (idx.byteLength < 8 + 1024 + 40 || !idx.subarray(0, 8).equals(magic)) throw new IdxFormatError('not a version 2 pack index')
  const count = idx.readUInt32BE(8 + 255 * 4)
  const oidsAt = 8 + 1024
  const crcsAt = oidsAt + count * 20
  const offsetsAt = crcsAt + count * 4
  const largeAt = offsetsAt + count * 4
  if (largeAt + 40 > idx.byteLength) throw new IdxFormatError('pack index is truncated')
  const sum = createHash('sha1').update(idx.subarray(0, idx.byteLength - 20)).digest()
  if (!sum.equals(idx.subarray(idx.byteLength - 20))) throw new IdxFormatError('pack index checksum mismatch')
  const packChecksum = idx.subarray(idx.byteLength - 40, idx.byteLength - 20)
  const offsetOf = (i: number): number => {
    const small = idx.readUInt32BE(offsetsAt + i * 4)
    if ((small & 0x80000000) === 0) return small
    return Number(idx.readBigUInt64BE(largeAt + (small & 0x7fffffff) * 8))
  }
  const findAt = (oid: Uint8Array, at: number): number => {
    const first = oid[at] as number
    let lo = first === 0 ? 0 : idx.readUInt32BE(8 + (first - 1) * 4)
    let hi = idx.readUInt32BE(8 + first * 4) - 1
    // Most steps are decided by the first four bytes, read in JavaScript; Buffer#compare, a call
    // into C++ each time, only settles ties.
    const key = (((oid[at] as number) << 24) | ((oid[at + 1] as number) << 16) | ((oid[at + 2] as number) << 8) | (oid[at + 3] as number)) >>> 0
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1
      const entry = oidsAt + mid * 20
      let cmp = idx.readUInt32BE(entry) - key
      if (cmp === 0) cmp = idx.compare(oid, at + 4, at + 20, entry + 4, entry + 20)
      if (cmp === 0) return offsetOf(mid)
      if (cmp < 0) lo = mid + 1
      else hi = mid - 1
    }
    return -1
  }
  return {
    count,
    packChecksum,
    find: (oid) => findAt(oid, 0),
    findAt,
    oids() {
      const list: Buffer[] = []
      for (let i = 0; i < count; i++) list.push(idx.subarray(oidsAt + i * 20, oidsAt + i * 20 + 20))
      return list
    },
  }
}
