// Chart archives (`charts/*.tgz`): a gzipped tarball whose entries sit under one top folder, read
// as Helm's loader reads them: regular files only, PAX and GNU long names, every size bounded.
import { gunzipSync } from 'node:zlib'

/** A chart archive could not be read; the message says why. */
export class ArchiveError extends Error {}

const block = 512
/** Helm refuses archives that decompress past its default limit; so do we. */
const maxDecompressed = 100 * 1024 * 1024

function field(h: Buffer, at: number, length: number): string {
  const raw = h.subarray(at, at + length)
  const nul = raw.indexOf(0)
  return raw.subarray(0, nul < 0 ? raw.length : nul).toString('utf8')
}

function octal(h: Buffer, at: number, length: number): number {
  const text = field(h, at, length).trim()
  const n = text === '' ? 0 : parseInt(text, 8)
  if (!Number.isFinite(n) || n < 0) throw new ArchiveError('invalid tar header')
  return n
}

function paxPath(data: Buffer): string | undefined {
  let at = 0
  let path: string | undefined
  while (at < data.length) {
    const space = data.indexOf(0x20, at)
    if (space < 0) break
    const length = parseInt(data.toString('latin1', at, space), 10)
    if (!Number.isFinite(length) || length <= 0) break
    const record = data.toString('utf8', space + 1, at + length - 1)
    const eq = record.indexOf('=')
    if (record.slice(0, eq) === 'path') path = record.slice(eq + 1)
    at += length
  }
  return path
}

/** The regular files of a gzipped tarball, by path, in archive order. */
export function readTgz(bytes: Uint8Array): Map<string, Buffer> {
  let tar: Buffer
  try {
    tar = gunzipSync(bytes, { maxOutputLength: maxDecompressed })
  } catch (err) {
    throw new ArchiveError(`not a gzipped archive: ${(err as Error).message}`)
  }
  const out = new Map<string, Buffer>()
  let at = 0
  let longName: string | undefined
  while (at + block <= tar.length) {
    const h = tar.subarray(at, at + block)
    if (h.every((b) => b === 0)) break
    const size = octal(h, 124, 12)
    const type = String.fromCharCode(h[156] ?? 0x30)
    const prefix = field(h, 345, 155)
    const start = at + block
    if (start + size > tar.length) throw new ArchiveError('truncated tar entry')
    const data = tar.subarray(start, start + size)
    at = start + Math.ceil(size / block) * block
    if (type === 'x') {
      longName = paxPath(data)
      continue
    }
    if (type === 'L') {
      longName = field(data, 0, data.length)
      continue
    }
    if (type === 'g') continue
    const name = longName ?? (prefix === '' ? field(h, 0, 100) : `${prefix}/${field(h, 0, 100)}`)
    longName = undefined
    if (type !== '0' && type !== '\0') continue
    out.set(name, Buffer.from(data))
  }
  return out
}
