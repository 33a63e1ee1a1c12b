// The entries of an uncompressed tar stream (ustar with PAX and GNU long names), shared by the two
// chart-archive readers: the lenient one of Helm's loader for `charts/*.tgz` and the strict one for
// archives fetched from a repository. Each reader decides which entry types it accepts.

const BLOCK = 512

/** One tar entry: its path (long names applied), its type flag and its bytes. */
export interface TarEntry {
  readonly name: string
  /** The ustar type flag: '0' or '\0' for a regular file, '5' for a folder, '1'/'2' for links. */
  readonly type: string
  readonly data: Buffer
}

/** The entries of `tar` in archive order, and whether its end-of-archive block was reached. */
export interface TarListing {
  readonly entries: readonly TarEntry[]
  readonly ended: boolean
}

function text(h: Buffer, at: number, length: number): string {
  const raw = h.subarray(at, at + length)
  const nul = raw.indexOf(0)
  return raw.subarray(0, nul < 0 ? raw.length : nul).toString('utf8')
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

/**
 * Lists the entries of an uncompressed tar stream. PAX (`x`) and GNU (`L`) long names apply to the
 * next entry; global PAX headers (`g`) are skipped. `fail` makes the reader's own error from a
 * message ('invalid tar header', 'truncated archive').
 */
export function tarEntries(tar: Buffer, fail: (message: string) => Error): TarListing {
  const entries: TarEntry[] = []
  let at = 0
  let longName: string | undefined
  while (at + BLOCK <= tar.length) {
    const h = tar.subarray(at, at + BLOCK)
    if (h.every((b) => b === 0)) return { entries, ended: true }
    const rawSize = text(h, 124, 12).trim()
    const size = rawSize === '' ? 0 : parseInt(rawSize, 8)
    if (!Number.isSafeInteger(size) || size < 0 || !/^[0-7]*$/u.test(rawSize)) throw fail('invalid tar header')
    const type = String.fromCharCode(h[156] ?? 0x30)
    const start = at + BLOCK
    if (start + size > tar.length) throw fail('truncated archive')
    const data = tar.subarray(start, start + size)
    at = start + Math.ceil(size / BLOCK) * BLOCK
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
    entries.push({ name: longName ?? (prefix === '' ? text(h, 0, 100) : `${prefix}/${text(h, 0, 100)}`), type, data })
    longName = undefined
  }
  return { entries, ended: at >= tar.length }
}
