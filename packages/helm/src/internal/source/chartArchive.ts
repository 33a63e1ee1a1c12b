// A chart archive fetched from a repository, read strictly: unlike a subchart in charts/ (which
// Helm's loader reads leniently), a downloaded archive with a link, a device, an absolute path or
// a `..` segment is refused outright, as is one that is truncated or decompresses past the limit.
import { gunzipSync } from 'node:zlib'

/** An archive that cannot be unpacked safely; the message says why. */
export class ChartArchiveError extends Error {}

const BLOCK = 512

function text(h: Buffer, at: number, length: number): string {
  const raw = h.subarray(at, at + length)
  const nul = raw.indexOf(0)
  return raw.subarray(0, nul < 0 ? raw.length : nul).toString('utf8')
}

function size(h: Buffer): number {
  const raw = text(h, 124, 12).trim()
  const n = raw === '' ? 0 : parseInt(raw, 8)
  if (!Number.isSafeInteger(n) || n < 0 || !/^[0-7]*$/u.test(raw)) throw new ChartArchiveError('invalid tar header')
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

function safePath(name: string): string {
  const clean = name.replace(/^\.\//u, '')
  if (clean.startsWith('/') || clean.includes('\\') || clean.split('/').some((s) => s === '..')) {
    throw new ChartArchiveError(`entry '${name}' leaves the chart folder`)
  }
  return clean
}

/**
 * The files of a chart archive under its one top folder: `{ name, files }` with paths relative to
 * the chart's root.
 */
export function readChartArchive(bytes: Uint8Array, maxBytes: number): { readonly top: string; readonly files: Map<string, Uint8Array> } {
  let tar: Buffer
  try {
    tar = gunzipSync(bytes, { maxOutputLength: maxBytes })
  } catch (err) {
    const e = err as NodeJS.ErrnoException
    if (e.code === 'ERR_BUFFER_TOO_LARGE') throw new ChartArchiveError(`decompresses past ${maxBytes} bytes`)
    throw new ChartArchiveError(`not a gzipped archive: ${e.message}`)
  }
  const files = new Map<string, Uint8Array>()
  let top: string | undefined
  let at = 0
  let longName: string | undefined
  let ended = false
  while (at + BLOCK <= tar.length) {
    const h = tar.subarray(at, at + BLOCK)
    if (h.every((b) => b === 0)) {
      ended = true
      break
    }
    const length = size(h)
    const type = String.fromCharCode(h[156] ?? 0x30)
    const start = at + BLOCK
    if (start + length > tar.length) throw new ChartArchiveError('truncated archive')
    const data = tar.subarray(start, start + length)
    at = start + Math.ceil(length / BLOCK) * BLOCK
    if (type === 'x') {
      longName = paxPath(data)
      continue
    }
    if (type === 'L') {
      longName = text(data, 0, data.length)
      continue
    }
    if (type === 'g') continue
    const prefix = text(h, 345, 155)
    const name = safePath(longName ?? (prefix === '' ? text(h, 0, 100) : `${prefix}/${text(h, 0, 100)}`))
    longName = undefined
    if (type === '5') continue
    if (type !== '0' && type !== '\0') throw new ChartArchiveError(`entry '${name}' is not a regular file (links are refused)`)
    const slash = name.indexOf('/')
    if (slash <= 0) throw new ChartArchiveError(`entry '${name}' is not inside the chart's folder`)
    const folder = name.slice(0, slash)
    if (top !== undefined && folder !== top) throw new ChartArchiveError(`entries in two folders ('${top}', '${folder}')`)
    top = folder
    files.set(name.slice(slash + 1), Buffer.from(data))
  }
  if (!ended && at < tar.length) throw new ChartArchiveError('truncated archive')
  if (top === undefined || !files.has('Chart.yaml')) throw new ChartArchiveError('no Chart.yaml in the archive')
  return { top, files }
}
