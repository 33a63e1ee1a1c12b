// A checkout of a pulled artifact: written into a sibling directory and renamed into place, so a
// failure never leaves half a tree where the old one was.
import { mkdir, mkdtemp, rename, rm, writeFile } from 'node:fs/promises'
import { basename, dirname, join } from 'node:path'
import type { TarFile } from './tar.js'

/** Replaces `dir` with exactly `files`. */
export async function writeTree(dir: string, files: readonly TarFile[], signal: AbortSignal): Promise<void> {
  const parent = dirname(dir)
  await mkdir(parent, { recursive: true })
  const fresh = await mkdtemp(join(parent, `.${basename(dir)}-`))
  try {
    for (const file of files) {
      signal.throwIfAborted()
      const target = join(fresh, ...file.path.split('/'))
      await mkdir(dirname(target), { recursive: true })
      await writeFile(target, file.data, { mode: file.mode, signal })
    }
    const old = `${fresh}-old`
    const replaced = await rename(dir, old).then(
      () => true,
      (err: unknown) => {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return false
        throw err
      },
    )
    await rename(fresh, dir)
    if (replaced) await rm(old, { recursive: true, force: true })
  } catch (err) {
    await rm(fresh, { recursive: true, force: true })
    throw err
  }
}
