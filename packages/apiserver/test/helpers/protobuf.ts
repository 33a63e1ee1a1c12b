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
