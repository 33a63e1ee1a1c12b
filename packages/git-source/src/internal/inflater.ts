// Inflation of the many small zlib streams of a pack. `zlib.inflateSync` builds a stream object and
// a fresh zlib engine per call, which for a pack of ten thousand 1 KiB objects cost several times
// the inflation itself (about 14 µs per entry against 1 µs). An inflater here keeps one engine and
// resets it between entries, as `git index-pack` does with inflateReset. Node offers no public call
// for that, so it drives the engine's binding the way inflateSync itself does (`_handle.writeSync`,
// `_writeState`, `onerror`: unchanged from Node 12 to 24); a check on first use falls back to
// inflateSync, with the same answers, when the binding does not behave as expected.
import { constants, Inflate, inflateSync } from 'node:zlib'

/** An entry's zlib stream is damaged: not zlib, a bad checksum, or more bytes than declared. */
export class InflateError extends Error {
  override readonly name = 'InflateError'
}

/** Inflates zlib streams of known size one after the other. */
export interface Inflater {
  /** How entries are inflated: one engine reset between entries, or inflateSync per entry. */
  readonly engine: 'reused' | 'inflateSync'
  /**
   * Inflates the zlib stream at the start of `input`, which must produce exactly `size` bytes
   * (never more is produced). Returns the bytes, valid until the next call, and how many bytes of
   * `input` the stream took; `undefined` when `input` ends before the stream does.
   *
   * @throws InflateError for a damaged stream, or one that produces more or fewer than `size` bytes
   */
  inflate(input: Buffer, size: number): { readonly data: Buffer; readonly used: number } | undefined
  /**
   * As {@link Inflater.inflate}, for the stream at the start of `input`, writing straight into
   * `out`, which must have room for one byte past its span (that byte tells a longer stream from an
   * exact one); the declared size is the span's length. Returns how many bytes of `input` the
   * stream took. No buffer is made: the pack indexer inflates ten thousand entries this way.
   *
   * @throws InflateError as {@link Inflater.inflate}
   */
  inflateInto(input: Span, out: Span): number | undefined
  /** Frees the engine. */
  close(): void
}

/** `bytes[start..end)`: a span given without making a view of it. */
export interface Span {
  bytes: Uint8Array
  start: number
  end: number
}

interface Binding {
  reset(): void
  writeSync(flush: number, input: Buffer, inOffset: number, inLength: number, output: Buffer, outOffset: number, outLength: number): void
  onerror: (message: string, errno: number) => void
}

const Z_BUF_ERROR = constants.Z_BUF_ERROR

function sizeError(produced: number, size: number): InflateError {
  return new InflateError(produced > size ? `inflates to more than the ${size} bytes its header declares` : `inflates to ${produced} bytes, its header declares ${size}`)
}

/** The inflater of one pack: a reused engine, or inflateSync per entry when `reuse` is false or unavailable. */
export function createInflater(reuse = true): Inflater {
  if (reuse && reusable()) {
    const inflater = reusingInflater()
    if (inflater !== undefined) return inflater
  }
  return {
    engine: 'inflateSync',
    inflate(input, size) {
      let buffer: Buffer
      let used: number
      try {
        const result = inflateSync(input, {
          info: true,
          chunkSize: Math.max(64, size + 1),
          // One byte more than declared, so that a longer stream is told from an exact one.
          maxOutputLength: size + 1,
        }) as unknown as { buffer: Buffer; engine: { bytesWritten: number } }
        buffer = result.buffer
        used = result.engine.bytesWritten
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code
        if (code === 'Z_BUF_ERROR') return undefined
        if (code === 'ERR_BUFFER_TOO_LARGE') throw sizeError(size + 1, size)
        throw new InflateError((err as Error).message)
      }
      if (buffer.byteLength !== size) throw sizeError(buffer.byteLength, size)
      return { data: buffer, used }
    },
    inflateInto(input, out) {
      const { bytes } = input
      const result = this.inflate(Buffer.from(bytes.buffer, bytes.byteOffset + input.start, input.end - input.start), out.end - out.start)
      if (result === undefined) return undefined
      out.bytes.set(result.data, out.start)
      return result.used
    },
    close() {},
  }
}

