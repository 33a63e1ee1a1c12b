import { describe, expect, it } from 'vitest'
import { FLUSH, pktLine, PktReader } from './pktLine.js'
import { decodeResponseV1, decodeResponseV2, encodeRequestV1, encodeRequestV2, RemoteError, requestCapabilitiesV1, WireError } from './uploadPack.js'

const a = 'a'.repeat(40)
const b = 'b'.repeat(40)

async function* once(...chunks: Buffer[]): AsyncGenerator<Buffer> {
  for (const chunk of chunks) yield chunk
}

async function collect(stream: AsyncIterable<Buffer>): Promise<string> {
  const parts: Buffer[] = []
  for await (const part of stream) parts.push(part)
  return Buffer.concat(parts).toString()
}

const band = (n: number, text: string): Buffer => pktLine(Buffer.concat([Buffer.from([n]), Buffer.from(text)]))

describe('pkt-lines', () => {
  it('reads lines split across chunks and special packets', async () => {
    const data = Buffer.concat([pktLine('hello\n'), FLUSH, Buffer.from('0001'), pktLine('x')])
    const reader = new PktReader(once(...[...data].map((byte) => Buffer.from([byte]))))
    expect(String(await reader.read())).toBe('hello\n')
    expect(await reader.read()).toBe('flush')
    expect(await reader.read()).toBe('delim')
    expect(String(await reader.read())).toBe('x')
    expect(await reader.read()).toBe('end')
  })

  it('rejects a stream cut inside a line', async () => {
    await expect(new PktReader(once(Buffer.from('000ahel'))).read()).rejects.toThrow(/inside a pkt-line/)
  })
})

describe('upload-pack requests', () => {
  it('writes a v1 request with capabilities on the first want, then shallows, depth, haves and done', () => {
    const caps = requestCapabilitiesV1(new Set(['side-band-64k', 'ofs-delta', 'shallow', 'thin-pack', 'multi_ack']), true)
    expect(caps).toEqual(['side-band-64k', 'ofs-delta', 'shallow', 'thin-pack', 'agent=gitops-sdk/0.1'])
    expect(encodeRequestV1({ wants: [a, b], haves: [b], shallows: [b], depth: 1 }, caps).toString()).toBe(
      `0071want ${a} side-band-64k ofs-delta shallow thin-pack agent=gitops-sdk/0.1\n0032want ${b}\n0035shallow ${b}\n000ddeepen 1\n00000032have ${b}\n0009done\n`,
    )
    expect(() => requestCapabilitiesV1(new Set(['ofs-delta']), false)).toThrow(WireError)
  })

  it('writes a v2 fetch command', () => {
    expect(encodeRequestV2({ wants: [a], haves: [], shallows: [], depth: undefined }).toString()).toBe(
      `0012command=fetch\n0019agent=gitops-sdk/0.1\n0001000eofs-delta\n0010no-progress\n0032want ${a}\n0009done\n0000`,
    )
  })
})

describe('upload-pack responses', () => {
  it('reads a v1 shallow section, the NAK, and the pack from side band 1 skipping progress', async () => {
    const body = Buffer.concat([pktLine(`shallow ${a}\n`), pktLine(`unshallow ${b}\n`), FLUSH, pktLine('NAK\n'), band(2, 'Counting\n'), band(1, 'PACK'), band(1, '-data'), FLUSH])
    const response = await decodeResponseV1(once(body), { shallowSection: true })
    expect(response.shallows).toEqual([a])
    expect(response.unshallows).toEqual([b])
    expect(await collect(response.pack)).toBe('PACK-data')
  })

  it('surfaces ERR lines and side band 3 as remote errors', async () => {
    await expect(decodeResponseV1(once(pktLine(`ERR upload-pack: not our ref ${a}`)), { shallowSection: false })).rejects.toThrow(RemoteError)
    const response = await decodeResponseV1(once(Buffer.concat([pktLine('NAK\n'), band(3, 'disk full')])), { shallowSection: false })
    await expect(collect(response.pack)).rejects.toThrow('disk full')
  })

  it('reads v2 sections up to the packfile', async () => {
    const body = Buffer.concat([pktLine('shallow-info\n'), pktLine(`shallow ${a}\n`), Buffer.from('0001'), pktLine('packfile\n'), band(1, 'PACK'), FLUSH])
    const response = await decodeResponseV2(once(body))
    expect(response.shallows).toEqual([a])
    expect(await collect(response.pack)).toBe('PACK')
  })

  it('refuses a pack stream that ends between two pkt-lines without its flush (a cut connection)', async () => {
    const v1 = await decodeResponseV1(once(Buffer.concat([pktLine('NAK\n'), band(1, 'PACK'), band(1, '-data')])), { shallowSection: false })
    await expect(collect(v1.pack)).rejects.toThrow(new WireError('the stream ended before the end of the pack'))
    const v2 = await decodeResponseV2(once(Buffer.concat([pktLine('packfile\n'), band(1, 'PACK')])))
    await expect(collect(v2.pack)).rejects.toThrow(WireError)
  })
})
