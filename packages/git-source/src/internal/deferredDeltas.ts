// The deltas a pack's entries could not apply as they arrived (REF_DELTA entries, or bases that did
// not fit the memory budget), resolved once the whole pack is in: depth-first from every object
// with a known id, as `git index-pack` does, so a base is in hand when its deltas apply and each
// object is inflated once or twice and never more. Also completes a thin pack.
import { createHash } from 'node:crypto'
import { deflateSync } from 'node:zlib'
import { applyDeltaInto, DeltaError, deltaResultSize } from './delta.js'
import { packTypes } from './gitObjects.js'
import type { GitObject } from './gitObjects.js'
import { CorruptPackError } from './packErrors.js'
import type { PackEntries } from './packEntries.js'
import { typeNumber } from './packStorage.js'

/**
 * Resolves every waiting delta of `entries`; bases not in the pack come from `external`, and are
 * returned by id (the pack is thin: {@link fixThin} appends them).
 *
 * @throws CorruptPackError for a delta that does not apply or has no base, or `signal.reason`
 */
export function resolveWaiting(entries: PackEntries, external: ((oid: string) => GitObject | undefined) | undefined, signal: AbortSignal | undefined): Map<string, GitObject> {
  const thinBases = new Map<string, GitObject>()
  const { count, bases, refBases, offsets, types, resolved, oids } = entries
  if (entries.waiting === 0) return thinBases
  const ofsChildren = new Map<number, number[]>()
  const refChildren = new Map<string, number[]>()
  let pending = 0
  for (let i = 0; i < count; i++) {
    if (resolved[i] === 1) continue
    const base = bases[i] as number
    const ref = refBases.get(i)
    if (base >= 0) {
      const baseIndex = entries.indexAt(base)
      if (baseIndex < 0) throw new CorruptPackError(`entry at offset ${offsets[i]}: delta base is not an entry`)
      const list = ofsChildren.get(baseIndex) ?? []
      list.push(i)
      ofsChildren.set(baseIndex, list)
      pending++
    } else if (ref !== undefined) {
      const list = refChildren.get(ref) ?? []
      list.push(i)
      refChildren.set(ref, list)
      pending++
    }
  }
  const deltaOf = (i: number): Uint8Array => entries.deltas.view(entries.deltaSlab[i] as number, entries.deltaOffset[i] as number, entries.sizes[i] as number)
  const corrupt = (i: number, err: unknown): unknown => (err instanceof DeltaError ? new CorruptPackError(`entry at offset ${offsets[i]}: ${err.message}`) : err)
  // A whole object that was not kept: inflated again from the pack.
  const reinflate = (i: number): Uint8Array => {
    const start = offsets[i] as number
    let p = start
    let c = entries.buf[p++] as number
    while ((c & 0x80) !== 0) c = entries.buf[p++] as number
    const size = entries.sizes[i] as number
    const out = new Uint8Array(size + 1)
    const input = { bytes: entries.buf, start: p, end: entries.ends[i] as number }
    if (entries.inflater.inflateInto(input, { bytes: out, start: 0, end: size }) === undefined) throw new CorruptPackError(`entry at offset ${start}: truncated`)
    return out.subarray(0, size)
  }
  const stack: { index: number; type: number; base: Uint8Array }[] = []
  const visit = (index: number, type: number, data: Uint8Array | undefined): void => {
    let children = ofsChildren.get(index)
    // Ids as text only while REF_DELTA entries wait for a base (thin packs, old servers).
    if (refChildren.size > 0) {
      const id = oids.toString('hex', index * 20, index * 20 + 20)
      const byRef = refChildren.get(id)
      if (byRef !== undefined) {
        refChildren.delete(id)
        children = children === undefined ? byRef : [...children, ...byRef]
      }
    }
    if (children === undefined) return
    const base = data ?? entries.kept(index) ?? reinflate(index)
    for (const child of children) stack.push({ index: child, type, base })
  }
  const drain = (): void => {
    for (let item = stack.pop(); item !== undefined; item = stack.pop()) {
      const { index, type, base } = item
      const delta = deltaOf(index)
      let size: number
      try {
        size = deltaResultSize(delta)
      } catch (err) {
        throw corrupt(index, err)
      }
      if (size > entries.limits.maxObjectBytes) throw entries.tooLarge(`the delta at offset ${offsets[index]}`, size)
      const room = entries.roomFor(type, size, (n) => new Uint8Array(n))
      try {
        applyDeltaInto({ bytes: base, start: 0, end: base.byteLength }, { bytes: delta, start: 0, end: delta.byteLength }, { bytes: room.target, start: room.at })
      } catch (err) {
        throw corrupt(index, err)
      }
      entries.finish(index, room)
      // Resolved here: not a root of the walk below.
      resolved[index] = 2
      pending--
      visit(index, type, room.target.subarray(room.at, room.at + size))
    }
  }
  for (let i = 0; i < count; i++) {
    if (resolved[i] !== 1) continue
    visit(i, types[i] as number, undefined)
    drain()
    if (i % 1024 === 0) signal?.throwIfAborted()
  }
  for (const [ref, children] of refChildren) {
    const base = external?.(ref)
    if (base === undefined) continue
    thinBases.set(ref, base)
    for (const child of children) stack.push({ index: child, type: typeNumber(base.type), base: base.data })
    drain()
  }
  if (pending > 0) throw new CorruptPackError(`${pending} deltas have no base in the pack`)
  if (pending < 0) throw new Error(`internal error: ${-pending} deltas resolved twice`)
  return thinBases
}

/**
 * A thin pack has deltas whose bases are in other packs. As `git index-pack --fix-thin` does,
 * appends those bases as whole objects so that the pack stands alone; returns the new pack and its
 * checksum, and extends `entries`' arrays and ids with the appended objects.
 */
export function fixThin(entries: PackEntries, whole: Buffer, thinBases: ReadonlyMap<string, GitObject>): { pack: Buffer; checksum: Buffer } {
  const { offsets, ends, types, sizes, contentSlab, contentOffset } = entries
  const parts: Buffer[] = [whole.subarray(0, whole.byteLength - 20)]
  let offset = whole.byteLength - 20
  const extra = Buffer.alloc(thinBases.size * 20)
  let n = 0
  for (const [oid, base] of thinBases) {
    const typeNo = packTypes.indexOf(base.type)
    const header: number[] = []
    let size = base.data.byteLength
    let c = (typeNo << 4) | (size & 15)
    size = Math.floor(size / 16)
    while (size > 0) {
      header.push(c | 0x80)
      c = size & 0x7f
      size = Math.floor(size / 128)
    }
    header.push(c)
    const entry = Buffer.concat([Buffer.from(header), deflateSync(base.data)])
    parts.push(entry)
    offsets.push(offset)
    ends.push(offset + entry.byteLength)
    types.push(typeNo)
    sizes.push(base.data.byteLength)
    // No SHA-256 recorded: the digest reads such a base back and hashes it, as any unrecorded blob.
    entries.sha256s.push('')
    contentSlab.push(-1)
    contentOffset.push(0)
    Buffer.from(oid, 'hex').copy(extra, n++ * 20)
    offset += entry.byteLength
  }
  // The indexer's id table holds exactly `count` ids once every entry is read (it grows up to the
  // count, and a pack with fewer entries is refused): the appended ids follow them.
  entries.oids = Buffer.concat([entries.oids.subarray(0, entries.count * 20), extra])
  const body = Buffer.concat(parts)
  body.writeUInt32BE(offsets.length, 8)
  const checksum = createHash('sha1').update(body).digest()
  return { pack: Buffer.concat([body, checksum]), checksum }
}
