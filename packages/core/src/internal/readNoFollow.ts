// A read of a file that follows no symlink, for nodeFs's readFileNoFollow: one open file
// descriptor, checked to be the regular file at the path given before a byte is read.
import { closeSync, constants, fstatSync, lstatSync, openSync, promises as fsp, readlinkSync, readSync, realpathSync } from 'node:fs'
import type { Stats } from 'node:fs'
import type { FileHandle } from 'node:fs/promises'
import { dirname } from 'node:path'
import { CoreError } from '../errors.js'

function notAFile(path: string): CoreError {
  return new CoreError({ code: 'CORE_FS_NOT_A_FILE', message: `${path}: is a directory, not a file`, details: { path } })
}

function notARegularFile(path: string): CoreError {
  return new CoreError({ code: 'CORE_FS_NOT_A_FILE', message: `${path}: not a regular file`, details: { path } })
}

function symlinkRefused(path: string): CoreError {
  return new CoreError({
    code: 'CORE_FS_SYMLINK_REFUSED',
    message: `${path}: a symlink is on the path (or the file moved); this read follows none`,
    details: { path },
  })
}

// O_NOFOLLOW refuses a symlink as the last part of the path; O_NONBLOCK keeps a FIFO (refused
// after the open) from waiting for a writer. Windows has neither: there the file is compared with
// what lstat saw before the open.
const { O_NOFOLLOW, O_NONBLOCK, O_RDONLY } = constants as { readonly O_NOFOLLOW?: number; readonly O_NONBLOCK?: number; readonly O_RDONLY: number }
const noFollowFlags = O_NOFOLLOW === undefined ? undefined : O_RDONLY | O_NOFOLLOW | (O_NONBLOCK ?? 0)

// Whether /proc/self/fd tells the path of an open file (Linux): unknown until first asked.
let procFd: boolean | undefined

/** Where the open file `fd` really is, by the kernel's account, when the system tells (Linux). */
function openedPath(fd: number): string | undefined {
  if (procFd === false) return undefined
  try {
    // A read of the kernel's own table, in memory: no disk, no reason for the thread pool.
    const where = readlinkSync(`/proc/self/fd/${fd}`)
    procFd = true
    return where
  } catch {
    procFd ??= false
    return undefined
  }
}

/** The typed error for a failed open: a symlink refused, or a socket (ENXIO) that is no regular file. */
function openFailed(err: unknown, rel: string): unknown {
  // O_NOFOLLOW met a symlink (Linux and macOS say ELOOP, FreeBSD EMLINK); a unix socket cannot be
  // opened (ENXIO): it is no regular file, as a FIFO or a device is not.
  const code = (err as NodeJS.ErrnoException).code
  if (code === 'ELOOP' || code === 'EMLINK') return symlinkRefused(rel)
  if (code === 'ENXIO') return notARegularFile(rel)
  return err
}

/**
 * Whether what the descriptor opened is the regular file named, reached through no symlink: the
 * error to throw, or undefined (where the kernel cannot name the file, the caller checks the folder).
 */
function refusal(fd: number, st: Stats, { abs, rel, before }: { abs: string; rel: string; before: Stats | undefined }): CoreError | undefined {
  if (st.isDirectory()) return notAFile(rel)
  if (!st.isFile()) return notARegularFile(rel)
  if (before !== undefined && (before.dev !== st.dev || before.ino !== st.ino)) return symlinkRefused(rel)
  // A folder on the way may have become a symlink: the kernel names the file it opened (Linux), and
  // its folder must be the one given. Only the folder: the name itself O_NOFOLLOW checked at the
  // open, and a file renamed over or removed since (`… (deleted)`) is still the one opened there.
  const where = openedPath(fd)
  if (where !== undefined && dirname(where) !== dirname(abs)) return symlinkRefused(rel)
  return undefined
}

/** Test seam: called between the open and the checks of the descriptor (tests swap files there). */
export const readNoFollowHooks: { afterOpen?: (abs: string) => void } = {}

