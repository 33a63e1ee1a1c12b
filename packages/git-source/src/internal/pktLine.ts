// pkt-line framing of the git wire protocol (gitprotocol-common(5)): four hex digits of length
// (including themselves), then the payload; 0000 is a flush, 0001 a delimiter (protocol v2).

/** A flush packet. */
export const FLUSH: Buffer = Buffer.from('0000')
/** A protocol v2 delimiter packet. */
export const DELIM: Buffer = Buffer.from('0001')

/** Frames `payload` as one pkt-line. */
export function pktLine(payload: string | Uint8Array): Buffer {
  const data = typeof payload === 'string' ? Buffer.from(payload) : Buffer.from(payload)
  return Buffer.concat([Buffer.from((data.byteLength + 4).toString(16).padStart(4, '0')), data])
}

/** A payload as text, without its trailing newline. */
export function pktText(payload: Buffer): string {
  const text = payload.toString('utf8')
  return text.endsWith('\n') ? text.slice(0, -1) : text
}

/** The bytes are not pkt-lines, or end inside one. */
export class PktLineError extends Error {
  override readonly name = 'PktLineError'
}

/** What {@link PktReader.read} yields: a payload, a special packet, or the end of the stream. */
export type Pkt = Buffer | 'flush' | 'delim' | 'response-end' | 'end'

/**
 * Reads pkt-lines from a byte stream without copying when a line lies within one chunk, which is
 * the common case for the 64 KiB side-band packets of a pack.
 */
export class PktReader {
  readonly #source: AsyncIterator<Uint8Array>
  #chunks: Buffer[] = []
  #offset = 0
  #available = 0
  #done = false

  constructor(source: AsyncIterable<Uint8Array>) {
    this.#source = source[Symbol.asyncIterator]()
  }

  async #fill(n: number): Promise<boolean> {
    while (this.#available < n && !this.#done) {
      const next = await this.#source.next()
      if (next.done === true) {
        this.#done = true
        break
      }
      const chunk = Buffer.from(next.value.buffer, next.value.byteOffset, next.value.byteLength)
      if (chunk.byteLength === 0) continue
      this.#chunks.push(chunk)
      this.#available += chunk.byteLength
    }
    return this.#available >= n
  }

  #take(n: number): Buffer {
    const first = this.#chunks[0]
    if (first !== undefined && first.byteLength - this.#offset >= n) {
      const out = first.subarray(this.#offset, this.#offset + n)
      this.#offset += n
      this.#available -= n
      if (this.#offset === first.byteLength) {
        this.#chunks.shift()
        this.#offset = 0
      }
      return out
    }
    const out = Buffer.allocUnsafe(n)
    let written = 0
    while (written < n) {
      const chunk = this.#chunks[0] as Buffer
      const count = Math.min(n - written, chunk.byteLength - this.#offset)
      chunk.copy(out, written, this.#offset, this.#offset + count)
      written += count
      this.#offset += count
      if (this.#offset === chunk.byteLength) {
        this.#chunks.shift()
        this.#offset = 0
      }
    }
    this.#available -= n
    return out
  }

  /** The next packet; `'end'` when the stream ends cleanly between packets. */
  async read(): Promise<Pkt> {
    if (!(await this.#fill(4))) {
      if (this.#available === 0) return 'end'
      throw new PktLineError('the stream ended inside a pkt-line header')
    }
    const header = this.#take(4).toString('latin1')
    const length = Number.parseInt(header, 16)
    if (!/^[0-9a-f]{4}$/i.test(header) || Number.isNaN(length)) throw new PktLineError(`bad pkt-line header ${JSON.stringify(header)}`)
    if (length === 0) return 'flush'
    if (length === 1) return 'delim'
    if (length === 2) return 'response-end'
    if (length < 4) throw new PktLineError(`bad pkt-line length ${length}`)
    if (!(await this.#fill(length - 4))) throw new PktLineError('the stream ended inside a pkt-line')
    return this.#take(length - 4)
  }
}
