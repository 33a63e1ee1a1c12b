// The fetch half of the git wire protocol, v0/v1 and v2 (gitprotocol-pack(5), gitprotocol-v2(5)):
// writing an upload-pack request and reading the response up to a stream of pack bytes.
import { DELIM, FLUSH, pktLine, PktReader, pktText } from './pktLine.js'

/** What the client asks upload-pack for. */
export interface UploadPackRequest {
  readonly wants: readonly string[]
  readonly haves: readonly string[]
  /** Commits the client holds without their parents. */
  readonly shallows: readonly string[]
  /** History depth to send; `undefined` for the full history. */
  readonly depth: number | undefined
}

/** What upload-pack answers: shallow boundary changes and the pack itself. */
export interface UploadPackResponse {
  readonly shallows: readonly string[]
  readonly unshallows: readonly string[]
  /** Pack bytes, demultiplexed from the side band. */
  readonly pack: AsyncIterable<Buffer>
}

/** The server said something the protocol does not allow, or stopped early. */
export class WireError extends Error {
  override readonly name = 'WireError'
}

/** The server reported an error of its own (`ERR` line or side-band 3), e.g. "not our ref". */
export class RemoteError extends Error {
  override readonly name = 'RemoteError'
}

const agent = 'agent=gitops-sdk/0.1'

/** The capabilities we ask a v0/v1 server for, among those it offers. */
export function requestCapabilitiesV1(offered: ReadonlySet<string>, thin: boolean): string[] {
  // A thin pack lets the server send deltas against objects we have; without it a shallow fetch
  // resends every object (pack-objects only marks edges uninteresting for thin packs).
  const wanted = ['side-band-64k', 'ofs-delta', 'shallow', 'no-progress', ...(thin ? ['thin-pack'] : [])]
  const caps = wanted.filter((c) => offered.has(c))
  if (!caps.includes('side-band-64k')) {
    if (!offered.has('side-band')) throw new WireError('the server offers neither side-band-64k nor side-band')
    caps.unshift('side-band')
  }
  caps.push(agent)
  return caps
}

/** Encodes a v0/v1 upload-pack request (stateless, as smart HTTP sends it). */
export function encodeRequestV1(request: UploadPackRequest, capabilities: readonly string[]): Buffer {
  const parts: Buffer[] = []
  request.wants.forEach((oid, i) => {
    parts.push(pktLine(i === 0 ? `want ${oid} ${capabilities.join(' ')}\n` : `want ${oid}\n`))
  })
  for (const oid of request.shallows) parts.push(pktLine(`shallow ${oid}\n`))
  if (request.depth !== undefined) parts.push(pktLine(`deepen ${request.depth}\n`))
  parts.push(FLUSH)
  for (const oid of request.haves) parts.push(pktLine(`have ${oid}\n`))
  parts.push(pktLine('done\n'))
  return Buffer.concat(parts)
}

/** Encodes a protocol v2 `fetch` command. */
export function encodeRequestV2(request: UploadPackRequest): Buffer {
  const parts: Buffer[] = [pktLine('command=fetch\n'), pktLine(`${agent}\n`), DELIM]
  parts.push(pktLine('ofs-delta\n'), pktLine('no-progress\n'))
  if (request.haves.length > 0) parts.push(pktLine('thin-pack\n'))
  for (const oid of request.wants) parts.push(pktLine(`want ${oid}\n`))
  for (const oid of request.shallows) parts.push(pktLine(`shallow ${oid}\n`))
  if (request.depth !== undefined) parts.push(pktLine(`deepen ${request.depth}\n`))
  for (const oid of request.haves) parts.push(pktLine(`have ${oid}\n`))
  parts.push(pktLine('done\n'), FLUSH)
  return Buffer.concat(parts)
}

function remoteError(line: string): RemoteError | undefined {
  return line.startsWith('ERR ') ? new RemoteError(line.slice(4).trim()) : undefined
}

/** The next line as text; special packets are `what` went missing, ERR lines the server's error. */
async function readLine(reader: PktReader, what: string): Promise<string> {
  const pkt = await reader.read()
  if (typeof pkt === 'string') throw new WireError(what)
  const line = pktText(pkt)
  const err = remoteError(line)
  if (err !== undefined) throw err
  return line
}

/** Reads a v0/v1 response: the shallow section (when a depth was asked), ACK/NAK, then the pack. */
export async function decodeResponseV1(
  body: AsyncIterable<Uint8Array>,
  options: { readonly shallowSection: boolean },
): Promise<UploadPackResponse> {
  const reader = new PktReader(body)
  const shallows: string[] = []
  const unshallows: string[] = []
  if (options.shallowSection) {
    for (;;) {
      const pkt = await reader.read()
      if (pkt === 'flush') break
      if (typeof pkt === 'string') throw new WireError('the server ended the shallow section early')
      const line = pktText(pkt)
      const err = remoteError(line)
      if (err !== undefined) throw err
      if (line.startsWith('shallow ')) shallows.push(line.slice(8))
      else if (line.startsWith('unshallow ')) unshallows.push(line.slice(10))
      else throw new WireError(`unexpected line in the shallow section: ${line.slice(0, 80)}`)
    }
  }
  // Without multi_ack the server sends one NAK, or one ACK for the common commit, then the pack.
  for (;;) {
    const line = await readLine(reader, 'the server sent no pack')
    if (line === 'NAK' || line.startsWith('ACK ')) break
    throw new WireError(`expected ACK or NAK, got ${line.slice(0, 80)}`)
  }
  return { shallows, unshallows, pack: demuxSideBand(reader) }
}

/** Reads a v2 fetch response: optional sections, then `packfile` on the side band. */
export async function decodeResponseV2(body: AsyncIterable<Uint8Array>): Promise<UploadPackResponse> {
  const reader = new PktReader(body)
  const shallows: string[] = []
  const unshallows: string[] = []
  for (;;) {
    const header = await readLine(reader, 'the server sent no packfile section')
    if (header === 'packfile') break
    for (;;) {
      const pkt = await reader.read()
      if (pkt === 'delim') break
      if (typeof pkt === 'string') throw new WireError(`the server ended the ${header} section early`)
      const line = pktText(pkt)
      if (header === 'shallow-info') {
        if (line.startsWith('shallow ')) shallows.push(line.slice(8))
        else if (line.startsWith('unshallow ')) unshallows.push(line.slice(10))
      }
    }
  }
  return { shallows, unshallows, pack: demuxSideBand(reader) }
}

async function* demuxSideBand(reader: PktReader): AsyncGenerator<Buffer> {
  for (;;) {
    const pkt = await reader.read()
    if (pkt === 'flush' || pkt === 'response-end') return
    // upload-pack closes the side-band stream with a flush; a connection that ends without one was
    // cut (a server or relay that died), even when the cut falls between two pkt-lines.
    if (pkt === 'end') throw new WireError('the stream ended before the end of the pack')
    if (pkt === 'delim') throw new WireError('unexpected delimiter inside the pack')
    const band = pkt[0]
    if (band === 1) yield pkt.subarray(1)
    else if (band === 3) throw new RemoteError(pkt.subarray(1).toString('utf8').trim())
    else if (band !== 2) {
      const err = remoteError(pkt.toString('utf8'))
      throw err ?? new WireError(`unknown side band ${band}`)
    }
  }
}
