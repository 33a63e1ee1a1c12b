// A read of a file that follows no symlink, for nodeFs's readFileNoFollow: one open file
// descriptor, checked to be the regular file at the path given before a byte is read.
import { constants, promises as fsp, readlinkSync } from 'node:fs'
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
    // O_NOFOLLOW met a symlink (Linux and macOS say ELOOP, FreeBSD EMLINK).
    const code = (err as NodeJS.ErrnoException).code
    if (code === 'ELOOP' || code === 'EMLINK') throw symlinkRefused(rel)
    throw err
  }
  try {
    const st = await handle.stat()
    if (st.isDirectory()) throw notAFile(rel)
    if (!st.isFile()) throw notARegularFile(rel)
    if (before !== undefined && (before.dev !== st.dev || before.ino !== st.ino)) throw symlinkRefused(rel)
    // A folder on the way may have become a symlink: the kernel names the file it opened (Linux);
    // elsewhere the folder's real path, asked after the open, must still be the one given.
    const where = openedPath(handle.fd)
    if (where !== undefined ? where !== abs : (await fsp.realpath(dirname(abs))) !== dirname(abs)) throw symlinkRefused(rel)
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
