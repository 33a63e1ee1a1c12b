// Git's delta format (gitformat-pack(5), "Deltified representation"): the base and result sizes as
// little-endian base-128 numbers, then copy-from-base and insert-literal instructions.
import type { Span } from './inflater.js'

/** Thrown for a delta that does not apply to its base. */
export class DeltaError extends Error {
  override readonly name = 'DeltaError'
}

// Where the size readSize read last ends: set beside its result, so that reading the two sizes of
// each of ten thousand deltas makes no [size, next] pair.
let sizeEnd = 0

function readSize(delta: Uint8Array, start: number, end: number): number {
  let size = 0
  // 128 to the power of the bytes read so far, kept by multiplying: `2 ** shift` calls into
  // Math.pow for every byte of ten thousand delta headers.
  let scale = 1
  let pos = start
  for (;;) {
    const byte = pos < end ? delta[pos++] : undefined
    if (byte === undefined) throw new DeltaError('truncated delta header')
    size += (byte & 0x7f) * scale
    scale *= 128
    if ((byte & 0x80) === 0) {
      sizeEnd = pos
      return size
    }
  }
}

/** The size of the object a delta produces, read from its header. */
export function deltaResultSize(delta: Uint8Array, start: number = 0, end: number = delta.byteLength): number {
  readSize(delta, start, end)
  return readSize(delta, sizeEnd, end)
}

/** Hands out the buffer a result is written into. */
export type Allocate = (size: number) => Buffer

/** Applies `delta` to `base`, into a buffer from `allocate`. */
export function applyDelta(base: Buffer, delta: Buffer, allocate: Allocate = (size) => Buffer.allocUnsafe(size)): Buffer {
  const out = allocate(deltaResultSize(delta))
  applyDeltaInto({ bytes: base, start: 0, end: base.byteLength }, { bytes: delta, start: 0, end: delta.byteLength }, { bytes: out, start: 0 })
  return out
}

/**
 * Applies the delta in span `instructions` to the base in span `base`, writing the result into `out`
 * from `outStart` (room for {@link deltaResultSize} bytes). Plain Uint8Arrays and offsets: no buffer
 * is made per call, which for ten thousand small deltas is most of the cost. When the base lies in
 * the array the result is written to (the pack indexer's slabs), copies are made within that array
 * and make no view either.
 */
export function applyDeltaInto(base: Span, instructions: Span, out: { readonly bytes: Uint8Array; readonly start: number }): void {
  const { bytes: delta, start, end } = instructions
  const { bytes: target, start: outStart } = out
  const { bytes: source, start: baseStart } = base
  const sameArray = source === target
  const baseSize = readSize(delta, start, end)
  if (baseSize !== base.end - baseStart) throw new DeltaError(`delta expects a ${baseSize}-byte base, got ${base.end - baseStart}`)
  const resultSize = readSize(delta, sizeEnd, end)
  const limit = outStart + resultSize
  let pos = sizeEnd
  let written = outStart
  while (pos < end) {
    const op = delta[pos++] as number
    if ((op & 0x80) !== 0) {
      let offset = 0
      let size = 0
      if ((op & 0x01) !== 0) offset = delta[pos++] as number
      if ((op & 0x02) !== 0) offset |= (delta[pos++] as number) << 8
      if ((op & 0x04) !== 0) offset |= (delta[pos++] as number) << 16
      if ((op & 0x08) !== 0) offset += (delta[pos++] as number) * 0x1000000
      if ((op & 0x10) !== 0) size = delta[pos++] as number
      if ((op & 0x20) !== 0) size |= (delta[pos++] as number) << 8
      if ((op & 0x40) !== 0) size |= (delta[pos++] as number) << 16
      if (size === 0) size = 0x10000
      if (offset + size > baseSize || written + size > limit || pos > end) throw new DeltaError('delta copies outside its base or result')
      // No byte loop for short copies: in a fresh process this code runs unoptimised for much of a
      // pack, where a loop costs more than one native copy.
      const from = baseStart + offset
      if (sameArray) target.copyWithin(written, from, from + size)
      else target.set(source.subarray(from, from + size), written)
      written += size
    } else if (op !== 0) {
      if (pos + op > end || written + op > limit) throw new DeltaError('delta inserts past its end')
      target.set(delta.subarray(pos, pos + op), written)
      written += op
      pos += op
    } else {
      throw new DeltaError('delta has a reserved zero instruction')
    }
  }
  if (written !== limit) throw new DeltaError(`delta produced ${written - outStart} of ${resultSize} bytes`)
}