function reusingInflater(): Inflater | undefined {
  const engine = new Inflate()
  const handle = (engine as unknown as { _handle?: Binding })._handle
  const state = (engine as unknown as { _writeState?: Uint32Array })._writeState
  if (handle === undefined || state === undefined || typeof handle.writeSync !== 'function' || typeof handle.reset !== 'function') {
    engine.close()
    return undefined
  }
  // Set by the binding during writeSync (a holder, so that the type checker sees it change).
  const failed: { error: { message: string; errno: number } | undefined } = { error: undefined }
  handle.onerror = (message, errno) => {
    failed.error = { message, errno }
  }
  let out = Buffer.allocUnsafeSlow(64 * 1024)
  let closed = false
  const into = (input: Span, target: Span): number | undefined => {
    if (closed) throw new Error('internal error: the inflater is closed')
    const size = target.end - target.start
    const inLength = input.end - input.start
    // Room for one byte more than declared, so that a longer stream is told from an exact one.
    const room = size + 1
    failed.error = undefined
    handle.reset()
    handle.writeSync(constants.Z_FINISH, input.bytes as Buffer, input.start, inLength, target.bytes as Buffer, target.start, room)
    const failure = failed.error as { message: string; errno: number } | undefined
    if (failure !== undefined) {
      // "unexpected end of file": the input ends inside the stream.
      if (failure.errno === Z_BUF_ERROR) return undefined
      throw new InflateError(failure.message)
    }
    const produced = room - (state[0] as number)
    if (produced !== size) throw sizeError(produced, size)
    return inLength - (state[1] as number)
  }
  return {
    engine: 'reused',
    inflate(input, size) {
      if (out.byteLength < size + 1) out = Buffer.allocUnsafeSlow(Math.max(size + 1, out.byteLength * 2))
      const used = into({ bytes: input, start: 0, end: input.byteLength }, { bytes: out, start: 0, end: size })
      return used === undefined ? undefined : { data: out.subarray(0, size), used }
    },
    inflateInto: into,
    close() {
      if (closed) return
      closed = true
      engine.close()
    },
  }
}

let checked: boolean | undefined

// Whether a reused engine gives inflateSync's answers on a small sample: a whole stream with bytes
// after it, the same stream cut short, and a damaged one, each after the other on one engine.
function reusable(): boolean {
  if (checked !== undefined) return checked
  checked = false
  try {
    const text = Buffer.from('a zlib stream used to check the inflater\n'.repeat(8))
    // deflateSync(text), written out: deflating it here would cost a zlib engine of its own.
    const stream = Buffer.from('eJxLVKjKyUxSKC4pSk3MVSgtTk1RKMlXSM5ITc5WKMlIVcjMS8tJLEkt4kocVYhPIQCVbXWB', 'base64')
    const inflater = reusingInflater()
    if (inflater === undefined) return false
    try {
      const whole = inflater.inflate(Buffer.concat([stream, Buffer.from('next')]), text.byteLength)
      if (whole === undefined || whole.used !== stream.byteLength || !whole.data.equals(text)) return false
      if (inflater.inflate(stream.subarray(0, stream.byteLength - 4), text.byteLength) !== undefined) return false
      const damaged = Buffer.from(stream)
      damaged[4] = (damaged[4] as number) ^ 0xff
      let threw = false
      try {
        inflater.inflate(damaged, text.byteLength)
      } catch (err) {
        threw = err instanceof InflateError
      }
      if (!threw) return false
      const again = inflater.inflate(stream, text.byteLength)
      // At offsets on both sides, as the pack indexer calls it.
      const input = Buffer.concat([Buffer.from('lead'), stream, Buffer.from('next')])
      const target = Buffer.alloc(text.byteLength + 8)
      const used = inflater.inflateInto({ bytes: input, start: 4, end: input.byteLength }, { bytes: target, start: 3, end: 3 + text.byteLength })
      checked = again !== undefined && again.data.equals(text) && used === stream.byteLength && target.subarray(3, 3 + text.byteLength).equals(text)
    } finally {
      inflater.close()
    }
  } catch {
    checked = false
  }
  return checked
}
