import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { readFile } from 'node:fs/promises'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { tempDir } from '../../test/helpers/workspace.js'
import { createRepository, gitEnv } from '../testing.js'
import type { TestRepository } from '../testing.js'
import { parseCommit, parseTree } from './gitObjects.js'
import { CorruptPackError, indexPack } from './indexPack.js'
import { createObjectStore } from './objectStore.js'
import { readIdx } from './packIdx.js'

let root: { path: string; remove: () => Promise<void> }
let repo: TestRepository
let first: string
let second: string

beforeAll(async () => {
  root = await tempDir('index-pack')
  repo = await createRepository(root.path, { name: 'pack.git' })
  const files: Record<string, string> = {}
  for (let i = 0; i < 30; i++) files[`dir-${i % 3}/file-${i}.yaml`] = `name: file-${i}\n${'line of text\n'.repeat(20 + i)}`
  first = await repo.commit(files)
  second = await repo.commit({ 'dir-0/file-0.yaml': `name: file-0\n${'line of text\n'.repeat(21)}`, 'new.yaml': 'new\n' })
})

afterAll(() => root.remove())

/** A pack made by git pack-objects from `revs` (e.g. `^A B` for a pack of what B adds to A). */
function gitPack(revs: string, thin = false): Buffer {
  const result = spawnSync('git', ['pack-objects', '--stdout', '--revs', ...(thin ? ['--thin'] : [])], {
    cwd: repo.path,
    input: `${revs.split(' ').join('\n')}\n`,
    env: gitEnv(),
  })
  if (result.status !== 0) throw new Error(String(result.stderr))
  return result.stdout
}

async function* chunked(data: Buffer, size: number): AsyncGenerator<Buffer> {
  for (let i = 0; i < data.byteLength; i += size) yield data.subarray(i, i + size)
}

