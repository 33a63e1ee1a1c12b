// The commit's trees are read while the pack still arrives (TreeCollector). That walk is
// speculative: whatever goes wrong later in the pack must end exactly as it did when the trees were
// walked after the pack's checks (the same typed error, nothing written), and a tree the walk could
// not see must fall back to the walk from the store with the same result.
import { createHash, randomBytes } from 'node:crypto'
import { readdir } from 'node:fs/promises'
import { join } from 'node:path'
import { deflateSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { fetchSource } from '../../src/index.js'
import type { Logger } from '@gitops-sdk/core'
import { entry, entryHeader, pack, packTransport, packType } from '../helpers/craftedPack.js'
import { artifactOf, filesOf, tempDir } from '../helpers/workspace.js'

const given = 'http://user:PASS@127.0.0.1:9/fleet.git'
const shown = 'http://127.0.0.1:9/fleet.git'

let work: { path: string; remove: () => Promise<void> }
beforeAll(async () => {
  work = await tempDir('early-tree-walk')
})
afterAll(() => work.remove())

interface Obj {
  readonly type: 'commit' | 'tree' | 'blob'
  readonly data: Buffer
  readonly id: string
}
const obj = (type: Obj['type'], data: Buffer): Obj => ({ type, data, id: createHash('sha1').update(`${type} ${data.byteLength}\0`).update(data).digest('hex') })
const tree = (list: readonly (readonly [string, string, Obj])[]): Obj =>
  obj('tree', Buffer.concat(list.flatMap(([mode, name, o]) => [Buffer.from(`${mode} ${name}\0`), Buffer.from(o.id, 'hex')])))
const commitOf = (root: Obj): Obj => obj('commit', Buffer.from(`tree ${root.id}\nauthor A <a@example.com> 0 +0000\ncommitter A <a@example.com> 0 +0000\n\nfiles\n`))

// Blobs of 27 KiB that compress little: the pack spans several 64 KiB chunks, the trees arrive in
// the first and the blobs after them, as pack-objects writes a commit.
const blobs = Array.from({ length: 12 }, () => obj('blob', Buffer.from(randomBytes(20 * 1024).toString('base64'))))
const typeOf = { commit: packType.commit, tree: packType.tree, blob: packType.blob } as const

/** The objects of a commit in pack-objects' order: commit, then each tree before what it lists. */
function repository(rootEntries: readonly (readonly [string, string, Obj])[] = []): { commit: Obj; objects: Obj[] } {
  const [b0, b1, b2, b3, b4, b5] = blobs as [Obj, Obj, Obj, Obj, Obj, Obj]
  const app = tree([['100644', 'deploy.yaml', b1], ['100755', 'run.sh', b2]])
  const apps = tree([['40000', 'app', app], ['100644', 'list.yaml', b3], ['100644', 'logo.png', b4]])
  const root = tree([['100644', 'README.md', b0], ['40000', 'apps', apps], ['100644', 'z.yaml', b5], ...rootEntries])
  const commit = commitOf(root)
  return { commit, objects: [commit, root, b0, apps, app, b1, b2, b3, b4, b5] }
}

function packOf(objects: readonly Obj[], encode: (o: Obj) => Buffer = (o) => entry(typeOf[o.type], o.data)): { bytes: Buffer; offsets: number[] } {
  const entries = objects.map(encode)
  const offsets = entries.map((_, i) => 12 + entries.slice(0, i).reduce((n, e) => n + e.byteLength, 0))
  return { bytes: pack(entries), offsets }
}

const flip = (bytes: Buffer, at: number): void => void bytes.writeUInt8(bytes.readUInt8(at) ^ 0x55, at)

function logged(): { logger: Logger; lines: string[] } {
  const lines: string[] = []
  const log = (message: string): number => lines.push(message)
  return { logger: { debug: log, info: log, warn: log, error: log }, lines }
}

async function refused(commit: Obj, bytes: Buffer): Promise<Error & { code?: string; details?: unknown }> {
  const dir = join(work.path, 'out')
  const transport = packTransport(commit.id, bytes)
  const err = (await fetchSource(given, { transport, dir }).catch((e: unknown) => e)) as Error & { code?: string }
  expect(transport.packRequests).toBe(1)
  await expect(readdir(dir)).rejects.toMatchObject({ code: 'ENOENT' })
  expect(err.message).not.toContain('PASS')
  return err
}

describe('fetchSource reading the trees while the pack arrives', () => {
  it('builds the same artifact as the walk after the pack, which it falls back to when it misses a tree', async () => {
    const { commit, objects } = repository()
    const { bytes, offsets } = packOf(objects)
    // The trees are whole in the first chunk, the last blob starts past it.
    expect(offsets[4]).toBeLessThan(65536)
    expect(offsets[9]).toBeGreaterThan(65536)
    const early = logged()
    const artifact = artifactOf(await fetchSource(given, { transport: packTransport(commit.id, bytes), logger: early.logger }))
    expect(early.lines).toContain('read the tree while the pack arrived')
    // Flux's default rules leave logo.png out.
    expect(Object.keys(await filesOf(artifact))).toEqual(['README.md', 'apps/app/deploy.yaml', 'apps/app/run.sh', 'apps/list.yaml', 'z.yaml'])

    // The same objects with `app` as a REF_DELTA on `apps`: it is resolved only once the pack is
    // in, so the early walk misses it and the artifact is walked from the store.
    const app = objects[4] as Obj
    const apps = objects[3] as Obj
    const insert: number[] = []
    for (let at = 0; at < app.data.byteLength; at += 127) {
      const piece = app.data.subarray(at, at + 127)
      insert.push(piece.byteLength, ...piece)
    }
    const delta = Buffer.from([apps.data.byteLength, app.data.byteLength, ...insert])
    expect(apps.data.byteLength).toBeLessThan(128)
    expect(app.data.byteLength).toBeLessThan(128)
    const refDelta = Buffer.concat([entryHeader(packType.refDelta, delta.byteLength), Buffer.from(apps.id, 'hex'), deflateSync(delta)])
    const late = logged()
    const fallback = artifactOf(
      await fetchSource(given, { transport: packTransport(commit.id, packOf(objects, (o) => (o === app ? refDelta : entry(typeOf[o.type], o.data))).bytes), logger: late.logger }),
    )
    expect(late.lines).not.toContain('read the tree while the pack arrived')
    expect(fallback.digest).toBe(artifact.digest)
    expect(await filesOf(fallback)).toEqual(await filesOf(artifact))
  })

  it.for([
    { name: 'a damaged zlib stream in a blob after the trees', damage: (b: Buffer, at: number[]) => flip(b, (at[9] as number) + 40), message: /: the received pack is corrupt: entry at offset \d+: / },
    { name: 'a damaged pack checksum', damage: (b: Buffer) => flip(b, b.byteLength - 1), message: /: the received pack is corrupt: pack checksum mismatch$/ },
  ])('fails on $name with the same error as before, and writes nothing', async ({ damage, message }) => {
    const { commit, objects } = repository()
    const { bytes, offsets } = packOf(objects)
    damage(bytes, offsets)
    const err = await refused(commit, bytes)
    expect(err).toMatchObject({ code: 'GIT_CORRUPT_PACK', details: { url: shown } })
    expect(err.message.startsWith(`${shown}: `)).toBe(true)
    expect(err.message).toMatch(message)
  })

  it('fails on a pack cut short after the trees with the same error as before', async () => {
    const { commit, objects } = repository()
    const { bytes, offsets } = packOf(objects)
    const err = await refused(commit, bytes.subarray(0, offsets[9]))
    expect(err).toMatchObject({ code: 'GIT_CORRUPT_PACK', message: `${shown}: the received pack is corrupt: pack ends after 9 of 10 objects` })
  })

  it('reports a hostile name or a directory naming a blob after the pack checks, as the walk from the store does', async () => {
    const blob = blobs[11] as Obj
    for (const [entries, expected] of [
      [[['100644', '..', blob]], { code: 'GIT_UNSAFE_PATH', message: `${shown}: "..": the tree holds an entry name that is not a plain file name` }],
      [[['40000', '.Git', tree([['100644', 'config', blob]])]], { code: 'GIT_UNSAFE_PATH', message: `${shown}: .Git: the tree holds a .git entry` }],
      [[['40000', 'zz', blob]], { code: 'GIT_UNSAFE_PATH', message: `${shown}: zz: ${blob.id} is a blob, not a tree` }],
    ] as const) {
      const { commit, objects } = repository(entries)
      const extra = entries.map(([, , o]) => o)
      const { bytes } = packOf([...objects, ...extra])
      expect(await refused(commit, bytes)).toMatchObject(expected)
      // Damaged as well: the pack's own error comes first, as it did.
      flip(bytes, bytes.byteLength - 1)
      expect(await refused(commit, bytes)).toMatchObject({ code: 'GIT_CORRUPT_PACK', message: `${shown}: the received pack is corrupt: pack checksum mismatch` })
    }
  })
})
