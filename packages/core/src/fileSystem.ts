// node:fs/promises is reached through fs.promises, when first used: the gitops command's bundle runs
// this module's imports at every start, and loading that module costs a few milliseconds.
import { promises as fsp } from 'node:fs'
import { join, sep } from 'node:path'
import { CoreError } from './errors.js'
import { readNoFollow } from './internal/readNoFollow.js'

/** Kind of a directory entry. */
export type EntryType = 'file' | 'directory' | 'symlink' | 'other'

/** One entry of a directory listing. */
export interface DirEntry {
  /** The entry's name, without its folder. */
  readonly name: string
  /** What the entry is (symlinks are not followed). */
  readonly type: EntryType
}

/** What {@link FileSystem.stat} tells about a path (symlinks inside the root are followed). */
export interface FileStat {
  /** What the path is, symlinks inside the root followed. */
  readonly type: 'file' | 'directory'
  /** Size in bytes (0 for directories). */
  readonly size: number
  /** Unix permission bits such as `0o644` or `0o755`. */
  readonly mode: number
}

/**
 * A read-only file tree with its own root, the seam between the packages: git-source hands one
 * out for an artifact, secrets and render read through one. Paths are POSIX and relative to the
 * root (`''` or `.` is the root; a leading `/` is the root too); nothing outside the root can be
 * reached, not by `..` and not through a symlink.
 */
export interface FileSystem {
  /** The bytes of a file. @throws `CORE_FS_NOT_FOUND`, `CORE_FS_NOT_A_FILE`, `CORE_FS_PATH_ESCAPES_ROOT` */
  readFile(path: string): Promise<Uint8Array>
  /** The entries of a directory, sorted by name. @throws `CORE_FS_NOT_FOUND`, `CORE_FS_NOT_A_DIRECTORY` */
  readdir(path: string): Promise<DirEntry[]>
  /** What is at `path`, or `undefined` when nothing is. @throws `CORE_FS_PATH_ESCAPES_ROOT` */
  stat(path: string): Promise<FileStat | undefined>
  /**
   * Where `path` really is, with every symlink followed, as a normalised path from this root; a
   * path that does not exist is returned normalised. Only file systems that can hold symlinks
   * have it: readers that must keep reads below a directory (render's load restrictions) ask it.
   * @throws `CORE_FS_PATH_ESCAPES_ROOT`
   */
  realpath?(path: string): Promise<string>
  /**
   * The bytes of the regular file at `path`, a path with no symlink in it (as {@link realpath}
   * returns one), following none: what a reader checked is what it reads, even when the tree
   * changes in between. A symlink anywhere on the path is refused, and so is anything but a
   * regular file (a FIFO would wait forever). File systems that can hold symlinks have it.
   * `named`, when given, is the path the reader was asked for before its folders' symlinks were
   * resolved into `path`: a file system that shows files by the path they were given
   * ({@link overlayFs}) answers for that name, and under no other; disks ignore it.
   * @throws `CORE_FS_SYMLINK_REFUSED`, `CORE_FS_NOT_FOUND`, `CORE_FS_NOT_A_FILE`, `CORE_FS_PATH_ESCAPES_ROOT`
   */
  readFileNoFollow?(path: string, named?: string): Promise<Uint8Array>
}

/** A backslash, an empty segment (`//`, leading or trailing `/`), or a `.` or `..` segment. */
const NEEDS_NORMALISING = /\\|\/\/|^\/|\/$|(?:^|\/)\.\.?(?:\/|$)/

/**
 * Normalises a path inside a file system: POSIX separators, no `.` segments, `..` resolved, no
 * leading or trailing slash. `''` is the root.
 *
 * @throws `CORE_FS_PATH_ESCAPES_ROOT` when `..` climbs above the root.
 */
export function normalizePath(path: string): string {
  // Most paths are normal already (render and the disk file systems pass their own results back):
  // one test instead of a split and a join per call.
  if (typeof path === 'string' && !NEEDS_NORMALISING.test(path)) return path
  const parts: string[] = []
  for (const part of path.replaceAll('\\', '/').split('/')) {
    if (part === '' || part === '.') continue
    if (part === '..') {
      if (parts.length === 0) {
        throw new CoreError({
          code: 'CORE_FS_PATH_ESCAPES_ROOT',
          message: `${path}: path escapes the root`,
          details: { path },
        })
      }
      parts.pop()
      continue
    }
    parts.push(part)
  }
  return parts.join('/')
}

