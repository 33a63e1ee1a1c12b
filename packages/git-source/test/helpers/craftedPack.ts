// Packs built byte by byte for the size-limit and corruption tests: a pack entry header, a zlib
// stream of many zeros produced chunk by chunk (so a gigabyte never sits in memory), a delta made of
// copy instructions only, and the transport that hands such a pack to fetchSource.
import { createHash } from 'node:crypto'
import { createDeflate, deflateSync } from 'node:zlib'
import type { GitTransport } from '../../src/index.js'

/** Pack type numbers (gitformat-pack(5)). */
export const packType = { commit: 1, tree: 2, blob: 3, tag: 4, ofsDelta: 6, refDelta: 7 } as const

/** The header of one pack entry: type and inflated size. */
export function entryHeader(type: number, size: number): Buffer {
  const bytes: number[] = []
  let c = (type << 4) | (size % 16)
  let rest = Math.floor(size / 16)
  while (rest > 0) {
    bytes.push(c | 0x80)
    c = rest % 128
    rest = Math.floor(rest / 128)
  }
  bytes.push(c)
  return Buffer.from(bytes)
}

/** The relative base offset of an OFS_DELTA entry. */
export function ofsDeltaOffset(distance: number): Buffer {
  const bytes = [distance & 0x7f]
  let rest = distance >> 7
  while (rest > 0) {
    rest--
    bytes.unshift(0x80 | (rest & 0x7f))
    rest >>= 7
  }
  return Buffer.from(bytes)
}

/** A zlib stream of `size` zero bytes, compressed as it is produced. */
export async function deflatedZeros(size: number): Promise<Buffer> {
  const deflate = createDeflate({ level: 9 })
  const parts: Buffer[] = []
  deflate.on('data', (chunk: Buffer) => parts.push(chunk))
  const done = new Promise<void>((resolve, reject) => {
    deflate.on('end', resolve)
    deflate.on('error', reject)
  })
  const block = Buffer.alloc(1024 * 1024)
  for (let left = size; left > 0; left -= block.byteLength) {
    const piece = left >= block.byteLength ? block : block.subarray(0, left)
    if (!deflate.write(piece)) await new Promise((resolve) => deflate.once('drain', resolve))
  }
  deflate.end()
  await done
  return Buffer.concat(parts)
}

/** A complete pack (header, entries, SHA-1 trailer) of already encoded entries. */
export function pack(entries: readonly Buffer[]): Buffer {
  const header = Buffer.alloc(12)
  header.write('PACK', 0, 'latin1')
  header.writeUInt32BE(2, 4)
  header.writeUInt32BE(entries.length, 8)
  const body = Buffer.concat([header, ...entries])
  return Buffer.concat([body, createHash('sha1').update(body).digest()])
}

/** A delta that copies `base` (of `baseSize` bytes, at most 64 KiB) over and over into `resultSize` bytes. */
export function copyDelta(baseSize: number, resultSize: number): Buffer {
  const varint = (n: number): number[] => {
    const out: number[] = []
    let rest = n
    do {
      let byte = rest % 128
      rest = Math.floor(rest / 128)
      if (rest > 0) byte |= 0x80
      out.push(byte)
    } while (rest > 0)
    return out
  }
  const ops: number[] = [...varint(baseSize), ...varint(resultSize)]
  // 0x90 + one size byte: copy `size` bytes from offset 0; 0x80 alone copies 64 KiB.
  for (let left = resultSize; left > 0; left -= baseSize) {
    const size = Math.min(baseSize, left)
    if (size === 0x10000) ops.push(0x80)
    else ops.push(0xb0, size & 0xff, (size >> 8) & 0xff)
  }
  return Buffer.from(ops)
}

/** An encoded entry: header plus deflated data. */
export function entry(type: number, data: Buffer): Buffer {
  return Buffer.concat([entryHeader(type, data.byteLength), deflateSync(data)])
}

/**
 * A transport that advertises `main` at `commit` and answers every pack request with `bytes`,
 * in 64 KiB chunks; it counts the pack requests.
 */
export function packTransport(commit: string, bytes: Buffer): GitTransport & { packRequests: number } {
  const transport = {
    packRequests: 0,
    listRefs() {
      return Promise.resolve({
        refs: new Map([
          ['HEAD', commit],
          ['refs/heads/main', commit],
        ]),
        symrefs: new Map([['HEAD', 'refs/heads/main']]),
        capabilities: new Set<string>(),
      })
    },
    fetchPack() {
      transport.packRequests++
      async function* chunks(): AsyncGenerator<Uint8Array> {
        for (let at = 0; at < bytes.byteLength; at += 65536) yield bytes.subarray(at, at + 65536)
      }
      return Promise.resolve({ shallows: [], unshallows: [], pack: chunks() })
    },
  }
  return transport
}
