// Objects read straight from packs in memory: a fresh pack with the objects its indexer kept, and
// the packs of a cache directory. Deltas resolve through a small cache of recent bases.
import { createHash } from 'node:crypto'
import { applyDelta, DeltaError } from './delta.js'
import { packTypes } from './gitObjects.js'
import { createInflater, InflateError } from './inflater.js'
import type { Inflater } from './inflater.js'
import type { GitObject, ObjectType } from './gitObjects.js'
import type { BlobDigest } from './indexPack.js'
import type { PackIdx } from './packIdx.js'

/** One pack the store reads from. */
export interface StoredPack {
  readonly pack: Buffer
  readonly idx: PackIdx
  /** Re-hash every object read from this pack (packs loaded from disk). */
  readonly verify: boolean
  /** Objects of this pack already in memory, by offset (a freshly indexed pack). */
  readonly objectAt?: ((offset: number) => GitObject | undefined) | undefined
  /** Content SHA-256 and size of a blob of this pack, by the place of its id (a freshly indexed pack). */
  readonly blobDigestAt?: ((bytes: Uint8Array, at: number) => BlobDigest | undefined) | undefined
}

/** An object is not in any pack, or its bytes are damaged. */
export class ObjectReadError extends Error {
  override readonly name = 'ObjectReadError'
  constructor(
    message: string,
    readonly missing: boolean,
  ) {
    super(message)
  }
}

/** Reads git objects by id. */
export interface ObjectStore {
  /** The object, or throws {@link ObjectReadError}. */
  read(oid: string): GitObject
  /**
   * The object whose 20-byte id is at `bytes[at..at+20)` (an id inside a tree) when its pack holds
   * it in memory; `undefined` when it must be read by id (then {@link ObjectStore.read} tells
   * whether it is there at all). No hex id is made, no byte is copied.
   */
  inMemory(bytes: Uint8Array, at: number): GitObject | undefined
  /**
   * The content SHA-256 and size of the blob whose 20-byte id is at `bytes[at..at+20)`, when a
   * pack recorded them as it was indexed; `undefined` otherwise (then hash the bytes read).
   */
  blobDigest(bytes: Uint8Array, at: number): BlobDigest | undefined
  /** Whether any pack holds `oid`. */
  has(oid: string): boolean
  /** Adds a pack; it is searched before the packs added earlier. */
  add(pack: StoredPack): void
}

/** Creates an empty store; `cacheBytes` bounds the cache of inflated delta bases. */
export function createObjectStore(cacheBytes: number = 16 * 1024 * 1024): ObjectStore {
  const packs: StoredPack[] = []
  // Recently inflated entries by pack number and offset; insertion order is recency.
  const recent = new Map<string, GitObject>()
  let recentBytes = 0
  // One zlib engine for every read (see inflater.ts), made at the first read that needs it.
  let inflater: Inflater | undefined
  const remember = (key: string, object: GitObject): void => {
    if (object.data.byteLength > cacheBytes / 4) return
    recent.set(key, object)
    recentBytes += object.data.byteLength
    for (const [old, value] of recent) {
      if (recentBytes <= cacheBytes) break
      recent.delete(old)
      recentBytes -= value.data.byteLength
    }
  }

  const readAt = (packNo: number, offset: number, depth: number): GitObject => {
    const key = `${packNo}:${offset}`
    const hit = recent.get(key)
    if (hit !== undefined) {
      recent.delete(key)
      recent.set(key, hit)
      return hit
    }
    if (depth > 10_000) throw new ObjectReadError(`delta chain too long at offset ${offset}`, false)
    const { pack } = packs[packNo] as StoredPack
    let p = offset
    const first = pack[p++]
    if (first === undefined) throw new ObjectReadError(`offset ${offset} is past the end of the pack`, false)
    let c: number = first
    const type = (c >> 4) & 7
    let size = c & 15
    let scale = 16
    while ((c & 0x80) !== 0) {
      c = pack[p++] ?? 0
      size += (c & 0x7f) * scale
      scale *= 128
    }
    let base: GitObject | undefined
    if (type === 6) {
      c = pack[p++] ?? 0
      let rel = c & 0x7f
      while ((c & 0x80) !== 0) {
        c = pack[p++] ?? 0
        rel = (rel + 1) * 128 + (c & 0x7f)
      }
      base = readAt(packNo, offset - rel, depth + 1)
    } else if (type === 7) {
      base = read(pack.toString('hex', p, p + 20), depth + 1)
      p += 20
    }
    let data: Buffer
    try {
      inflater ??= createInflater()
      const inflated = inflater.inflate(pack.subarray(p), size)
      if (inflated === undefined) throw new InflateError('unexpected end of file')
      // A copy: the inflater's bytes are overwritten by its next call.
      data = Buffer.from(inflated.data)
    } catch (err) {
      if (err instanceof InflateError) throw new ObjectReadError(`entry at offset ${offset}: ${err.message}`, false)
      throw err
    }
    let object: GitObject
    if (base === undefined) {
      const name = packTypes[type]
      if (name === undefined) throw new ObjectReadError(`entry at offset ${offset} has unknown type ${type}`, false)
      object = { type: name, data }
    } else {
      try {
        object = { type: base.type, data: applyDelta(base.data, data) }
      } catch (err) {
        if (err instanceof DeltaError) throw new ObjectReadError(`entry at offset ${offset}: ${err.message}`, false)
        throw err
      }
    }
    remember(key, object)
    return object
  }

  const read = (oid: string, depth = 0): GitObject => {
    const raw = Buffer.from(oid, 'hex')
    if (raw.byteLength !== 20) throw new ObjectReadError(`${oid} is not an object id`, true)
    for (let i = 0; i < packs.length; i++) {
      const stored = packs[i] as StoredPack
      const offset = stored.idx.find(raw)
      if (offset < 0) continue
      const inMemory = stored.objectAt?.(offset)
      if (inMemory !== undefined) return inMemory
      const object = readAt(i, offset, depth)
      if (stored.verify && !hashOf(object.type, object.data).equals(raw)) {
        throw new ObjectReadError(`object ${oid} does not match its id`, false)
      }
      return object
    }
    throw new ObjectReadError(`object ${oid} is missing`, true)
  }

  return {
    read: (oid) => read(oid),
    inMemory(bytes, at) {
      for (const stored of packs) {
        const offset = stored.idx.findAt(bytes, at)
        if (offset >= 0) return stored.objectAt?.(offset)
      }
      return undefined
    },
    blobDigest(bytes, at) {
      for (const stored of packs) {
        const found = stored.blobDigestAt?.(bytes, at)
        if (found !== undefined) return found
      }
      return undefined
    },
    has(oid) {
      const raw = Buffer.from(oid, 'hex')
      return packs.some((p) => p.idx.find(raw) >= 0)
    },
    add(pack) {
      packs.unshift(pack)
      recent.clear()
      recentBytes = 0
    },
  }
}

function hashOf(type: ObjectType, data: Buffer): Buffer {
  return createHash('sha1').update(`${type} ${data.byteLength}\0`).update(data).digest()
}