/** Reads a file as UTF-8 text. */
export async function readTextFile(fs: FileSystem, path: string): Promise<string> {
  return new TextDecoder().decode(await fs.readFile(path))
}

function notFound(path: string): CoreError {
  return new CoreError({ code: 'CORE_FS_NOT_FOUND', message: `${path}: no such file or directory`, details: { path } })
}

function notAFile(path: string): CoreError {
  return new CoreError({ code: 'CORE_FS_NOT_A_FILE', message: `${path}: is a directory, not a file`, details: { path } })
}

function notADirectory(path: string): CoreError {
  return new CoreError({ code: 'CORE_FS_NOT_A_DIRECTORY', message: `${path}: not a directory`, details: { path } })
}

function byName(a: DirEntry, b: DirEntry): number {
  return a.name < b.name ? -1 : a.name > b.name ? 1 : 0
}

/**
 * A {@link FileSystem} over a directory on disk. Symlinks are followed only while they stay inside
 * `root`; one pointing outside fails with `CORE_FS_PATH_ESCAPES_ROOT`.
 *
 * @example
 * ```ts
 * const objects = await render('clusters/prod', { fs: nodeFs('/srv/fleet') })
 * ```
 */
export function nodeFs(root: string): FileSystem {
  let realRoot: Promise<string> | undefined
  const resolve = async (path: string): Promise<{ rel: string; abs: string; found?: true }> => {
    const rel = normalizePath(path)
    realRoot ??= fsp.realpath(root)
    const base = await realRoot
    const abs = rel === '' ? base : join(base, ...rel.split('/'))
    let real: string
    try {
      real = await fsp.realpath(abs)
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR') {
        return { rel, abs }
      }
      throw err
    }
    if (real !== base && !real.startsWith(base.endsWith(sep) ? base : base + sep)) {
      throw new CoreError({
        code: 'CORE_FS_PATH_ESCAPES_ROOT',
        message: `${rel}: a symlink leads outside the root`,
        details: { path: rel },
      })
    }
    return { rel, abs: real, found: true }
  }
  const realpath = async (path: string): Promise<string> => {
    const { rel, abs, found } = await resolve(path)
    if (found === undefined && rel !== '') {
      // A path that does not exist (yet, or only in an overlay) is where its directory really is:
      // the same answer whether or not a symlinked folder leads to it.
      const slash = rel.lastIndexOf('/')
      if (slash < 0) return rel
      const dir = await realpath(rel.slice(0, slash))
      return dir === '' ? rel.slice(slash + 1) : `${dir}/${rel.slice(slash + 1)}`
    }
    // resolve() has read the root's real path.
    const base = await (realRoot as Promise<string>)
    if (abs === base) return ''
    return abs.startsWith(base + sep) ? abs.slice(base.length + 1).split(sep).join('/') : rel
  }
  return {
    async readFile(path) {
      const { rel, abs } = await resolve(path)
      try {
        // A view of the memory readFile allocated for this file alone, not a copy (megabytes of
        // manifests were copied once more for nothing). A small file whose size stat does not
        // know may come back in a slice of Node's shared pool: that one is copied, so the
        // result's .buffer never holds anything but the file.
        const bytes = await fsp.readFile(abs)
        if (bytes.byteOffset !== 0 || bytes.buffer.byteLength !== bytes.byteLength) return new Uint8Array(bytes)
        return new Uint8Array(bytes.buffer, 0, bytes.byteLength)
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code
        if (code === 'ENOENT' || code === 'ENOTDIR') throw notFound(rel)
        if (code === 'EISDIR') throw notAFile(rel)
        throw err
      }
    },
    async readdir(path) {
      const { rel, abs } = await resolve(path)
      try {
        const entries = await fsp.readdir(abs, { withFileTypes: true })
        return entries
          .map((e): DirEntry => ({
            name: e.name,
            type: e.isFile() ? 'file' : e.isDirectory() ? 'directory' : e.isSymbolicLink() ? 'symlink' : 'other',
          }))
          .sort(byName)
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code
        if (code === 'ENOENT') throw notFound(rel)
        if (code === 'ENOTDIR') throw notADirectory(rel)
        throw err
      }
    },
    realpath,
    async readFileNoFollow(path) {
      const rel = normalizePath(path)
      realRoot ??= fsp.realpath(root)
      const base = await realRoot
      if (rel === '') throw notAFile(rel)
      const abs = join(base, ...rel.split('/'))
      try {
        return await readNoFollow(abs, rel)
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code
        if (code === 'ENOENT' || code === 'ENOTDIR') throw notFound(rel)
        throw err
      }
    },
    async stat(path) {
      const { abs } = await resolve(path)
      try {
        const s = await fsp.stat(abs)
        if (!s.isFile() && !s.isDirectory()) return undefined
        return { type: s.isFile() ? 'file' : 'directory', size: s.isFile() ? s.size : 0, mode: s.mode & 0o777 }
      } catch (err) {
        const code = (err as NodeJS.ErrnoException).code
        if (code === 'ENOENT' || code === 'ENOTDIR') return undefined
        throw err
      }
    },
  }
}

