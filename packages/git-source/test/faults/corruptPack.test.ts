import { randomBytes } from 'node:crypto'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { deflateSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fetchSource } from '../../src/index.js'
import { entry, entryHeader, ofsDeltaOffset, pack, packTransport, packType } from '../helpers/craftedPack.js'
import { snapshotDir, tempDir } from '../helpers/workspace.js'

const commit = 'c0ffee'.padEnd(40, '1')
const given = 'http://user:PASS@127.0.0.1:9/fleet.git'
const shown = 'http://127.0.0.1:9/fleet.git'

let work: { path: string; remove: () => Promise<void> }
beforeAll(async () => {
  work = await tempDir('corrupt-pack')
})
afterAll(() => work.remove())

// Seven blobs of 10 KiB that do not compress, so that the last straddles the first 64 KiB chunk
// the transport hands over: its stream is first seen cut short, then whole.
const blobs = Array.from({ length: 7 }, () => randomBytes(10 * 1024))
const entries = blobs.map((data) => entry(packType.blob, data))
const offsetOf = (i: number): number => 12 + entries.slice(0, i).reduce((n, e) => n + e.byteLength, 0)

/** The pack with entry `i` replaced. The trailer is recomputed: only the zlib stream is wrong. */
function packWith(i: number, replacement: Buffer): Buffer {
  return pack(entries.map((e, j) => (j === i ? replacement : e)))
}

function damagedEntry(i: number, at: number): Buffer {
  const copy = Buffer.from(entries[i] as Buffer)
  copy[at] = (copy[at] as number) ^ 0x55
  return copy
}

async function refused(bytes: Buffer): Promise<Error & { code?: string; details?: unknown }> {
  const dir = join(work.path, 'out')
  const cacheDir = join(work.path, 'cache')
  const transport = packTransport(commit, bytes)
  const err = (await fetchSource(given, { transport, dir, cacheDir }).catch((e: unknown) => e)) as Error & { code?: string }
  expect(transport.packRequests).toBe(1)
  // Nothing checked out, and no pack or state in the cache.
  await expect(readdir(dir)).rejects.toMatchObject({ code: 'ENOENT' })
  const cached = [...(await snapshotDir(cacheDir)).keys()]
  expect(cached.filter((p) => p.endsWith('.pack') || p.endsWith('.idx') || p.endsWith('gitops-source.json'))).toEqual([])
  expect(err.message).not.toContain('PASS')
  return err
}

describe('fetchSource with a damaged zlib stream inside the pack', () => {
  it.for([
    // Damaged past the boundary: the first attempt sees a good but unfinished stream.
    { name: 'a flipped byte in an entry across a chunk boundary', i: 6, make: () => damagedEntry(6, 65536 - offsetOf(6) + 1000) },
    { name: 'a flipped byte in the checksum of an entry', i: 3, make: () => damagedEntry(3, (entries[3] as Buffer).byteLength - 2) },
    { name: 'a stream shorter than its header declares', i: 2, make: () => Buffer.concat([entryHeader(packType.blob, 10 * 1024 + 1), deflateSync(blobs[2] as Buffer)]) },
    { name: 'a stream longer than its header declares', i: 4, make: () => Buffer.concat([entryHeader(packType.blob, 10 * 1024 - 1), deflateSync(blobs[4] as Buffer)]) },
    { name: 'bytes that are not zlib', i: 1, make: () => Buffer.concat([entryHeader(packType.blob, 100), Buffer.alloc(100, 0x41)]) },
  ])('fails on $name with GIT_CORRUPT_PACK naming the entry, and writes nothing', async ({ i, make }) => {
    expect(offsetOf(6)).toBeLessThan(65536)
    expect(offsetOf(7)).toBeGreaterThan(65536 + 1000)
    const err = await refused(packWith(i, make()))
    expect(err).toMatchObject({ code: 'GIT_CORRUPT_PACK', details: { url: shown } })
    expect(err.message.startsWith(`${shown}: the received pack is corrupt: entry at offset ${offsetOf(i)}: `)).toBe(true)
  })
})

// A base blob and an OFS_DELTA on it, small enough that both sit in the indexer's first slab: the
// delta's copies then run within that slab, where a copy past the base would read the bytes of the
// entries after it instead of failing.
const base = Buffer.from('apiVersion: v1\nkind: ConfigMap\n'.repeat(4))
const after = entry(packType.blob, Buffer.alloc(200, 0x7a))

function deltaEntry(baseOffset: number, at: number, instructions: readonly number[]): Buffer {
  return Buffer.concat([entryHeader(packType.ofsDelta, instructions.length), ofsDeltaOffset(at - baseOffset), deflateSync(Buffer.from(instructions))])
}

function deltaPack(instructions: readonly number[]): { bytes: Buffer; at: number } {
  const first = entry(packType.blob, base)
  const at = 12 + first.byteLength + after.byteLength
  return { bytes: pack([first, after, deltaEntry(12, at, instructions)]), at }
}

describe('fetchSource with a bad delta inside the pack', () => {
  const size = base.byteLength
  it.for([
    // 0x91: copy, one offset byte, one size byte.
    { name: 'a copy past the end of its base', instructions: [size, 20, 0x91, size - 10, 20], message: 'delta copies outside its base or result' },
    { name: 'a base size other than its base', instructions: [size - 1, 10, 0x91, 0, 10], message: `delta expects a ${size - 1}-byte base, got ${size}` },
    { name: 'a copy past its declared result', instructions: [size, 10, 0x91, 0, 20], message: 'delta copies outside its base or result' },
    { name: 'fewer bytes than its declared result', instructions: [size, 30, 0x91, 0, 20], message: 'delta produced 20 of 30 bytes' },
    { name: 'an insert past its end', instructions: [size, 10, 10, 0x41, 0x42], message: 'delta inserts past its end' },
    { name: 'the reserved zero instruction', instructions: [size, 10, 0], message: 'delta has a reserved zero instruction' },
    { name: 'a header cut short', instructions: [0x80], message: 'truncated delta header' },
  ])('fails on $name with GIT_CORRUPT_PACK naming the entry, and writes nothing', async ({ instructions, message }) => {
    expect(size).toBeLessThan(128)
    const { bytes, at } = deltaPack(instructions)
    const err = await refused(bytes)
    expect(err).toMatchObject({ code: 'GIT_CORRUPT_PACK', details: { url: shown } })
    expect(err.message).toBe(`${shown}: the received pack is corrupt: entry at offset ${at}: ${message}`)
  })

  it('fails on a pack cut inside its last delta with GIT_CORRUPT_PACK, and writes nothing', async () => {
    const { bytes } = deltaPack([size, 20, 0x91, 0, 20])
    const err = await refused(bytes.subarray(0, bytes.byteLength - 24))
    expect(err).toMatchObject({ code: 'GIT_CORRUPT_PACK', details: { url: shown } })
    expect(err.message.startsWith(`${shown}: the received pack is corrupt: `)).toBe(true)
  })
})
