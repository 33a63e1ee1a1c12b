// The protobuf wire format (varints, fixed 32/64-bit values and length-delimited bytes), read and
// written over a Uint8Array. Reading is bounded by the buffer: a truncated value is an error with
// the message Go's generated unmarshallers give (`unexpected EOF`), never a read past the end.

/** A protobuf decoding failure; its message is what kube-apiserver would report. */
export class WireError extends Error {}

/** One field as read off the wire: its number, wire type and value. */
export type WireField =
  | { readonly number: number; readonly wire: 0; readonly value: bigint }
  | { readonly number: number; readonly wire: 1 | 5; readonly value: Uint8Array }
  | { readonly number: number; readonly wire: 2; readonly value: Uint8Array }

function readVarint(buf: Uint8Array, start: number): [value: bigint, next: number] {
  let result = 0n
  let shift = 0n
  let i = start
  for (;;) {
    if (shift >= 70n) throw new WireError('proto: integer overflow')
    if (i >= buf.length) throw new WireError('unexpected EOF')
    const b = buf[i] ?? 0
    i++
    result |= BigInt(b & 0x7f) << shift
    if (b < 0x80) return [BigInt.asUintN(64, result), i]
    shift += 7n
  }
}

/** The fields of one message, in wire order; throws WireError on a malformed buffer. */
export function readFields(buf: Uint8Array): WireField[] {
  const out: WireField[] = []
  let i = 0
  while (i < buf.length) {
    const [key, afterKey] = readVarint(buf, i)
    i = afterKey
    const number = Number(key >> 3n)
    const wire = Number(key & 7n)
    if (number <= 0) throw new WireError(`proto: illegal tag ${number} (wire type ${wire})`)
    switch (wire) {
      case 0: {
        const [value, next] = readVarint(buf, i)
        out.push({ number, wire, value })
        i = next
        break
      }
      case 1:
      case 5: {
        const size = wire === 1 ? 8 : 4
        if (i + size > buf.length) throw new WireError('unexpected EOF')
        out.push({ number, wire, value: buf.subarray(i, i + size) })
        i += size
        break
      }
      case 2: {
        const [length, next] = readVarint(buf, i)
        if (length > BigInt(buf.length - next)) throw new WireError('unexpected EOF')
        const end = next + Number(length)
        out.push({ number, wire, value: buf.subarray(next, end) })
        i = end
        break
      }
      default:
        throw new WireError(`proto: illegal wireType ${wire}`)
    }
  }
  return out
}

/** The varints of a packed repeated scalar field. */
export function readPacked(buf: Uint8Array): bigint[] {
  const out: bigint[] = []
  let i = 0
  while (i < buf.length) {
    const [value, next] = readVarint(buf, i)
    out.push(value)
    i = next
  }
  return out
}

function varint(n: bigint): number[] {
  const out: number[] = []
  let v = BigInt.asUintN(64, n)
  while (v >= 0x80n) {
    out.push(Number(v & 0x7fn) | 0x80)
    v >>= 7n
  }
  out.push(Number(v))
  return out
}

/** Builds a message field by field, in the order written. */
export class WireWriter {
  private readonly parts: Uint8Array[] = []

  /** A varint field (int32, int64, bool, enum). */
  varint(number: number, value: bigint | number | boolean): this {
    const v = typeof value === 'boolean' ? (value ? 1n : 0n) : BigInt(value)
    this.parts.push(Uint8Array.from([...varint(BigInt(number << 3)), ...varint(v)]))
    return this
  }

  /** A length-delimited field: a string, bytes or an embedded message. */
  bytes(number: number, value: string | Uint8Array): this {
    const data = typeof value === 'string' ? new TextEncoder().encode(value) : value
    this.parts.push(Uint8Array.from([...varint(BigInt((number << 3) | 2)), ...varint(BigInt(data.length))]), data)
    return this
  }

  /** A 64-bit field (double). */
  double(number: number, value: number): this {
    const data = new Uint8Array(8)
    new DataView(data.buffer).setFloat64(0, value, true)
    this.parts.push(Uint8Array.from(varint(BigInt((number << 3) | 1))), data)
    return this
  }

  /** The message's bytes. */
  finish(): Uint8Array {
    const size = this.parts.reduce((n, p) => n + p.length, 0)
    const out = new Uint8Array(size)
    let at = 0
    for (const p of this.parts) {
      out.set(p, at)
      at += p.length
    }
    return out
  }
}
