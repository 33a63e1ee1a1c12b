// Lookups by object id in a pack just indexed in memory, without its idx file: an open-addressing
// table on the ids' leading four bytes (ids are SHA-1s, so those bytes are spread evenly). Sorting
// the ids, the CRC-32 of every entry and the idx file itself are only needed when the pack is
// written to a cache; a fetch into memory only looks objects up.
import type { PackIdx } from './packIdx.js'

/** Where an id's entry is: its index in `oids` (20 bytes each), or -1. */
export interface OidTable {
  readonly count: number
  /** The entry whose 20-byte id is at `bytes[at..at+20)`, or -1. */
  entryAt(bytes: Uint8Array, at: number): number
}

/** Builds the table over `count` ids laid end to end in `oids`. */
export function oidTable(oids: Uint8Array, count: number): OidTable {
  let size = 16
  while (size < count * 2) size *= 2
  const mask = size - 1
  const slots = new Int32Array(size).fill(-1)
  const slotOf = (bytes: Uint8Array, at: number): number =>
    (((bytes[at] as number) << 24) | ((bytes[at + 1] as number) << 16) | ((bytes[at + 2] as number) << 8) | (bytes[at + 3] as number)) & mask
  const same = (entry: number, bytes: Uint8Array, at: number): boolean => {
    const from = entry * 20
    for (let k = 0; k < 20; k++) if (oids[from + k] !== bytes[at + k]) return false
    return true
  }
  for (let i = 0; i < count; i++) {
    let slot = slotOf(oids, i * 20)
    // The first of two equal ids is the one found, as a search of a sorted idx would find either.
    for (let entry = slots[slot] as number; entry !== -1; entry = slots[slot] as number) {
      if (same(entry, oids, i * 20)) break
      slot = (slot + 1) & mask
    }
    if (slots[slot] === -1) slots[slot] = i
  }
  return {
    count,
    entryAt(bytes, at) {
      for (let slot = slotOf(bytes, at); ; slot = (slot + 1) & mask) {
        const entry = slots[slot] as number
        if (entry === -1 || same(entry, bytes, at)) return entry
      }
    },
  }
}

/** What {@link tableIdx} reads: ids laid end to end, their entries' offsets, the pack's checksum. */
export interface TableEntries {
  readonly oids: Buffer
  readonly offsets: readonly number[]
  readonly packChecksum: Buffer
}

/** A {@link PackIdx} over a table of `entries`' ids (sorted when listed). */
export function tableIdx(table: OidTable, entries: TableEntries): PackIdx {
  const { oids, offsets, packChecksum } = entries
  const findAt = (bytes: Uint8Array, at: number): number => {
    const entry = table.entryAt(bytes, at)
    return entry < 0 ? -1 : (offsets[entry] as number)
  }
  return {
    count: table.count,
    packChecksum,
    find: (oid) => findAt(oid, 0),
    findAt,
    oids: () => {
      const list: Buffer[] = []
      for (let i = 0; i < table.count; i++) list.push(oids.subarray(i * 20, i * 20 + 20))
      return list.sort((a, b) => a.compare(b))
    },
  }
}