describe('indexPack', () => {
  it('writes the same idx v2 as git index-pack, whatever the chunk size', async () => {
    const pack = gitPack(first)
    const native = spawnSync('git', ['index-pack', '--stdin', '-o', join(root.path, 'native.idx'), join(root.path, 'native.pack')], { cwd: repo.path, input: pack, env: gitEnv() })
    expect(native.status).toBe(0)
    const expected = await readFile(join(root.path, 'native.idx'))
    for (const size of [1, 7, 4096, 1 << 20]) {
      const indexed = await indexPack(chunked(pack, size))
      expect(indexed.idx.equals(expected)).toBe(true)
      expect(indexed.pack.equals(pack)).toBe(true)
      // The same when the pack outgrows the room it was given and is copied as it arrives.
      const grown = await indexPack(chunked(pack, size), { initialBytes: 64 })
      expect(grown.idx.equals(expected)).toBe(true)
      expect(grown.pack.equals(pack)).toBe(true)
    }
  })

  it('indexes the same with inflateSync per entry (the fallback when the zlib engine cannot be reused)', async () => {
    const pack = gitPack(first)
    const reused = await indexPack(chunked(pack, 4096))
    const fallback = await indexPack(chunked(pack, 4096), { reuseEngine: false })
    expect(fallback.idx.equals(reused.idx)).toBe(true)
    const damaged = Buffer.from(pack)
    damaged[pack.byteLength >> 1] = (damaged[pack.byteLength >> 1] as number) ^ 0xff
    for (const reuseEngine of [true, false]) {
      await expect(indexPack(chunked(damaged, 4096), { reuseEngine })).rejects.toBeInstanceOf(CorruptPackError)
    }
  })

  it('looks every object up in memory at the offset the idx file gives, and misses what is not there', async () => {
    const indexed = await indexPack(chunked(gitPack(first), 4096))
    const idx = readIdx(indexed.idx)
    expect(indexed.index.count).toBe(idx.count)
    expect(indexed.index.packChecksum.equals(idx.packChecksum)).toBe(true)
    expect(indexed.index.oids().map((o) => o.toString('hex'))).toEqual(idx.oids().map((o) => o.toString('hex')))
    for (const oid of idx.oids()) {
      expect(indexed.index.find(oid)).toBe(idx.find(oid))
      // An id inside a larger buffer, as in a tree entry.
      const inside = Buffer.concat([Buffer.from('100644 name\0'), oid, Buffer.from('tail')])
      expect(indexed.index.findAt(inside, 12)).toBe(idx.find(oid))
      expect(idx.findAt(inside, 12)).toBe(idx.find(oid))
    }
    const missing = Buffer.from(idx.oids()[0] as Buffer)
    missing[19] = (missing[19] as number) ^ 0xff
    expect(indexed.index.find(missing)).toBe(-1)
    expect(idx.find(missing)).toBe(-1)
    expect(indexed.index.find(Buffer.alloc(20))).toBe(-1)
  })

  it('resolves every delta once, also in chains (regression: resolved deltas revisited as bases)', async () => {
    const chain = await createRepository(root.path, { name: 'chain.git' })
    // The 40 commits of one growing file through one fast-import process: a commit each through
    // chain.commit spawns three git processes, which took this test past its timeout on a loaded
    // 2-core CI; the pack below (and its delta chains) is the same either way.
    let text = 'start\n'
    const stream: string[] = []
    for (let i = 0; i < 40; i++) {
      text += `line ${i} ${'x'.repeat(i)}\n`
      const stamp = `${1704067200 + i * 60} +0000`
      stream.push(`commit refs/heads/main\nauthor Test Author <author@example.com> ${stamp}\ncommitter Test Author <author@example.com> ${stamp}\ndata 0\n`)
      stream.push(`M 100644 inline grow.yaml\ndata ${Buffer.byteLength(text)}\n${text}\n`)
    }
    const imported = spawnSync('git', ['fast-import', '--quiet', '--done'], { cwd: chain.path, input: `${stream.join('')}done\n`, env: gitEnv() })
    expect(String(imported.stderr)).toBe('')
    const result = spawnSync('git', ['pack-objects', '--stdout', '--revs', '--delta-base-offset', '--depth=50', '--window=50'], { cwd: chain.path, input: 'main\n', env: gitEnv() })
    const indexed = await indexPack(chunked(result.stdout, 512))
    const store = createObjectStore()
    store.add({ pack: indexed.pack, idx: readIdx(indexed.idx), verify: true })
    const tree = parseTree(store.read(parseCommit(store.read(await chain.revParse('main')).data).tree).data)
    expect(store.read((tree[0] as { oid: string }).oid).data.toString()).toBe(text)
  })

  it('resolves deltas so that every object reads back with its id', async () => {
    const indexed = await indexPack(chunked(gitPack(first), 65536), { keepBytes: 0 })
    expect(indexed.objectAt(12)).toBeUndefined()
    const store = createObjectStore(1024)
    store.add({ pack: indexed.pack, idx: readIdx(indexed.idx), verify: true })
    const tree = store.read(parseCommit(store.read(first).data).tree)
    for (const entry of parseTree(tree.data)) {
      for (const file of parseTree(store.read(entry.oid).data)) expect(store.read(file.oid).type).toBe('blob')
    }
  })

  it('records the content SHA-256 and size of every blob kept in memory, whole or from a delta, and of no other', async () => {
    const pack = gitPack(second)
    const store = createObjectStore()
    const idx = readIdx((await indexPack(chunked(pack, 4096))).idx)
    store.add({ pack, idx, verify: true })
    let blobs = 0
    for (const keepBytes of [0, 96 * 1024 * 1024]) {
      const indexed = await indexPack(chunked(pack, 4096), { keepBytes })
      for (const oid of idx.oids()) {
        const object = store.read(oid.toString('hex'))
        const inside = Buffer.concat([Buffer.from('100644 name\0'), oid, Buffer.from('tail')])
        const recorded = indexed.blobDigestAt(inside, 12)
        if (object.type !== 'blob' || keepBytes === 0) expect(recorded).toBeUndefined()
        else {
          blobs++
          expect(recorded).toEqual({ sha256: createHash('sha256').update(object.data).digest('hex'), size: object.data.byteLength })
        }
      }
      const missing = Buffer.from(idx.oids()[0] as Buffer)
      missing[19] = (missing[19] as number) ^ 0xff
      expect(indexed.blobDigestAt(missing, 0)).toBeUndefined()
    }
    // Both commits' blobs (the changed file's new one may come as a delta on the old).
    expect(blobs).toBe(32)
  })

  it('completes a thin pack with its external bases, as index-pack --fix-thin does', async () => {
    const base = await indexPack(chunked(gitPack(first), 65536))
    const store = createObjectStore()
    store.add({ pack: base.pack, idx: readIdx(base.idx), verify: false, objectAt: (o) => base.objectAt(o) })
    const thin = gitPack(`^${first} ${second}`, true)
    await expect(indexPack(chunked(thin, 65536))).rejects.toThrow(/deltas have no base/)
    const fixed = await indexPack(chunked(thin, 65536), { external: (oid) => (store.has(oid) ? store.read(oid) : undefined) })
    expect(fixed.pack.readUInt32BE(8)).toBeGreaterThan(thin.readUInt32BE(8))
    const check = spawnSync('git', ['index-pack', '--stdin', '-o', join(root.path, 'fixed.idx'), join(root.path, 'fixed.pack')], { cwd: repo.path, input: fixed.pack, env: gitEnv() })
    expect(String(check.stderr)).toBe('')
    expect((await readFile(join(root.path, 'fixed.idx'))).equals(fixed.idx)).toBe(true)
  })

  it.for([
    { name: 'a flipped byte', damage: (p: Buffer) => { const c = Buffer.from(p); c[c.byteLength >> 1] = (c[c.byteLength >> 1] as number) ^ 0xff; return c }, message: /./ },
    { name: 'a truncated pack', damage: (p: Buffer) => p.subarray(0, p.byteLength - 100), message: /truncated|ends after|checksum/ },
    { name: 'a wrong signature', damage: (p: Buffer) => Buffer.concat([Buffer.from('KCAP'), p.subarray(4)]), message: /signature/ },
    { name: 'trailing bytes', damage: (p: Buffer) => Buffer.concat([p, Buffer.from('extra')]), message: /trailing|checksum/ },
    { name: 'nothing', damage: () => Buffer.alloc(0), message: /empty/ },
    // The count comes from the remote: it must not size anything before the entries are there.
    { name: 'a count of 2^32 - 1 objects', damage: (p: Buffer) => { const c = Buffer.from(p); c.writeUInt32BE(0xffffffff, 8); return c }, message: /^entry at offset \d+: |truncated|checksum/ },
    { name: 'a flipped checksum byte', damage: (p: Buffer) => { const c = Buffer.from(p); c[c.byteLength - 1] = (c[c.byteLength - 1] as number) ^ 0xff; return c }, message: /checksum mismatch/ },
  ])('rejects $name as corrupt', async ({ damage, message }) => {
    await expect(indexPack(chunked(damage(gitPack(first)), 4096))).rejects.toSatisfy((err: unknown) => err instanceof CorruptPackError && message.test(err.message))
  })

  it('stops with the abort reason', async () => {
    const controller = new AbortController()
    const reason = new Error('stop')
    controller.abort(reason)
    await expect(indexPack(chunked(gitPack(first), 4096), { signal: controller.signal })).rejects.toBe(reason)
  })

})
