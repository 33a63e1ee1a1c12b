// The tarball inside a Flux artifact's layer. Written reproducibly (sorted paths, directories
// first, mtime 0, uid/gid 0, no user names), as Flux's artifact builder strips the environment
// from its headers; read defensively: ustar, PAX and GNU long names, checksums checked, every
// size bounded, paths that leave the root refused.
import { trimCharRun } from '@gitops-sdk/core/light'

/** One file of a tree to pack. */
export interface TarFile {
  readonly path: string
  readonly data: Uint8Array
  /** 0o644 or 0o755. */
  readonly mode: number
}

const block = 512

function octal(value: number, width: number): string {
  return `${value.toString(8).padStart(width - 1, '0')}\0`
}

interface Entry {
  readonly name: string
  readonly type: string
  readonly data: Uint8Array
  readonly mode: number
}

function header({ name, type, size, mode }: { name: string; type: string; size: number; mode: number }): Buffer {
  const h = Buffer.alloc(block)
  h.write(name, 0, 100, 'utf8')
  h.write(octal(mode, 8), 100, 'latin1')
  h.write(octal(0, 8), 108, 'latin1')
  h.write(octal(0, 8), 116, 'latin1')
  h.write(octal(size, 12), 124, 'latin1')
  h.write(octal(0, 12), 136, 'latin1')
  h.write(' '.repeat(8), 148, 'latin1')
  h.write(type, 156, 'latin1')
  h.write('ustar\0', 257, 'latin1')
  h.write('00', 263, 'latin1')
  let sum = 0
  for (const byte of h) sum += byte
  h.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 'latin1')
  return h
}

function padding(size: number): Buffer {
  return Buffer.alloc((block - (size % block)) % block)
}

function paxRecord(key: string, value: string): Buffer {
  const body = ` ${key}=${value}\n`
  const bodyLength = Buffer.byteLength(body)
  // The length counts its own digits.
  let length = bodyLength + String(bodyLength).length
  if (String(length).length + bodyLength !== length) length = String(length).length + bodyLength
  return Buffer.from(`${length}${body}`)
}

function entry({ name, type, data, mode }: Entry): Buffer[] {
  const out: Buffer[] = []
  let stored = name
  if (Buffer.byteLength(name) > 100) {
    const pax = paxRecord('path', name)
    out.push(header({ name: 'PaxHeader', type: 'x', size: pax.byteLength, mode: 0o644 }), pax, padding(pax.byteLength))
    stored = Buffer.from(name).subarray(0, 100).toString('latin1')
  }
  out.push(header({ name: stored, type, size: data.byteLength, mode }), Buffer.from(data), padding(data.byteLength))
  return out
}

/** A tarball of `files` with their parent directories. */
export function packTar(files: readonly TarFile[]): Buffer {
  const dirs = new Set<string>()
  for (const file of files) {
    const parts = file.path.split('/')
    for (let i = 1; i < parts.length; i++) dirs.add(parts.slice(0, i).join('/'))
  }
  const out: Buffer[] = []
  for (const dir of [...dirs].sort()) out.push(...entry({ name: `${dir}/`, type: '5', data: new Uint8Array(), mode: 0o755 }))
  for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) out.push(...entry({ name: file.path, type: '0', data: file.data, mode: file.mode }))
  out.push(Buffer.alloc(block * 2))
  return Buffer.concat(out)
}

/** A tarball that does not parse, or an entry that must not be unpacked. */
export class TarError extends Error {
  override readonly name = 'TarError'
  constructor(
    message: string,
    readonly kind: 'format' | 'unsafe' | 'size',
  ) {
    super(message)
  }
}

/** The files of a tarball, and what was left out. */
export interface UnpackedTar {
  readonly files: TarFile[]
  readonly warnings: string[]
}

function field(h: Buffer, start: number, length: number): string {
  const raw = h.subarray(start, start + length)
  const nul = raw.indexOf(0)
  return raw.toString('utf8', 0, nul < 0 ? length : nul)
}

function number(h: Buffer, start: number, length: number): number {
  if ((h[start] ?? 0) & 0x80) throw new TarError('a base-256 size or mode, larger than any artifact may be', 'size')
  const text = field(h, start, length).trim()
  if (text === '') return 0
  if (!/^[0-7]+$/.test(text)) throw new TarError(`a header field ${JSON.stringify(text)} is not octal`, 'format')
  return Number.parseInt(text, 8)
}

