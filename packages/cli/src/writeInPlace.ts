// `-i/--in-place` of gitops rotate and updatekeys: the new content replaces the file atomically (a
// temporary file beside it, renamed over it), with the file's mode kept, so an interrupted write
// leaves the old file whole.
import { randomBytes } from 'node:crypto'
import { chmod, rename, rm, stat, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'

/** Replaces the file at `path` with `text`, atomically. */
export async function writeInPlace(path: string, text: string, signal: AbortSignal): Promise<void> {
  const { mode } = await stat(path)
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`)
  try {
    await writeFile(temporary, text, { signal, mode: mode & 0o777, flag: 'wx' })
    await chmod(temporary, mode & 0o777)
    signal.throwIfAborted()
    await rename(temporary, path)
  } catch (err) {
    await rm(temporary, { force: true })
    throw err
  }
}
