import type { GitHttpRequest, GitHttpResponse, HttpClient } from 'isomorphic-git'
import { describe, expect, it } from 'vitest'
import { discoverRefs, HttpStatusError, NotSmartHttpError } from './discoverRefs.js'
import type { Advertisement } from './discoverRefs.js'
import { FLUSH, pktLine, PktLineError } from './pktLine.js'
import { RemoteError, WireError } from './uploadPack.js'

const url = 'https://git.example/fleet.git'
const a = 'a'.repeat(40)
const b = 'b'.repeat(40)
const c = 'c'.repeat(40)
const zero = '0'.repeat(40)
const advertisementType = 'application/x-git-upload-pack-advertisement'
const serviceLine = pktLine('# service=git-upload-pack\n')
const caps = 'multi_ack thin-pack side-band side-band-64k ofs-delta shallow no-progress symref=HEAD:refs/heads/main agent=git/2.39.5'

interface Answer {
  readonly status?: number
  readonly type?: string | undefined
  /** The body, in the chunks the client receives. */
  readonly chunks: readonly Buffer[]
}

/** An HttpClient (the transport's seam) that records requests and plays one answer. */
function server(answer: Answer): { http: HttpClient; requests: GitHttpRequest[]; consumed: () => boolean } {
  const requests: GitHttpRequest[] = []
  let consumed = false
  async function* body(): AsyncIterableIterator<Uint8Array> {
    yield* answer.chunks
    consumed = true
  }
  const http: HttpClient = {
    request(req): Promise<GitHttpResponse> {
      requests.push(req)
      const status = answer.status ?? 200
      const headers: Record<string, string> = answer.type === undefined ? {} : { 'Content-Type': answer.type }
      return Promise.resolve({ url: req.url, method: 'GET', statusCode: status, statusMessage: status === 200 ? 'OK' : 'Nope', headers, body: body() })
    },
  }
  return { http, requests, consumed: () => consumed }
}

function discover(answer: Answer, protocolVersion: 1 | 2 = 1): Promise<Advertisement> {
  return discoverRefs(server(answer).http, { url, headers: {}, protocolVersion, signal: new AbortController().signal })
}

/** A whole smart-HTTP answer: the service line, a flush, `lines` as pkt-lines, a flush. */
function smart(...lines: string[]): Answer {
  return { type: advertisementType, chunks: [serviceLine, FLUSH, ...lines.map((line) => pktLine(line)), FLUSH] }
}

