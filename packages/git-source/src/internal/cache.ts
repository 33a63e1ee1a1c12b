// The cache directory: one bare repository per URL, in git's own layout (objects/pack/*.pack and
// *.idx v2, shallow, HEAD) so that `git fsck` can check it, plus gitops-source.json with the last
// revision. Everything is written to a temporary name and renamed into place. A cache that does not
// verify (bad JSON, an idx or pack checksum that fails, a pack that does not match its idx, an
// object that does not hash to its id) is reported as corrupt, and the caller rebuilds it.
import { createHash, randomBytes } from 'node:crypto'
import { mkdir, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises'
import { join } from 'node:path'
import { isState, stateFile } from './cacheState.js'
import type { CacheState } from './cacheState.js'
import { createObjectStore } from './objectStore.js'
import type { ObjectStore } from './objectStore.js'
import { IdxFormatError, readIdx } from './packIdx.js'

/** An opened cache: its directory, state, objects and shallow boundary. */
export interface OpenedCache {
  readonly dir: string
  readonly state: CacheState | undefined
  readonly store: ObjectStore
  readonly shallows: ReadonlySet<string>
  readonly packs: number
}

/** The cache holds something that does not verify. */
export class CacheCorruptError extends Error {
  override readonly name = 'CacheCorruptError'
}

async function atomicWrite(path: string, data: string | Uint8Array): Promise<void> {
  const tmp = `${path}.tmp-${randomBytes(6).toString('hex')}`
  await writeFile(tmp, data)
  await rename(tmp, path)
}

/**
 * Opens (creating when missing) the cache at `dir`, loading and verifying every pack.
 *
 * @throws CacheCorruptError
 */
export async function openCache(dir: string, url: string): Promise<OpenedCache> {
  const packDir = join(dir, 'objects', 'pack')
  await mkdir(packDir, { recursive: true })
  await mkdir(join(dir, 'refs'), { recursive: true })
  let state: CacheState | undefined
  try {
    const value: unknown = JSON.parse(await readFile(join(dir, stateFile), 'utf8'))
    if (!isState(value, url)) throw new CacheCorruptError(`${stateFile} is not a cache state for this URL`)
    state = value
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw err instanceof CacheCorruptError ? err : new CacheCorruptError(`${stateFile}: ${(err as Error).message}`)
    }
  }
  const store = createObjectStore()
  const names = (await readdir(packDir)).filter((n) => /^pack-[0-9a-f]{40}\.idx$/.test(n)).sort()
  const packNames = new Set((await readdir(packDir)).filter((n) => n.endsWith('.pack')))
  for (const name of names) {
    const packName = name.replace(/\.idx$/, '.pack')
    if (!packNames.has(packName)) throw new CacheCorruptError(`${name} has no pack`)
    let idx
    try {
      idx = readIdx(await readFile(join(packDir, name)))
    } catch (err) {
      if (err instanceof IdxFormatError) throw new CacheCorruptError(`${name}: ${err.message}`)
      throw err
    }
    const pack = await readFile(join(packDir, packName))
    const trailer = pack.subarray(pack.byteLength - 20)
    if (pack.byteLength < 32 || pack.toString('latin1', 0, 4) !== 'PACK' || !trailer.equals(idx.packChecksum)) {
      throw new CacheCorruptError(`${packName} does not match its index`)
    }
    if (!createHash('sha1').update(pack.subarray(0, pack.byteLength - 20)).digest().equals(trailer)) {
      throw new CacheCorruptError(`${packName} checksum mismatch`)
    }
    if (name !== `pack-${trailer.toString('hex')}.idx`) throw new CacheCorruptError(`${name} is named after another pack`)
    store.add({ pack, idx, verify: true })
  }
  if (state !== undefined && !store.has(state.commit)) throw new CacheCorruptError(`the cached commit ${state.commit} is missing`)
  let shallows = new Set<string>()
  try {
    shallows = new Set((await readFile(join(dir, 'shallow'), 'utf8')).split('\n').filter((l) => l !== ''))
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err
  }
  for (const oid of shallows) if (!/^[0-9a-f]{40}$/.test(oid)) throw new CacheCorruptError('shallow holds a line that is not an object id')
  return { dir, state, store, shallows, packs: names.length }
}

/** Adds a received pack to the cache (pack first, then its idx: readers look for the idx). */
export async function writePack(dir: string, pack: Buffer, idx: Buffer): Promise<void> {
  const name = `pack-${pack.toString('hex', pack.byteLength - 20)}`
  const packDir = join(dir, 'objects', 'pack')
  await atomicWrite(join(packDir, `${name}.pack`), pack)
  await atomicWrite(join(packDir, `${name}.idx`), idx)
}

/** Records the fetched revision, its shallow boundary, and HEAD for git's own tools. */
export async function writeState(dir: string, state: CacheState, shallows: ReadonlySet<string>): Promise<void> {
  await writeFile(join(dir, 'config'), '[core]\n\trepositoryformatversion = 0\n\tbare = true\n')
  await atomicWrite(join(dir, 'shallow'), [...shallows].sort().map((s) => `${s}\n`).join(''))
  await atomicWrite(join(dir, 'HEAD'), `${state.commit}\n`)
  await writeStateFile(dir, state)
}

/** Rewrites gitops-source.json alone (after a checkout, to record it). */
export async function writeStateFile(dir: string, state: CacheState): Promise<void> {
  await atomicWrite(join(dir, stateFile), `${JSON.stringify(state, null, 2)}\n`)
}

/** Deletes a cache directory entirely. */
export async function removeCache(dir: string): Promise<void> {
  await rm(dir, { recursive: true, force: true })
}