/** Contents of an in-memory file: text (stored as UTF-8) or bytes. */
export type FileContent = string | Uint8Array

/** An in-memory {@link FileSystem} that can also be written to, for tests and generated trees. */
export interface MemoryFileSystem extends FileSystem {
  /** Creates or replaces a file; parent directories appear implicitly. */
  writeFile(path: string, content: FileContent, mode?: number): void
  /** Removes a file. */
  removeFile(path: string): void
  /** Every file path, sorted. */
  paths(): string[]
}

/**
 * An in-memory {@link FileSystem} holding `files` (path → content). Directories are implied by the
 * paths.
 *
 * @example
 * ```ts
 * const fs = memoryFs({ 'app/kustomization.yaml': 'resources: [deploy.yaml]\n', 'app/deploy.yaml': deployment })
 * ```
 */
export function memoryFs(files: Readonly<Record<string, FileContent>> = {}): MemoryFileSystem {
  const encoder = new TextEncoder()
  const contents = new Map<string, { data: Uint8Array; mode: number }>()
  const dirs = new Map<string, Set<string>>([['', new Set()]])
  const addParents = (path: string): void => {
    let child = path
    for (;;) {
      const slash = child.lastIndexOf('/')
      const parent = slash < 0 ? '' : child.slice(0, slash)
      let set = dirs.get(parent)
      if (set === undefined) dirs.set(parent, (set = new Set()))
      set.add(slash < 0 ? child : child.slice(slash + 1))
      if (parent === '') return
      child = parent
    }
  }
  const fs: MemoryFileSystem = {
    writeFile(path, content, mode = 0o644) {
      const rel = normalizePath(path)
      if (rel === '' || dirs.has(rel)) throw notAFile(rel)
      contents.set(rel, { data: typeof content === 'string' ? encoder.encode(content) : content, mode })
      addParents(rel)
    },
    removeFile(path) {
      const rel = normalizePath(path)
      if (!contents.delete(rel)) throw notFound(rel)
      const slash = rel.lastIndexOf('/')
      dirs.get(slash < 0 ? '' : rel.slice(0, slash))?.delete(slash < 0 ? rel : rel.slice(slash + 1))
    },
    paths() {
      return [...contents.keys()].sort()
    },
    // async so that a bad path rejects the promise rather than throwing at the call.
    async readFile(path) {
      const rel = normalizePath(path)
      const file = contents.get(rel)
      if (file !== undefined) return file.data
      throw dirs.has(rel) ? notAFile(rel) : notFound(rel)
    },
    async readdir(path) {
      const rel = normalizePath(path)
      const names = dirs.get(rel)
      if (names === undefined) throw contents.has(rel) ? notADirectory(rel) : notFound(rel)
      const prefix = rel === '' ? '' : `${rel}/`
      const entries = [...names].map(
        (name): DirEntry => ({ name, type: dirs.has(prefix + name) ? 'directory' : 'file' }),
      )
      return entries.sort(byName)
    },
    async stat(path) {
      const rel = normalizePath(path)
      const file = contents.get(rel)
      if (file !== undefined) return { type: 'file', size: file.data.byteLength, mode: file.mode }
      return dirs.has(rel) ? { type: 'directory', size: 0, mode: 0o755 } : undefined
    },
  }
  for (const [path, content] of Object.entries(files)) fs.writeFile(path, content)
  return fs
}
