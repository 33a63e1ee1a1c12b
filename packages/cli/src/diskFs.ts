// The whole disk as a core FileSystem, read synchronously, for the commands that build a directory
// given on the command line. Rooted at the file system root, so overlays reach their bases
// (`../../base`); render itself keeps every kustomization's file loads inside its own directory.
import { closeSync, constants, fstatSync, lstatSync, openSync, readdirSync, readFileSync, realpathSync, statSync } from 'node:fs'
import { CoreError, normalizePath, readFileNoFollowSync } from '@gitops-sdk/core'
import type { FileSystem } from '@gitops-sdk/core'

/**
 * The whole disk as a FileSystem, read synchronously. core's nodeFs resolves every path's real
 * path to keep reads inside its root; rooted at the file system root nothing can leave it, and a
 * command-line build has nothing else to do while it waits, so direct synchronous calls are what
 * make \`gitops build\` fast on trees of thousands of files.
 */
// O_NONBLOCK lets open() of a FIFO return at once instead of waiting for a writer (absent on Windows).
const NONBLOCK: number = (constants as { O_NONBLOCK?: number }).O_NONBLOCK ?? 0

export function diskFs(root: string): FileSystem {
  const abs = (path: string): string => root + normalizePath(path)
  const fail = (code: 'CORE_FS_NOT_FOUND' | 'CORE_FS_NOT_A_FILE' | 'CORE_FS_NOT_A_DIRECTORY', path: string): never => {
    const what = code === 'CORE_FS_NOT_FOUND' ? 'no such file or directory' : code === 'CORE_FS_NOT_A_FILE' ? 'is a directory, not a file' : 'not a directory'
    throw new CoreError({ code, message: `${normalizePath(path)}: ${what}`, details: { path: normalizePath(path) } })
  }
  const errno = (err: unknown): string | undefined => (err as NodeJS.ErrnoException).code
  const realDirs = new Map<string, string>()
  return {
    async readFile(path) {
      // Regular files only: a FIFO, a socket or a device named as a resource would block this
      // synchronous read (and with it the signal handlers) forever, or never end. Opened without
      // blocking, then checked on the open descriptor, so nothing can be swapped in between.
      let fd: number
      try {
        fd = openSync(abs(path), constants.O_RDONLY | NONBLOCK)
      } catch (err) {
        if (errno(err) === 'ENOENT' || errno(err) === 'ENOTDIR') return fail('CORE_FS_NOT_FOUND', path)
        if (errno(err) === 'EISDIR') return fail('CORE_FS_NOT_A_FILE', path)
        throw err
      }
      try {
        const st = fstatSync(fd)
        if (st.isDirectory()) return fail('CORE_FS_NOT_A_FILE', path)
        if (!st.isFile()) {
          throw new CoreError({
            code: 'CORE_FS_NOT_A_FILE',
            message: `${normalizePath(path)}: not a regular file (a FIFO, socket or device); only regular files are read`,
            details: { path: normalizePath(path) },
          })
        }
        return readFileSync(fd)
      } catch (err) {
        if (errno(err) === 'EISDIR') return fail('CORE_FS_NOT_A_FILE', path)
        throw err
      } finally {
        closeSync(fd)
      }
    },
    async readdir(path) {
      try {
        return readdirSync(abs(path), { withFileTypes: true })
          .map((e) => ({ name: e.name, type: e.isFile() ? ('file' as const) : e.isDirectory() ? ('directory' as const) : e.isSymbolicLink() ? ('symlink' as const) : ('other' as const) }))
          .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
      } catch (err) {
        if (errno(err) === 'ENOENT') return fail('CORE_FS_NOT_FOUND', path)
        if (errno(err) === 'ENOTDIR') return fail('CORE_FS_NOT_A_DIRECTORY', path)
        throw err
      }
    },
    async realpath(path) {
      const rel = normalizePath(path)
      const full = abs(rel)
      const slash = full.lastIndexOf('/')
      try {
        // A directory's real path is asked once; a file then costs one lstat.
        const dir = slash <= 0 ? '/' : full.slice(0, slash)
        let realDir = realDirs.get(dir)
        if (realDir === undefined) realDirs.set(dir, (realDir = realpathSync.native(dir)))
        const candidate = `${realDir === '/' ? '' : realDir}/${full.slice(slash + 1)}`
        const st = lstatSync(candidate, { throwIfNoEntry: false })
        if (st === undefined) return rel
        const real = st.isSymbolicLink() ? realpathSync.native(candidate) : candidate
        return normalizePath(real.startsWith(root) ? real.slice(root.length) : real)
      } catch (err) {
        if (errno(err) === 'ENOENT' || errno(err) === 'ENOTDIR') return rel
        throw err
      }
    },
    // A real path (as realpath above gives it) read following no symlink, by core's read: render
    // reads a file its folder's listing showed this way, so a file swapped for a symlink after the
    // listing is refused instead of read through the link.
    async readFileNoFollow(path) {
      const rel = normalizePath(path)
      if (rel === '') return fail('CORE_FS_NOT_A_FILE', path)
      try {
        return readFileNoFollowSync(abs(rel), rel)
      } catch (err) {
        if (errno(err) === 'ENOENT' || errno(err) === 'ENOTDIR') return fail('CORE_FS_NOT_FOUND', path)
        throw err
      }
    },
    async stat(path) {
      try {
        const s = statSync(abs(path))
        // A FIFO, socket or device is shown as a file, so that reading it fails naming it
        // (CORE_FS_NOT_A_FILE) instead of the build calling it missing.
        return { type: s.isDirectory() ? 'directory' : 'file', size: s.isFile() ? s.size : 0, mode: s.mode & 0o777 }
      } catch (err) {
        if (errno(err) === 'ENOENT' || errno(err) === 'ENOTDIR') return undefined
        throw err
      }
    },
  }
}
