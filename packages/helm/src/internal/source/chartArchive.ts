// A chart archive fetched from a repository, read strictly: unlike a subchart in charts/ (which
// Helm's loader reads leniently), a downloaded archive with a link, a device, an absolute path or
// a `..` segment is refused outright, as is one that is truncated or decompresses past the limit.
import { gunzipSync } from '../lazy.js'
import { tarEntries } from '../tarEntries.js'

/** An archive that cannot be unpacked safely; the message says why. */
export class ChartArchiveError extends Error {}

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
  const listing = tarEntries(tar, (message) => new ChartArchiveError(message))
  for (const entry of listing.entries) {
    const name = safePath(entry.name)
    if (entry.type === '5') continue
    if (entry.type !== '0' && entry.type !== '\0') throw new ChartArchiveError(`entry '${name}' is not a regular file (links are refused)`)
    const slash = name.indexOf('/')
    if (slash <= 0) throw new ChartArchiveError(`entry '${name}' is not inside the chart's folder`)
    const folder = name.slice(0, slash)
    if (top !== undefined && folder !== top) throw new ChartArchiveError(`entries in two folders ('${top}', '${folder}')`)
    top = folder
    files.set(name.slice(slash + 1), Buffer.from(entry.data))
  }
  if (!listing.ended) throw new ChartArchiveError('truncated archive')
  if (top === undefined || !files.has('Chart.yaml')) throw new ChartArchiveError('no Chart.yaml in the archive')
  return { top, files }
}