describe('discoverRefs', () => {
  it('sends one GET for info/refs with the given headers, and Git-Protocol only for v2', async () => {
    const v1 = server(smart(`${a} HEAD\0${caps}\n`))
    const signal = new AbortController().signal
    await discoverRefs(v1.http, { url, headers: { Authorization: 'Bearer t' }, protocolVersion: 1, signal })
    expect(v1.requests).toEqual([{ method: 'GET', url: `${url}/info/refs?service=git-upload-pack`, headers: { Authorization: 'Bearer t' }, signal }])
    expect(v1.consumed()).toBe(true)
    const v2 = server({ type: advertisementType, chunks: [serviceLine, FLUSH, pktLine('version 2\n'), FLUSH] })
    await discoverRefs(v2.http, { url, headers: {}, protocolVersion: 2, signal })
    expect(v2.requests[0]?.headers).toEqual({ 'Git-Protocol': 'version=2' })
  })

  it('reads refs, peeled tags, capabilities and the HEAD symref of a v0 advertisement', async () => {
    const ad = await discover(smart(`${a} HEAD\0${caps}\n`, `${a} refs/heads/main\n`, `${b} refs/tags/v1.0.0\n`, `${c} refs/tags/v1.0.0^{}\n`))
    expect(ad.protocolVersion).toBe(1)
    expect([...ad.refs]).toEqual([
      ['HEAD', a],
      ['refs/heads/main', a],
      ['refs/tags/v1.0.0', b],
      ['refs/tags/v1.0.0^{}', c],
    ])
    expect([...ad.symrefs]).toEqual([['HEAD', 'refs/heads/main']])
    expect([...ad.capabilities]).toEqual(caps.split(' '))
  })

  it('reads pkt-lines split anywhere across chunks', async () => {
    const whole = Buffer.concat(smart(`${a} HEAD\0${caps}\n`, `${a} refs/heads/main\n`).chunks)
    const bytes = [...whole].map((byte) => Buffer.from([byte]))
    expect([...(await discover({ type: advertisementType, chunks: bytes })).refs.keys()]).toEqual(['HEAD', 'refs/heads/main'])
  })

  it('skips metadata after the service line, a "version 1" line, and a shallow boundary', async () => {
    const chunks = [serviceLine, pktLine('x-meta: 1\n'), FLUSH, pktLine('version 1\n'), pktLine(`${a} refs/heads/main\0${caps}\n`), pktLine(`shallow ${b}\n`), FLUSH]
    const ad = await discover({ type: advertisementType, chunks })
    expect([...ad.refs]).toEqual([['refs/heads/main', a]])
  })

  it('reads an empty repository in both forms: nothing at all, or capabilities^{}', async () => {
    expect((await discover(smart())).refs.size).toBe(0)
    const modern = await discover(smart(`${zero} capabilities^{}\0${caps}\n`))
    expect(modern.refs.size).toBe(0)
    expect(modern.capabilities.has('side-band-64k')).toBe(true)
  })

  it('reads a v2 capability list, with or without the service line', async () => {
    const lines = [pktLine('version 2\n'), pktLine('agent=git/2.39.5\n'), pktLine('ls-refs=unborn\n'), pktLine('fetch=shallow wait-for-done\n'), pktLine('server-option\n'), FLUSH]
    for (const chunks of [[serviceLine, FLUSH, ...lines], lines]) {
      const ad = await discover({ type: advertisementType, chunks }, 2)
      expect(ad).toMatchObject({ protocolVersion: 2, capabilities2: { agent: 'git/2.39.5', 'ls-refs': 'unborn', fetch: 'shallow wait-for-done', 'server-option': true } })
      expect(ad.refs.size).toBe(0)
    }
  })

  it('throws HttpStatusError for any status but 200, after reading the body', async () => {
    const denied = server({ status: 401, chunks: [Buffer.from('denied')] })
    const err = await discoverRefs(denied.http, { url, headers: {}, protocolVersion: 1, signal: new AbortController().signal }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(HttpStatusError)
    expect(err).toMatchObject({ status: 401, statusText: 'Nope', message: 'HTTP 401 Nope' })
    expect(denied.consumed()).toBe(true)
    await expect(discover({ status: 203, type: 'text/html', chunks: [] })).rejects.toMatchObject({ status: 203 })
  })

  it.for([
    { name: 'an HTML page', chunks: [Buffer.from('<!doctype html><title>Sign in</title>')] },
    { name: 'a dumb server’s info/refs', chunks: [Buffer.from(`${a}\trefs/heads/main\n`)] },
    { name: 'an empty body', chunks: [] },
  ])('calls $name without the smart content type not a smart server', async ({ chunks }) => {
    await expect(discover({ type: 'text/plain; charset=utf-8', chunks })).rejects.toThrow(new NotSmartHttpError('content type text/plain; charset=utf-8'))
  })

  it('accepts a smart advertisement sent with another content type, as isomorphic-git did', async () => {
    const { chunks } = smart(`${a} HEAD\0${caps}\n`)
    expect((await discover({ type: undefined, chunks })).refs.get('HEAD')).toBe(a)
  })

  it.for([
    { name: 'no service line', chunks: [pktLine(`${a} HEAD\0${caps}\n`), FLUSH], error: WireError, message: /expected "# service=git-upload-pack", got "a{40} HEAD/ },
    { name: 'another service', chunks: [pktLine('# service=git-receive-pack\n'), FLUSH, FLUSH], error: WireError, message: /got "# service=git-receive-pack"/ },
    { name: 'no capabilities on the first ref', chunks: [serviceLine, FLUSH, pktLine(`${a} HEAD\n`), FLUSH], error: WireError, message: /carries no capabilities/ },
    { name: 'a bad object id', chunks: [serviceLine, FLUSH, pktLine(`${a} HEAD\0${caps}\n`), pktLine('abc refs/heads/x\n'), FLUSH], error: WireError, message: /bad ref line "abc refs\/heads\/x"/ },
    { name: 'a ref list cut before its flush', chunks: [serviceLine, FLUSH, pktLine(`${a} HEAD\0${caps}\n`)], error: WireError, message: /the ref list ended before its flush/ },
    { name: 'an answer cut after the header', chunks: [serviceLine, FLUSH], error: WireError, message: /ended after its header/ },
    { name: 'a v2 list cut before its flush', chunks: [pktLine('version 2\n'), pktLine('ls-refs\n')], error: WireError, message: /capability list ended/ },
    { name: 'a line cut in the middle', chunks: [serviceLine, FLUSH, pktLine(`${a} HEAD\0${caps}\n`).subarray(0, 30)], error: PktLineError, message: /inside a pkt-line/ },
    { name: 'an ERR line', chunks: [pktLine('ERR access denied or repository not exported\n')], error: RemoteError, message: /^access denied or repository not exported$/ },
  ])('rejects an advertisement with $name', async ({ chunks, error, message }) => {
    const err = await discover({ type: advertisementType, chunks }).catch((e: unknown) => e)
    expect(err).toBeInstanceOf(error)
    expect((err as Error).message).toMatch(message)
  })

  it('passes on what the HTTP client throws, untouched', async () => {
    const refused = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' })
    const http: HttpClient = { request: () => Promise.reject(refused) }
    await expect(discoverRefs(http, { url, headers: {}, protocolVersion: 1, signal: new AbortController().signal })).rejects.toBe(refused)
    const reset = Object.assign(new Error('aborted'), { code: 'ECONNRESET' })
    async function* dies(): AsyncIterableIterator<Uint8Array> {
      yield serviceLine
      throw reset
    }
    const dying: HttpClient = { request: (req) => Promise.resolve({ url: req.url, statusCode: 200, statusMessage: 'OK', headers: {}, body: dies() }) }
    await expect(discoverRefs(dying, { url, headers: {}, protocolVersion: 1, signal: new AbortController().signal })).rejects.toBe(reset)
  })
})
