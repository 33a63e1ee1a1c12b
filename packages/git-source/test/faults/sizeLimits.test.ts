import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fetchSource } from '../../src/index.js'
import { copyDelta, deflatedZeros, entry, entryHeader, ofsDeltaOffset, pack, packTransport, packType } from '../helpers/craftedPack.js'
import { snapshotDir, tempDir } from '../helpers/workspace.js'

const commit = 'c0ffee'.padEnd(40, '0')
// Credentials in the URL must be taken out of every message.
const given = 'http://user:PASS@127.0.0.1:9/fleet.git'
const shown = 'http://127.0.0.1:9/fleet.git'
const GiB = 1024 * 1024 * 1024

let work: { path: string; remove: () => Promise<void> }
// 1 GiB of zeros deflates to about 1 MiB; built once, chunk by chunk.
let zeros: Buffer
beforeAll(async () => {
  work = await tempDir('size-limits')
  zeros = await deflatedZeros(GiB)
})
afterAll(() => work.remove())

async function refused(bytes: Buffer, options: { maxSize?: number } = {}): Promise<{ err: Error & { code?: string; details?: unknown }; growth: number }> {
  const dir = join(work.path, 'out')
  const cacheDir = join(work.path, 'cache')
  const transport = packTransport(commit, bytes)
  const before = process.memoryUsage().rss
  const err = (await fetchSource(given, { transport, dir, cacheDir, ...options }).catch((e: unknown) => e)) as Error & { code?: string }
  const growth = process.memoryUsage().rss - before
  expect(transport.packRequests).toBe(1)
  // Nothing checked out, and no pack or state in the cache.
  await expect(readdir(dir)).rejects.toMatchObject({ code: 'ENOENT' })
  const cached = [...(await snapshotDir(cacheDir)).keys()]
  expect(cached.filter((p) => p.endsWith('.pack') || p.endsWith('.idx') || p.endsWith('gitops-source.json'))).toEqual([])
  expect(err.message).not.toContain('PASS')
  return { err, growth }
}

describe('fetchSource size limits', () => {
  it('refuses a 1 GiB blob from its entry header, in a small pack, without inflating it', async () => {
    const bytes = pack([Buffer.concat([entryHeader(packType.blob, GiB), zeros])])
    expect(bytes.byteLength).toBeLessThan(2 * 1024 * 1024)
    const { err, growth } = await refused(bytes)
    expect(err).toMatchObject({
      code: 'GIT_SIZE_LIMIT_EXCEEDED',
      message: `${shown}: the received pack is too large: the entry at offset 12 declares ${GiB} bytes, more than the limit of ${500 * 1024 * 1024}`,
      details: { url: shown, size: GiB, limit: 500 * 1024 * 1024 },
    })
    // The limit is 500 MiB; the fetch costs a few megabytes at most.
    expect(growth).toBeLessThan(100 * 1024 * 1024)
  })

  it('honours a smaller maxSize from the header too', async () => {
    const blob = entry(packType.blob, Buffer.alloc(4096, 7))
    const { err } = await refused(pack([blob]), { maxSize: 1000 })
    expect(err).toMatchObject({ code: 'GIT_SIZE_LIMIT_EXCEEDED', details: { url: shown, size: 4096, limit: 1000 } })
  })

  it('stops inflating an entry at its declared size when the stream holds more', async () => {
    // The header says 100 bytes; the zlib stream would inflate to 1 GiB.
    const bytes = pack([Buffer.concat([entryHeader(packType.blob, 100), zeros])])
    const { err, growth } = await refused(bytes)
    expect(err).toMatchObject({ code: 'GIT_CORRUPT_PACK', details: { url: shown } })
    expect(err.message.startsWith(`${shown}: the received pack is corrupt: entry at offset 12`)).toBe(true)
    expect(growth).toBeLessThan(100 * 1024 * 1024)
  })

  it('refuses a delta whose result would be 1 GiB before building it', async () => {
    const base = entry(packType.blob, Buffer.alloc(65536))
    const delta = copyDelta(65536, GiB)
    const deltaEntry = Buffer.concat([entryHeader(packType.ofsDelta, delta.byteLength), ofsDeltaOffset(base.byteLength), entry(0, delta).subarray(entryHeader(0, delta.byteLength).byteLength)])
    const { err, growth } = await refused(pack([base, deltaEntry]))
    expect(err).toMatchObject({
      code: 'GIT_SIZE_LIMIT_EXCEEDED',
      message: `${shown}: the received pack is too large: the delta at offset ${12 + base.byteLength} declares ${GiB} bytes, more than the limit of ${500 * 1024 * 1024}`,
      details: { url: shown, size: GiB },
    })
    expect(growth).toBeLessThan(100 * 1024 * 1024)
  })

  // Sizes are base-128 numbers of any length: each further byte scales by 128, so a long one is
  // refused as too large rather than wrapping round to a small size.
  it('refuses an entry whose size runs on for twelve bytes (2^80) from its header', async () => {
    const huge = 2 ** 80
    const header = entryHeader(packType.blob, huge)
    expect(header.byteLength).toBe(12)
    const { err } = await refused(pack([Buffer.concat([header, zeros.subarray(0, 1024)])]))
    expect(err).toMatchObject({ code: 'GIT_SIZE_LIMIT_EXCEEDED', details: { url: shown, size: huge, limit: 500 * 1024 * 1024 } })
    expect(err.message.startsWith(`${shown}: the received pack is too large: the entry at offset 12 declares`)).toBe(true)
  })

  it('refuses a delta whose result size runs on for twelve bytes (2^80) before building it', async () => {
    const base = entry(packType.blob, Buffer.alloc(65536))
    // The base size (65536), then 2^80 as twelve base-128 bytes, then one 64 KiB copy.
    const delta = Buffer.from([0x80, 0x80, 0x04, ...Array.from({ length: 11 }, () => 0x80), 0x08, 0x80])
    const deltaEntry = Buffer.concat([entryHeader(packType.ofsDelta, delta.byteLength), ofsDeltaOffset(base.byteLength), entry(0, delta).subarray(entryHeader(0, delta.byteLength).byteLength)])
    const { err } = await refused(pack([base, deltaEntry]))
    expect(err).toMatchObject({ code: 'GIT_SIZE_LIMIT_EXCEEDED', details: { url: shown, size: 2 ** 80 } })
    expect(err.message.startsWith(`${shown}: the received pack is too large: the delta at offset ${12 + base.byteLength} declares`)).toBe(true)
  })
})
