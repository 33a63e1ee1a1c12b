import { deflateSync } from 'node:zlib'
import { describe, expect, it } from 'vitest'
import { createInflater, InflateError } from './inflater.js'

const text = Buffer.from('kind: ConfigMap\nmetadata:\n  name: settings\n'.repeat(40))
const stream = deflateSync(text)
const damaged = Buffer.from(stream)
damaged[stream.byteLength >> 1] = (damaged[stream.byteLength >> 1] as number) ^ 0xff

// The reused engine and the inflateSync fallback must give the same answer to every case, in one
// run on one inflater, so that an error never leaves the engine unfit for the next entry.
describe.for([
  { mode: 'a reused engine', reuse: true },
  { mode: 'inflateSync per entry', reuse: false },
])('createInflater, $mode', ({ reuse }) => {
  it('inflates streams one after the other, and tells a short input, damage and a wrong size apart', () => {
    const inflater = createInflater(reuse)
    // On the Node versions supported, the engine's binding is there to be reused.
    expect(inflater.engine).toBe(reuse ? 'reused' : 'inflateSync')
    try {
      const whole = inflater.inflate(Buffer.concat([stream, Buffer.from('next entry')]), text.byteLength)
      expect(whole?.data.equals(text)).toBe(true)
      expect(whole?.used).toBe(stream.byteLength)
      // Cut anywhere inside, the stream asks for more input rather than failing.
      for (const cut of [1, 2, 10, stream.byteLength - 1]) expect(inflater.inflate(stream.subarray(0, cut), text.byteLength)).toBeUndefined()
      expect(() => inflater.inflate(damaged, text.byteLength)).toThrow(InflateError)
      expect(() => inflater.inflate(Buffer.from('not zlib at all'), text.byteLength)).toThrow(InflateError)
      expect(() => inflater.inflate(stream, text.byteLength - 1)).toThrow(/more than the \d+ bytes its header declares/)
      expect(() => inflater.inflate(stream, text.byteLength + 1)).toThrow(new InflateError(`inflates to ${text.byteLength} bytes, its header declares ${text.byteLength + 1}`))
      const empty = deflateSync(Buffer.alloc(0))
      expect(inflater.inflate(empty, 0)).toMatchObject({ used: empty.byteLength })
      // Still good after the failures, and the answer is a copy's worth of bytes, not more.
      const again = inflater.inflate(stream, text.byteLength)
      expect(again?.data.byteLength).toBe(text.byteLength)
      expect(again?.data.equals(text)).toBe(true)
    } finally {
      inflater.close()
    }
  })

  it('inflates between offsets straight into a target, with the same answers', () => {
    const inflater = createInflater(reuse)
    try {
      const input = Buffer.concat([Buffer.from('previous entry'), stream, Buffer.from('next entry')])
      const start = 'previous entry'.length
      const target = Buffer.alloc(text.byteLength + 20, 0x2a)
      expect(inflater.inflateInto({ bytes: input, start, end: input.byteLength }, { bytes: target, start: 7, end: 7 + text.byteLength })).toBe(stream.byteLength)
      expect(target.subarray(7, 7 + text.byteLength).equals(text)).toBe(true)
      // Nothing is written before the offset.
      expect(target.subarray(0, 7).equals(Buffer.alloc(7, 0x2a))).toBe(true)
      expect(inflater.inflateInto({ bytes: input, start, end: start + stream.byteLength - 1 }, { bytes: target, start: 0, end: text.byteLength })).toBeUndefined()
      expect(() => inflater.inflateInto({ bytes: input, start, end: input.byteLength }, { bytes: target, start: 0, end: text.byteLength - 1 })).toThrow(/more than the \d+ bytes/)
      const bad = Buffer.concat([Buffer.from('lead'), damaged])
      expect(() => inflater.inflateInto({ bytes: bad, start: 4, end: bad.byteLength }, { bytes: target, start: 0, end: text.byteLength })).toThrow(InflateError)
    } finally {
      inflater.close()
    }
  })

  it('never produces more than one byte past the declared size of a huge stream', () => {
    const inflater = createInflater(reuse)
    try {
      const bomb = deflateSync(Buffer.alloc(1024 * 1024))
      expect(() => inflater.inflate(bomb, 100)).toThrow(/more than the 100 bytes/)
    } finally {
      inflater.close()
    }
  })
})