/**
 * The bytes of the regular file at `abs` (an absolute path with no symlink in it; `rel` names it
 * in errors), read from one open file descriptor: nothing on the path may be a symlink, now or
 * between the checks and the read.
 */
export async function readNoFollow(abs: string, rel: string): Promise<Uint8Array> {
  const before = noFollowFlags === undefined ? await fsp.lstat(abs) : undefined
  if (before !== undefined && before.isSymbolicLink()) throw symlinkRefused(rel)
  let handle: FileHandle
  try {
    handle = await fsp.open(abs, noFollowFlags ?? O_RDONLY)
  } catch (err) {
    throw openFailed(err, rel)
  }
  try {
    readNoFollowHooks.afterOpen?.(abs)
    const st = await handle.stat()
    const refused = refusal(handle.fd, st, { abs, rel, before })
    if (refused !== undefined) throw refused
    // Where the kernel cannot name the file, the folder's real path, asked after the open, must
    // still be the one given.
    if (procFd !== true && (await fsp.realpath(dirname(abs))) !== dirname(abs)) throw symlinkRefused(rel)
    // The file's own memory, sized by fstat, as nodeFs's readFile returns it; read to that size as
    // Node's readFile does (a file that shrank meanwhile is copied to its length). A size of 0 may be
    // a file that does not tell its size: it is read to its end.
    if (st.size === 0) return new Uint8Array(await handle.readFile())
    const bytes = new Uint8Array(st.size)
    let filled = 0
    while (filled < bytes.byteLength) {
      const { bytesRead } = await handle.read(bytes, filled, bytes.byteLength - filled, null)
      if (bytesRead === 0) return bytes.slice(0, filled)
      filled += bytesRead
    }
    return bytes
  } finally {
    await handle.close()
  }
}

/**
 * The bytes of the regular file at `abs`, an absolute path with no symlink in it, following none,
 * read synchronously from one open file descriptor (`FileSystem.readFileNoFollow` for file systems
 * that read synchronously, as the cli's disk does). `rel` names the file in errors.
 *
 * @throws `CORE_FS_SYMLINK_REFUSED` when a symlink is on the path (or the file moved to another
 * folder), `CORE_FS_NOT_A_FILE` for a directory, FIFO, socket or device; Node's own errors
 * (`ENOENT`, `ENOTDIR`) otherwise, for the caller to name.
 */
export function readFileNoFollowSync(abs: string, rel: string): Uint8Array {
  const before = noFollowFlags === undefined ? lstatSync(abs) : undefined
  if (before !== undefined && before.isSymbolicLink()) throw symlinkRefused(rel)
  let fd: number
  try {
    fd = openSync(abs, noFollowFlags ?? O_RDONLY)
  } catch (err) {
    throw openFailed(err, rel)
  }
  try {
    readNoFollowHooks.afterOpen?.(abs)
    const st = fstatSync(fd)
    const refused = refusal(fd, st, { abs, rel, before })
    if (refused !== undefined) throw refused
    if (procFd !== true && realpathSync.native(dirname(abs)) !== dirname(abs)) throw symlinkRefused(rel)
    const chunks: Uint8Array[] = []
    let bytes = new Uint8Array(st.size > 0 ? st.size : 64 << 10)
    let filled = 0
    for (;;) {
      const n = readSync(fd, bytes, filled, bytes.byteLength - filled, null)
      if (n === 0) break
      filled += n
      if (filled === bytes.byteLength) {
        if (st.size > 0) return bytes
        // A file that does not tell its size: read in pieces to its end.
        chunks.push(bytes)
        bytes = new Uint8Array(64 << 10)
        filled = 0
      }
    }
    if (chunks.length === 0) return filled === bytes.byteLength ? bytes : bytes.slice(0, filled)
    chunks.push(bytes.subarray(0, filled))
    const out = new Uint8Array(chunks.reduce((n, c) => n + c.byteLength, 0))
    let at = 0
    for (const c of chunks) {
      out.set(c, at)
      at += c.byteLength
    }
    return out
  } finally {
    closeSync(fd)
  }
}
