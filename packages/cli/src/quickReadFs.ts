// `gitops template` of a chart directory reads every file of the chart (hundreds of templates).
// core's nodeFs reads each through fs.promises: a realpath, then open, fstat, read and close, each
// a trip through libuv's thread pool and a promise, about a tenth of the command's CPU for a
// 300-template chart. A one-shot command has nothing to run meanwhile, so the reads here are
// synchronous; everything else, and every read that does not go plainly, goes to nodeFs, whose
// answers and errors (not found, not a file, a symlink leading outside the root) are the ones the
// command gives either way.
import { closeSync, constants, fstatSync, openSync, readSync, realpathSync } from 'node:fs'
import { join, sep } from 'node:path'
import type { FileSystem } from '@gitops-sdk/core'

// A path as the chart loader passes it: relative, `/`-separated, no `.` or `..` segment.
const plainPath = /^(?!\.{1,2}(?:\/|$))[^/\\\0]+(?:\/(?!\.{1,2}(?:\/|$))[^/\\\0]+)*$/
// Larger files take nodeFs's read.
const maxQuickSize = 64 << 20
// Where open cannot refuse a symlink (Windows), every read takes nodeFs's.
const noFollow = constants.O_NOFOLLOW as number | undefined

/**
 * `fs` (nodeFs over `root`) with a synchronous fast path for readFile: a plain relative path
 * naming a regular file (not a symlink) in a directory whose real location is inside the real
 * `root` is read at once; any other path, and any failure, is answered by `fs.readFile` itself.
 */
export function quickReadFs(fs: FileSystem, root: string): FileSystem {
  let realRoot: string | null | undefined
  // The real path of each directory read from (a chart's files share a handful), so that a file
  // costs an open that follows no symlink rather than a realpath of its whole path.
  const realDirs = new Map<string, string | null>()
  const realDir = (dir: string, base: string): string | null => {
    let real = realDirs.get(dir)
    if (real === undefined) {
      try {
        real = dir === '' ? base : realpathSync.native(join(base, ...dir.split('/')))
        if (real !== base && !real.startsWith(base.endsWith(sep) ? base : base + sep)) real = null
      } catch {
        real = null
      }
      realDirs.set(dir, real)
    }
    return real
  }
  const quick = (path: string): Uint8Array | undefined => {
    if (noFollow === undefined || !plainPath.test(path)) return undefined
    if (realRoot === undefined) {
      try {
        realRoot = realpathSync.native(root)
      } catch {
        realRoot = null
      }
    }
    if (realRoot === null) return undefined
    const slash = path.lastIndexOf('/')
    const dir = realDir(slash < 0 ? '' : path.slice(0, slash), realRoot)
    if (dir === null) return undefined
    let fd: number | undefined
    try {
      // A symlink as the file itself fails the open (O_NOFOLLOW) and goes to nodeFs, which checks
      // where it leads; non-blocking, so that a FIFO in the file's place never holds the open.
      fd = openSync(join(dir, path.slice(slash + 1)), constants.O_RDONLY | constants.O_NONBLOCK | noFollow)
      const st = fstatSync(fd)
      if (!st.isFile() || st.size > maxQuickSize) return undefined
      // The size fstat gave (as readFileSync reads a regular file, without its second fstat), into
      // memory of this file alone; a file that shrinks meanwhile is left to nodeFs.
      const bytes = new Uint8Array(st.size)
      let at = 0
      while (at < bytes.length) {
        const n = readSync(fd, bytes, at, bytes.length - at, at)
        if (n === 0) return undefined
        at += n
      }
      return bytes
    } catch {
      return undefined
    } finally {
      if (fd !== undefined) closeSync(fd)
    }
  }
  return {
    readFile: async (path) => quick(path) ?? fs.readFile(path),
    readdir: (path) => fs.readdir(path),
    stat: (path) => fs.stat(path),
    ...(fs.realpath === undefined ? {} : { realpath: (path: string) => (fs.realpath as (p: string) => Promise<string>).call(fs, path) }),
  }
}
