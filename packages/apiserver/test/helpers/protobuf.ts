// A minimal protobuf writer for tests: builds messages and Kubernetes' envelope by hand, independently
// of the server's decoder, so a test states the bytes it sends.

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

/** Builds one message, field by field. */
export class Message {
  private bytes: number[] = []

  /** A varint field. */
  int(field: number, value: number | boolean): this {
    this.bytes.push(...varint(BigInt(field << 3)), ...varint(BigInt(typeof value === 'boolean' ? Number(value) : value)))
    return this
  }

  /** A length-delimited field (a string or a nested message). */
  put(field: number, value: string | Uint8Array | Message): this {
    const data = typeof value === 'string' ? Buffer.from(value) : value instanceof Message ? value.finish() : value
    this.bytes.push(...varint(BigInt((field << 3) | 2)), ...varint(BigInt(data.length)), ...data)
    return this
  }

  /** The message's bytes. */
  finish(): Uint8Array {
    return Uint8Array.from(this.bytes)
  }
}

/** `k8s\0` + runtime.Unknown{typeMeta{apiVersion, kind}, raw}. */
export function envelope(apiVersion: string, kind: string, raw: Uint8Array | Message, extra: { contentEncoding?: string } = {}): Uint8Array {
  const unknown = new Message().put(1, new Message().put(1, apiVersion).put(2, kind)).put(2, raw instanceof Message ? raw.finish() : raw)
  if (extra.contentEncoding !== undefined) unknown.put(3, extra.contentEncoding)
  return Uint8Array.from([0x6b, 0x38, 0x73, 0, ...unknown.finish()])
}

/** A minimal reader for answers: the length-delimited and varint fields of one message, by number. */
export function fieldsOf(bytes: Uint8Array): Map<number, (Uint8Array | bigint)[]> {
  const out = new Map<number, (Uint8Array | bigint)[]>()
  let i = 0
  const varintAt = (): bigint => {
    let v = 0n
    let shift = 0n
    for (;;) {
      const b = bytes[i++]
      if (b === undefined) throw new Error('truncated varint')
      v |= BigInt(b & 0x7f) << shift
      if (b < 0x80) return v
      shift += 7n
    }
  }
  while (i < bytes.length) {
    const key = varintAt()
    const number = Number(key >> 3n)
    const wire = Number(key & 7n)
    let value: Uint8Array | bigint
    if (wire === 0) value = varintAt()
    else if (wire === 2) {
      const length = Number(varintAt())
      value = bytes.subarray(i, i + length)
      i += length
    } else throw new Error(`wire type ${wire} not expected in these answers`)
    out.set(number, [...(out.get(number) ?? []), value])
  }
  return out
}

/** The first value of field `number` of a message: as text for bytes, as a number for a varint. */
export function field(bytes: Uint8Array, ...path: number[]): string | number | undefined {
  let at: Uint8Array = bytes
  for (const [i, n] of path.entries()) {
    const value = fieldsOf(at).get(n)?.[0]
    if (value === undefined) return undefined
    if (typeof value === 'bigint') return Number(value)
    if (i === path.length - 1) return Buffer.from(value).toString()
    at = value
  }
  return undefined
}

/** The typeMeta and raw message of `k8s\0` + runtime.Unknown. */
export function unwrap(body: Uint8Array): { apiVersion: string | undefined; kind: string | undefined; raw: Uint8Array } {
  if (Buffer.from(body.subarray(0, 4)).toString('latin1') !== 'k8s\0') throw new Error('no k8s\\0 prefix')
  const unknown = body.subarray(4)
  const raw = fieldsOf(unknown).get(2)?.[0]
  return { apiVersion: field(unknown, 1, 1) as string | undefined, kind: field(unknown, 1, 2) as string | undefined, raw: raw instanceof Uint8Array ? raw : new Uint8Array(0) }
}