function paxPath(data: Buffer): string | undefined {
  let pos = 0
  let path: string | undefined
  while (pos < data.byteLength) {
    const space = data.indexOf(0x20, pos)
    if (space < 0) throw new TarError('a PAX record without a length', 'format')
    const length = Number(data.toString('latin1', pos, space))
    if (!Number.isInteger(length) || length <= 0 || pos + length > data.byteLength) throw new TarError('a PAX record of a wrong length', 'format')
    const record = data.toString('utf8', space + 1, pos + length - 1)
    const eq = record.indexOf('=')
    if (record.slice(0, eq) === 'path') path = record.slice(eq + 1)
    pos += length
  }
  return path
}

/**
 * `raw.replace(/^(\.\/)+/, '').replace(/\/+$/, '')` in one pass: the first pattern's repeated group
 * kept a backtracking frame per `./` (megabytes of them overflowed the stack, untyped), the second
 * retried from each slash of a run that does not end the path (quadratic). The path is the
 * registry's, as long as the tarball.
 */
export function trimmedEntryPath(raw: string): string {
  let start = 0
  while (raw.startsWith('./', start)) start += 2
  return trimCharRun(raw.slice(start), '/', 'end')
}

/** The path of an entry inside the root, or a {@link TarError} for one that would leave it. */
function safePath(raw: string): string {
  const path = trimmedEntryPath(raw)
  if (path.startsWith('/') || /^[A-Za-z]:/.test(path) || path.includes('\\')) throw new TarError(`${raw}: an absolute path`, 'unsafe')
  const parts = path.split('/')
  if (parts.some((p) => p === '..')) throw new TarError(`${raw}: a path that climbs out of the artifact`, 'unsafe')
  if (parts.some((p) => p === '.git')) throw new TarError(`${raw}: a path through .git`, 'unsafe')
  return parts.filter((p) => p !== '' && p !== '.').join('/')
}

/** Reads a tarball; regular files are kept, directories implied, anything else reported. */
export function unpackTar(tar: Buffer, maxBytes: number): UnpackedTar {
  const files = new Map<string, TarFile>()
  const warnings: string[] = []
  let pos = 0
  let total = 0
  let longName: string | undefined
  while (pos + block <= tar.byteLength) {
    const h = tar.subarray(pos, pos + block)
    if (h.every((b) => b === 0)) break
    let sum = 0
    for (let i = 0; i < block; i++) sum += i >= 148 && i < 156 ? 0x20 : (h[i] as number)
    if (number(h, 148, 8) !== sum) throw new TarError(`the header at byte ${pos} has a wrong checksum`, 'format')
    const size = number(h, 124, 12)
    const type = String.fromCharCode(h[156] ?? 0)
    const start = pos + block
    if (size > tar.byteLength - start) throw new TarError(`the entry at byte ${pos} runs past the end of the tarball`, 'format')
    const data = tar.subarray(start, start + size)
    pos = start + size + ((block - (size % block)) % block)
    if (type === 'x' || type === 'L') {
      longName = type === 'x' ? (paxPath(data) ?? longName) : trimCharRun(data.toString('utf8'), '\0', 'end')
      continue
    }
    if (type === 'g' || type === 'K') continue
    const prefix = field(h, 257, 6) === 'ustar' ? field(h, 345, 155) : ''
    const rawName = longName ?? (prefix === '' ? field(h, 0, 100) : `${prefix}/${field(h, 0, 100)}`)
    longName = undefined
    const path = safePath(rawName)
    if (type === '5') continue
    if (type !== '0' && type !== '\0' && type !== '7') {
      warnings.push(`${rawName}: left out, a ${type === '2' ? 'symlink' : type === '1' ? 'hard link' : `type ${JSON.stringify(type)} entry`}`)
      continue
    }
    if (path === '') throw new TarError(`${rawName}: a file at the artifact's root path`, 'unsafe')
    total += size
    if (total > maxBytes) throw new TarError(`the files add up to more than the limit of ${maxBytes} bytes`, 'size')
    const mode = (number(h, 100, 8) & 0o111) !== 0 ? 0o755 : 0o644
    files.set(path, { path, data: Buffer.from(data), mode })
  }
  return { files: [...files.values()], warnings }
}
